"""Loading residents into the registry from the CSV format in DESIGN.md: all rows or none."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import identity, inputs
from ..clock import parse_time, to_storage
from ..models import Resident


def by_hash(session: Session, id_hash: str) -> Resident | None:
    """The resident whose ID number has this keyed hash: the one way the registry finds a person."""
    return session.scalar(select(Resident).where(Resident.id_hash == id_hash))


def by_number(session: Session, id_text: str, hash_key: bytes, today=None) -> Resident | None:
    """The resident with this ID number, or None. Raises identity.IdNumberError for a number that cannot be one."""
    number = identity.parse(id_text, today=today).number
    return by_hash(session, identity.keyed_hash(number, hash_key))


def known(session: Session, id_hash: str) -> bool:
    return session.scalar(select(Resident.id).where(Resident.id_hash == id_hash)) is not None


COLUMNS = (
    "id_number",
    "name",
    "quarantine_until",
    "last_test_at",
    "last_test_result",
    "risk_area_level",
    "risk_area_visit_at",
    "vaccine_doses",
    "language",
)
TIME_COLUMNS = ("quarantine_until", "last_test_at", "risk_area_visit_at")


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}"


class ImportRejected(Exception):
    """The file had bad rows; nothing was imported. `problems` lists them (the first ones, for a large file);
    `unlisted` counts the rest."""

    def __init__(self, problems: list[RowProblem], unlisted: int = 0):
        super().__init__(f"{len(problems) + unlisted} problem(s)")
        self.problems = problems
        self.unlisted = unlisted


# A long run of digits in the wrong column may be someone's ID number: it is masked before it reaches a report.
_LONG_DIGITS = re.compile(r"[0-9Xx]{10,}")


def _quoted(value: str) -> str:
    """A bad value as a problem report may quote it: in quotes, cut short, and with any long digit run masked."""
    value = _LONG_DIGITS.sub(lambda m: identity.mask(m.group()), value[:40])
    return repr(value)


def read_rows(text: str, hash_key: bytes) -> list[dict]:
    """Parse and check every row; raise ImportRejected listing every problem by line number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    check_header(reader.fieldnames)
    rows, problems, seen = [], [], {}
    for raw in reader:
        line = reader.line_num
        row, row_problems = check_row(raw, line)
        problems += row_problems
        if row is None:
            continue
        number = row.pop("id_number")
        row["id_hash"] = identity.keyed_hash(number, hash_key)
        row["masked_id"] = identity.mask(number)
        if row["id_hash"] in seen:
            problems.append(RowProblem(line, "id_number", f"the same ID number as line {seen[row['id_hash']]}"))
        seen[row["id_hash"]] = line
        rows.append(row)
    if problems:
        raise ImportRejected(problems)
    return rows


def check_header(fieldnames) -> None:
    """The header must name every column and no other; raises ImportRejected otherwise."""
    header = tuple(fieldnames or ())
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        message = "; ".join(
            filter(
                None,
                [
                    f"missing column(s): {', '.join(missing)}" if missing else "",
                    f"unknown column(s): {', '.join(unknown)}" if unknown else "",
                ],
            )
        )
        raise ImportRejected([RowProblem(1, "header", message)])


def check_row(raw: dict, line: int) -> tuple[dict | None, list[RowProblem]]:
    problems = []

    def bad(column, message):
        problems.append(RowProblem(line, column, message))

    if None in raw:
        bad("row", "more values than columns")
    value = {c: (raw.get(c) or "").strip() for c in COLUMNS}
    row = {}
    try:
        row["id_number"] = identity.parse(value["id_number"]).number
    except identity.IdNumberError as e:
        bad("id_number", e.code)  # the number itself is never echoed: reports end up in logs and terminals
    row.update(check_facts(value, bad))
    return (None if problems else row), problems


def check_facts(value: dict, bad) -> dict:
    """Every column but the ID number, from text (a CSV row, or the staff console's form); calls bad(column,
    message) for each one that cannot be used."""
    row = {"name": value["name"]}
    if not row["name"]:
        bad("name", "empty")
    elif len(row["name"]) > 200:
        bad("name", "longer than 200 characters")
    for column in TIME_COLUMNS:
        try:
            row[column] = parse_time(value[column]) if value[column] else None
        except ValueError:
            bad(column, f"not an ISO 8601 time: {_quoted(value[column])}")
    for column, allowed in (("last_test_result", ("negative", "positive")), ("risk_area_level", ("medium", "high"))):
        row[column] = value[column].lower() or None
        if row[column] is not None and row[column] not in allowed:
            bad(column, f"must be {' or '.join(allowed)} or empty, not {_quoted(value[column])}")
    if bool(row.get("last_test_at")) != bool(row["last_test_result"]):
        bad("last_test_result", "a test needs both a time and a result")
    if bool(row.get("risk_area_visit_at")) != bool(row["risk_area_level"]):
        bad("risk_area_level", "a risk-area visit needs both a level and a time")
    doses = value["vaccine_doses"] or "0"
    if inputs.whole_number(doses, high=19) is not None:
        row["vaccine_doses"] = int(doses)
    else:
        bad("vaccine_doses", f"must be a whole number from 0 to 19, not {_quoted(value['vaccine_doses'])}")
    row["language"] = value["language"].lower() or "zh"
    if row["language"] not in ("zh", "en"):
        bad("language", f"must be zh or en, not {_quoted(value['language'])}")
    return row


def shift(rows: list[dict], by: timedelta) -> None:
    """Move every time in the rows (used to keep the demo's scenarios true whenever it is seeded)."""
    for row in rows:
        for column in TIME_COLUMNS:
            if row[column] is not None:
                row[column] = row[column] + by


def store(session: Session, rows: list[dict]) -> tuple[int, int]:
    """Insert new residents and update known ones (matched by keyed hash). Returns (added, updated)."""
    hashes = [r["id_hash"] for r in rows]
    known = {}
    for start in range(0, len(hashes), 500):  # stay under the database's limit on bound parameters
        chunk = select(Resident).where(Resident.id_hash.in_(hashes[start : start + 500]))
        known.update((r.id_hash, r) for r in session.scalars(chunk))
    added = 0
    for row in rows:
        values = {k: (to_storage(v) if isinstance(v, datetime) else v) for k, v in row.items()}
        resident = known.get(row["id_hash"])
        if resident is None:
            session.add(Resident(**values))
            added += 1
        else:
            for key, val in values.items():
                setattr(resident, key, val)
    return added, len(rows) - added
