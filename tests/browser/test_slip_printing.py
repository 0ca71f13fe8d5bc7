"""Printing the slip from the result screen, in Chromium: "Print this for me" on a referral, the demo's simulated
printer showing the paper as an image (loaded, the paper's width), what became of it said aloud, and the screen
still passing axe-core with the paper on it."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
QUARANTINE = 1  # the demo's card 2: red, in quarantine, with its reason
PLAYING = "() => { const a = document.querySelector('[data-speech-main]'); return a && !a.paused && a.currentSrc; }"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_slip_is_printed_from_the_result_screen(page, live_server, lang, assert_accessible, screenshot):
    page.goto(f"{live_server}/kiosk/metro/card?lang={lang}")
    page.locator(f"button[name=card][value='{QUARANTINE}']").click()
    expect(page).to_have_url(f"{live_server}/kiosk/metro/result")
    page.get_by_role("button", name="Print this for me" if lang == "en" else "帮我打印出来").click()
    expect(page).to_have_url(f"{live_server}/kiosk/metro/result")
    outcome = page.locator(".slip-outcome[role=status]")
    expect(outcome).to_contain_text("simulated" if lang == "en" else "模拟")
    paper = page.locator(".slip-paper img")
    expect(paper).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=paper.element_handle())
    assert paper.evaluate("img => img.naturalWidth") == 576  # 80 mm paper, dot for dot
    assert paper.evaluate("img => img.naturalHeight") > 400  # the venue, time, decision and the reason
    assert "/speech/slip_shown" in page.wait_for_function(PLAYING, timeout=10000).json_value()
    screenshot(page, f"slip-simulated-{lang}")
    assert_accessible(page, f"result with its printed slip ({lang})")
    page.reload()
    expect(page.locator(".slip-outcome")).to_have_count(0)  # said once; the result stays
    expect(page.get_by_role("button", name="Print this for me" if lang == "en" else "帮我打印出来")).to_be_visible()
