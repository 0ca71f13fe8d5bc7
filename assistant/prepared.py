"""The busiest path's statements, compiled once for each kind of database and run on the driver's own cursor.

A check reads its kiosk and its resident and writes one log line. Through SQLAlchemy's Core a statement costs about
50 µs of Python before the driver sees it, and a pooled connection switched to autocommit about 130 µs more; the
driver's own cursor takes about 10 µs (measured here on SQLite, 2026-12-07). So these few statements are compiled
once per dialect, with their columns' bind and result processors (SQLite keeps times as text, as SQLAlchemy writes
them), and run on the DBAPI connection directly. Errors come out as SQLAlchemy's own (DBAPIError and its kinds),
and a connection that broke is invalidated, so the outage handling sees exactly what it saw through the Core.
"""

from __future__ import annotations

import os
import threading
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

try:
    import fcntl
except ImportError:  # Windows: the threads of one process take turns; processes are left to SQLite's own lock
    fcntl = None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None  # the parameters' order when the driver takes them by position (SQLite's "?")
    binds: tuple[tuple[str, Callable], ...]  # (parameter, processor) for the parameters that need one
    row: type | None  # a named tuple of the selected columns, for statements that return rows
    results: tuple[tuple[int, Callable], ...]  # (column index, processor) for the columns that need one


class Prepared:
    """One Core statement (a select, or an insert or update of `columns`), compiled on first use per dialect."""

    def __init__(self, statement, columns: tuple[str, ...] | None = None) -> None:
        self.statement = statement
        self.columns = columns
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect) -> _Compiled:
        kept = self._compiled.get(dialect.name)
        if kept is None:
            kept = self._compiled[dialect.name] = self._compile(dialect)
        return kept

    def _compile(self, dialect) -> _Compiled:
        keys = list(self.columns) if self.columns is not None else None
        compiled = self.statement.compile(dialect=dialect, column_keys=keys)
        binds = []
        for name, parameter in compiled.binds.items():
            process = parameter.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binds.append((name, process))
        row, results = None, []
        selected = self.statement.exported_columns  # a select's columns, or what an insert returns
        if len(selected):
            row = namedtuple("Row", [column.key for column in selected])
            for index, column in enumerate(selected):
                process = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if process is not None:
                    results.append((index, process))
        names = tuple(compiled.positiontup) if compiled.positional else None
        return _Compiled(compiled.string, names, tuple(binds), row, tuple(results))


class Link:
    """A DBAPI connection for the prepared statements: one a request from the autocommit pool (Database.link), or
    the connection of a Session already open (Link.of), inside whatever transaction that session is in."""

    def __init__(self, dbapi_connection, dialect, url, pooled=None, *, autocommit: bool, owned: bool = False) -> None:
        self.dbapi_connection = dbapi_connection
        self.url = url  # which database: per-process copies (venues, kiosks' last sighting) are kept by it
        self.dialect = dialect
        self.autocommit = autocommit
        self._pooled = pooled  # the pool's handle, to invalidate a connection that broke
        self._owned = owned  # a connection of its own (Database.link), handed back by close()
        self._error = dialect.loaded_dbapi.Error

    @classmethod
    def of(cls, source: Link | Session) -> Link:
        """The Link itself, or one on a Session's connection (which the session keeps and commits as ever)."""
        if isinstance(source, Link):
            return source
        connection = source.connection()
        autocommit = connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        pooled = connection.connection
        return cls(pooled.dbapi_connection, connection.dialect, connection.engine.url, pooled, autocommit=autocommit)

    def close(self) -> None:
        """Hand a connection of its own back to its pool (a session's connection stays with the session)."""
        if self._owned and self._pooled is not None:
            self._pooled.close()
            self._pooled = None

    @property
    def is_sqlite(self) -> bool:
        return self.dialect.name == "sqlite"

    def one_writer(self):
        """On SQLite, the check log's writers take turns: one thread of a process, and one process of the machine, at
        a time (SQLite has one write lock). A writer that finds SQLite's lock taken sleeps in SQLite's busy handler
        for a millisecond or more, while the holder needs about a tenth of that, and every other writer of its
        process waits behind it. Turns taken here wake as soon as the writer before is done: a thread lock, then an
        flock on a file beside the database. PostgreSQL takes many writers at once: no turns there."""
        if not self.is_sqlite:
            return nullcontext()
        return _writer_turn(self.url.database)

    def one(self, prepared: Prepared, values: dict):
        """The one row the statement finds (as a named tuple of its columns), or None."""
        compiled = prepared.compiled(self.dialect)
        cursor = self._execute(compiled, values)
        try:
            found = cursor.fetchone()
        except self._error as error:
            self._failed(error, compiled.sql, values)
        finally:
            cursor.close()
        if found is None:
            return None
        if compiled.results:
            found = list(found)
            for index, process in compiled.results:
                found[index] = process(found[index])
        return compiled.row._make(found)

    def write(self, prepared: Prepared, values: dict) -> int | None:
        """Run an insert or update; an insert that returns its new row's id gives that id."""
        compiled = prepared.compiled(self.dialect)
        cursor = self._execute(compiled, values)
        try:
            returned = cursor.fetchone() if cursor.description else None
        except self._error as error:
            self._failed(error, compiled.sql, values)
        finally:
            cursor.close()
        return returned[0] if returned else None

    def say(self, sql: str) -> None:
        """A statement of the database's own with no parameters: BEGIN, COMMIT, ROLLBACK."""
        try:
            self.dbapi_connection.cursor().execute(sql)
        except self._error as error:
            self._failed(error, sql, {})

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN and COMMIT said outright (on an autocommit link), ROLLBACK on failure; on a session's connection
        that is in a transaction already, nothing: the session commits."""
        if not self.autocommit:
            yield
            return
        self.say("BEGIN")
        try:
            yield
        except BaseException:
            if self._pooled is None or self._pooled.is_valid:
                try:
                    self.say("ROLLBACK")
                except DBAPIError:  # a connection that broke has nothing left to roll back
                    pass
            raise
        self.say("COMMIT")

    def _execute(self, compiled: _Compiled, values: dict):
        if compiled.binds:
            values = dict(values)
            for name, process in compiled.binds:
                values[name] = process(values[name])
        parameters = tuple(values[name] for name in compiled.names) if compiled.names is not None else values
        cursor = self.dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, parameters)
        except self._error as error:
            cursor.close()
            self._failed(error, compiled.sql, parameters)
        return cursor

    def _failed(self, error: Exception, sql: str, parameters) -> None:
        """Raise the DBAPI error as SQLAlchemy's, invalidating the connection when the database has gone away."""
        gone = self.dialect.is_disconnect(error, self.dbapi_connection, None)
        if gone and self._pooled is not None:
            self._pooled.invalidate(error)
        raise DBAPIError.instance(
            sql, parameters, error, self._error, connection_invalidated=gone, dialect=self.dialect
        ) from error


_thread_turns: dict[str, threading.Lock] = {}
_turn_files: dict[tuple[int, str], int] = {}  # (process, database) -> its open lock file
_turns_lock = threading.Lock()


@contextmanager
def _writer_turn(database: str | None) -> Iterator[None]:
    with _turns_lock:
        turn = _thread_turns.setdefault(database or "", threading.Lock())
    with turn:
        descriptor = _turn_file(database)
        if descriptor is None:
            yield
            return
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)


def _turn_file(database: str | None) -> int | None:
    """This process's lock file for the database's writers (`<database>.writer`), or None for a database in memory
    or where files cannot be locked."""
    if fcntl is None or not database or database == ":memory:":
        return None
    key = (os.getpid(), database)  # each process its own descriptor: a forked worker shares its parent's flock
    descriptor = _turn_files.get(key)
    if descriptor is None:
        with _turns_lock:
            descriptor = _turn_files.get(key)
            if descriptor is None:
                descriptor = _turn_files[key] = os.open(f"{database}.writer", os.O_RDWR | os.O_CREAT, 0o600)
    return descriptor
