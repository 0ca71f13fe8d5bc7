"""The operator's figures from a real two-worker server under load: /metrics (Prometheus text format) adds every
worker's counts up, and they equal the check log's; help requests waiting and kiosks' last sightings come from the
registry; nothing in them names a person."""

from __future__ import annotations

import json
import secrets
import threading
from collections import Counter

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, func, select

from assistant.models import CheckRecord, HelpRequest
from tests.support.app import DEMO_NUMBERS
from tests.support.servers import check, demo_env, request, serve

CHECKS_EACH = 40


def scrape(port: int, token: str) -> dict[str, list]:
    status, body, headers = request(port, "GET", "/metrics", headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and headers["content-type"].startswith("text/plain")
    families = {}
    for family in text_string_to_metric_families(body.decode()):
        families[family.name] = family.samples
    return families, body.decode()


def test_a_two_worker_server_counts_every_check_the_log_holds(tmp_path):
    env = demo_env(tmp_path / "instance", f"sqlite:///{tmp_path / 'registry.db'}")
    env["ASSISTANT_METRICS_TOKEN"] = metrics_token = secrets.token_urlsafe(32)
    tokens = json.loads(env["TOKENS"])
    server, port = serve(env, workers=2)
    try:
        answers: Counter = Counter()
        counting = threading.Lock()

        def kiosk(name: str, offset: int):
            for n in range(CHECKS_EACH):
                status, _ = check(port, tokens[name], DEMO_NUMBERS[(offset + n) % len(DEMO_NUMBERS)])
                with counting:
                    answers[status] += 1

        clients = [
            threading.Thread(target=kiosk, args=(name, k)) for k, name in enumerate(["demo-metro", "demo-hospital"] * 2)
        ]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        for _ in range(3):
            read = {"Authorization": f"Bearer {tokens['demo-metro']}"}
            assert request(port, "POST", "/api/v1/reads", {"error": "card_unreadable"}, read)[0] == 201
        assert request(port, "GET", "/metrics")[0] == 401
        assert request(port, "GET", "/metrics", headers={"Authorization": f"Bearer {tokens['demo-metro']}"})[0] == 401
        scrapes = [scrape(port, metrics_token) for _ in range(6)]  # answered by either worker: the same sums
    finally:
        server.terminate()
        server.wait(10)

    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as c:
        logged = c.execute(
            select(CheckRecord.venue, CheckRecord.kiosk, CheckRecord.method, CheckRecord.status, CheckRecord.decision,
                   func.count()).group_by(CheckRecord.venue, CheckRecord.kiosk, CheckRecord.method, CheckRecord.status,
                                          CheckRecord.decision)
        ).all()  # fmt: skip
        waiting = dict(
            c.execute(
                select(HelpRequest.venue, func.count())
                .where(HelpRequest.state == "waiting")
                .group_by(HelpRequest.venue)
            ).all()
        )
    engine.dispose()
    log = {tuple(row[:5]): row[5] for row in logged}
    assert sum(log.values()) == answers[200] > 0, "every check answered was logged"
    for families, text in scrapes:
        labels = ("venue", "kiosk", "way_in", "status", "decision")
        counted = {
            tuple(s.labels[k] for k in labels): s.value
            for s in families["assistant_checks"]
            if s.name == "assistant_checks_total"
        }
        assert counted == log, "the figures are the check log's, labelled by venue, kiosk, way in, status, decision"
        answered = {
            s.labels["status"]: s.value
            for s in families["assistant_http_responses"]
            if s.name == "assistant_http_responses_total" and s.labels["route"] == "/api/v1/checks"
        }
        assert answered == {str(status): n for status, n in answers.items()}
        faults = [s for s in families["assistant_reader_errors"] if s.name == "assistant_reader_errors_total"]
        assert [(s.labels["kiosk"], s.labels["error"], s.value) for s in faults] == [
            ("demo-metro", "card_unreadable", 3)
        ]
        helped = {s.labels["venue"]: s.value for s in families["assistant_help_requests_waiting"] if s.value}
        assert helped == waiting and waiting, "refer results at kiosks wait for staff"
        assert {s.labels["venue"] for s in families["assistant_help_requests_waiting"]} >= {"metro", "hospital"}
        assert all(s.value >= 0 for s in families["assistant_help_request_oldest_wait_seconds"])
        seen = {s.labels["kiosk"] for s in families["assistant_kiosk_last_seen_timestamp_seconds"]}
        assert {"demo-metro", "demo-hospital"} <= seen
        pool = {s.labels["state"]: s.value for s in families["assistant_db_connections"]}
        assert pool["capacity"] > 0 and 0 <= pool["in_use"] <= pool["capacity"]
        assert [s.value for s in families["assistant_registry_up"]] == [1]
        durations = [s for s in families["assistant_http_response_seconds"] if s.name.endswith("_count")
                     and s.labels["route"] == "/api/v1/checks"]  # fmt: skip
        assert sum(s.value for s in durations) == sum(answers.values())
        assert not any(number in text for number in DEMO_NUMBERS), "no ID number in any label"
