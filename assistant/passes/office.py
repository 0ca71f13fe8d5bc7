"""Issuing and revoking printed passes: one live pass per resident, found by keyed hash, never by number."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import passes, residents
from ..clock import stored_now
from ..models import PassRecord, Resident
from ..problems import Problem


class PassOfficeError(Problem):
    """`code` is resident_unknown."""


def _resident(session: Session, id_text: str, hash_key: bytes, today: date) -> Resident:
    found = residents.by_number(session, id_text, hash_key, today)
    if found is None:
        raise PassOfficeError("resident_unknown")
    return found


def revoke_all(session: Session, id_hash: str) -> int:
    """Revoke every live pass of a resident (a lost card, or a new one issued). Returns how many."""
    live = session.scalars(select(PassRecord).where(PassRecord.id_hash == id_hash, PassRecord.revoked_at.is_(None)))
    now = stored_now()
    count = 0
    for record in live:
        record.revoked_at = now
        count += 1
    return count


def issue(session: Session, keys: passes.Keys, *, id_text: str, days: int, today: date, hash_key: bytes):
    """A new pass for a resident in the registry; their older passes stop working. Returns (token, record, resident)."""
    resident = _resident(session, id_text, hash_key, today)
    token, record = issue_for(session, keys, resident, days=days, today=today)
    return token, record, resident


def issue_for(
    session: Session,
    keys: passes.Keys,
    resident: Resident,
    *,
    days: int,
    today: date,
    requested_by: str | None = None,
    relation: str | None = None,
    issued_by: str | None = None,
) -> tuple[str, PassRecord]:
    """A new pass for this resident (their older passes stop working), and who asked for it when it was not them."""
    revoke_all(session, resident.id_hash)
    session.flush()  # the old pass is revoked before the new one is live: one live pass per resident
    token, issued = passes.issue(keys, today, days)
    record = PassRecord(
        pass_id=issued.pass_id,
        id_hash=resident.id_hash,
        masked_id=resident.masked_id,
        key_id=issued.key_id,
        issued_on=issued.issued,
        expires_on=issued.expires,
        requested_by=(requested_by or None) and requested_by[:100],
        relation=(relation or None) and relation[:32],
        issued_by=issued_by,
    )
    session.add(record)
    return token, record


def token_of(keys: passes.Keys, record: PassRecord) -> str:
    """The token of a pass in the registry, to print it again."""
    return passes.token_of(keys, passes.Pass(record.key_id, record.pass_id, record.issued_on, record.expires_on))


def revoke(session: Session, *, id_text: str, hash_key: bytes, today: date) -> int:
    return revoke_all(session, _resident(session, id_text, hash_key, today).id_hash)


def live_record(session: Session, found: passes.Pass) -> PassRecord:
    """The registry's record of a verified pass; a revoked (or unknown) pass is refused."""
    record = session.get(PassRecord, found.pass_id)
    if record is None or record.revoked_at is not None:
        raise passes.PassError("pass_revoked")
    return record
