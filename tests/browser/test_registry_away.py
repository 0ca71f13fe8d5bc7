"""The registry out of reach, in a real browser: the kiosk shows and speaks "please ask a staff member", and goes back
to its start screen by itself once the database answers again, with no one touching it."""

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy.exc import OperationalError

from tests.support.app import DEMO_NUMBERS

pytestmark = pytest.mark.browser


def test_the_kiosk_asks_for_staff_then_comes_back_by_itself(
    page, live_server, live_app, monkeypatch, assert_accessible, screenshot
):
    page.goto(f"{live_server}/kiosk/metro/card?lang=en")
    database = live_app.extensions["assistant"]["db"]

    def unavailable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(database, "sessions", unavailable)
    monkeypatch.setattr(database, "_statements", unavailable)
    page.fill("#id_number", DEMO_NUMBERS[0])
    page.locator("[data-check-button]").click()
    expect(page.locator("h1")).to_have_text("Please ask a staff member")
    expect(page.get_by_role("status")).to_contain_text("The registry cannot be reached just now")
    main_audio = page.locator("audio[data-speech-main]")
    assert "speech/busy?error=registry_unavailable" in (main_audio.get_attribute("src") or "")
    fetched = page.evaluate(
        "url => fetch(url).then(r => [r.ok, r.headers.get('content-type')])", main_audio.get_attribute("src")
    )
    assert fetched[0] and fetched[1].startswith("audio/"), "the words are spoken while the database is away"
    assert_accessible(page, "registry away")
    screenshot(page, "kiosk-registry-away-en")
    time.sleep(4)
    assert page.url.startswith(f"{live_server}/kiosk/metro/check"), "it stays while the database is away"
    monkeypatch.undo()  # the database answers again
    back = time.monotonic()
    page.wait_for_url(f"{live_server}/kiosk/metro/", timeout=5000)
    assert time.monotonic() - back < 5
    expect(page.locator("h1")).not_to_have_text("Please ask a staff member")
