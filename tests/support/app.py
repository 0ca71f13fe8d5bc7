"""What the tests share, imported by them (the fixtures are in tests/conftest.py): the demo's cards and clock, apps
on freshly seeded databases, the real `assistant` command, page checks, staff sign-in, and a PostgreSQL database for
each instance folder when the tests run on PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path

from assistant import create_app
from assistant.cards import demo_cards
from assistant.config import PROJECT_ROOT
from assistant.seeding import seed

SEEDS = PROJECT_ROOT / "seeds"


with open(SEEDS / "demo.toml", "rb") as _f:
    ANCHOR = tomllib.load(_f)["anchor"]


CARDS = demo_cards(SEEDS)


DEMO_NUMBERS = [c.number for c in CARDS]


NOT_FOUND = "310109194708090712"  # a valid number that is on a demo card but not in the registry


def seeded_app(config: dict):
    """A demo app on a new database, seeded; its demo kiosks' device tokens in config["DEMO_KIOSK_TOKENS"]."""
    app = create_app({"TESTING": True, "VALIDATION_AT": ANCHOR.isoformat(), **config})
    db = app.extensions["assistant"]["db"]
    with db.session() as s:
        counts = seed(
            s, SEEDS, app.config["ID_HASH_KEY"].encode(), ANCHOR, app.extensions["assistant"]["faces"].matcher
        )
    app.config["DEMO_KIOSK_TOKENS"] = counts["kiosks"]
    return app


# A resident who is not one of the demo's: production tests register them by hand.
REAL_NUMBER = "110105195003070019"


REAL_RESIDENTS_CSV = (
    "id_number,name,quarantine_until,last_test_at,last_test_result,risk_area_level,risk_area_visit_at,"
    f"vaccine_doses,language\n{REAL_NUMBER},赵淑芬,,,,,,3,zh\n"
)


def bearer(app, kiosk: str = "demo-metro") -> dict:
    return {"Authorization": f"Bearer {app.config['DEMO_KIOSK_TOKENS'][kiosk]}"}


def cli_environment(instance: Path, copy_of: Path | None = None) -> dict:
    return with_instance(dict(os.environ, ASSISTANT_AT=ANCHOR.isoformat()), instance, copy_of)


def cli_token(env: dict, kiosk: str = "demo-metro") -> str:
    """A demo kiosk's device token in the instance a cli_env points at (printed by `assistant seed`)."""
    return json.loads((Path(env["ASSISTANT_INSTANCE"]) / "test-kiosk-tokens.json").read_text())[kiosk]


def run_cli(args: list[str], env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    command = Path(sys.executable).parent / "assistant"
    return subprocess.run([str(command), *args], env=env, input=stdin, capture_output=True, text=True, timeout=60)


class PageFacts(HTMLParser):
    """What every page must get right: lang, title, one h1, unique ids, labelled fields."""

    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.ids: list[str] = []
        self.h1 = 0
        self.title = ""
        self._in_title = False
        self.label_for: set[str] = set()
        self.inputs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "h1":
            self.h1 += 1
        if tag == "title":
            self._in_title = True
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(a.get("id", ""))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def check_page(response, lang: str) -> PageFacts:
    """Parse a page and assert the things every page in the product must have."""
    assert response.mimetype == "text/html"
    facts = PageFacts()
    facts.feed(response.get_data(as_text=True))
    assert facts.html_lang == {"zh": "zh-Hans", "en": "en"}[lang]
    assert facts.title.strip(), "every page has a title"
    assert facts.h1 == 1, "every page has exactly one h1"
    assert len(facts.ids) == len(set(facts.ids)), f"duplicate ids: {facts.ids}"
    for field in facts.inputs:
        assert field in facts.label_for, f"field {field!r} has no label"
    assert "Traceback" not in response.get_data(as_text=True)
    return facts


def no_full_number(text: str, numbers=tuple(DEMO_NUMBERS)) -> bool:
    normal = re.sub(r"\s", "", text)
    return not any(n in normal or n.lower() in normal for n in numbers)


# With ASSISTANT_TEST_POSTGRES (a server's URL, as `make test-postgres` and CI set it), every instance folder a test
# uses, by an app in this process or by a command it runs, has a PostgreSQL database of its own instead of the SQLite
# file in it: new ones are copies of one migrated template, a CLI test's a copy of the one `assistant seed` filled.
POSTGRES = os.environ.get("ASSISTANT_TEST_POSTGRES")
_server = None


def server_engine():
    global _server
    if _server is None:
        from sqlalchemy import create_engine, text

        from assistant.db import Database

        _server = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with _server.connect() as c:
            c.execute(text("DROP DATABASE IF EXISTS assistant_template WITH (FORCE)"))
            c.execute(text("CREATE DATABASE assistant_template"))
        template = Database(_postgres_url("assistant_template"))
        template.upgrade()
        template.dispose()
    return _server


def _postgres_url(database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES).set(database=database).render_as_string(hide_password=False)


def _database_name(instance: Path) -> str:
    import hashlib

    return "i_" + hashlib.sha256(str(Path(instance).resolve()).encode()).hexdigest()[:24]


def instance_database(instance: Path, copy_of: Path | None = None) -> str | None:
    """With PostgreSQL: the URL of this instance folder's database, made on first use (a copy of `copy_of`'s, or
    of the migrated template). Without: None, and the instance's SQLite file is used."""
    if not POSTGRES:
        return None
    from sqlalchemy import text

    name = _database_name(instance)
    template = _database_name(copy_of) if copy_of else "assistant_template"
    with server_engine().connect() as c:
        if c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    made.append(name)
    return _postgres_url(name)


made: list[str] = []


def with_instance(env: dict, instance: Path, copy_of: Path | None = None) -> dict:
    """A command's environment pointed at an instance folder (and, with PostgreSQL, at its database)."""
    env = dict(env, ASSISTANT_INSTANCE=str(instance))
    env.pop("DATABASE_URL", None)
    if url := instance_database(instance, copy_of):
        env["DATABASE_URL"] = url
    return env


# The staff console's people in tests: one member of staff and one admin, with known passwords.
STAFF = ("desk", "desk password 1")


ADMIN = ("boss", "admin password 1")


def add_staff(app) -> None:
    from assistant.staff import accounts

    with app.extensions["assistant"]["db"].session() as s:
        accounts.add(s, STAFF[0], STAFF[1], "staff")
        accounts.add(s, ADMIN[0], ADMIN[1], "admin")


def signed_in(app, who=STAFF):
    """A test client signed in to the staff console (in an app with CSRF off, as the `app` fixture is)."""
    client = app.test_client()
    answer = client.post("/staff/login", data={"username": who[0], "password": who[1]})
    assert answer.status_code == 303 and answer.headers["Location"] == "/staff/help", answer.get_data(as_text=True)
    return client
