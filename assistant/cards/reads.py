"""Card reads: what a kiosk's reader bridge read, waiting for that kiosk's screen to show it.

A read is checked at once (the check log gets its line) unless the venue wants the face too; then the read keeps who
the card names and the chip photo's face as encrypted numbers until the kiosk's camera has been compared with them,
for two minutes at most. The chip photo itself is decoded in memory and dropped within this call.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .. import checks, identity, images, metrics, residents
from ..clock import stored_now
from ..faces import FaceProblem
from ..models import CardRead
from ..problems import Problem
from . import READER_ERRORS, Card

SCREEN_SECONDS = 30  # a read is sent to its kiosk's screen while this fresh (a screen that was away misses it)
SHOW_SECONDS = 120  # a read taken later is not shown; the chip face of one waiting for the camera is erased
KEEP_SECONDS = 600  # and the row itself goes after this


class ReadError(Problem):
    """A reader's own report (no reader, a card it could not read, a card taken away too soon)."""


@dataclass(frozen=True)
class Received:
    """A read as it was written, and its check when the read was checked at once (state "result")."""

    read: CardRead
    check: checks.Check | None = None


def _cipher(secret: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"chip-face:" + secret).digest()))


def receive(
    session: Session,
    *,
    kiosk,
    card: Card | None,
    error: str | None,
    at: datetime,
    hash_key: bytes,
    matcher,
    secret: bytes,
    source: checks.Source,
    shown_here: bool = False,
) -> Received:
    """Take one read from a kiosk's reader: a reader error, or a card. Returns the read, committed, and its check.

    An ID number that is not a valid one is kept as an error read (the screen says what is wrong) and then raised as
    identity.IdNumberError. A check that cannot go ahead (an unknown venue) raises CheckError with nothing written.
    """
    _tidy(session)
    # A read made on the screen itself (the simulated reader) is taken by that screen as it is written: no other
    # screen of the kiosk, listening for reads, can take it first.
    now = stored_now()
    row = CardRead(read_at=now, kiosk=kiosk.name, venue=kiosk.venue, shown_at=now if shown_here else None)
    if card is None:
        if error not in READER_ERRORS:
            raise ReadError("request_invalid")
        row.state, row.error = "error", error
        saved = _save(session, row)
        metrics.reader_fault(kiosk.venue, kiosk.name, error)
        return Received(saved)
    try:
        number = identity.parse(card.number, today=at.date())
    except identity.IdNumberError as problem:
        row.state, row.error = "error", problem.code
        _save(session, row)
        metrics.reader_fault(kiosk.venue, kiosk.name, problem.code)
        raise
    id_hash = identity.keyed_hash(number.number, hash_key)
    venue = checks.venue_policy(session, kiosk.venue)
    wanted = (venue.face_with_card or "off") != "off"
    if wanted and residents.known(session, id_hash):
        row.state, row.id_hash, row.masked_id = "face", id_hash, number.masked
        chip = chip_face(matcher, card.photo)
        row.chip_face = None if chip is None else _cipher(secret).encrypt(chip.astype(np.float32).tobytes())
        return Received(_save(session, row))
    # No face wanted, or nobody to compare with (not in the registry: the result says so at once).
    result = checks.run_card(session, id_hash=id_hash, masked_id=number.masked, venue=kiosk.venue, at=at, source=source)
    row.state, row.check_id = "result", result.record_id
    return Received(_save(session, row), result)


def chip_face(matcher, photo: bytes | None) -> np.ndarray | None:
    """The chip photo's face as numbers, or None when the card gave no photo or no single face can be found in it.
    Chip photos are small (102 x 126), so they are enlarged first: the face detector wants faces of 80 px or more."""
    if not photo:
        return None
    try:
        picture = images.load(photo, mode="RGB")
        if picture.width < 300:
            scale = 300 / picture.width
            picture = picture.resize((300, round(picture.height * scale)))
        return matcher.encode(picture)
    except (images.ImageProblem, FaceProblem):
        return None


def _save(session: Session, row: CardRead) -> CardRead:
    session.add(row)
    session.commit()
    return row


def _tidy(session: Session) -> None:
    """Erase chip faces nobody took in time, and drop old reads."""
    now = stored_now()
    session.execute(
        update(CardRead)
        .where(CardRead.chip_face.is_not(None), CardRead.read_at < now - timedelta(seconds=SHOW_SECONDS))
        .values(chip_face=None)
    )
    session.execute(delete(CardRead).where(CardRead.read_at < now - timedelta(seconds=KEEP_SECONDS)))


def waiting(session: Session, kiosk: str) -> CardRead | None:
    """The first read for this kiosk that no screen has taken yet, while it is fresh."""
    fresh = stored_now() - timedelta(seconds=SCREEN_SECONDS)
    return session.scalar(
        select(CardRead)
        .where(CardRead.kiosk == kiosk, CardRead.shown_at.is_(None), CardRead.read_at >= fresh)
        .order_by(CardRead.id)
        .limit(1)
    )


def take(session: Session, read_id: int, kiosk: str) -> CardRead | None:
    """The screen of this kiosk takes this read: once, while fresh. None when it is not this kiosk's, is gone, or
    was taken already (a second browser tab, a reload)."""
    fresh = stored_now() - timedelta(seconds=SHOW_SECONDS)
    taken = session.execute(
        update(CardRead)
        .where(
            CardRead.id == read_id,
            CardRead.kiosk == kiosk,
            CardRead.shown_at.is_(None),
            CardRead.read_at >= fresh,
        )
        .values(shown_at=stored_now())
    )
    session.commit()
    return session.get(CardRead, read_id) if taken.rowcount == 1 else None


def chip_face_of(session: Session, read_id: int, secret: bytes) -> np.ndarray | None:
    """The chip photo's face of a read waiting for the camera, in memory for one comparison. None when there was
    none, or it has expired or been erased."""
    sealed = session.scalar(select(CardRead.chip_face).where(CardRead.id == read_id))
    if sealed is None:
        return None
    try:
        plain = _cipher(secret).decrypt(sealed, ttl=SHOW_SECONDS)
    except InvalidToken:
        return None
    return np.frombuffer(plain, dtype=np.float32)


def finish(session: Session, read_id: int) -> tuple[str, str] | None:
    """The face step is over: the chip face and who the card named are erased from the read (the check log has its
    own line). Returns who it named (keyed hash, masked number), or None when another request finished it first."""
    row = session.get(CardRead, read_id)
    if row is None or row.id_hash is None:
        return None
    kept = (row.id_hash, row.masked_id)
    finished = session.execute(
        update(CardRead)
        .where(CardRead.id == read_id, CardRead.id_hash.is_not(None))
        .values(chip_face=None, id_hash=None, state="done")
    )
    session.commit()
    return kept if finished.rowcount == 1 else None
