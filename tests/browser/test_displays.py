"""Kiosk screens on real kiosk displays: at portrait 1080 x 1920, landscape 1920 x 1080 and a 1280 x 800 tablet,
at every text size, in both languages, what a person needs is wholly on screen as the page lands, nothing scrolls
sideways, every target is at least 64 x 64, the venue's name is at least 24 px, and axe-core finds nothing."""

import shutil

import pytest
from playwright.sync_api import expect

from assistant.config import PROJECT_ROOT
from tests.browser.displays import DISPLAYS, MUST_SEE, SIZES, open_screen, outside

pytestmark = pytest.mark.browser

SMALL_TARGETS = """() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
  .filter(e => e.getClientRects().length > 0 && !e.classList.contains('skip-link') && e.type !== 'hidden')
  .map(e => { const r = e.getBoundingClientRect(); return {name: (e.textContent || e.id).trim().slice(0, 30),
                                                           w: Math.round(r.width), h: Math.round(r.height)}; })
  .filter(t => t.w < 64 || t.h < 64)"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The venue's name tells a person where they are: at least the 24 px body-text floor (ACCESSIBILITY.md).
VENUE_NAME = "() => parseFloat(getComputedStyle(document.querySelector('.kiosk-venue')).fontSize)"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("display", list(DISPLAYS))
@pytest.mark.parametrize("screen", list(MUST_SEE))
def test_what_a_person_needs_is_on_screen_as_it_lands(
    kiosk_page, browser, live_server, screen, display, size, lang, axe
):
    # The warning state runs a fake clock, so it has a page of its own.
    page = browser.new_page() if "warning" in screen else kiosk_page
    try:
        width, height = DISPLAYS[display]
        page.set_viewport_size({"width": width, "height": height})
        open_screen(page, live_server, screen, f"lang={lang}&size={size}&contrast=standard")
        assert outside(page, screen) == [], f"{screen} on {display} at {size}%: below or beside the edge"
        assert page.evaluate("() => scrollY") == 0, "the screen landed at its top"
        assert page.evaluate(SIDEWAYS) <= 0, "nothing scrolls sideways"
        assert page.evaluate(SMALL_TARGETS) == []
        assert page.evaluate(VENUE_NAME) >= 24, f"the venue's name on {display} at {size}%"
        assert axe(page) == [], f"{screen} {display} {size} {lang}"
    finally:  # a page left open would go on listening for this kiosk's card reads in later tests
        if page is not kiosk_page:
            page.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("display", list(DISPLAYS))
def test_screenshots_of_the_result_on_each_display(page, live_server, display, size, screenshot):
    width, height = DISPLAYS[display]
    page.set_viewport_size({"width": width, "height": height})
    open_screen(page, live_server, "kiosk.result", f"lang=en&size={size}&contrast=standard")
    path = screenshot(page, f"display-result-{display}-{size}", full_page=False)
    assert path.stat().st_size > 20_000
    if size == "100" and display in ("portrait", "landscape"):
        shutil.copyfile(path, PROJECT_ROOT / "docs" / f"kiosk-result-{display}.png")  # shown in the README


def test_several_reasons_are_shown_one_at_a_time_and_spoken_when_shown(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    open_screen(page, live_server, "kiosk.result", "lang=en&size=200")
    reasons = page.locator(".reason")
    expect(reasons).to_have_count(4)
    expect(page.locator(".reason-count")).to_have_text("Reason 1 of 4")
    assert [reasons.nth(i).is_visible() for i in range(4)] == [True, False, False, False]
    page.get_by_role("button", name="Next reason").click()
    expect(page.locator(".reason-count")).to_have_text("Reason 2 of 4")
    assert [reasons.nth(i).is_visible() for i in range(4)] == [False, True, False, False]
    page.wait_for_function("() => !document.querySelector('[data-speech-reason=\"1\"]').paused")
    assert any(url.endswith("/speech/reason?n=1") for url in asked)
    box = reasons.nth(1).bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800 or page.locator("[data-more-below]").is_visible()
    page.get_by_role("button", name="Previous reason").click()
    page.get_by_role("button", name="Previous reason").click()
    expect(page.locator(".reason-count")).to_have_text("Reason 4 of 4")  # round again: never a dead end


def test_a_screen_taller_than_the_display_says_so_and_shows_the_way(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_screen(page, live_server, "kiosk.card", "lang=en&size=200")
    more = page.locator("[data-more-below]")
    expect(more).to_be_visible()
    bar = page.locator("header").bounding_box()
    more.click()
    assert page.evaluate("() => scrollY") > 0
    expect(page.get_by_role("button", name="Call staff")).to_be_in_viewport()  # the bar stays at the top
    assert page.locator("header").bounding_box()["y"] == bar["y"]
    for _ in range(20):
        page.wait_for_timeout(150)  # the bar updates as the page scrolls
        if not more.is_visible():
            break
        more.click()
    expect(more).to_be_hidden()  # at the bottom there is nothing more below
    # Keyboard focus is never left under the bar: from the foot of the page, move back up through the controls.
    page.locator(".speech-button").last.focus()
    for _ in range(8):
        page.keyboard.press("Shift+Tab")
        focused = page.evaluate("() => document.activeElement.getBoundingClientRect().top")
        outside_main = (
            "() => document.activeElement === document.body || !!document.activeElement.closest('header, .skip-link')"
        )
        assert focused >= page.locator("header").bounding_box()["height"] - 1 or page.evaluate(outside_main)
