"""What a kiosk screen keeps in its signed session between requests: which result it shows (never the result
itself), the help request it made, a card-and-face attempt under way, what became of a slip, and an error's detail
to speak. This module is the one that writes these keys; preferences.py owns the person's language and display
settings."""

from __future__ import annotations

import time

from flask import session

RESULT_MAX_AGE = 600  # however the page behaves, a result is not kept for the next person longer than this


def show_result(record_id: int, venue: str, help_id: int | None) -> None:
    session["result"] = {"id": record_id, "venue": venue, "shown": int(time.time())}
    if help_id:  # a referral: the screen shows and speaks it when staff say they are coming
        watch_help(help_id, venue)
    else:
        session.pop("help", None)


def result_id(venue: str, fresh_only: bool = True) -> int | None:
    """The check log row this screen shows at `venue`; a result older than RESULT_MAX_AGE is forgotten."""
    kept = session.get("result")
    if not kept:
        return None  # nothing to forget: the session is left as it came, so no stale cookie is sent back
    if kept.get("venue") != venue or (fresh_only and time.time() - kept.get("shown", 0) > RESULT_MAX_AGE):
        if fresh_only:
            session.pop("result", None)
        return None
    return kept["id"]


def watch_help(help_id: int, venue: str) -> None:
    session["help"] = {"id": help_id, "venue": venue}


def help_id(venue: str) -> int | None:
    kept = session.get("help")
    return kept["id"] if kept and kept.get("venue") == venue else None


def watching_help() -> bool:
    return bool(session.get("help"))


def card_face() -> dict | None:
    return session.get("card_face")


def keep_card_face(kept: dict) -> None:
    session.pop("result", None)
    session["card_face"] = kept


def end_card_face() -> None:
    session.pop("card_face", None)


def keep_spoken_details(code: str, details: dict) -> None:
    """An error's detail (an expired pass's date) for its speech: kept signed, so a request cannot choose it."""
    session["spoken_details"] = {"code": code, **{k: v.isoformat() for k, v in details.items()}}


def spoken_details(code: str) -> dict | None:
    kept = session.get("spoken_details") or {}
    return kept if kept.get("code") == code else None


def note_print(record_id: int, outcome: str, asked: bool) -> None:
    """The slip of this result was printed, shown (the demo's simulated printer) or failed, when the person asked
    for it or unasked (a referral at a venue that prints them): said once, on the next screen."""
    session["printed"] = {"id": record_id, "outcome": outcome, "asked": asked}


def print_outcome(record_id: int) -> tuple[str | None, bool]:
    """What became of this result's slip and whether it was asked for, once (the screen that says it takes it);
    (None, False) if no slip was printed."""
    kept = session.pop("printed", None)
    if not kept or kept.get("id") != record_id:
        return None, False
    return kept["outcome"], bool(kept.get("asked"))


def forget() -> None:
    """Start again, or the screen cleared itself: the result, the help request and a slip's outcome are forgotten."""
    session.pop("result", None)
    session.pop("help", None)
    session.pop("printed", None)
