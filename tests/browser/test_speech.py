"""The kiosk's voice in a real browser: the result's audio loads and is of the words shown; Stop, any tap,
Slower, Hear why and volume work; the page keeps working when audio is missing."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AUDIO_STATE = """selector => { const a = document.querySelector(selector);
  return {paused: a.paused, ready: a.readyState, duration: a.duration, src: a.currentSrc, volume: a.volume,
          time: a.currentTime}; }"""


def open_result(page, live_server, lang="en", card=1):
    page.goto(f"{live_server}/kiosk/metro/card?lang={lang}")
    page.locator(f"button[name=card][value='{card}']").click()
    page.wait_for_url(f"{live_server}/kiosk/metro/result")


def wait_playing(page, selector="[data-speech-main]"):
    page.wait_for_function(
        f"() => {{ const a = document.querySelector('{selector}'); "
        "return a.readyState >= 1 && !a.paused && a.currentTime > 0; }"
    )
    return page.evaluate(AUDIO_STATE, selector)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_result_speaks_what_it_shows(page, live_server, live_app, lang):
    open_result(page, live_server, lang)
    state = wait_playing(page)  # played by itself: loadedmetadata fired, and it is moving
    assert state["duration"] > 1 and state["src"].endswith("/kiosk/metro/speech/result")
    shown = [page.locator(".decision").inner_text(), page.locator(".decision-next").inner_text()]
    speech = live_app.extensions["assistant"]["speech"]
    expected = speech.path(speech.key(("" if lang == "zh" else " ").join(shown), lang)).read_bytes()
    served = page.request.get(state["src"]).body()
    assert served == expected, "the audio is made from exactly the words on the screen"


def test_stop_stops_and_any_tap_stops(page, live_server):
    open_result(page, live_server)
    wait_playing(page)
    page.get_by_role("button", name="Stop").click()
    assert page.evaluate(AUDIO_STATE, "[data-speech-main]")["paused"]
    page.get_by_role("button", name="Repeat").click()
    wait_playing(page)
    page.locator(".status-word").click()  # a tap anywhere else
    assert page.evaluate(AUDIO_STATE, "[data-speech-main]")["paused"]


def test_slower_hear_why_and_volume(page, live_server):
    open_result(page, live_server)
    normal = wait_playing(page)
    page.get_by_role("button", name="Slower").click()
    slow = wait_playing(page)
    assert slow["src"].endswith("pace=slow") and slow["duration"] > normal["duration"] * 1.2
    page.get_by_role("button", name="Hear why").click()
    why = wait_playing(page, "[data-speech-why]")
    assert why["duration"] > slow["duration"]
    assert page.evaluate(AUDIO_STATE, "[data-speech-main]")["paused"], "new speech replaces old"
    expect(page.locator("[data-speech-level]")).to_have_text("Volume 3 of 3")
    page.get_by_role("button", name="Quieter").click()
    page.get_by_role("button", name="Quieter").click()
    expect(page.locator("[data-speech-level]")).to_have_text("Volume 1 of 3")
    assert page.evaluate(AUDIO_STATE, "[data-speech-why]")["volume"] == pytest.approx(0.4)
    page.get_by_role("button", name="Start again").click()
    page.get_by_role("link", name="Tap your ID card").click()
    expect(page.locator("[data-speech-level]")).to_have_text("Volume 3 of 3")  # back to the default for the next person


def test_the_countdown_warning_is_spoken(page, live_server):
    page.clock.install()
    open_result(page, live_server)
    page.clock.run_for(41_000)
    expect(page.locator(".countdown-warning")).to_contain_text("More time")
    state = wait_playing(page, "[data-speech-warning]")
    assert state["src"].endswith("/kiosk/metro/speech/warning")


def test_the_page_works_when_audio_is_missing(page, live_server):
    page.route(re.compile(r".*/speech/.*"), lambda route: route.fulfill(status=404, body="gone"))
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    open_result(page, live_server)
    expect(page.locator("[data-speech-failed]")).to_be_visible()
    page.get_by_role("button", name="Repeat").click()
    page.get_by_role("button", name="Start again").click()
    expect(page).to_have_url(f"{live_server}/kiosk/metro/")
    assert errors == []


def test_a_policy_topic_is_read_aloud(page, live_server):
    page.goto(f"{live_server}/policy/privacy?lang=en")
    page.get_by_role("button", name="Read aloud: paragraph 2").click()
    state = wait_playing(page, "[data-speak-player]")
    assert state["src"].endswith("/policy/privacy/speech/1")
