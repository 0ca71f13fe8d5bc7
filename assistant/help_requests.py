"""The help queue: every Call staff press, every `refer` decision and every run of lookups that found no one asks
staff to come. Staff say "I'm coming" (the kiosk shows and speaks it), then "Done"."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from .clock import stored_now
from .models import CheckRecord, HelpRequest
from .prepared import Link, Prepared
from .problems import Problem

KINDS = ("call_staff", "refer", "too_many_checks", "printer")  # printer: a slip could not be printed
STATES = ("waiting", "coming", "done")
ALERT_EVERY = timedelta(minutes=1)  # one lookup alert per kiosk in this window, however many requests breach
SCREENS = ("home", "card", "pass", "face", "result", "settings", "busy", "help")
REFER_COLUMNS = (
    "raised_at", "kind", "kiosk", "venue", "screen", "check_id", "masked_id", "masked_name", "reason_codes", "state",
)  # fmt: skip
_ADD_REFER = Prepared(insert(HelpRequest.__table__).returning(HelpRequest.__table__.c.id), REFER_COLUMNS)


class HelpError(Problem):
    """`code` is help_unknown."""


def refer_row(values: dict) -> dict:
    """The help request a `refer` at a kiosk raises, from the check log's row as it is written (all but its id)."""
    return {
        "raised_at": values["checked_at"],
        "kind": "refer",
        "kiosk": values["kiosk"],
        "venue": values["venue"],
        "screen": "result",
        "masked_id": values["masked_id"],
        "masked_name": values["masked_name"],
        "reason_codes": values["reason_codes"],
        "state": "waiting",
    }


def for_refer(link: Link, values: dict) -> int:
    """A `refer` decision at a kiosk asks staff to come: from the check log's row as it is written, on the same
    connection and in the same transaction."""
    return link.write(_ADD_REFER, {**refer_row(values), "check_id": values["id"]})


def press(
    session: Session,
    *,
    kiosk: str | None,
    venue: str,
    screen: str,
    check_id: int | None = None,
    kind: str = "call_staff",
) -> int:
    """Call staff was pressed on a kiosk screen (or, kind `printer`, the kiosk could not print the slip a person
    asked for); the result on screen (if any) tells staff who and why."""
    check = session.get(CheckRecord, check_id) if check_id else None
    request = HelpRequest(
        raised_at=stored_now(),
        kind=kind if kind in KINDS else "call_staff",
        kiosk=kiosk,
        venue=venue,
        screen=screen if screen in SCREENS else None,
        check_id=check.id if check else None,
        masked_id=check.masked_id if check else None,
        masked_name=check.masked_name if check else None,
        reason_codes=check.reason_codes if check else "",
        state="waiting",
    )
    session.add(request)
    session.flush()
    return request.id


def alert(session: Session, kind: str, kiosk: str | None, venue: str | None) -> bool:
    """Too many lookups that found no one: one request per kiosk and minute. Returns whether a new one was made."""
    recent = session.scalar(
        select(HelpRequest.id).where(
            HelpRequest.kind == kind,
            HelpRequest.kiosk.is_(None) if kiosk is None else HelpRequest.kiosk == kiosk,
            HelpRequest.raised_at > stored_now() - ALERT_EVERY,
        )
    )
    if recent is not None:
        return False
    session.add(
        HelpRequest(raised_at=stored_now(), kind=kind, kiosk=kiosk, venue=venue, reason_codes="", state="waiting")
    )
    return True


def open_requests(session: Session) -> list[HelpRequest]:
    """Every request not yet done, the longest waiting first."""
    query = select(HelpRequest).where(HelpRequest.state != "done").order_by(HelpRequest.raised_at, HelpRequest.id)
    return list(session.scalars(query))


def recently_done(session: Session, limit: int = 10) -> list[HelpRequest]:
    query = select(HelpRequest).where(HelpRequest.state == "done").order_by(HelpRequest.done_at.desc()).limit(limit)
    return list(session.scalars(query))


def fingerprint(session: Session) -> tuple:
    """Changes whenever a request is made or moves on: the staff page's stream sends the queue again then."""
    row = session.execute(
        select(
            func.max(HelpRequest.id),
            func.count(HelpRequest.id),
            func.max(HelpRequest.coming_at),
            func.max(HelpRequest.done_at),
        )
    ).one()
    return tuple(row)


def coming(session: Session, request_id: int, by: str) -> HelpRequest:
    request = _get(session, request_id)
    if request.state == "waiting":
        request.state, request.coming_at, request.coming_by = "coming", stored_now(), by
    return request


def done(session: Session, request_id: int, by: str) -> HelpRequest:
    request = _get(session, request_id)
    if request.state != "done":
        request.state, request.done_at, request.done_by = "done", stored_now(), by
    return request


def state(session: Session, request_id: int) -> str | None:
    return session.scalar(select(HelpRequest.state).where(HelpRequest.id == request_id))


def _get(session: Session, request_id: int) -> HelpRequest:
    request = session.get(HelpRequest, request_id)
    if request is None:
        raise HelpError("help_unknown")
    return request


def waited(request: HelpRequest, now: datetime | None = None) -> timedelta:
    now = now or stored_now()
    return (request.coming_at or now) - request.raised_at
