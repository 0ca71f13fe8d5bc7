"""The kiosk displays we lay screens out for, and what a person must see on each screen as it lands, without
scrolling (ACCESSIBILITY.md, "Real kiosk displays")."""

from tests.browser.pages import open_page

DISPLAYS = {"portrait": (1080, 1920), "landscape": (1920, 1080), "tablet": (1280, 800)}
SIZES = ("100", "150", "200")
CALL_STAFF = ".help-button"
CHECK = "[data-check-button]"
START_AGAIN = "[data-done-form] button[type=submit]"

# Screen (as tests/browser/pages.py names it) -> the elements that must be wholly inside the viewport.
MUST_SEE = {
    "kiosk.home": ["h1", "a.big-button[href$='/card']", CALL_STAFF],
    "kiosk.card": ["h1", "#id_number", ".keypad", CHECK, CALL_STAFF],
    "kiosk.card (error)": [".error-summary", "#id_number", ".keypad", CHECK, CALL_STAFF],
    "kiosk.pass_screen": ["h1", "#token", CHECK, CALL_STAFF],
    "kiosk.pass_screen (error)": [".error-summary", "#token", CHECK, CALL_STAFF],
    "kiosk.face_screen": ["h1", ".demo-face", "a.big-button[href$='/card']", CALL_STAFF],
    "kiosk.face_screen (error)": [".error-summary", "a.big-button[href$='/card']", CALL_STAFF],
    "kiosk.face_screen (camera refused)": [".error-summary", "a.big-button[href$='/card']", CALL_STAFF],
    "kiosk.result": [".status-word", ".decision", ".decision-next", "[data-why]", START_AGAIN, CALL_STAFF],
    "kiosk.result (warning)": [
        ".status-word",
        ".decision",
        ".decision-next",
        "[data-why]",
        START_AGAIN,
        ".countdown-warning",
        "[data-more-time]",
        CALL_STAFF,
    ],
    "kiosk.settings": ["h1", ".choices .choice", "[data-settings-done]", CALL_STAFF],
    "kiosk.help_coming": ["h1", ".lead", START_AGAIN, CALL_STAFF],
}

OUTSIDE = """selectors => selectors.filter(selector => {
  const e = document.querySelector(selector);
  if (!e || e.getClientRects().length === 0) { return true; }
  const r = e.getBoundingClientRect();
  return r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5;
})"""


def open_screen(page, base: str, screen: str, query: str) -> None:
    """Open a screen as a person reaches it; the warning state is the result 41 seconds on (a fake clock)."""
    if screen == "kiosk.result (warning)":
        page.clock.install()
        open_page(page, base, "kiosk.result", query)
        page.clock.run_for(41_000)
        page.locator(".countdown-warning").wait_for(state="visible")
    else:
        open_page(page, base, screen, query)
    page.evaluate("() => document.fonts.ready")


def outside(page, screen: str) -> list[str]:
    """The screen's must-see elements that are missing, hidden or not wholly inside the viewport."""
    return page.evaluate(OUTSIDE, MUST_SEE[screen])
