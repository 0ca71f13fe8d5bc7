"""The API's plain check answered in front of Flask (web/check_lane.py): the same answer, byte for byte but for the
check's own id and moment, as the Flask view gives; everything else handed to the view untouched; every check
logged once, every failed lookup counted, and an error once the check has begun answered without running it again."""

import json
import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from assistant.models import CheckRecord, HelpRequest
from assistant.web.headers import SECURITY_HEADERS
from tests.support.app import DEMO_NUMBERS, bearer

URL = "/api/v1/checks"
UNKNOWN = "11010519491231002X"  # a valid number that is not in the registry
MOMENT = ("check_id", "at", "at_text")  # what differs between two checks of the same person


class Counting:
    """The app behind the lane, counting what reaches it."""

    def __init__(self, app):
        self.inner, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.inner(environ, start_response)


@pytest.fixture
def lane(app):
    lane = app.extensions["check_lane"]
    lane.flask_app = Counting(lane.flask_app)
    return lane


def logged(app, model=CheckRecord):
    with app.extensions["assistant"]["db"].session() as s:
        return s.scalar(select(func.count()).select_from(model))


def answer(client, body: dict, **headers):
    response = client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)
    data = response.get_json()
    shown = {k: v for k, v in data.items() if k not in MOMENT}
    listed = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
    return response.status_code, listed, shown


BODIES = [
    {"method": "id_card", "id_number": DEMO_NUMBERS[0]},
    {"id_number": DEMO_NUMBERS[1], "venue": "metro", "lang": "en"},  # a referral: its help request with it
    {"id_number": DEMO_NUMBERS[2], "lang": "zh"},
    {"id_number": " " + DEMO_NUMBERS[3].lower() + " "},  # as a scanner may type it
    {"id_number": UNKNOWN},  # not in the registry: a logged check and a failed lookup
]


@pytest.mark.parametrize("body", BODIES)
def test_the_lane_answers_as_the_flask_view_does(app, client, lane, body):
    through_lane = answer(client, body)
    assert lane.flask_app.calls == 0, "the plain check was answered before Flask"
    lane.open = False
    through_flask = answer(client, body)
    assert lane.flask_app.calls == 1
    assert through_lane == through_flask
    assert through_lane[0] == 200 and set(SECURITY_HEADERS.items()) <= set(through_lane[1])
    assert logged(app) == 2


@pytest.mark.parametrize(
    "body, status",
    [
        ({"id_number": "310104195107020317"}, 400),  # a wrong check digit
        ({"id_number": DEMO_NUMBERS[0], "venue": "hospital"}, 403),  # not this kiosk's venue
        ({"id_number": DEMO_NUMBERS[0], "venue": None}, 403),
        ({"id_number": DEMO_NUMBERS[0], "lang": "fr"}, 400),
        ({"id_number": DEMO_NUMBERS[0], "at": "2026-12-03T12:00:00+08:00"}, 200),  # demo mode's chosen moment
        ({"method": "pass", "token": "x"}, 400),
        ({"id_number": [DEMO_NUMBERS[0]]}, 400),
        ({"id_number": DEMO_NUMBERS[0], "note": "more than a check has"}, 200),
    ],
)
def test_anything_but_the_plain_check_is_the_views_to_answer(app, client, lane, body, status):
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == status and lane.flask_app.calls == 1
    assert logged(app) == (1 if status == 200 else 0), "handed on before anything was written"


def test_no_token_a_wrong_one_a_query_or_a_large_body_go_to_the_view(app, lane):
    client = app.test_client()
    body = json.dumps({"id_number": DEMO_NUMBERS[0]})
    assert client.post(URL, data=body, content_type="application/json").status_code == 401
    wrong = {"Authorization": "Bearer hck_not-a-token"}
    assert client.post(URL, data=body, content_type="application/json", headers=wrong).status_code == 401
    token = bearer(app)
    assert client.post(URL + "?lang=en", data=body, content_type="application/json", headers=token).status_code == 200
    padded = json.dumps({"id_number": DEMO_NUMBERS[0], "lang": "en"}) + " " * 2000
    assert client.post(URL, data=padded, content_type="application/json", headers=token).status_code == 200
    assert lane.flask_app.calls == 4 and logged(app) == 2


def test_every_failed_lookup_through_the_lane_spends_the_budget(app, client, lane):
    budget = app.config["FAILED_LOOKUPS_PER_MINUTE"]
    for _ in range(budget):
        assert client.post(URL, json={"id_number": UNKNOWN}).status_code == 200
    assert lane.flask_app.calls == 0
    past = client.post(URL, json={"id_number": UNKNOWN})
    assert past.status_code == 429 and past.get_json()["error"]["code"] == "too_many_checks"
    assert lane.flask_app.calls == 1, "past the budget: the view refuses and alerts staff"
    assert logged(app) == budget
    assert client.post(URL, json={"id_number": DEMO_NUMBERS[0]}).status_code == 429, "for every number"


def test_an_error_once_the_check_has_begun_is_answered_without_running_it_again(app, client, lane, monkeypatch, caplog):
    from assistant import help_requests

    def gone(*_args, **_kwargs):
        raise OperationalError("INSERT INTO help_request", {}, Exception("the database went away"))

    monkeypatch.setattr(help_requests, "refer_row", gone)
    with caplog.at_level(logging.INFO, logger="assistant.access"):
        response = client.post(URL, json={"id_number": DEMO_NUMBERS[1]})
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "registry_unavailable"
    assert response.headers["Retry-After"] == "3" and response.headers["Cache-Control"] == "no-store"
    assert lane.flask_app.calls == 0, "not handed on: that would run the check a second time"
    assert logged(app) == 0 and logged(app, HelpRequest) == 0, "the referral and its help request: neither"
    lines = [r for r in caplog.records if r.name == "assistant.access"]
    assert [(r.route, r.status, r.kiosk) for r in lines] == [(URL, 503, "demo-metro")]


def test_the_lane_writes_one_access_line_and_the_metrics_of_each_answer(app, client, lane, caplog):
    from assistant import metrics

    before = metrics.ANSWERS.labels(URL, "200")._value.get()
    with caplog.at_level(logging.INFO, logger="assistant.access"):
        for number in DEMO_NUMBERS[:3]:
            assert client.post(URL, json={"id_number": number}).status_code == 200
    lines = [r for r in caplog.records if r.name == "assistant.access"]
    assert [(r.route, r.method, r.status, r.kiosk) for r in lines] == [(URL, "POST", 200, "demo-metro")] * 3
    assert all(r.duration_ms >= 0 for r in lines) and all(n not in caplog.text for n in DEMO_NUMBERS)
    assert metrics.ANSWERS.labels(URL, "200")._value.get() == before + 3
    assert lane.flask_app.calls == 0


def test_a_revoked_kiosk_is_refused_at_once_by_the_lane_too(app, client, lane):
    from assistant import kiosks

    assert client.post(URL, json={"id_number": DEMO_NUMBERS[0]}).status_code == 200
    with app.extensions["assistant"]["db"].session() as s:
        kiosks.revoke(s, "demo-metro")
    assert client.post(URL, json={"id_number": DEMO_NUMBERS[0]}).status_code == 401
    assert logged(app) == 1


def test_the_lane_is_shut_in_debug_mode(tmp_path):
    from tests.support.app import seeded_app

    debug = seeded_app({"INSTANCE_PATH": tmp_path / "instance", "DEBUG": True})
    assert debug.extensions["check_lane"].open is False
    response = debug.test_client().post(URL, json={"id_number": DEMO_NUMBERS[0]}, headers=bearer(debug))
    assert response.status_code == 200 and "\n  " in response.get_data(as_text=True), "Flask's indented JSON"


def test_an_unforeseen_error_before_the_check_hands_on_and_one_after_is_answered_calmly(app, client, lane, monkeypatch):
    from assistant.web import check_lane

    def broken(*_args, **_kwargs):
        raise RuntimeError("a fault of the lane's own")

    monkeypatch.setattr(check_lane.kiosks, "by_token_with_resident", broken)
    assert client.post(URL, json={"id_number": DEMO_NUMBERS[0]}).status_code == 200
    assert lane.flask_app.calls == 1 and logged(app) == 1, "before the check: the view checked it, once"
    monkeypatch.undo()
    monkeypatch.setattr(check_lane.checks, "describe", broken)
    response = client.post(URL, json={"id_number": DEMO_NUMBERS[0]})
    assert response.status_code == 500 and "Traceback" not in response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert lane.flask_app.calls == 1 and logged(app) == 2, "after the check: answered, not run a second time"
