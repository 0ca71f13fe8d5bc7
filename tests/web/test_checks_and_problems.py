"""What is shown is what was logged, and one registry of problem codes for the kiosk, API, CLI and API document."""

import json

import pytest
from sqlalchemy import select, update

from assistant import checks, identity, images, passes
from assistant.faces import FaceProblem
from assistant.models import CheckRecord, Resident
from assistant.problems import CODES, Problem
from assistant.web.openapi import document
from tests.support.app import DEMO_NUMBERS, run_cli

QUARANTINED = DEMO_NUMBERS[1]  # red: in quarantine until 3 December 2026, 12:00


def test_the_result_screen_describes_the_logged_row_even_after_the_registry_changes(app, client):
    client.post("/kiosk/metro/check", data={"id_number": QUARANTINED})
    before = client.get("/kiosk/metro/result?lang=en").get_data(as_text=True)
    assert "Red" in before and "3 December 2026, 12:00" in before and "李*" in before
    with app.extensions["assistant"]["db"].session() as s:
        s.execute(update(Resident).values(quarantine_until=None, name="Somebody Else", language="en"))
    after = client.get("/kiosk/metro/result?lang=en").get_data(as_text=True)
    assert "Red" in after and "3 December 2026, 12:00" in after and "李*" in after and "* Else" not in after
    with app.extensions["assistant"]["db"].session() as s:
        record = s.scalars(select(CheckRecord)).one()
        described = checks.describe(checks.load(s, record.id), app.extensions["assistant"]["texts"], "en")
    assert described["status"] == record.status == "red"
    assert (
        [r["code"] for r in described["reasons"]] == record.reason_codes.split() == ["quarantine", "status_not_allowed"]
    )
    assert described["subject"] == {"name": record.masked_name, "id": record.masked_id}
    assert json.loads(record.reasons)[0] == {
        "code": "quarantine",
        "details": {"until": {"moment": "2026-12-03T04:00:00+00:00"}},
    }


def test_hear_why_speaks_the_logged_reasons(app, client):
    client.post("/kiosk/metro/check", data={"id_number": QUARANTINED})
    with app.extensions["assistant"]["db"].session() as s:
        s.execute(update(Resident).values(quarantine_until=None))
    speech = app.extensions["assistant"]["speech"]
    with app.test_request_context():
        from flask_babel import force_locale

        from assistant.web.kiosk import spoken

        with app.extensions["assistant"]["db"].session() as s, force_locale("en"):
            record = s.scalars(select(CheckRecord)).one()
            result = checks.describe(checks.load(s, record.id), app.extensions["assistant"]["texts"], "en")
            expected = spoken.script("why", "en", result=result)
    assert "quarantine ends on 3 December 2026" in expected
    client.get("/kiosk/metro/result?lang=en")
    made = speech.synthesised
    with client.get("/kiosk/metro/speech/why") as audio:
        assert audio.status_code == 200
    assert speech.path(speech.key(expected, "en")).exists()  # the audio served is the logged reasons' audio
    assert speech.synthesised in (made, made + 1)


def test_the_api_answer_is_the_logged_row(app, client):
    data = client.post("/api/v1/checks", json={"id_number": QUARANTINED, "lang": "en"}).get_json()
    with app.extensions["assistant"]["db"].session() as s:
        record = s.get(CheckRecord, data["check_id"])
    assert (data["status"], data["decision"]) == (record.status, record.decision)
    assert [r["code"] for r in data["reasons"]] == record.reason_codes.split()


@pytest.mark.parametrize(
    "kind", [identity.IdNumberError, passes.PassError, images.ImageProblem, FaceProblem, checks.CheckError]
)
def test_every_problem_is_one_type_with_a_registered_code(kind):
    assert issubclass(kind, Problem)
    with pytest.raises(KeyError):
        kind("no_such_code")


def test_the_registry_is_what_the_api_document_and_the_texts_name(app):
    enum = document()["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
    assert enum == list(CODES)
    texts = app.extensions["assistant"]["texts"]
    for code in CODES:
        assert texts.error(code, "en") and texts.error(code, "zh"), code
    assert identity.ERROR_CODES == (
        "id_invalid_length",
        "id_invalid_characters",
        "id_invalid_checksum",
        "id_invalid_birth_date",
    )
    statuses = {code: spec.status for code, spec in CODES.items()}
    assert statuses["kiosk_token_invalid"] == 401 and statuses["venue_not_allowed"] == 403
    assert statuses["too_many_checks"] == 429 and statuses["at_not_allowed"] == 400


def test_the_command_line_answers_with_the_same_codes(cli_env):
    answer = run_cli(["check", "--id", "310101194803120246", "--json"], cli_env)
    assert answer.returncode == 2
    error = json.loads(answer.stdout)["error"]
    assert error["code"] == "id_invalid_checksum" and error["code"] in CODES
    venue = run_cli(["check", "--id", DEMO_NUMBERS[0], "--venue", "moon", "--json"], cli_env)
    assert json.loads(venue.stdout)["error"]["code"] == "venue_unknown"


def test_a_row_logged_before_reasons_were_kept_is_described_and_left_as_it_was(app, client):
    client.post("/kiosk/metro/check", data={"id_number": QUARANTINED})
    with app.extensions["assistant"]["db"].session() as s:
        s.execute(update(CheckRecord).values(reasons=None, masked_name=None, language=None))
    page = client.get("/kiosk/metro/result?lang=en").get_data(as_text=True)
    assert "Red" in page and "3 December 2026, 12:00" in page and "李*" in page
    with app.extensions["assistant"]["db"].session() as s:
        record = s.scalars(select(CheckRecord)).one()
        assert (record.reasons, record.masked_name, record.language) == (None, None, None)
