"""Running it: health and readiness, one JSON log line per request that never holds a number, name, token or photo,
and cookies and HSTS behind TLS."""

import base64
import io
import json
import logging

import pytest
from sqlalchemy import create_engine

from assistant import logs
from tests.support.app import CARDS, DEMO_NUMBERS, bearer, no_full_number, seeded_app


def test_health_and_readiness_need_no_login(client):
    assert client.get("/healthz").get_json() == {"status": "alive"}
    assert client.get("/readyz").get_json() == {"status": "ready"}


def test_not_ready_when_the_database_does_not_answer(app, client, tmp_path):
    database = app.extensions["assistant"]["db"]
    database.engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    database.sessions.configure(bind=database.engine)
    database._statements.configure(bind=database.engine)
    database.link_engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3", isolation_level="AUTOCOMMIT")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable"}
    assert client.get("/healthz").status_code == 200
    api = client.post("/api/v1/checks", json={"id_number": DEMO_NUMBERS[0]})
    assert api.status_code == 503  # the kiosk cannot be looked up either: never a 500
    assert api.get_json()["error"]["code"] == "registry_unavailable"


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonLines())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_the_log_writer_keeps_every_line_whole_from_many_threads(tmp_path):
    import threading

    path = tmp_path / "server.log"
    with open(path, "w") as stream:
        handler = logs.Lines(stream)
        handler.setFormatter(logs.JsonLines())
        log = logging.getLogger("assistant.test-lines")
        log.addHandler(handler)
        log.propagate, log.level = False, logging.INFO

        def write(n):
            for i in range(300):
                log.info("request", extra={"kiosk": f"k{n}", "route": "/api/v1/checks" + "x" * (i % 50), "status": i})

        threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        log.removeHandler(handler)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == 8 * 300
    assert sorted((line["kiosk"], line["status"]) for line in lines) == sorted(
        (f"k{n}", i) for n in range(8) for i in range(300)
    )


def test_one_json_line_per_request_with_kiosk_route_status_and_duration(app, client, json_log):
    client.post("/api/v1/checks", json={"id_number": DEMO_NUMBERS[0]})
    client.get("/kiosk/hospital/")
    client.post("/api/v1/checks", json={"id_number": DEMO_NUMBERS[0]}, headers={"Authorization": "Bearer nope"})
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    requests = [line for line in lines if line["logger"] == "assistant.access"]
    assert [(r["kiosk"], r["route"], r["method"], r["status"]) for r in requests] == [
        ("demo-metro", "/api/v1/checks", "POST", 200),
        ("demo-hospital", "/kiosk/<venue>/", "GET", 200),
        (None, "/api/v1/checks", "POST", 401),
    ]
    assert all(isinstance(r["duration_ms"], float) and r["time"].endswith("+00:00") for r in requests)


def test_the_log_never_holds_a_number_a_name_a_token_or_a_photo(app, client, json_log):
    token = app.config["DEMO_KIOSK_TOKENS"]["demo-metro"]
    photo = (app.config["SEEDS_DIR"] / "faces" / "astronaut.jpg").read_bytes()
    for number in DEMO_NUMBERS:
        client.post("/kiosk/metro/check", data={"id_number": number})
        client.get("/kiosk/metro/result")
        client.get("/kiosk/metro/speech/why").close()
        client.post("/api/v1/checks", json={"id_number": number})
        client.post("/api/v1/checks", json={"id_number": number + "0"})
    client.post("/api/v1/checks", json={"method": "face", "image": base64.b64encode(photo).decode()})
    client.post("/kiosk/metro/face", data={"demo_face": "0"})
    chip = base64.b64encode(CARDS[0].chip.read_bytes()).decode()
    for venue in ("metro", "community-centre"):  # a card read, checked at once or waiting for the face
        read = {"id_number": CARDS[0].number, "name": "王秀英", "photo": chip}
        client.post("/api/v1/reads", json=read, headers=bearer(app, f"demo-{venue}"))
        client.get(f"/kiosk/{venue}/reads/events")
    client.post("/kiosk/community-centre/card/face/demo", data={"sequence": "other"})
    text = json_log.getvalue()
    assert text and all(json.loads(line) for line in text.splitlines())
    assert no_full_number(text)
    assert token not in text and "王秀英" not in text and "李建国" not in text
    assert base64.b64encode(photo[:60]).decode()[:40] not in text and chip[:40] not in text


def test_behind_tls_cookies_are_secure_and_hsts_is_sent(tmp_path):
    app = seeded_app({"INSTANCE_PATH": tmp_path / "tls", "HTTPS": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    page = client.get("/kiosk/metro/card")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in page.headers["Set-Cookie"]
    production = seeded_app({"INSTANCE_PATH": tmp_path / "plain"})
    assert "Strict-Transport-Security" not in production.test_client().get("/").headers


def test_behind_a_proxy_the_clients_address_and_scheme_come_from_its_headers(tmp_path):
    app = seeded_app({"INSTANCE_PATH": tmp_path / "proxied", "PROXIES": 1, "HTTPS": True})
    client = app.test_client()
    answers = [
        client.post(
            "/kiosk/setup",
            data={"token": "x"},
            headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        ).status_code
        for _ in range(11)
    ]
    assert answers[-1] == 429
    other = client.post("/kiosk/setup", data={"token": "x"}, headers={"X-Forwarded-For": "203.0.113.10"})
    assert other.status_code != 429  # another address has its own budget
    assert bearer(app)  # the demo kiosks are there too
