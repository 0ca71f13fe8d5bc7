"""The database: one engine per process, short sessions, tables created on first use."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from .models import Base

# (table, column, SQL type) added after the first release, oldest first.
ADDED_COLUMNS = [
    ("check_record", "matcher", "VARCHAR(16)"),
    ("check_record", "kiosk", "VARCHAR(64)"),
    ("check_record", "channel", "VARCHAR(16)"),
    ("check_record", "clock", "VARCHAR(16)"),
    ("check_record", "masked_name", "VARCHAR(200)"),
    ("check_record", "language", "VARCHAR(2)"),
    ("check_record", "reasons", "TEXT"),
    ("venue", "face_search", "BOOLEAN DEFAULT 0"),
]


class Database:
    def __init__(self, url: str):
        is_sqlite = url.startswith("sqlite")
        self.engine = create_engine(url, connect_args={"timeout": 15} if is_sqlite else {})
        if is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_all(self) -> None:
        Base.metadata.create_all(self.engine)
        self._add_new_columns()

    def _add_new_columns(self) -> None:
        """Columns added since a table was first made (create_all makes new tables only). Each is nullable."""
        tables = inspect(self.engine)
        for table, column, kind in ADDED_COLUMNS:
            if column not in {c["name"] for c in tables.get_columns(table)}:
                with self.engine.begin() as connection:
                    connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))

    @contextmanager
    def session(self):
        """A session that commits when the block ends cleanly and rolls back otherwise: nothing half-written."""
        session: Session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def _sqlite_pragmas(connection, _record) -> None:
    # WAL lets the kiosk read while a check is being logged; with WAL, synchronous=NORMAL keeps every committed
    # check across a crash of the program (not of the machine's power) without a disk flush per check.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
