"""Demo mode and production: the demo's people, pages and clock exist only in demo mode."""

import base64
import os

import pytest
from sqlalchemy import func, select

from assistant import config
from assistant.models import CheckRecord, Kiosk, Resident, Venue
from tests.support.app import ANCHOR, DEMO_NUMBERS, REAL_NUMBER, run_cli, with_instance

URL = "/api/v1/checks"


def count(app, model) -> int:
    with app.extensions["assistant"]["db"].session() as s:
        return s.scalar(select(func.count()).select_from(model))


def api(app):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {app.config['KIOSK_TOKEN']}"
    return client


def production_env(cli_env: dict) -> dict:
    env = dict(cli_env)
    env.pop("ASSISTANT_DEMO", None)
    env.pop("ASSISTANT_AT", None)
    return env


def test_the_demo_pages_are_404_in_production(production_app, app):
    client = production_app.test_client()
    assert client.get("/demo").status_code == 404
    assert client.post("/demo/pass/0").status_code == 404
    assert "/demo" not in client.get("/?lang=en").get_data(as_text=True)
    assert app.test_client().get("/demo").status_code == 200


def test_the_api_cannot_be_told_another_time_in_production(production_app):
    response = api(production_app).post(URL, json={"id_number": REAL_NUMBER, "at": "2020-01-01T00:00:00+08:00"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "at_not_allowed"
    assert count(production_app, CheckRecord) == 0
    checked = api(production_app).post(URL, json={"id_number": REAL_NUMBER})
    assert checked.status_code == 200 and checked.get_json()["status"] == "green"


def test_in_demo_mode_the_api_may_move_the_clock_and_the_log_says_so(app, client):
    client.post(URL, json={"id_number": DEMO_NUMBERS[1], "at": "2026-12-03T12:00:00+08:00"})
    with app.extensions["assistant"]["db"].session() as s:
        assert s.scalar(select(CheckRecord.clock)) == "demo"


def test_the_validation_clock_setting_is_ignored_outside_the_demo(monkeypatch):
    monkeypatch.setenv("ASSISTANT_AT", ANCHOR.isoformat())
    monkeypatch.delenv("ASSISTANT_DEMO")
    assert config.load({"SECRET_KEY": "x", "ID_HASH_KEY": "y"})["VALIDATION_AT"] is None
    assert (
        config.load({"SECRET_KEY": "x", "ID_HASH_KEY": "y", "VALIDATION_AT": ANCHOR.isoformat()})["VALIDATION_AT"]
        is None
    )
    monkeypatch.setenv("ASSISTANT_DEMO", "1")
    assert config.load({"SECRET_KEY": "x", "ID_HASH_KEY": "y"})["VALIDATION_AT"] == ANCHOR.isoformat()


def test_the_simulated_reader_and_camera_show_no_demo_people_in_production(production_app):
    client = production_app.test_client()
    bound_home = production_app.config["KIOSK_TOKEN"]
    csrf = client.get("/kiosk/setup").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/kiosk/setup", data={"token": bound_home, "csrf_token": csrf})
    card = client.get("/kiosk/metro/card?lang=en").get_data(as_text=True)
    assert "Demo card" not in card and 'name="card"' not in card and 'id="id_number"' in card
    csrf = card.split('name="csrf_token" value="')[1].split('"')[0]
    tapped = client.post("/kiosk/metro/card", data={"card": "0", "csrf_token": csrf})
    assert tapped.status_code == 400 and count(production_app, CheckRecord) == 0  # no demo card to tap
    assert "Look at the camera" not in client.get("/kiosk/metro/?lang=en").get_data(as_text=True)
    assert client.get("/kiosk/metro/face").status_code == 404  # face search alone is off unless a venue turns it on
    assert client.get("/kiosk/metro/face/demo/0.jpg").status_code == 404


def test_a_face_frame_sent_to_the_api_searches_no_one_unless_the_venue_opted_in(production_app, app, client):
    frame = base64.b64encode((app.config["SEEDS_DIR"] / "faces" / "astronaut.jpg").read_bytes()).decode()
    refused = api(production_app).post(URL, json={"method": "face", "image": frame})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "face_search_off"
    assert count(production_app, CheckRecord) == 0
    assert client.post(URL, json={"method": "face", "image": frame}).status_code == 200  # the demo venue opted in


def test_production_seeding_loads_venues_only(tmp_path, cli_env):
    env = with_instance(production_env(cli_env), tmp_path / "fresh")
    seeded = run_cli(["seed"], env)
    assert seeded.returncode == 0, seeded.stderr
    assert "production: no demo residents" in seeded.stdout and "device token" not in seeded.stdout
    from assistant import create_app

    app = create_app({"INSTANCE_PATH": tmp_path / "fresh", "DEMO": False})
    assert (count(app, Venue), count(app, Resident), count(app, Kiosk)) == (3, 0, 0)


def test_the_server_refuses_a_demo_database_in_production(cli_env):
    refused = run_cli(["serve", "--port", "1"], production_env(cli_env))
    assert refused.returncode == 2
    assert "holds demo residents, kiosks or staff accounts" in refused.stderr and "ASSISTANT_DEMO=1" in refused.stderr


def test_the_server_refuses_a_demo_clock_in_production(tmp_path, cli_env):
    env = with_instance(production_env(cli_env), tmp_path / "fresh")
    assert run_cli(["seed"], env).returncode == 0
    refused = run_cli(["serve", "--port", "1"], dict(env, ASSISTANT_AT=ANCHOR.isoformat()))
    assert refused.returncode == 2 and "ASSISTANT_AT moves the clock" in refused.stderr


def test_the_operators_check_at_another_time_is_logged_as_such(tmp_path, cli_env):
    env = with_instance(production_env(cli_env), tmp_path / "fresh")
    assert run_cli(["seed"], env).returncode == 0
    (tmp_path / "one.csv").write_text(
        "id_number,name,quarantine_until,last_test_at,last_test_result,risk_area_level,risk_area_visit_at,"
        f"vaccine_doses,language\n{REAL_NUMBER},赵淑芬,,,,,,3,zh\n",
        encoding="utf-8",
    )
    assert run_cli(["import", "residents", str(tmp_path / "one.csv")], env).returncode == 0
    assert run_cli(["check", "--id", REAL_NUMBER, "--at", "2026-01-01T09:00:00+08:00"], env).returncode == 0
    assert run_cli(["check", "--id", REAL_NUMBER], env).returncode == 0
    from assistant import create_app

    app = create_app({"INSTANCE_PATH": tmp_path / "fresh", "DEMO": False})
    with app.extensions["assistant"]["db"].session() as s:
        logged = s.execute(select(CheckRecord.channel, CheckRecord.clock).order_by(CheckRecord.id)).all()
    assert [tuple(row) for row in logged] == [("cli", "operator"), ("cli", "real")]


@pytest.mark.parametrize("flag", ["1", "true", "yes"])
def test_demo_mode_is_turned_on_by_the_environment(monkeypatch, flag):
    monkeypatch.setenv("ASSISTANT_DEMO", flag)
    assert config.load({"SECRET_KEY": "x", "ID_HASH_KEY": "y"})["DEMO"] is True
    monkeypatch.delenv("ASSISTANT_DEMO")
    assert config.load({"SECRET_KEY": "x", "ID_HASH_KEY": "y"})["DEMO"] is False
    assert "ASSISTANT_DEMO" not in os.environ


# Meant for everyone: what this is, what results mean, the accessibility statement, the API's own description,
# the load balancer's probes, the set-up screen (it asks for a token) and the style sheets and scripts.
PUBLIC = {
    "pages.landing",
    "pages.policy",
    "pages.policy_topic",
    "pages.policy_speech",
    "reviewer.accessibility",
    "api.openapi",
    "operations.healthz",
    "operations.readyz",
    "kiosk_setup.setup",
    "kiosk_setup.bind",
    "staff.login",
    "staff.sign_in",
    "static",
}
SAMPLE_ARGS = {
    "venue": "metro",
    "screen": "home",
    "topic": "health-code",
    "paragraph": 0,
    "index": 0,
    "resident_id": 1,
    "request_id": 1,
    "read_id": 1,
    "job_id": 1,
    "name": "metro-door-1",
    "slug": "metro",
    "username": "admin",
    "language": "en",
    "part": "said",
}


def test_every_route_is_closed_without_a_kiosk_token_unless_it_is_public(production_app):
    client = production_app.test_client()
    checked = set()
    for rule in production_app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        path = rule.build({k: v for k, v in SAMPLE_ARGS.items() if k in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, json={"id_number": REAL_NUMBER})
            # A kiosk's routes send an unbound browser to its set-up screen; the staff console's to its sign-in.
            sign_in = "/kiosk/setup" if not rule.endpoint.startswith("staff.") else "/staff/login"
            closed = response.status_code == 401 or (
                response.status_code == 303 and response.headers["Location"].startswith(sign_in)
            )
            # A staff form posted from outside has no CSRF token: refused (400) before sign-in is even asked.
            closed = closed or (response.status_code == 400 and sign_in == "/staff/login" and method == "POST")
            # The operator's figures are not there at all until their own token is set (tests/web/test_metrics.py).
            closed = closed or (rule.endpoint == "operations.scrape" and response.status_code == 404)
            assert closed, f"{method} {path} answered {response.status_code} without a kiosk token or staff login"
            checked.add(rule.endpoint)
    assert {
        "kiosk.check",
        "kiosk.speech",
        "kiosk.say",
        "kiosk.result",
        "kiosk.help_state",
        "kiosk.print_slip",
        "kiosk.simulated_paper",
        "kiosk.settings",
        "kiosk.keep_settings",
        "kiosk.forget_settings",
        "kiosk.standard_settings",
        "api.create_check",
    } <= checked
    assert {
        "staff.help",
        "staff.help_events",
        "staff.find_resident",
        "staff.add_kiosk",
        "staff.export_checks",
        "staff.kiosk_printer",
        "staff.keep_settings",
    } <= checked
    assert count(production_app, CheckRecord) == 0
