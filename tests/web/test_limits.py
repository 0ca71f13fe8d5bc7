"""Limits against walking through ID numbers: a per-kiosk budget of lookups that find no one or are invalid."""

from datetime import date

from sqlalchemy import select

from assistant import identity
from assistant.models import CheckRecord, HelpRequest
from tests.support.app import DEMO_NUMBERS, NOT_FOUND, bearer

URL = "/api/v1/checks"
BUDGET = 20  # the default: FAILED_LOOKUPS_PER_MINUTE


def strangers(n: int) -> list[str]:
    """Valid numbers of nobody in the registry, as someone walking through numbers would try them."""
    return [identity.make_number("110101", date(1950, 1, 1), sequence) for sequence in range(1, n + 1)]


def alerts(app) -> list[tuple]:
    with app.extensions["assistant"]["db"].session() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(HelpRequest.kind, HelpRequest.kiosk, HelpRequest.venue).where(
                    HelpRequest.kind == "too_many_checks"
                )
            ).all()
        ]


def test_past_the_budget_the_kiosk_gets_429_and_staff_are_alerted(app, client):
    for number in strangers(BUDGET):
        response = client.post(URL, json={"id_number": number})
        assert response.status_code == 200 and response.get_json()["status"] == "unknown"
    stopped = client.post(URL, json={"id_number": strangers(BUDGET + 1)[-1]})
    assert stopped.status_code == 429 and stopped.get_json()["error"]["code"] == "too_many_checks"
    # Even a real resident waits now: the kiosk is asked to send the person to staff.
    assert client.post(URL, json={"id_number": DEMO_NUMBERS[0]}).status_code == 429
    assert client.post(URL, json={"id_number": DEMO_NUMBERS[0]}).status_code == 429
    assert alerts(app) == [("too_many_checks", "demo-metro", "metro")]  # one alert, not one per request
    with app.extensions["assistant"]["db"].session() as s:
        assert len(s.scalars(select(CheckRecord)).all()) == BUDGET  # nothing logged past the budget
    # Another kiosk has its own budget.
    other = client.post(URL, json={"id_number": DEMO_NUMBERS[0]}, headers=bearer(app, "demo-hospital"))
    assert other.status_code == 200


def test_invalid_numbers_count_too(client):
    for _ in range(BUDGET):
        assert client.post(URL, json={"id_number": "110101195001010010"}).status_code == 400  # checksum
    assert client.post(URL, json={"id_number": "12345"}).get_json()["error"]["code"] == "too_many_checks"


def test_people_who_are_found_never_spend_the_budget(client):
    for _ in range(3 * BUDGET):
        assert client.post(URL, json={"id_number": DEMO_NUMBERS[0]}).status_code == 200
    assert client.post(URL, json={"id_number": NOT_FOUND}).status_code == 200


def test_the_kiosk_screen_asks_the_person_to_see_staff(app, client):
    for number in strangers(BUDGET):
        client.post("/kiosk/metro/check", data={"id_number": number})
    page = client.post("/kiosk/metro/check?lang=en", data={"id_number": DEMO_NUMBERS[0]})
    html = page.get_data(as_text=True)
    assert page.status_code == 429
    assert "Please ask a staff member" in html and "They will check your card with you." in html
    assert "/kiosk/metro/speech/busy?error=too_many_checks" in html and "Call staff" in html
    with client.get("/kiosk/metro/speech/busy?error=too_many_checks") as audio:
        assert audio.status_code == 200 and len(audio.data) > 4000
    assert alerts(app) == [("too_many_checks", "demo-metro", "metro")]


def test_the_set_up_screen_slows_down_a_stranger_guessing_tokens(production_app):
    client = production_app.test_client()
    answers = [client.post("/kiosk/setup", data={"token": f"hck_guess{i}"}).status_code for i in range(12)]
    assert answers[:10] == [303] * 10 or answers[:10] == [400] * 10  # CSRF on or off, each guess is refused
    assert answers[10:] == [429, 429]
