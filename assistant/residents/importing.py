"""Importing residents from a CSV file of any size: streamed, checked whole, then applied all at once or not at all.

1. Every row is read in turn, checked (residents.check_row) and written to a staging table; nothing of the file is
   held in memory but the row at hand, one batch on its way to staging and the first problems found.
2. The staging table finds repeated ID numbers (by keyed hash), so every problem is known before anything changes.
3. The switch-over. PostgreSQL: one transaction upserts the staged rows; kiosks read the old registry until it
   commits and the new one after (MVCC), and go on logging checks meanwhile. SQLite, which has one writer at a time:
   short batches, each its own transaction, so a kiosk's check is never kept waiting for more than one batch; the
   rows each batch replaces are kept in the staging file first, and if a later batch fails every earlier one is
   undone from them. (While the batches run, a check may see some rows new and others not yet.)
"""

from __future__ import annotations

import csv
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from .. import identity
from ..clock import to_storage
from ..db import Database
from . import COLUMNS, ImportRejected, RowProblem, check_header, check_row

# What the registry keeps of a row: the file's columns, with the ID number replaced by its keyed hash and masked form.
STORED = ("id_hash", "masked_id", *(column for column in COLUMNS if column != "id_number"))
BATCH = 2000  # rows a staging write, and rows a SQLite switch-over transaction (a few milliseconds of write lock)
MAX_PROBLEMS = 1000  # problems listed; beyond these, only counted
Progress = Callable[[str, int, int], None]  # (stage, done, total): "checking" in bytes, then "applying" in rows


def _quiet(_stage: str, _done: int, _total: int) -> None:
    pass


def import_file(db: Database, path: Path, hash_key: bytes, progress: Progress = _quiet) -> tuple[int, int]:
    """Import every row of the file or none. Returns (added, updated); raises ImportRejected listing the problems."""
    staging = _PostgresStaging(db) if db.engine.dialect.name == "postgresql" else _SQLiteStaging(db)
    with staging:
        problems = _stage(path, hash_key, staging, progress)
        problems += staging.repeated(MAX_PROBLEMS - len(problems))
        if problems or staging.unlisted:
            raise ImportRejected(sorted(problems, key=lambda p: p.line), unlisted=staging.unlisted)
        return staging.apply(progress)


def _lines(path: Path, progress: Progress) -> Iterator[str]:
    """The file's lines as text, reporting bytes read; a line that is not UTF-8 stops the import with its number."""
    total = path.stat().st_size
    done = 0
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            done += len(raw)
            if number % 5000 == 0:
                progress("checking", done, total)
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise ImportRejected([RowProblem(number, "row", "not UTF-8 text")]) from None
    progress("checking", total, total)


def _stage(path: Path, hash_key: bytes, staging, progress: Progress) -> list[RowProblem]:
    reader = csv.DictReader(_lines(path, progress))
    check_header(reader.fieldnames)
    problems: list[RowProblem] = []
    batch: list[tuple] = []
    for raw in reader:
        row, row_problems = check_row(raw, reader.line_num)
        if row_problems:
            staging.unlisted += len(row_problems)
            problems += row_problems[: max(0, MAX_PROBLEMS - len(problems))]
            continue
        number = row.pop("id_number")
        row["id_hash"] = identity.keyed_hash(number, hash_key)
        row["masked_id"] = identity.mask(number)
        values = tuple(to_storage(row[c]) if isinstance(row[c], datetime) else row[c] for c in STORED)
        batch.append((reader.line_num, *values))
        if len(batch) == BATCH:
            staging.write(batch)
            batch = []
    if batch:
        staging.write(batch)
    staging.unlisted -= len(problems)  # those listed are not counted again
    return problems


# Rows staged: (line, *STORED). The same statement finds every later line that repeats an earlier line's number.
_REPEATED = """
    SELECT s.line, f.first FROM staged s
    JOIN (SELECT id_hash, MIN(line) AS first FROM staged GROUP BY id_hash HAVING COUNT(*) > 1) f
      ON f.id_hash = s.id_hash
    WHERE s.line > f.first ORDER BY s.line LIMIT :limit
"""
_COUNT_REPEATED = "SELECT COUNT(*) - COUNT(DISTINCT id_hash) FROM staged"
_COLUMNS = ", ".join(STORED)
_UPDATES = ", ".join(f"{c} = excluded.{c}" for c in STORED if c != "id_hash")


def _repeated_problems(rows, count: int) -> tuple[list[RowProblem], int]:
    listed = [RowProblem(line, "id_number", f"the same ID number as line {first}") for line, first in rows]
    return listed, count - len(listed)


class _PostgresStaging:
    """A temporary table on one connection, filled by COPY; the switch-over is one INSERT ... ON CONFLICT."""

    def __init__(self, db: Database):
        self.db = db
        self.unlisted = 0  # problems found beyond those listed

    def __enter__(self):
        self.connection = self.db.engine.connect()
        self.connection.execute(
            text(
                "CREATE TEMPORARY TABLE staged (line integer, id_hash varchar(64), masked_id varchar(18), "
                "name varchar(200), quarantine_until timestamp, last_test_at timestamp, last_test_result varchar(16), "
                "risk_area_level varchar(16), risk_area_visit_at timestamp, vaccine_doses integer, "
                "language varchar(2)) ON COMMIT DROP"
            )
        )
        return self

    def __exit__(self, *exc):
        self.connection.rollback()  # anything not committed by apply() is gone, staging table and all
        self.connection.close()

    def write(self, rows: list[tuple]) -> None:
        cursor = self.connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY staged (line, {_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def repeated(self, limit: int) -> list[RowProblem]:
        self.connection.execute(text("CREATE INDEX ON staged (id_hash)"))
        self.connection.execute(text("ANALYZE staged"))
        rows = self.connection.execute(text(_REPEATED), {"limit": max(limit, 0)}).all()
        listed, unlisted = _repeated_problems(rows, self.connection.execute(text(_COUNT_REPEATED)).scalar_one())
        self.unlisted += unlisted
        return listed

    def apply(self, progress: Progress) -> tuple[int, int]:
        total = self.connection.execute(text("SELECT COUNT(*) FROM staged")).scalar_one()
        progress("applying", 0, total)
        added = self.connection.execute(
            text(
                f"WITH applied AS (INSERT INTO resident ({_COLUMNS}) SELECT {_COLUMNS} FROM staged ORDER BY line "
                f"ON CONFLICT (id_hash) DO UPDATE SET {_UPDATES} RETURNING (xmax = 0) AS added) "
                "SELECT COUNT(*) FILTER (WHERE added) FROM applied"
            )
        ).scalar_one()
        self.connection.commit()
        progress("applying", total, total)
        return added, total - added


class _SQLiteStaging:
    """A staging file of its own beside the database (so staging takes no lock on the registry), attached to one
    connection for the switch-over, which goes in short batches and keeps what it replaces for undoing."""

    def __init__(self, db: Database):
        self.db = db
        self.unlisted = 0  # problems found beyond those listed

    def __enter__(self):
        folder = Path(self.db.engine.url.database or ".").resolve().parent
        handle, name = tempfile.mkstemp(dir=folder, prefix=".import-", suffix=".sqlite3")
        os.close(handle)
        self.path = Path(name)
        self.staging = sqlite3.connect(self.path, isolation_level=None)
        self.staging.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            f"CREATE TABLE staged (line INTEGER PRIMARY KEY, {_COLUMNS});"
        )
        return self

    def __exit__(self, *exc):
        self.staging.close()
        self.path.unlink(missing_ok=True)

    def write(self, rows: list[tuple]) -> None:
        marks = ", ".join("?" * (len(STORED) + 1))
        self.staging.execute("BEGIN")
        self.staging.executemany(f"INSERT INTO staged VALUES ({marks})", [_sqlite_values(r) for r in rows])
        self.staging.execute("COMMIT")

    def repeated(self, limit: int) -> list[RowProblem]:
        self.staging.execute("CREATE INDEX staged_hash ON staged (id_hash)")
        rows = self.staging.execute(_REPEATED.replace(":limit", "?"), (max(limit, 0),)).fetchall()
        listed, unlisted = _repeated_problems(rows, self.staging.execute(_COUNT_REPEATED).fetchone()[0])
        self.unlisted += unlisted
        return listed

    def apply(self, progress: Progress) -> tuple[int, int]:
        lines = [row[0] for row in self.staging.execute("SELECT line FROM staged ORDER BY line")]
        total = len(lines)
        starts = lines[::BATCH]
        del lines
        progress("applying", 0, total)
        with self._attached() as sql:
            sql.execute("CREATE TABLE staging.replaced AS SELECT * FROM main.resident WHERE 0")  # its columns only
            try:
                for index, start in enumerate(starts):
                    end = starts[index + 1] if index + 1 < len(starts) else None
                    self._apply_batch(sql, start, end)
                    progress("applying", min((index + 1) * BATCH, total), total)
            except BaseException:
                if sql.in_transaction:
                    sql.execute("ROLLBACK")
                self._undo(sql)
                raise
            replaced = sql.execute("SELECT COUNT(*) FROM staging.replaced").fetchone()[0]
        return total - replaced, replaced

    @contextmanager
    def _attached(self):
        """The registry's own connection (its busy timeout and pragmas), driven directly, with staging attached."""
        with self.db.engine.connect() as connection:
            sql = connection.connection.driver_connection
            sql.execute("ATTACH DATABASE ? AS staging", (str(self.path),))
            try:
                yield sql
            finally:
                if sql.in_transaction:
                    sql.execute("ROLLBACK")
                sql.execute("DETACH DATABASE staging")

    @staticmethod
    def _apply_batch(sql: sqlite3.Connection, start: int, end: int | None) -> None:
        where = "line >= ?" + (" AND line < ?" if end is not None else "")
        bounds = (start, end) if end is not None else (start,)
        sql.execute("BEGIN IMMEDIATE")
        sql.execute(
            "INSERT INTO staging.replaced SELECT r.* FROM main.resident r "
            f"JOIN staging.staged s ON s.id_hash = r.id_hash WHERE s.{where}",
            bounds,
        )
        sql.execute(
            f"INSERT INTO main.resident ({_COLUMNS}) SELECT {_COLUMNS} FROM staging.staged WHERE {where} "
            f"ON CONFLICT (id_hash) DO UPDATE SET {_UPDATES}",
            bounds,
        )
        sql.execute("COMMIT")

    @staticmethod
    def _undo(sql: sqlite3.Connection) -> None:
        """Put back what the committed batches changed: remove the rows they added, restore the rows they replaced."""
        restore = ", ".join(f"{c} = old.{c}" for c in STORED if c != "id_hash")
        sql.execute("BEGIN IMMEDIATE")
        sql.execute(
            "DELETE FROM main.resident WHERE id_hash IN (SELECT id_hash FROM staging.staged) "
            "AND id_hash NOT IN (SELECT id_hash FROM staging.replaced)"
        )
        sql.execute(f"UPDATE main.resident SET {restore} FROM staging.replaced AS old WHERE main.resident.id = old.id")
        sql.execute("COMMIT")


def _sqlite_values(row: tuple) -> tuple:
    """Times written as SQLAlchemy writes them to SQLite, so that both sort and compare alike."""
    return tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in row)
