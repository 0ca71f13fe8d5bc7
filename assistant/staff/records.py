"""Residents as staff keep them: find one (by the full number, through the keyed hash, or by name), add, edit the
simulated authority's facts with a history of who changed what, and delete (faces go, passes stop working)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import identity, residents
from ..clock import SHANGHAI, from_storage, stored_now, to_storage
from ..faces.gallery import bump_version
from ..models import PassRecord, Resident, ResidentChange
from ..passes import office as pass_office
from ..residents import COLUMNS, TIME_COLUMNS, check_facts

FIELDS = tuple(c for c in COLUMNS if c != "id_number")  # what staff may change: all but the number
FOUND_AT_MOST = 50


class RecordProblems(ValueError):
    """The form's values cannot be used: `problems` maps each field to the importer's message for it."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(problems))
        self.problems = problems


def find_by_number(session: Session, id_text: str, hash_key: bytes) -> Resident | None:
    """Raises identity.IdNumberError for a number that cannot be one."""
    return residents.by_number(session, id_text, hash_key)


def find_by_name(session: Session, text: str) -> list[Resident]:
    text = text.strip()[:100]
    if not text:
        return []
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = select(Resident).where(Resident.name.like(pattern, escape="\\")).order_by(Resident.name)
    return list(session.scalars(query.limit(FOUND_AT_MOST)))


def checked(form: dict) -> dict:
    """The facts from a form's text, checked by the importer's own rules; raises RecordProblems."""
    problems: dict[str, str] = {}
    row = check_facts({f: (form.get(f) or "").strip() for f in FIELDS}, lambda c, m: problems.setdefault(c, m))
    if problems:
        raise RecordProblems(problems)
    return {k: (to_storage(v) if isinstance(v, datetime) else v) for k, v in row.items()}


def add(session: Session, id_text: str, form: dict, hash_key: bytes, actor: str) -> Resident:
    """Raises identity.IdNumberError, RecordProblems, or RecordProblems({"id_number": "exists"})."""
    number = identity.parse(id_text).number
    values = checked(form)
    id_hash = identity.keyed_hash(number, hash_key)
    if residents.known(session, id_hash):
        raise RecordProblems({"id_number": "exists"})
    resident = Resident(id_hash=id_hash, masked_id=identity.mask(number), **values)
    session.add(resident)
    session.flush()
    _note(session, resident.id, actor, "added", None, resident.masked_id)
    return resident


def edit(session: Session, resident: Resident, form: dict, actor: str) -> list[str]:
    """Change the facts that differ; each change is a line of the resident's history. Returns the fields changed."""
    values = checked(form)
    changed = []
    for field in FIELDS:
        old, new = getattr(resident, field), values[field]
        if shown(field, old) != shown(field, new):
            _note(session, resident.id, actor, field, shown(field, old), shown(field, new))
            setattr(resident, field, new)
            changed.append(field)
    return changed


def delete(session: Session, resident: Resident, actor: str) -> int:
    """Remove a resident: their face data with them, their passes revoked. Returns how many passes were revoked."""
    revoked = pass_office.revoke_all(session, resident.id_hash)
    if resident.face is not None:
        bump_version(session)
    _note(session, resident.id, actor, "deleted", resident.masked_id, None)
    session.delete(resident)
    session.flush()
    return revoked


def history(session: Session, resident_id: int) -> list[ResidentChange]:
    query = select(ResidentChange).where(ResidentChange.resident_id == resident_id)
    return list(session.scalars(query.order_by(ResidentChange.id.desc())))


def live_pass(session: Session, resident: Resident) -> PassRecord | None:
    query = select(PassRecord).where(PassRecord.id_hash == resident.id_hash, PassRecord.revoked_at.is_(None))
    return session.scalar(query)


def form_values(resident: Resident | None) -> dict:
    """A resident's facts as the form shows them: times as Shanghai wall-clock time, minutes only."""
    if resident is None:
        return {f: "" for f in FIELDS} | {"vaccine_doses": "0", "language": "zh"}
    return {f: shown(f, getattr(resident, f)) or "" for f in FIELDS}


def shown(field: str, value) -> str | None:
    if value is None:
        return None
    if field in TIME_COLUMNS:
        return from_storage(value).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    return str(value)


def _note(session: Session, resident_id: int, actor: str, field: str, old, new) -> None:
    session.add(
        ResidentChange(
            resident_id=resident_id,
            changed_at=stored_now(),
            actor=actor,
            field=field,
            old=None if old is None else str(old)[:200],
            new=None if new is None else str(new)[:200],
        )
    )
