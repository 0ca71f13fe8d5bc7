"""The app's shared services, for the thin blueprints: database, words, demo cards, hash key, clock."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g

from .. import checks, clock


def db():
    return current_app.extensions["assistant"]["db"]


def request_link():
    """The API call's one connection for prepared statements (Database.link), shared by its kiosk lookup and its
    check, and handed back when the request ends (init_app): a check costs one connection from the pool, not two."""
    link = g.get("link")
    if link is None:
        link = g.link = db().link()
    return link


def close_request_link(_error=None) -> None:
    link = g.pop("link", None)
    if link is not None:
        link.close()


def texts():
    return current_app.extensions["assistant"]["texts"]


def demo_cards():
    return current_app.extensions["assistant"]["demo_cards"]


def demo_faces():
    return current_app.extensions["assistant"]["demo_faces"]


def speech():
    return current_app.extensions["assistant"]["speech"]


def faces():
    """The face recogniser (matcher, threshold, this process's gallery)."""
    return current_app.extensions["assistant"]["faces"]


def pass_keys():
    from ..passes import Keys

    return Keys(current_app.config["PASS_KEYS"])


def hash_key() -> bytes:
    return current_app.config["ID_HASH_KEY"].encode()


def chip_key() -> bytes:
    """The secret a card read's chip face is sealed with while it waits for the camera (two minutes at most)."""
    key = current_app.config["SECRET_KEY"]
    return key if isinstance(key, bytes) else key.encode()


def read_keys() -> dict:
    """What cards.reads.receive takes besides the read itself: the check's moment, the keys, the face matcher."""
    return {"at": now(), "hash_key": hash_key(), "matcher": faces().matcher, "secret": chip_key()}


def check_source(channel: str, kiosk: str | None, chosen_by: str | None = None) -> checks.Source:
    """Where a check came from, for the check log: its channel, its kiosk, and which clock it ran on."""
    return checks.Source(
        channel=channel, kiosk=kiosk, clock=clock.label(current_app.config["VALIDATION_AT"], chosen_by)
    )


def now() -> datetime:
    return clock.now(current_app.config["VALIDATION_AT"])
