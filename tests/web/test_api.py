"""The JSON API: the same object as `assistant check --json`, 400 with a code for bad input, an OpenAPI document."""

import json

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from assistant.models import CheckRecord
from assistant.problems import CODES
from tests.support.app import ANCHOR, DEMO_NUMBERS, bearer, no_full_number

URL = "/api/v1/checks"


def post(client, body, **kwargs):
    return client.post(
        URL,
        data=body if isinstance(body, (str, bytes)) else json.dumps(body),
        content_type="application/json",
        **kwargs,
    )


def logged(app):
    with app.extensions["assistant"]["db"].session() as s:
        return s.scalar(select(func.count()).select_from(CheckRecord))


@pytest.mark.parametrize("lang, word", [("zh", "红码"), ("en", "Red")])
def test_a_check_returns_the_fixed_shape(client, lang, word):
    response = post(client, {"method": "id_card", "id_number": "310104195107020316", "venue": "metro", "lang": lang})
    assert response.status_code == 200
    data = response.get_json()
    assert {"status", "decision", "reasons", "subject", "speech"} <= set(data)
    assert (data["status"], data["status_text"], data["decision"]) == ("red", word, "refer")
    assert [r["code"] for r in data["reasons"]] == ["quarantine", "status_not_allowed"]
    assert all(r["text"] and r["next_step"] for r in data["reasons"])
    assert data["subject"] == {"name": "李*", "id": "3101**********0316"}
    assert data["speech"]["text"] and "audio" not in data["speech"]
    assert no_full_number(response.get_data(as_text=True))


def test_the_at_field_moves_the_clock(client):
    body = {"method": "id_card", "id_number": "310104195107020316", "venue": "metro"}
    assert post(client, {**body, "at": "2026-12-03T12:00:00+08:00"}).get_json()["status"] == "green"
    assert post(client, {**body, "at": "2026-12-03T11:59:59"}).get_json()["status"] == "red"


def test_venue_defaults_to_the_kiosk_and_language_to_the_resident(client):
    data = post(client, {"method": "id_card", "id_number": "310110195009150632"}).get_json()
    assert data["venue"]["slug"] == "metro" and data["lang"] == "en"


def test_every_demo_card_answers_and_is_logged_once_each(client, app):
    for number in DEMO_NUMBERS:
        response = post(
            client,
            {"method": "id_card", "id_number": number, "venue": "hospital"},
            headers=bearer(app, "demo-hospital"),
        )
        assert response.status_code == 200
    assert logged(app) == len(DEMO_NUMBERS)


@pytest.mark.parametrize(
    "body, code",
    [
        ({"method": "id_card", "id_number": "123"}, "id_invalid_length"),
        ({"method": "id_card", "id_number": "31010119480312024A"}, "id_invalid_characters"),
        ({"method": "id_card", "id_number": "310101194803120246"}, "id_invalid_checksum"),
        ({"method": "id_card", "id_number": "310101194802300244"}, "id_invalid_birth_date"),
        ({"method": "id_card"}, "id_invalid_length"),
        ({"method": "id_card", "id_number": 310101194803120245}, "id_invalid_length"),
        ({"method": "id_card", "id_number": "310101194803120245", "venue": "moon"}, "venue_not_allowed"),
        ({"method": "id_card", "id_number": "310101194803120245", "venue": ["metro"]}, "venue_not_allowed"),
        ({"method": "id_card", "id_number": "310101194803120245", "venue": "hospital"}, "venue_not_allowed"),
        ({"method": "id_card", "id_number": "3" * 100}, "id_invalid_length"),
        ({"method": "pass", "token": "HCA1:" + "0" * 600}, "pass_not_recognised"),
        ({"method": "id_card", "id_number": "310101194803120245", "x": [[[[[[1]]]]]]}, "request_invalid"),
        ("[" * 100_000 + "]" * 100_000, "request_invalid"),
        ({"method": "id_card", "id_number": "310101194803120245", "at": "soon"}, "at_invalid"),
        ({"method": "id_card", "id_number": "310101194803120245", "at": 5}, "at_invalid"),
        ({"method": "id_card", "id_number": "310101194803120245", "lang": "fr"}, "lang_invalid"),
        ({"method": "pass", "token": "HC1:abc"}, "pass_not_recognised"),
        ({"method": "pass", "token": "HCA1:abc"}, "pass_signature_invalid"),
        ({"method": "pass", "image": "not base64!"}, "image_invalid"),
        ({"method": "pass"}, "pass_unreadable"),
        ({"method": "face", "image": ""}, "image_invalid"),
        ({"method": "face", "image": "not base64!"}, "image_invalid"),
        ({"method": "face"}, "image_invalid"),
        ({"method": "telepathy"}, "request_invalid"),
        ([1, 2], "request_invalid"),
        ("{not json", "request_invalid"),
        ("", "request_invalid"),
    ],
)
def test_bad_input_is_answered_with_its_code_and_nothing_logged(client, app, body, code):
    response = post(client, body)
    assert response.status_code == CODES[code].status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert logged(app) == 0


def test_a_request_that_is_too_large_is_refused_calmly(client):
    response = post(client, json.dumps({"method": "id_card", "id_number": "1" * (13 * 1024 * 1024)}))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_too_large"


def test_wrong_method_and_missing_route_answer_json(client):
    assert client.get(URL).get_json()["error"]["code"] == "method_not_allowed"
    assert client.get("/api/v1/nothing").get_json()["error"]["code"] == "not_found"


def test_the_openapi_document_is_valid_and_names_every_error_code(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    codes = document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
    texts = app.extensions["assistant"]["texts"]
    assert all(texts.error(code, "en") for code in codes)
    assert "/api/v1/checks" in document["paths"]


def test_the_result_matches_the_openapi_schema(client):
    from jsonschema import validate as validate_json

    document = client.get("/api/v1/openapi.json").get_json()
    schema = {**document["components"]["schemas"]["CheckResult"], "components": document["components"]}
    data = post(client, {"method": "id_card", "id_number": "310109194708090712", "at": ANCHOR.isoformat()}).get_json()
    validate_json(data, schema)
    assert data["subject"] is None and data["status"] == "unknown"
