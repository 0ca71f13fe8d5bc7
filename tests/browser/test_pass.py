"""The printed pass at the kiosk in a real browser: a scanner types into the focused field; a picture is read."""

import pytest
from playwright.sync_api import expect

from assistant.passes import Keys
from assistant.passes import card as pass_card
from assistant.passes import office as pass_office
from tests.support.app import ANCHOR

pytestmark = pytest.mark.browser


@pytest.fixture
def card(live_app, tmp_path):
    keys = Keys(live_app.config["PASS_KEYS"])
    with live_app.extensions["assistant"]["db"].session() as s:
        token, record, resident = pass_office.issue(
            s,
            keys,
            id_text="310107194605300278",
            days=180,
            today=ANCHOR.date(),
            hash_key=live_app.config["ID_HASH_KEY"].encode(),
        )
        png, _ = pass_card.write(token, resident.name, record.expires_on, tmp_path)
    return token, png


def test_a_scanner_types_the_token_and_enter(page, live_server, card):
    token, _ = card
    page.goto(f"{live_server}/kiosk/metro/?lang=en")
    page.get_by_role("link", name="Show your pass").click()
    expect(page.locator("#token")).to_be_focused()  # the scanner's keystrokes land here without a tap
    page.keyboard.type(token, delay=1)
    page.keyboard.press("Enter")
    expect(page.locator(".status-word")).to_have_text("Yellow")


def test_a_picture_of_the_card_is_read(page, live_server, card, screenshot):
    _, png = card
    page.goto(f"{live_server}/kiosk/metro/pass?lang=zh")
    screenshot(page, "kiosk-pass-zh")
    page.locator("#picture").set_input_files(str(png))
    page.get_by_role("button", name="查验照片").click()
    expect(page.locator(".status-word")).to_have_text("黄码")


def test_a_wrong_code_is_shown_and_spoken(page, live_server, assert_accessible):
    page.goto(f"{live_server}/kiosk/metro/pass?lang=en")
    page.keyboard.type("https://example.org/")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_contain_text("This is not one of our passes.")
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-speech-main]'); "
        "return a.readyState >= 1 && a.currentSrc.includes('error=pass_not_recognised'); }"
    )
    assert_accessible(page, "pass error")
