"""The card reader end to end in a real browser: a card tapped on the bridge's simulated reader moves a kiosk screen
nobody touches; a wrong token moves nothing and logs nothing; and where the venue wants the face too, Chromium's fake
camera plays a prepared head turn and the result comes without a touch."""

import os
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from assistant.models import CheckRecord
from tests.support import heads
from tests.support.app import run_cli
from tests.support.browser import launch_with_camera
from tests.support.portraits import camera_sequence

pytestmark = pytest.mark.browser


def checks_logged(app) -> int:
    with app.extensions["assistant"]["db"].session() as s:
        return s.scalar(select(func.count()).select_from(CheckRecord))


def tap(live_server: str, token: str, card: int):
    return run_cli(["reader", "tap", "--server", live_server, "--token", token, "--card", str(card)], dict(os.environ))


def listening(page) -> None:
    """The screen opens its stream a moment after it lands (so screens passed through hold no server thread)."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(1200)


def test_a_tap_on_the_reader_moves_an_untouched_kiosk_screen_to_the_result(page, live_server, live_app, screenshot):
    page.goto(f"{live_server}/kiosk/hospital/?lang=en")
    listening(page)
    started = time.monotonic()
    # Card 1 is let in: a referral would also put a help request on the shared staff queue, which test_staff reads.
    answer = tap(live_server, live_app.config["DEMO_KIOSK_TOKENS"]["demo-hospital"], 1)
    assert answer.returncode == 0 and "the kiosk shows green (admit)" in answer.stdout, answer.stderr
    assert "310101194803120245" not in answer.stdout + answer.stderr  # the bridge never prints the number
    page.wait_for_url(f"{live_server}/kiosk/hospital/result", timeout=5000)
    moved = time.monotonic() - started
    expect(page.locator(".status-word")).to_have_text("Green")
    assert moved < 5, moved  # the card to the result, with no touch (the screen asks again every 0.7 s)
    screenshot(page, "kiosk-reader-result-en")


def test_a_wrong_token_is_refused_the_screen_stays_and_nothing_is_logged(page, live_server, live_app):
    page.goto(f"{live_server}/kiosk/hospital/card?lang=en")
    listening(page)
    before = checks_logged(live_app)
    answer = tap(live_server, "not-this-kiosks-token", 1)
    assert answer.returncode == 2 and "refused this kiosk's token" in answer.stderr
    assert "Traceback" not in answer.stderr
    page.wait_for_timeout(1500)
    expect(page).to_have_url(f"{live_server}/kiosk/hospital/card?lang=en")
    assert checks_logged(live_app) == before


def test_a_reader_problem_moves_the_screen_to_the_keypad_with_the_message(
    page, live_server, live_app, assert_accessible
):
    from assistant.reader import Fault
    from assistant.reader.bridge import post

    page.goto(f"{live_server}/kiosk/hospital/?lang=en")
    listening(page)
    status, _ = post(live_server, live_app.config["DEMO_KIOSK_TOKENS"]["demo-hospital"], Fault("card_removed"))
    assert status == 201
    message = live_app.extensions["assistant"]["texts"].error("card_removed", "en")
    expect(page.locator(".error-summary")).to_contain_text(message, timeout=5000)
    expect(page.locator("#id_number")).to_be_visible()  # the keypad, right there
    expect(page.locator(".other-ways").get_by_role("link", name="Show your pass")).to_be_visible()
    assert_accessible(page, "reader problem")
    page.wait_for_function("() => document.querySelector('[data-speech-main]').currentSrc.includes('card_removed')")


def test_card_and_face_with_a_real_camera_needs_no_touch(
    browser_type, browser_type_launch_args, live_server, live_app, tmp_path, assert_accessible, screenshot
):
    """The community centre requires the face: Chromium's fake camera plays the card holder looking, turning left,
    looking, turning right, over and over, whichever order the kiosk asks in."""
    turns = heads.turning("astronaut")
    look, left, right = turns["look"][0], turns["left"][-1], turns["right"][-1]
    video = camera_sequence([look] * 8 + [left] * 8 + [look] * 4 + [right] * 8 + [look] * 4, tmp_path / "turns.y4m")
    browser = launch_with_camera(
        browser_type,
        browser_type_launch_args,
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    try:
        page = browser.new_page()
        page.goto(f"{live_server}/kiosk/community-centre/?lang=en")
        listening(page)
        answer = tap(live_server, live_app.config["DEMO_KIOSK_TOKENS"]["demo-community-centre"], 1)
        assert "asks for the face" in answer.stdout, answer.stderr
        page.wait_for_url(f"{live_server}/kiosk/community-centre/card/face", timeout=5000)
        expect(page.locator("h1")).to_have_text("Now please look at the camera")
        expect(page.locator("[data-live-camera]")).to_be_visible()
        assert_accessible(page, "card and face, live camera")
        screenshot(page, "kiosk-card-face-en")
        page.wait_for_url(f"{live_server}/kiosk/community-centre/result", timeout=45000)
        expect(page.locator(".status-word")).to_have_text("Green")
        expect(page.locator(".checked-by")).to_have_text("Checked by card and face.")
    finally:
        browser.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_printed_photo_on_the_simulated_camera_waits_for_staff(page, live_server, lang, assert_accessible):
    page.goto(f"{live_server}/kiosk/community-centre/card?lang={lang}")
    page.locator("button[name=card][value='0']").click()
    page.wait_for_url(f"{live_server}/kiosk/community-centre/card/face")
    assert_accessible(page, f"card and face {lang}")
    page.locator("button[name=sequence][value=photo]").click()
    page.wait_for_url(f"{live_server}/kiosk/community-centre/result")
    expect(page.locator(".status-held")).to_be_visible()
    expect(page.locator(".status-green, .status-red, .status-yellow")).to_have_count(0)
    assert_accessible(page, f"held for staff {lang}")


def test_without_a_camera_the_face_step_never_stays_on_screen(page, live_server):
    """Nobody at the kiosk and no camera: each step runs out slowly (three times its 20 seconds), then the second
    try, and the screen says staff are coming, where it clears itself as every result does."""
    page.clock.install()
    page.goto(f"{live_server}/kiosk/community-centre/card?lang=en")
    page.locator("button[name=card][value='0']").click()
    page.wait_for_url(f"{live_server}/kiosk/community-centre/card/face")
    page.clock.run_for(59_000)
    page.wait_for_timeout(300)
    expect(page).to_have_url(f"{live_server}/kiosk/community-centre/card/face")  # not before a minute
    page.clock.run_for(2_000)
    expect(page.locator("[data-again]")).to_be_visible()  # the first try ran out: "Let us try once more"
    page.clock.run_for(61_000)
    page.wait_for_url(f"{live_server}/kiosk/community-centre/result")
    expect(page.locator(".status-held")).to_be_visible()
