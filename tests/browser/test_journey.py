"""The first journey in a real browser: home, tap a card (or type), result, start again; by mouse and by keyboard."""

import pytest
from playwright.sync_api import expect

from tests.support.app import CARDS

pytestmark = pytest.mark.browser
LANGS = ["zh", "en"]
WORDS = {
    "zh": {"tap": "刷身份证", "red": "红码", "green": "绿码", "again": "重新开始", "more": "延长时间", "check": "查验"},
    "en": {
        "tap": "Tap your ID card",
        "red": "Red",
        "green": "Green",
        "again": "Start again",
        "more": "More time",
        "check": "Check",
    },
}


def card_button(page, number):
    index = [c.number for c in CARDS].index(number)
    return page.locator(f"button[name=card][value='{index}']")


@pytest.mark.parametrize("lang", LANGS)
def test_tap_a_demo_card_and_see_the_result(page, live_server, lang, assert_accessible, screenshot):
    words = WORDS[lang]
    page.goto(f"{live_server}/kiosk/metro/?lang={lang}")
    assert_accessible(page, f"home {lang}")
    screenshot(page, f"kiosk-home-{lang}")
    page.get_by_role("link", name=words["tap"]).click()
    expect(page.locator("h1")).to_have_text(words["tap"])
    assert_accessible(page, f"card {lang}")
    screenshot(page, f"kiosk-card-{lang}")
    card_button(page, "310104195107020316").click()
    expect(page).to_have_url(f"{live_server}/kiosk/metro/result")
    expect(page.locator(".status-word")).to_have_text(words["red"])
    expect(page.get_by_role("status")).to_contain_text(words["red"])
    assert_accessible(page, f"result {lang}")
    screenshot(page, f"kiosk-result-red-{lang}")
    page.get_by_role("button", name=words["again"]).click()
    expect(page).to_have_url(f"{live_server}/kiosk/metro/")


@pytest.mark.parametrize(
    "number, status",
    [
        ("310101194803120245", "green"),
        ("310107194605300278", "yellow"),
        ("310109194708090712", "unknown"),
        ("310113195512010169", "red"),
    ],
)
@pytest.mark.parametrize("lang", LANGS)
def test_every_status_screen_passes_axe(page, live_server, number, status, lang, assert_accessible, screenshot):
    page.goto(f"{live_server}/kiosk/metro/card?lang={lang}")
    card_button(page, number).click()
    expect(page.locator(".status-panel")).to_have_class(f"status-panel status-{status}")
    assert_accessible(page, f"result {status} {lang}")
    screenshot(page, f"kiosk-result-{status}-{lang}")


@pytest.mark.parametrize("lang", LANGS)
def test_the_on_screen_keypad_and_the_error_summary(page, live_server, lang, assert_accessible, screenshot):
    page.goto(f"{live_server}/kiosk/metro/card?lang={lang}")
    for key in "3101":
        page.locator(f".keypad [data-key='{key}']").click()
    page.locator(".keypad [data-key='delete']").click()
    expect(page.locator("#id_number")).to_have_value("310")
    page.get_by_role("button", name=WORDS[lang]["check"], exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#id_number")).to_have_value("")
    assert_accessible(page, f"card error {lang}")
    screenshot(page, f"kiosk-card-error-{lang}")
    summary.get_by_role("link").click()
    expect(page.locator("#id_number")).to_be_focused()
    for key in "31010119480312024":
        page.locator(f".keypad [data-key='{key}']").click()
    page.locator(".keypad [data-key='5']").click()
    page.locator(".keypad [data-key='5']").click()  # an 19th key press is ignored
    expect(page.locator("#id_number")).to_have_value("310101194803120245")
    page.get_by_role("button", name=WORDS[lang]["check"], exact=True).click()
    expect(page.locator(".status-word")).to_have_text(WORDS[lang]["green"])


def tab_to(page, predicate_js: str, limit: int = 40):
    """Press Tab until the focused element matches; check focus is always visible on the way."""
    page.wait_for_load_state("load")  # as a person sees it: the heading can be there before the style sheet is
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                       return {tag: e.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)} }"""
        )
        if focused["tag"] != "BODY":
            assert focused["outline"] != "none" and focused["width"] >= 2, focused
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!({predicate_js}); }}"):
            return
    raise AssertionError(f"never reached {predicate_js} by Tab")


@pytest.mark.parametrize("lang", LANGS)
def test_the_whole_journey_by_keyboard_alone(page, live_server, lang, screenshot):
    page.goto(f"{live_server}/kiosk/metro/?lang={lang}")
    tab_to(page, "e.classList.contains('big-button')")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(WORDS[lang]["tap"])
    tab_to(page, "e.name === 'card' && e.value === '4'")
    screenshot(page, f"kiosk-card-keyboard-focus-{lang}")
    page.keyboard.press("Enter")
    expect(page.locator(".status-word")).to_have_text({"zh": "黄码", "en": "Yellow"}[lang])
    tab_to(page, "e.textContent.trim() === '" + WORDS[lang]["again"] + "'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/kiosk/metro/")


def test_typing_the_number_on_a_keyboard(page, live_server):
    page.goto(f"{live_server}/kiosk/metro/card?lang=en")
    tab_to(page, "e.id === 'id_number'")
    page.keyboard.type("31010619530108042x")
    page.keyboard.press("Enter")
    expect(page.locator(".status-word")).to_have_text("Red")
    expect(page.locator(".reason h3").first).to_have_text("You visited a high-risk area")


def test_focus_order_follows_the_visual_order(page, live_server):
    # One column (a portrait kiosk): each stop below the last. On landscape screens the left column comes first.
    page.set_viewport_size({"width": 1080, "height": 1920})
    page.goto(f"{live_server}/kiosk/metro/card?lang=en")
    tops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        tops.append(page.evaluate("() => document.activeElement.getBoundingClientRect().top + window.scrollY"))
    # Within the header the row is shared; after it, each stop is level with or below the last.
    assert tops[3:] == sorted(tops[3:]), tops


def test_the_countdown_warns_and_more_time_extends_it(page, live_server):
    page.clock.install()
    page.goto(f"{live_server}/kiosk/metro/card?lang=en")
    card_button(page, "310101194803120245").click()
    expect(page.locator(".countdown-text")).to_contain_text("60 seconds")
    warning = page.locator(".countdown-warning")
    for _ in range(10):  # "More time" works again and again
        page.clock.run_for(41_000)
        expect(warning).to_contain_text("More time")
        page.get_by_role("button", name="More time").click()
        expect(warning).to_be_empty()
        expect(page).to_have_url(f"{live_server}/kiosk/metro/result")
    page.clock.run_for(61_000)
    expect(page).to_have_url(f"{live_server}/kiosk/metro/")
    page.go_back()
    expect(page).to_have_url(f"{live_server}/kiosk/metro/")  # the result is gone, even from history


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["/", "/policy", "/kiosk/metro/help", "/missing"])
def test_other_pages_pass_axe(page, live_server, path, lang, assert_accessible, screenshot):
    page.goto(f"{live_server}{path}?lang={lang}")
    assert_accessible(page, f"{path} {lang}")
    screenshot(page, f"page{path.replace('/', '-')}-{lang}")


def test_axe_finds_problems_on_a_bad_page(page, axe):
    # The check must be able to fail: low contrast, an unlabelled field, an image without text, tiny buttons.
    # (On about:blank: our own pages' CSP would block the inline styles that make this page bad.)
    page.set_content(
        '<html><body><main><p style="color:#666">passes 4.5:1, fails 7:1</p><input><img src="/static/x.png">'
        '<button style="width:10px;height:10px;padding:0"></button><button style="width:10px;height:10px;padding:0">'
        "</button></main></body></html>"
    )
    found = {v["id"] for v in axe(page)}
    assert {"color-contrast-enhanced", "target-size", "label", "image-alt", "html-has-lang"} <= found, found


def test_settings_by_keyboard_alone_and_back_to_where_the_person_was(page, live_server):
    page.goto(f"{live_server}/kiosk/metro/card?lang=en&size=100&contrast=standard")
    tab_to(page, "e.textContent.trim() === 'Text size and contrast'")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Text size and contrast")
    tab_to(page, "e.textContent.includes('Largest text')")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_class("size-200 contrast-standard kiosk-page")
    expect(page.get_by_role("link", name="Largest text")).to_have_attribute("aria-current", "true")
    tab_to(page, "e.textContent.trim() === 'Light on black'")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_class("size-200 contrast-high kiosk-page")
    tab_to(page, "e.textContent.trim() === 'Done'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/kiosk/metro/card")
    expect(page.locator("html")).to_have_class("size-200 contrast-high kiosk-page")


def test_call_staff_by_keyboard_alone(page, live_server):
    page.goto(f"{live_server}/kiosk/metro/?lang=en")
    tab_to(page, "e.textContent.trim() === 'Call staff'")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("A staff member is coming")
    expect(page.get_by_role("status")).to_contain_text("Someone will come to help you")


def test_settings_never_send_the_person_to_another_site(page, live_server):
    page.goto(f"{live_server}/kiosk/metro/settings?back=https://example.org/&lang=en")
    expect(page.get_by_role("link", name="Done")).to_have_attribute("href", "/kiosk/metro/")
