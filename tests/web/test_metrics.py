"""/metrics is the operator's: not there until its own token is set, then only with that token (not a kiosk's, not
a staff login); its figures follow what happens, and never name a person."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.support.app import ADMIN, DEMO_NUMBERS, add_staff, bearer, signed_in

TOKEN = "a-long-random-scrape-token-for-the-tests-only"


def _checks(client) -> float:
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    families = {f.name: f for f in text_string_to_metric_families(answer.get_data(as_text=True))}
    return sum(
        s.value
        for s in families["assistant_checks"].samples
        if s.name == "assistant_checks_total" and s.labels["kiosk"] == "demo-metro" and s.labels["way_in"] == "id_card"
    )


def test_metrics_are_not_there_without_their_token_set(app):
    assert app.config["METRICS_TOKEN"] is None
    assert app.test_client().get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_only_the_metrics_token_opens_them(app):
    app.config["METRICS_TOKEN"] = TOKEN
    add_staff(app)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN[:-1]}, bearer(app, "demo-metro")):
        answer = app.test_client().get("/metrics", headers=headers)
        assert answer.status_code == 401 and "assistant_checks" not in answer.get_data(as_text=True)
    client = signed_in(app, ADMIN)
    assert client.get("/metrics").status_code == 401  # a staff login is not the operator's token
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_a_check_is_counted_once_and_the_figures_name_no_one(app):
    app.config["METRICS_TOKEN"] = TOKEN
    client = app.test_client()
    before = _checks(client)
    answer = client.post("/api/v1/checks", json={"id_number": DEMO_NUMBERS[0]}, headers=bearer(app, "demo-metro"))
    assert answer.status_code == 200
    assert _checks(client) == before + 1
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    assert DEMO_NUMBERS[0] not in text
    # Figures are numbers (a time may hold any four digits); what could name someone is a label.
    labels = {v for f in text_string_to_metric_families(text) for s in f.samples for v in s.labels.values()}
    assert labels and not any(DEMO_NUMBERS[0][-4:] in v or DEMO_NUMBERS[0][:6] in v for v in labels)
    assert "assistant_help_requests_waiting" in text and "assistant_registry_up 1.0" in text


def test_the_monitoring_files_ask_only_for_figures_the_server_gives(app):
    """docs/monitoring: the scrape config, the alert rules and the Grafana dashboard read, and every figure they
    name is one /metrics gives (after a check and a reader fault, so that every counter has a sample)."""
    import json
    import re
    from pathlib import Path

    import yaml

    app.config["METRICS_TOKEN"] = TOKEN
    client = app.test_client()
    client.post("/api/v1/checks", json={"id_number": DEMO_NUMBERS[0]}, headers=bearer(app, "demo-metro"))
    client.post("/api/v1/reads", json={"error": "card_unreadable"}, headers=bearer(app, "demo-metro"))
    with client.get("/kiosk/metro/speech/busy?error=registry_unavailable&lang=en") as speech:
        assert speech.status_code == 200
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    given = {s.name for f in text_string_to_metric_families(text) for s in f.samples}
    folder = Path(__file__).parents[2] / "docs" / "monitoring"
    scrape = yaml.safe_load((folder / "prometheus.yml").read_text())["scrape_configs"][0]
    assert scrape["metrics_path"] == "/metrics" and scrape["authorization"]["type"] == "Bearer"
    rules = yaml.safe_load((folder / "alerts.yml").read_text())["groups"][0]["rules"]
    dashboard = json.loads((folder / "grafana-dashboard.json").read_text())
    expressions = [r["expr"] for r in rules] + [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert len(rules) == 3 and len(dashboard["panels"]) >= 8
    named = {name for e in expressions for name in re.findall(r"\bassistant_[a-z_]+", e)}
    assert named and named <= given, named - given
