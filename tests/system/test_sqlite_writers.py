"""SQLite's check log with several workers: writers take turns through a lock file beside the database (one process
at a time, waking as soon as the one before is done), and the WAL is checkpointed every 10,000 pages, not 1,000."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select, text

from assistant import checks
from assistant.config import PROJECT_ROOT
from assistant.db import Database
from assistant.models import CheckRecord
from assistant.seeding import seed_venues

HOLD = 0.6  # seconds another process keeps the writers' turn
UNKNOWN = "11010519491231002X"  # a valid number nobody in this registry has: a check logged all the same
KEY = b"k" * 32


@pytest.fixture
def database(tmp_path):
    """A SQLite registry of its own (on PostgreSQL too: these are SQLite's writers), with the seeded venues."""
    database = Database(f"sqlite:///{tmp_path}/registry.sqlite3")
    database.upgrade()
    with database.session() as s:
        seed_venues(s, PROJECT_ROOT / "seeds")
    yield database
    database.dispose()


def test_a_check_waits_for_another_process_holding_the_writers_turn_then_logs(database):
    path = database.engine.url.database
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({path + '.writer'!r}, os.O_RDWR | os.O_CREAT, 0o600)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\n"
            f"time.sleep({HOLD})\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    link = database.link()
    try:
        started = time.monotonic()
        result = checks.run(
            link,
            id_text=UNKNOWN,
            venue="metro",
            at=checks.datetime.now(checks.SHANGHAI),
            hash_key=KEY,
        )
        waited = time.monotonic() - started
    finally:
        link.close()
    holder.wait(5)
    holder.stdout.close()
    assert waited >= HOLD - 0.2, f"the check wrote while another process held the turn ({waited:.2f} s)"
    assert waited < HOLD + 1.0, "and wrote as soon as the turn was free"
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(CheckRecord).where(CheckRecord.id == result.record_id)) == 1


def test_every_connection_checkpoints_the_wal_every_ten_thousand_pages(database):
    for engine in (database.engine, database.link_engine):
        with engine.connect() as c:
            assert c.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 10_000
            assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
