"""The kiosk by ear, in a real browser: the whole journey by keypad keys alone (Down, Up, Enter, Help) with each
control spoken as it gains focus and typed characters confirmed by count; "Read out what I touch"; and the settings
speaking each choice."""

import pytest
from playwright.sync_api import expect

from assistant.passes import Keys
from assistant.passes import office as pass_office
from tests.support.app import ANCHOR, CARDS

pytestmark = pytest.mark.browser
NUMBER = CARDS[0].number  # green, admitted at the metro


# Every phrase the page asks to be spoken, in order, kept in the page (a new audio source can replace the one before
# it so fast that the browser never requests it, so the requests alone would miss some).
RECORD = """window.__said = []; document.addEventListener('kiosk:say', event =>
  window.__said.push(new URL(event.detail, location.href).searchParams.get('text')));"""


def said(page) -> list[str]:
    return page.evaluate("() => window.__said")


def focused(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; return e === document.body ? '' : e.textContent.trim() || e.id; }"
    )


def down_to(page, name: str, limit: int = 40) -> None:
    """Press Down until the control called `name` has the focus, as a person with a keypad would."""
    for _ in range(limit):
        if name in focused(page):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"never reached {name!r}; at {focused(page)!r}")


def no_number_spoken(phrases: list[str]) -> None:
    for phrase in phrases:
        assert NUMBER not in phrase and NUMBER[-4:] not in phrase, phrase
        assert phrase.strip() not in list("0123456789X"), f"a typed character was read out: {phrase!r}"


@pytest.fixture
def asked(page):
    """The page, recording what it asks to be spoken; and the spoken phrases' answers from the server."""
    answers: list[tuple[str, int]] = []
    page.add_init_script(RECORD)
    page.on("response", lambda r: answers.append((r.url, r.status)) if "/say?" in r.url else None)
    return answers


def test_the_card_journey_by_keypad_keys_alone(page, live_server, asked):
    page.goto(f"{live_server}/kiosk/metro/?lang=en")
    page.wait_for_load_state("load")
    page.keyboard.press("ArrowDown")
    down_to(page, "Tap your ID card")
    assert "Tap your ID card" in said(page)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/kiosk/metro/card")
    down_to(page, "id_number")
    assert said(page)[-1] == "ID card number"
    page.keyboard.type(NUMBER[:7])
    expect(page.locator("#id_number")).to_have_value(NUMBER[:7])
    counts = [p for p in said(page) if p.endswith("of 18 entered")]
    assert counts[-1] == "7 of 18 entered" and counts[:3] == ["1 of 18 entered", "2 of 18 entered", "3 of 18 entered"]
    page.keyboard.type(NUMBER[7:])
    expect(page.locator("#id_number")).to_have_value(NUMBER)
    page.keyboard.press("F1")  # the Help key: the screen's instructions again
    page.wait_for_function("() => !document.querySelector('[data-speech-main]').paused")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/kiosk/metro/result")
    expect(page.locator(".status-word")).to_have_text("Green")
    page.keyboard.press("ArrowDown")
    down_to(page, "Start again")
    assert said(page)[-1] == "Start again"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/kiosk/metro/")
    no_number_spoken(said(page))
    assert asked and all(status in (200, 206) for _url, status in asked)  # every phrase is one the server may say


def test_the_pass_and_face_journeys_by_keypad_keys_alone(page, live_server, live_app, asked):
    with live_app.extensions["assistant"]["db"].session() as s:
        token, _record, _resident = pass_office.issue(
            s,
            Keys(live_app.config["PASS_KEYS"]),
            id_text=NUMBER,
            days=180,
            today=ANCHOR.date(),
            hash_key=live_app.config["ID_HASH_KEY"].encode(),
        )
    page.goto(f"{live_server}/kiosk/metro/?lang=en")
    page.wait_for_load_state("load")
    page.keyboard.press("ArrowDown")
    down_to(page, "Show your pass")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/kiosk/metro/pass")
    expect(page.locator("#token")).to_be_focused()  # the scanner's field has the focus from the start
    page.keyboard.type(token)  # a scanner types like a keyboard, then Enter
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/kiosk/metro/result")
    expect(page.locator(".status-word")).to_have_text("Green")
    down_to(page, "Start again")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/kiosk/metro/")
    page.keyboard.press("ArrowDown")
    down_to(page, "Look at the camera")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/kiosk/metro/face")
    page.keyboard.press("ArrowDown")
    down_to(page, "Demo face 1")
    assert said(page)[-1] == "Demo face 1"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/kiosk/metro/result")
    expect(page.locator(".status-word")).to_have_text("Green")
    no_number_spoken(said(page))
    assert all(phrase for phrase in said(page))


def test_up_moves_back_and_focus_is_always_spoken(page, live_server, asked):
    page.goto(f"{live_server}/kiosk/metro/card?lang=zh")
    page.wait_for_load_state("load")
    for _ in range(9):
        page.keyboard.press("ArrowDown")
    here = focused(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert focused(page) == here
    spoken = said(page)
    assert len(spoken) >= 6 and all(spoken)
    assert "数字键" in spoken or "身份证号码" in spoken  # Chinese names for Chinese screens


def test_read_out_what_i_touch(page, live_server, asked):
    page.goto(f"{live_server}/kiosk/metro/settings?lang=en")
    page.get_by_role("link", name="On", exact=True).click()
    expect(page.locator(".chosen")).to_have_text("Read out what I touch: On is chosen.")
    page.goto(f"{live_server}/kiosk/metro/")
    page.get_by_role("link", name="Tap your ID card").click()
    page.wait_for_timeout(300)
    assert page.url == f"{live_server}/kiosk/metro/"  # the first touch only speaks
    assert said(page)[-1] == "Tap your ID card"
    page.get_by_role("link", name="Tap your ID card").click()  # the second touch presses it
    page.wait_for_url(f"{live_server}/kiosk/metro/card")
    page.locator("button[name=card][value='0']").click()
    page.wait_for_timeout(300)
    assert said(page)[-1] == "Demo card 1" and page.url.endswith("/card")
    page.locator("button[name=card][value='0']").click()
    page.wait_for_url(f"{live_server}/kiosk/metro/result")
    # Between people the choice is cleared like the others: the screen clearing itself forgets it.
    page.evaluate(
        "() => { const f = document.querySelector('[data-done-form]'); f.elements.why.value = 'timeout'; f.submit(); }"
    )
    page.wait_for_url(f"{live_server}/kiosk/metro/")
    assert "touch-speak" not in page.evaluate("() => document.documentElement.className")


def test_each_setting_is_spoken_when_chosen(page, live_server):
    page.goto(f"{live_server}/kiosk/metro/settings?lang=en")
    page.get_by_role("link", name="Large text").click()
    expect(page.locator(".chosen")).to_have_text("Large text is chosen.")
    main = page.locator("[data-speech-main]")
    assert "chosen=size%3D150" in main.get_attribute("src")
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-speech-main]'); return a.readyState >= 1; }"
    )
    page.get_by_role("link", name="Light on black").click()
    expect(page.locator(".chosen")).to_have_text("Light on black is chosen.")
