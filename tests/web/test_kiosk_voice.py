"""The phrases a control may speak: only the product's own words, never a typed number in public; each setting
spoken when chosen; "Read out what I touch" cleared between people; one reason's speech at a time."""

import pytest

from tests.support.app import DEMO_NUMBERS, seeded_app


def say(client, text: str, lang: str = "en"):
    client.get(f"/kiosk/metro/?lang={lang}")
    response = client.get("/kiosk/metro/say", query_string={"text": text})
    response.close()
    return response.status_code


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Call staff", "en"),
        ("呼叫工作人员", "zh"),
        ("7 of 18 entered", "en"),
        ("已输入7位，共18位", "zh"),
        ("Demo card 11", "en"),
        ("Number key", "en"),
        ("More below", "en"),
        ("English", "zh"),
        ("Reason 2 of 3", "en"),
    ],
)
def test_the_products_own_phrases_are_spoken(client, text, lang):
    assert say(client, text, lang) == 200


@pytest.mark.parametrize(
    "text",
    ["7", "X", DEMO_NUMBERS[0], "hello", "19 of 18 entered", "Demo card 12", "Call staff!", "", "x" * 5000],
)
def test_anything_else_is_refused(client, app, text):
    speech = app.extensions["assistant"]["speech"]
    before = speech.synthesised
    assert say(client, text) == 404
    assert speech.synthesised == before


def test_with_a_headset_a_typed_character_may_be_read_back(tmp_path):
    app = seeded_app({"INSTANCE_PATH": tmp_path, "PRIVATE_LISTENING": True, "WTF_CSRF_ENABLED": False})
    assert say(app.test_client(), "7") == 200


def test_each_setting_is_shown_and_spoken_when_chosen(client):
    page = client.get("/kiosk/metro/settings?lang=en&size=150").get_data(as_text=True)
    assert "Large text is chosen." in page and "/kiosk/metro/speech/settings?chosen=size%3D150" in page
    assert "is chosen" not in client.get("/kiosk/metro/settings?lang=en").get_data(as_text=True)
    touch = client.get("/kiosk/metro/settings?lang=en&touch=on").get_data(as_text=True)
    assert "Read out what I touch: On is chosen." in touch
    with client.get("/kiosk/metro/speech/settings?chosen=touch%3Don") as audio:
        assert audio.status_code == 200
    with client.get("/kiosk/metro/speech/settings?chosen=anything") as audio:
        assert audio.status_code == 200  # an unknown choice is simply not said


def test_read_out_what_i_touch_is_cleared_for_the_next_person(client):
    client.get("/kiosk/metro/settings?touch=on")
    assert "touch-speak" in client.get("/kiosk/metro/").get_data(as_text=True)
    client.post("/kiosk/metro/done", data={"why": "start_again"})
    assert "touch-speak" in client.get("/kiosk/metro/").get_data(as_text=True)  # the same person, starting again
    client.post("/kiosk/metro/done", data={"why": "timeout"})
    assert "touch-speak" not in client.get("/kiosk/metro/").get_data(as_text=True)  # the screen cleared itself


def test_one_reason_at_a_time_is_spoken_and_only_the_logged_ones(client):
    client.post("/kiosk/metro/check", data={"id_number": DEMO_NUMBERS[7]})  # red, four reasons
    client.get("/kiosk/metro/result?lang=en")
    for n in range(4):
        with client.get(f"/kiosk/metro/speech/reason?n={n}") as audio:
            assert audio.status_code == 200
    for n in ("4", "-1", "x", "99999999999"):
        with client.get(f"/kiosk/metro/speech/reason?n={n}") as audio:
            assert audio.status_code == 404
