"""The schema by migrations: what they make matches the models, an older database is completed in place, the rules
the data needs are the database's own, and the check log is purged after its retention period."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from assistant import retention
from assistant.db import Database
from assistant.faces.gallery import bump_version, current_version
from assistant.models import Base, CheckRecord, HelpRequest, PassRecord
from tests.support.app import run_cli
from tests.support.servers import Cluster


def db_of(app) -> Database:
    return app.extensions["assistant"]["db"]


def test_the_migrated_schema_is_the_models_schema(app):
    with db_of(app).engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert db_of(app).revision() == Database.head()


def test_a_database_made_before_migrations_is_completed_in_place(tmp_path):
    path = tmp_path / "old.sqlite3"
    # The first release's tables as create_all made them, with data, and two live passes for one person.
    with sqlite3.connect(path) as raw:
        raw.executescript(
            """
            CREATE TABLE venue (slug VARCHAR(64) NOT NULL PRIMARY KEY, name_en VARCHAR(200) NOT NULL,
                name_zh VARCHAR(200) NOT NULL, allowed_statuses VARCHAR(64) NOT NULL, max_test_age_hours INTEGER,
                min_vaccine_doses INTEGER);
            INSERT INTO venue VALUES ('metro', 'Metro', '地铁', 'green', NULL, NULL);
            CREATE TABLE check_record (id INTEGER NOT NULL PRIMARY KEY, checked_at DATETIME NOT NULL,
                validation_at DATETIME NOT NULL, venue VARCHAR(64) NOT NULL, method VARCHAR(16) NOT NULL,
                status VARCHAR(16) NOT NULL, decision VARCHAR(16) NOT NULL, reason_codes VARCHAR(400) NOT NULL,
                masked_id VARCHAR(18) NOT NULL, id_hash VARCHAR(64) NOT NULL);
            INSERT INTO check_record VALUES (1, '2026-01-01', '2026-01-01', 'metro', 'id_card', 'green', 'admit', '',
                '3101**********0245', 'x');
            CREATE TABLE pass_record (pass_id VARCHAR(16) NOT NULL PRIMARY KEY, id_hash VARCHAR(64) NOT NULL,
                masked_id VARCHAR(18) NOT NULL, key_id INTEGER NOT NULL, issued_on DATE NOT NULL,
                expires_on DATE NOT NULL, revoked_at DATETIME);
            INSERT INTO pass_record VALUES ('old', 'h', 'm', 1, '2026-01-01', '2026-07-01', NULL);
            INSERT INTO pass_record VALUES ('new', 'h', 'm', 1, '2026-02-01', '2026-08-01', NULL);
            """
        )
    database = Database(f"sqlite:///{path}")
    database.prepare()
    assert database.revision() == Database.head()
    with database.engine.connect() as c:
        assert c.execute(text("SELECT method, matcher, kiosk FROM check_record")).all() == [("id_card", None, None)]
        live = c.execute(text("SELECT pass_id FROM pass_record WHERE revoked_at IS NULL")).scalars().all()
        assert live == ["new"], "the newest pass stays live; the older one is revoked"
        assert {"kiosk", "help_request", "face_enrolment", "resident"} <= set(inspect(c).get_table_names())
        assert c.execute(text("SELECT version FROM face_gallery_version")).scalar_one() == 0
        differences = compare_metadata(MigrationContext.configure(c), Base.metadata)
    database.dispose()
    assert differences == []


def new_pass(pass_id: str, revoked: bool = False) -> PassRecord:
    return PassRecord(
        pass_id=pass_id,
        id_hash="someone",
        masked_id="3101**********0245",
        key_id=1,
        issued_on=date(2026, 11, 1),
        expires_on=date(2027, 5, 1),
        revoked_at=datetime(2026, 11, 2) if revoked else None,
    )


def test_one_live_pass_per_resident_is_a_rule_of_the_database(app):
    with db_of(app).session() as s:
        s.add_all([new_pass("p1", revoked=True), new_pass("p2")])
    with pytest.raises(IntegrityError):
        with db_of(app).session() as s:
            s.add(new_pass("p3"))  # a second live pass, as two servers issuing at once would try to leave
    with db_of(app).session() as s:
        assert s.scalar(select(func.count()).select_from(PassRecord).where(PassRecord.id_hash == "someone")) == 2


def test_two_enrolments_at_once_both_count_in_the_gallery_version(app):
    database = db_of(app)
    with database.session() as s:
        start = current_version(s)
    first = database.sessions()
    bump_version(first)  # holds the row (PostgreSQL) or the write lock (SQLite) until it commits
    second_done = threading.Event()

    def second():
        with database.session() as s:
            bump_version(s)
        second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not second_done.wait(0.3), "the second waits for the first"
    first.commit()
    first.close()
    thread.join(20)
    with database.session() as s:
        assert current_version(s) == start + 2


def test_old_check_log_rows_and_alerts_are_purged(app):
    now = datetime(2026, 12, 30, tzinfo=UTC)
    with db_of(app).session() as s:
        s.execute(text("DELETE FROM check_record"))
        for days in (40, 31, 29, 1):
            moment = (now - timedelta(days=days)).replace(tzinfo=None)
            s.add(
                CheckRecord(
                    checked_at=moment,
                    validation_at=moment,
                    venue="metro",
                    method="id_card",
                    status="green",
                    decision="admit",
                    reason_codes="",
                    masked_id="3101**********0245",
                    id_hash="x",
                )
            )
            s.add(
                HelpRequest(
                    raised_at=moment, kind="too_many_checks", kiosk="demo-metro", venue="metro", state="waiting"
                )
            )
    assert retention.purge(db_of(app), 30, now=now) == {"checks": 2, "help_requests": 2}
    with db_of(app).session() as s:
        assert s.scalar(select(func.count()).select_from(CheckRecord)) == 2
        assert s.scalar(select(func.min(CheckRecord.checked_at))) == (now - timedelta(days=29)).replace(tzinfo=None)
    assert retention.purge(db_of(app), 30, now=now) == {"checks": 0, "help_requests": 0}


def test_the_purge_command(cli_env):
    assert run_cli(["check", "--id", "310101194803120245"], cli_env).returncode == 0
    kept = run_cli(["log", "purge"], cli_env)
    assert kept.returncode == 0 and "Removed 0 check-log rows and 0 help requests older than 30 days." in kept.stdout
    assert "older than 1 days" in run_cli(["log", "purge", "--older-than", "1"], cli_env).stdout
    assert run_cli(["log", "purge", "--older-than", "0"], cli_env).returncode == 2


def test_a_server_will_not_start_on_a_postgresql_schema_behind_its_code(tmp_path):
    cluster = Cluster()
    try:
        env = {"DATABASE_URL": cluster.database("fresh"), "ASSISTANT_INSTANCE": str(tmp_path / "instance")}
        import os

        env = dict(os.environ, **env)
        env.pop("ASSISTANT_AT", None)
        refused = run_cli(["serve", "--port", "1"], env)
        assert refused.returncode == 2 and "Run `assistant db upgrade` once" in refused.stderr
        assert "Traceback" not in refused.stderr
        upgraded = run_cli(["db", "upgrade"], env)
        assert upgraded.returncode == 0 and f"at {Database.head()} (the newest)" in upgraded.stdout
        assert f"database: {Database.head()}" in run_cli(["db", "revision"], env).stdout
    finally:
        cluster.remove()
