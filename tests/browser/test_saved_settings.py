"""Settings kept with a card, in Chromium: the demo's card 6 lands in the largest text with slower speech playing,
with no touch; "Use standard settings" and Start again give the standard ones; "Remember these for my card" keeps
the volume the person has set with the speech buttons."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant import identity
from assistant.models import Resident
from tests.support.app import DEMO_NUMBERS

pytestmark = pytest.mark.browser
KEPT_CARD = 5  # the demo's card 6, counted from 1 as the kiosk shows it
PLAYING = "() => { const a = document.querySelector('[data-speech-main]'); return a && !a.paused && a.currentSrc; }"


def test_a_card_with_saved_settings_lands_in_them_and_they_end_with_the_person(page, live_server):
    page.goto(f"{live_server}/kiosk/metro/card?lang=en")
    page.locator(f"button[name=card][value='{KEPT_CARD}']").click()
    expect(page).to_have_url(f"{live_server}/kiosk/metro/result")
    expect(page.locator("html")).to_have_class("size-200 contrast-standard kiosk-page")
    expect(page.locator(".saved-settings")).to_contain_text("Your settings: Largest text, Slower speech")
    assert "pace=slow" in page.wait_for_function(PLAYING, timeout=10000).json_value()
    page.get_by_role("button", name="Use standard settings").click()
    expect(page.locator("html")).to_have_class("size-100 contrast-standard kiosk-page")
    expect(page.locator(".saved-settings")).to_have_count(0)

    page.goto(f"{live_server}/kiosk/metro/card?lang=en")
    page.locator(f"button[name=card][value='{KEPT_CARD}']").click()
    expect(page.locator("html")).to_have_class("size-200 contrast-standard kiosk-page")
    page.get_by_role("button", name="Start again").click()
    expect(page).to_have_url(f"{live_server}/kiosk/metro/")
    expect(page.locator("html")).to_have_class("size-100 contrast-standard kiosk-page")


def test_remember_keeps_the_volume_set_with_the_speech_buttons(page, live_server, live_app):
    key = live_app.config["ID_HASH_KEY"].encode()
    where = Resident.id_hash == identity.keyed_hash(DEMO_NUMBERS[KEPT_CARD], key)
    try:
        page.goto(f"{live_server}/kiosk/metro/card?lang=en")
        page.locator(f"button[name=card][value='{KEPT_CARD}']").click()
        expect(page).to_have_url(f"{live_server}/kiosk/metro/result")
        page.get_by_role("link", name="Text size and contrast").click()
        page.get_by_role("button", name="Quieter").click()
        expect(page.locator("[data-speech-level]")).to_have_text("Volume 2 of 3")
        page.get_by_role("button", name="Remember these for my card").click()
        expect(page.locator(".chosen")).to_contain_text("Your settings are kept for your card.")
        with live_app.extensions["assistant"]["db"].session() as s:
            assert s.scalar(select(Resident.settings).where(where)) == "size=200 pace=slow volume=2"
        # The next card read starts at that volume.
        page.goto(f"{live_server}/kiosk/metro/card?lang=en")
        page.locator(f"button[name=card][value='{KEPT_CARD}']").click()
        expect(page).to_have_url(f"{live_server}/kiosk/metro/result")
        assert page.evaluate("() => document.querySelector('[data-speech-main]').volume") == pytest.approx(0.7)
    finally:  # the shared demo card keeps what demo.toml gives it, for the other tests
        with live_app.extensions["assistant"]["db"].session() as s:
            s.scalar(select(Resident).where(where)).settings = "size=200 pace=slow"
