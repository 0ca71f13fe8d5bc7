"""Shared fixtures: an app on a temporary, freshly seeded database with the validation clock at the demo's anchor.
What the tests import lives in tests/support/."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from assistant import create_app
from assistant.seeding import seed
from tests.support import app as support
from tests.support.app import ANCHOR, REAL_RESIDENTS_CSV, SEEDS, add_staff, bearer, cli_environment, run_cli, seeded_app

# The tests run the demo unless a test says otherwise (production tests pass {"DEMO": False} or drop the variable).
os.environ["ASSISTANT_DEMO"] = "1"
# The suite's speech tests measure espeak-ng's sentences (fast, and exact to the word); the neural voice, which is
# the default, has its own tests (tests/domain/test_speech_neural.py) and the listening test (make test-listening).
os.environ.setdefault("ASSISTANT_SPEECH_ENGINE", "espeak")


@pytest.fixture
def app(tmp_path):
    # Forms are posted without their CSRF token here; tests/web/test_forms.py and the browser tests keep CSRF on.
    return seeded_app({"INSTANCE_PATH": tmp_path / "instance", "WTF_CSRF_ENABLED": False})


@pytest.fixture
def production_app(tmp_path):
    """A production app (no demo): venues only, one real resident, and kiosk metro-door-1 registered.
    Its device token is in config["KIOSK_TOKEN"]."""
    from assistant import kiosks, residents

    app = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "production", "DEMO": False})
    key = app.config["ID_HASH_KEY"].encode()
    with app.extensions["assistant"]["db"].session() as s:
        seed(s, SEEDS, key, ANCHOR, demo=False)
        residents.store(s, residents.read_rows(REAL_RESIDENTS_CSV, key))
        _, app.config["KIOSK_TOKEN"] = kiosks.add(s, "metro-door-1", "metro")
    return app


@pytest.fixture
def client(app):
    """A test client whose API calls carry the metro demo kiosk's device token (kiosk pages ignore it)."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(app)["Authorization"]
    return client


@pytest.fixture(scope="session")
def seeded_instance(tmp_path_factory) -> Path:
    """One instance seeded by the real `assistant seed` (which loads the face models), copied for each test."""
    instance = tmp_path_factory.mktemp("cli-template") / "instance"
    seeded = run_cli(["seed"], cli_environment(instance))
    assert seeded.returncode == 0, seeded.stderr
    tokens = dict(re.findall(r"^Demo kiosk (\S+): device token (\S+)$", seeded.stdout, re.MULTILINE))
    assert len(tokens) == 3, seeded.stdout  # one demo kiosk per venue
    (instance / "test-kiosk-tokens.json").write_text(json.dumps(tokens))  # kept for the tests only
    return instance


@pytest.fixture
def cli_env(tmp_path, seeded_instance):
    """Environment for running the real `assistant` command against a seeded temporary instance of its own."""
    shutil.copytree(seeded_instance, tmp_path / "cli-instance")
    return cli_environment(tmp_path / "cli-instance", copy_of=seeded_instance)


def pytest_configure(config):
    if support.POSTGRES:
        # An app a test dropped without closing leaves its pooled connection to the garbage collector, which closes
        # it; every test's own databases are closed and dropped when it ends (see _instance_databases).
        config.addinivalue_line("filterwarnings", "ignore:<psycopg.Connection:ResourceWarning")


@pytest.fixture(autouse=True)
def _instance_databases(monkeypatch):
    if not support.POSTGRES:
        yield
        return
    from assistant import config, db

    load, opened, made_before, pid = config.load, [], len(support.made), os.getpid()

    def load_with_database(overrides=None):
        loaded = load(overrides)
        if os.getpid() != pid:  # a process forked by the test shares no connection with this one
            return loaded
        if loaded["DATABASE_URL"].startswith("sqlite:///") and loaded["DATABASE_URL"].endswith("/assistant.sqlite3"):
            loaded["DATABASE_URL"] = support.instance_database(loaded["INSTANCE_PATH"])
        return loaded

    init = db.Database.__init__

    def remembered(self, *args, **kwargs):
        init(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(config, "load", load_with_database)
    monkeypatch.setattr(db.Database, "__init__", remembered)
    yield
    for database in opened:  # every app's pooled connections closed, as a server's are when it stops
        database.dispose()
    from sqlalchemy import text

    with support.server_engine().connect() as c:
        for name in support.made[made_before:]:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    del support.made[made_before:]


@pytest.fixture
def staff_app(app):
    add_staff(app)
    return app
