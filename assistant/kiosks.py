"""Kiosk identity: each kiosk is registered with a name and a venue and gets a device token, shown once and kept
only as a hash. Every API call and every bound kiosk browser names its kiosk, so the check log says which one checked.
Nothing here knows about Flask."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections import namedtuple
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from . import slips
from .clock import stored_now
from .models import Kiosk, Resident, Venue
from .prepared import Link, Prepared
from .problems import Problem

TOKEN_PREFIX = "hck_"  # recognisable in a config file or a leaked paste, so it can be found and revoked
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
SEEN_EVERY = 60  # seconds: "last seen" is written at most this often per kiosk and process, not on every request
_last_seen: dict[tuple[str, int], float] = {}


class KioskError(Problem):
    """`code` is kiosk_name_invalid, kiosk_name_taken, kiosk_unknown, kiosk_venue_unknown, kiosk_printer_invalid or
    kiosk_paper_invalid."""


@dataclass(frozen=True)
class Identity:
    """The kiosk a request comes from, as the web side keeps it for one request."""

    id: int
    name: str
    venue: str
    demo: bool
    printer: str | None = None  # as slips.py names one; None when the kiosk has none
    paper_mm: int = 80


def token_hash(token: str) -> str:
    # A device token has 256 random bits, so one fast hash is enough: there is nothing to guess from it.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def demo_name(venue: str) -> str:
    return f"demo-{venue}"


def add(session: Session, name: str, venue: str, *, demo: bool = False) -> tuple[Kiosk, str]:
    """Register a kiosk at a venue. Returns it and its device token, which is not kept and cannot be shown again."""
    if not NAME.match(name or ""):
        raise KioskError("kiosk_name_invalid")
    if session.get(Venue, venue) is None:
        raise KioskError("kiosk_venue_unknown")
    if session.scalar(select(Kiosk).where(Kiosk.name == name)) is not None:
        raise KioskError("kiosk_name_taken")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    kiosk = Kiosk(
        name=name, venue=venue, token_hash=token_hash(token), created_at=stored_now(), revoked_at=None, demo=demo
    )
    if demo:  # a demo kiosk shows its slips on the screen, as an image of the paper
        kiosk.printer, kiosk.paper_mm = slips.SIMULATED, 80
    session.add(kiosk)
    session.flush()
    return kiosk, token


def revoke(session: Session, name: str) -> Kiosk:
    """The kiosk's token stops working at once, and a browser bound to it goes back to the set-up screen."""
    kiosk = session.scalar(select(Kiosk).where(Kiosk.name == name))
    if kiosk is None:
        raise KioskError("kiosk_unknown")
    if kiosk.revoked_at is None:
        kiosk.revoked_at = stored_now()
    return kiosk


def set_printer(session: Session, name: str, spec: str, paper_mm: int | None) -> Kiosk:
    """An admin names the kiosk's receipt printer and its paper, or (an empty `spec`) says it has none."""
    kiosk = session.scalar(select(Kiosk).where(Kiosk.name == name))
    if kiosk is None:
        raise KioskError("kiosk_unknown")
    spec = spec.strip()
    if spec and not slips.valid_printer(spec):
        raise KioskError("kiosk_printer_invalid")
    if spec and paper_mm not in slips.PAPERS:
        raise KioskError("kiosk_paper_invalid")
    kiosk.printer, kiosk.paper_mm = (spec, paper_mm) if spec else (None, None)
    return kiosk


def all_kiosks(session: Session) -> list[Kiosk]:
    return list(session.scalars(select(Kiosk).order_by(Kiosk.venue, Kiosk.name)))


def by_token(session: Session | Link, token: str | None) -> Identity | None:
    """The live kiosk this device token belongs to, or None (no token, a wrong one, or a revoked one)."""
    if not token or len(token) > 200:
        return None
    return _live(Link.of(session), _BY_HASH, {"token_hash": token_hash(token)})


def by_id(session: Session | Link, kiosk_id: int) -> Identity | None:
    """The live kiosk a bound browser names (from its signed cookie), or None once it has been revoked."""
    return _live(Link.of(session), _BY_ID, {"kiosk_id": kiosk_id})


def demo_kiosk(session: Session, venue: str) -> Identity | None:
    """The demo kiosk an unbound browser stands in for, in demo mode only (the caller decides that)."""
    return _live(Link.of(session), _DEMO, {"name": demo_name(venue)})


# Every API call and kiosk page looks its kiosk up: statements prepared once (prepared.py), no ORM objects.
_KIOSKS = Kiosk.__table__
_LIVE = select(
    _KIOSKS.c.id, _KIOSKS.c.name, _KIOSKS.c.venue, _KIOSKS.c.demo, _KIOSKS.c.printer, _KIOSKS.c.paper_mm
).where(_KIOSKS.c.revoked_at.is_(None))
_BY_HASH = Prepared(_LIVE.where(_KIOSKS.c.token_hash == bindparam("token_hash")))
_BY_ID = Prepared(_LIVE.where(_KIOSKS.c.id == bindparam("kiosk_id")))
_DEMO = Prepared(_LIVE.where(_KIOSKS.c.name == bindparam("name"), _KIOSKS.c.demo.is_(True)))
_RESIDENTS = Resident.__table__
_Resident = namedtuple("Resident", [column.key for column in _RESIDENTS.columns])
_WITH_RESIDENT = Prepared(
    select(*[column.label(f"kiosk_{column.key}") for column in _LIVE.selected_columns], *_RESIDENTS.columns)
    .select_from(_KIOSKS.outerjoin(_RESIDENTS, _RESIDENTS.c.id_hash == bindparam("id_hash")))
    .where(_KIOSKS.c.revoked_at.is_(None), _KIOSKS.c.token_hash == bindparam("token_hash"))
)
_SEEN = Prepared(
    update(_KIOSKS).where(_KIOSKS.c.id == bindparam("kiosk_id")).values(last_seen_at=bindparam("seen")),
    ("last_seen_at",),
)


def by_token_with_resident(link: Link, token: str | None, id_hash: str) -> tuple[Identity | None, object | None]:
    """The live kiosk of this token and, in the same statement, the resident with this keyed hash (a named tuple
    of the resident table's columns, or None): the API's plain check makes one read, not two (check_lane.py)."""
    if not token or len(token) > 200:
        return None, None
    row = link.one(_WITH_RESIDENT, {"token_hash": token_hash(token), "id_hash": id_hash})
    if row is None:
        return None, None
    _seen(link, row.kiosk_id)
    width = len(_LIVE.selected_columns)
    found = row[width:]
    return _identity(*row[:width]), (_Resident._make(found) if found[0] is not None else None)


def _live(link: Link, statement: Prepared, values: dict) -> Identity | None:
    row = link.one(statement, values)
    if row is None:
        return None
    _seen(link, row.id)
    return _identity(*row)


def _identity(kiosk_id, name, venue, demo, printer, paper_mm) -> Identity:
    """A kiosk's Identity from _LIVE's columns, in their order."""
    return Identity(kiosk_id, name, venue, bool(demo), printer, paper_mm or 80)


def _seen(link: Link, kiosk_id: int) -> None:
    now = time.monotonic()
    key = (link.url, kiosk_id)
    if now - _last_seen.get(key, -SEEN_EVERY) < SEEN_EVERY:
        return
    _last_seen[key] = now
    link.write(_SEEN, {"kiosk_id": kiosk_id, "seen": stored_now()})


def ensure_demo_kiosks(session: Session) -> dict[str, str]:
    """One demo kiosk per venue (demo seeding only). Returns the tokens of the ones made now, by name."""
    made = {}
    for slug in session.scalars(select(Venue.slug).order_by(Venue.slug)):
        if session.scalar(select(Kiosk.id).where(Kiosk.name == demo_name(slug))) is None:
            kiosk, token = add(session, demo_name(slug), slug, demo=True)
            made[kiosk.name] = token
    return made
