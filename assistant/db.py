"""The database: one engine per process, short sessions, and a schema made and changed only by Alembic migrations.

SQLite (a file in the instance folder) is the embedded default for one kiosk or a demo; PostgreSQL
(DATABASE_URL=postgresql+psycopg://...) serves many kiosks and app servers from one registry.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from .prepared import Link

try:
    import fcntl
except ImportError:  # Windows: one process at a time makes the schema there anyway
    fcntl = None

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaNotReady(RuntimeError):
    """The database is behind the code's migrations (or empty), on a server where upgrading is a deliberate step."""


class Database:
    def __init__(self, url: str):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = self._engine()
        # The busiest path's own connections (`link`): autocommit from the moment each is made, so a check neither
        # switches a pooled connection's isolation nor rolls it back when it is handed back (measured: about
        # 130 µs a request on SQLite). Only prepared statements run on them.
        self.link_engine = self._engine(isolation_level="AUTOCOMMIT", pool_reset_on_return=None)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # For the busiest path (a kiosk's lookup, a check and its one log line): each statement commits by itself,
        # which saves PostgreSQL the round trips of BEGIN and COMMIT. Only for work whose writes are single
        # statements, each whole on its own.
        self._statements = sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )

    def _engine(self, **options):
        engine = create_engine(
            self.url,
            connect_args={"timeout": 15} if self.is_sqlite else {"connect_timeout": 5},
            # Many kiosks a server: enough connections for every waitress thread, and stale ones replaced.
            **({} if self.is_sqlite else {"pool_size": 10, "max_overflow": 10, "pool_recycle": 3600}),
            **options,
        )
        if self.is_sqlite:
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def dispose(self) -> None:
        """Close every pooled connection (a test's database is about to go, or a worker was forked)."""
        self.engine.dispose()
        self.link_engine.dispose()

    # The schema

    def _alembic(self, connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        return config

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to `revision` (`assistant db upgrade`). A database made before migrations is completed
        in place by the first one; data is kept."""
        with self.engine.begin() as connection:
            command.upgrade(self._alembic(connection), revision)

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @staticmethod
    @cache  # the scripts do not change while the program runs
    def head() -> str:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        return ScriptDirectory.from_config(config).get_current_head()

    def prepare(self) -> None:
        """Make the database ready for the app: SQLite, embedded and single-server, is upgraded on the spot; a
        shared server must have been upgraded on purpose (`assistant db upgrade`) before app servers start."""
        if self.is_sqlite:
            if self.revision() != self.head():
                with self._sqlite_migration_lock():
                    if self.revision() != self.head():  # another process may have done it meanwhile
                        self.upgrade()
        elif (current := self.revision()) != self.head():
            raise SchemaNotReady(
                f"The database's schema is at {current or 'nothing yet'}, and this version of the assistant needs "
                f"{self.head()}. Run `assistant db upgrade` once (it is safe to run again), then start the servers."
            )

    @contextmanager
    def _sqlite_migration_lock(self):
        """Processes starting together on one new SQLite file take turns to make its schema."""
        database = self.engine.url.database
        if not database or database == ":memory:" or fcntl is None:
            yield
            return
        with open(f"{database}.migrating", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # Sessions

    @contextmanager
    def statements(self):
        """A session whose every statement commits at once: for reads, and writes of one statement each."""
        session: Session = self._statements()
        try:
            yield session
        finally:
            session.close()

    def link(self) -> Link:
        """A connection of the autocommit pool for prepared statements (prepared.py); `close()` hands it back."""
        try:
            pooled = self.link_engine.raw_connection()
        except self.link_engine.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(
                None, None, error, self.link_engine.dialect.loaded_dbapi.Error, dialect=self.link_engine.dialect
            ) from error
        return Link(
            pooled.dbapi_connection, self.link_engine.dialect, self.engine.url, pooled, autocommit=True, owned=True
        )

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
    # A check writes five or six pages to the WAL (its row, its indexes, a referral's help request), so SQLite's
    # default checkpoint every 1,000 pages came every 200 checks, each with two disk flushes made inside the writer's
    # turn: 174 µs a write against 109 µs at every 10,000 pages (measured here). The WAL may grow to about 40 MB.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
