"""Kiosk identity: device tokens on every API call, a bound browser per kiosk, and the kiosk in every log line."""

import pytest
from sqlalchemy import create_engine, func, select, text

from assistant import kiosks
from assistant.models import CheckRecord, Kiosk
from tests.support.app import DEMO_NUMBERS, REAL_NUMBER, bearer, cli_token, no_full_number, run_cli

URL = "/api/v1/checks"
GREEN = DEMO_NUMBERS[0]


def records(app) -> list[CheckRecord]:
    with app.extensions["assistant"]["db"].session() as s:
        return list(s.scalars(select(CheckRecord).order_by(CheckRecord.id)))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer hck_not-a-real-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer " + "x" * 5000},
    ],
    ids=["none", "empty", "wrong", "other-scheme", "enormous"],
)
def test_an_api_call_without_a_valid_token_is_401_and_nothing_is_logged(app, headers):
    response = app.test_client().post(URL, json={"method": "id_card", "id_number": GREEN}, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "kiosk_token_invalid"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert records(app) == []


def test_a_revoked_kiosk_stops_at_once(app, client):
    assert client.post(URL, json={"id_number": GREEN}).status_code == 200
    with app.extensions["assistant"]["db"].session() as s:
        kiosks.revoke(s, "demo-metro")
    response = client.post(URL, json={"id_number": GREEN})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "kiosk_token_invalid"
    assert len(records(app)) == 1


@pytest.mark.parametrize("venue", ["hospital", "moon", "", 7, None])
def test_another_venue_is_403_and_nothing_is_logged(app, client, venue):
    response = client.post(URL, json={"id_number": GREEN, "venue": venue})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "venue_not_allowed"
    assert records(app) == []


def test_the_check_log_says_which_kiosk_checked_and_how(app, client):
    client.post(URL, json={"id_number": GREEN})
    client.post(URL, json={"id_number": GREEN, "venue": "hospital"}, headers=bearer(app, "demo-hospital"))
    client.post("/kiosk/community-centre/check", data={"id_number": GREEN})
    logged = [(r.kiosk, r.channel, r.venue, r.clock) for r in records(app)]
    assert logged == [
        ("demo-metro", "api", "metro", "demo"),
        ("demo-hospital", "api", "hospital", "demo"),
        ("demo-community-centre", "kiosk", "community-centre", "demo"),
    ]


def test_the_command_line_registers_lists_and_revokes_kiosks(cli_env):
    added = run_cli(["kiosk", "add", "door-2", "--venue", "hospital"], cli_env)
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    assert token.startswith(kiosks.TOKEN_PREFIX) and len(token) > 40
    engine = create_engine(
        cli_env.get("DATABASE_URL") or f"sqlite:///{cli_env['ASSISTANT_INSTANCE']}/assistant.sqlite3"
    )
    with engine.connect() as db:
        stored = db.execute(text("SELECT token_hash FROM kiosk WHERE name = 'door-2'")).scalar_one()
        assert token not in str(db.execute(text("SELECT * FROM kiosk")).all())
    engine.dispose()
    assert stored == kiosks.token_hash(token)
    listed = run_cli(["kiosk", "list"], cli_env).stdout
    assert "door-2\thospital\tnever seen\tno printer\tlive" in listed and token not in listed
    assert "demo-metro\tmetro\tnever seen\tprinter simulated 80 mm\tlive (demo)" in listed
    again = run_cli(["kiosk", "add", "door-2", "--venue", "metro"], cli_env)
    assert again.returncode == 2 and "kiosk_name_taken" in again.stderr
    unknown_venue = run_cli(["kiosk", "add", "door-3", "--venue", "moon"], cli_env)
    assert unknown_venue.returncode == 2 and "venue_unknown" in unknown_venue.stderr
    bad_name = run_cli(["kiosk", "add", "Door 3!", "--venue", "metro"], cli_env)
    assert bad_name.returncode == 2 and "kiosk_name_invalid" in bad_name.stderr
    revoked = run_cli(["kiosk", "revoke", "door-2"], cli_env)
    assert (
        revoked.returncode == 0
        and "door-2\thospital\tnever seen\tno printer\trevoked" in run_cli(["kiosk", "list"], cli_env).stdout
    )
    assert run_cli(["kiosk", "revoke", "door-9"], cli_env).returncode == 2
    assert cli_token(cli_env).startswith(kiosks.TOKEN_PREFIX)


class TestBinding:
    def test_an_unbound_browser_in_production_sees_only_the_set_up_screen(self, production_app):
        client = production_app.test_client()
        for path in ("/kiosk/", "/kiosk/metro/", "/kiosk/metro/card", "/kiosk/hospital/result", "/kiosk/metro/help"):
            response = client.get(path)
            assert response.status_code == 303 and response.headers["Location"] == "/kiosk/setup", path
        posted = client.post("/kiosk/metro/check", data={"id_number": REAL_NUMBER})
        assert posted.status_code in (303, 400) and records(production_app) == []
        setup = client.get("/kiosk/setup?lang=en").get_data(as_text=True)
        assert "Set up this kiosk" in setup and 'name="csrf_token"' in setup

    def test_a_wrong_token_is_refused_calmly(self, production_app):
        client = production_app.test_client()
        token = client.get("/kiosk/setup").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        refused = client.post("/kiosk/setup?lang=en", data={"token": "hck_wrong", "csrf_token": token})
        assert refused.status_code == 400
        html = refused.get_data(as_text=True)
        assert "error-summary" in html and "not registered" in html and "hck_wrong" not in html
        assert "kiosk" not in {c.key for c in client._cookies.values()}

    def test_binding_makes_the_browser_its_kiosk_at_its_venue_until_revoked(self, production_app):
        client = production_app.test_client()
        csrf = client.get("/kiosk/setup").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        bound = client.post("/kiosk/setup", data={"token": production_app.config["KIOSK_TOKEN"], "csrf_token": csrf})
        assert bound.status_code == 303 and bound.headers["Location"] == "/kiosk/metro/"
        cookie = bound.headers["Set-Cookie"]
        assert cookie.startswith("kiosk=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Max-Age=315360000" in cookie and production_app.config["KIOSK_TOKEN"] not in cookie
        assert client.get("/kiosk/metro/").status_code == 200
        assert client.get("/kiosk/hospital/card").headers["Location"] == "/kiosk/metro/"  # its own venue only
        home = client.get("/kiosk/metro/?lang=en").get_data(as_text=True)
        csrf = home.split('name="csrf_token" value="')[1].split('"')[0]
        checked = client.post("/kiosk/metro/check", data={"id_number": REAL_NUMBER, "csrf_token": csrf})
        assert checked.status_code == 303
        assert "赵*" in client.get("/kiosk/metro/result").get_data(as_text=True)
        [record] = records(production_app)
        assert (record.kiosk, record.channel, record.clock) == ("metro-door-1", "kiosk", "real")
        with production_app.extensions["assistant"]["db"].session() as s:
            kiosks.revoke(s, "metro-door-1")
            assert s.scalar(select(Kiosk.last_seen_at).where(Kiosk.name == "metro-door-1")) is not None
        assert client.get("/kiosk/metro/").headers["Location"] == "/kiosk/setup"

    def test_a_forged_binding_cookie_is_ignored(self, production_app):
        client = production_app.test_client()
        for value in ("1", "MQ.forged", "eyJ0ZXN0IjoxfQ.AAAA"):
            client.set_cookie("kiosk", value)
            assert client.get("/kiosk/metro/").headers["Location"] == "/kiosk/setup"

    def test_in_demo_mode_an_unbound_page_is_its_venues_demo_kiosk(self, app, client):
        assert client.get("/kiosk/hospital/").status_code == 200
        client.post("/kiosk/hospital/check", data={"id_number": GREEN})
        assert [(r.kiosk, r.venue) for r in records(app)] == [("demo-hospital", "hospital")]

    def test_the_set_up_screen_holds_nothing_personal(self, production_app):
        html = production_app.test_client().get("/kiosk/setup").get_data(as_text=True)
        assert no_full_number(html, (REAL_NUMBER,)) and production_app.config["KIOSK_TOKEN"] not in html


def test_demo_seeding_makes_one_demo_kiosk_per_venue(app):
    with app.extensions["assistant"]["db"].session() as s:
        made = s.scalars(select(Kiosk.name).where(Kiosk.demo.is_(True)).order_by(Kiosk.name)).all()
        assert made == ["demo-community-centre", "demo-hospital", "demo-metro"]
        assert s.scalar(select(func.count()).select_from(Kiosk)) == 3
