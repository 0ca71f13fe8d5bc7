"""The face check in a real browser: the simulated camera (upload and demo faces), a live camera fed by
Chromium's fake device, a refused camera, and the ID card offered after every problem."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import launch_with_camera
from tests.support.portraits import ASTRONAUT, COFFEE, HOPPER, camera_video, jpeg, open_rgb

pytestmark = pytest.mark.browser
LANGS = ["zh", "en"]
WORDS = {
    "zh": {
        "look": "看摄像头",
        "check": "查验照片",
        "green": "绿码",
        "by_face": "已通过刷脸查验。",
        "card": "改用身份证",
    },
    "en": {
        "look": "Look at the camera",
        "check": "Check the picture",
        "green": "Green",
        "by_face": "Checked by face.",
        "card": "Use my ID card instead",
    },
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_whole_journey_with_the_simulated_camera(page, live_server, tmp_path, lang, assert_accessible, screenshot):
    words = WORDS[lang]
    photo = tmp_path / "me.jpg"
    photo.write_bytes(jpeg(open_rgb(ASTRONAUT).resize((480, 480)), quality=80))  # a photo, not the enrolled one
    page.goto(f"{live_server}/kiosk/metro/?lang={lang}")
    page.get_by_role("link", name=words["look"]).click()
    expect(page.locator("h1")).to_have_text(words["look"])
    # Headless Chromium has no camera: the simulated camera stands in, and the live view stays hidden.
    expect(page.locator("[data-simulated-camera]")).to_be_visible()
    expect(page.locator("[data-live-camera]")).to_be_hidden()
    assert_accessible(page, f"face {lang}")
    screenshot(page, f"kiosk-face-{lang}")
    page.locator("#picture").set_input_files(str(photo))
    page.get_by_role("button", name=words["check"]).click()
    expect(page.locator(".status-word")).to_have_text(words["green"])
    expect(page.locator(".checked-by")).to_contain_text(words["by_face"])
    assert_accessible(page, f"face result {lang}")


@pytest.mark.parametrize("index, code", [(1, "face_no_match"), (2, "face_none"), (3, "face_several")])
def test_every_face_problem_offers_the_id_card_first(page, live_server, live_app, index, code, assert_accessible):
    message = live_app.extensions["assistant"]["texts"].error(code, "en")
    page.goto(f"{live_server}/kiosk/metro/face?lang=en")
    page.locator(f"button[name=demo_face][value='{index}']").click()
    expect(page.locator(".error-summary")).to_contain_text(message)
    page.wait_for_load_state("load")
    assert_accessible(page, code)
    page.wait_for_function(f"() => document.querySelector('[data-speech-main]').currentSrc.includes('error={code}')")
    # The summary's link and the first button both lead to the ID card.
    page.locator(".error-summary a").click()
    expect(page.locator("#use-card")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Tap your ID card")


def test_a_picture_that_is_not_a_picture(page, live_server, tmp_path, assert_accessible):
    bad = tmp_path / "face.jpg"
    bad.write_bytes(b"this is a text file pretending to be a photo")
    page.goto(f"{live_server}/kiosk/metro/face?lang=zh")
    page.locator("#picture").set_input_files(str(bad))
    page.get_by_role("button", name=WORDS["zh"]["check"]).click()
    expect(page.locator(".error-summary")).to_contain_text("这张图片打不开")
    expect(page.get_by_role("link", name=WORDS["zh"]["card"]).first).to_be_visible()
    assert_accessible(page, "image_invalid")


@pytest.mark.parametrize("who, status", [("astronaut", "Green"), ("hopper", None), ("coffee", None)])
def test_the_live_camera_takes_a_frame_and_checks_it(
    browser_type, browser_type_launch_args, live_server, live_app, tmp_path, who, status, assert_accessible
):
    picture = {"astronaut": ASTRONAUT, "hopper": HOPPER, "coffee": COFFEE}[who]
    person = open_rgb(picture).crop((100, 10, 360, 270)) if who == "astronaut" else open_rgb(picture)  # close up
    video = camera_video(person, tmp_path / f"{who}.y4m")
    browser = launch_with_camera(
        browser_type,
        browser_type_launch_args,
        "--use-fake-ui-for-media-stream",  # the kiosk's browser is set to allow its own camera
        f"--use-file-for-fake-video-capture={video}",
    )
    try:
        page = browser.new_page()
        page.goto(f"{live_server}/kiosk/metro/face?lang=en")
        expect(page.locator("[data-live-camera]")).to_be_visible()
        expect(page.locator("[data-simulated-camera]")).to_be_hidden()
        page.wait_for_function("() => document.querySelector('[data-camera-view]').videoWidth === 640")
        assert_accessible(page, "live camera")
        page.get_by_role("button", name="Check my face").click()
        if status:
            expect(page.locator(".status-word")).to_have_text(status)
        else:
            code = "face_no_match" if who == "hopper" else "face_none"
            message = live_app.extensions["assistant"]["texts"].error(code, "en")
            expect(page.locator(".error-summary")).to_contain_text(message)
    finally:
        browser.close()


def test_a_refused_camera_gets_a_calm_message_and_the_id_card(
    browser_type, browser_type_launch_args, live_server, live_app, assert_accessible
):
    browser = launch_with_camera(browser_type, browser_type_launch_args)  # a camera, but permission is refused
    try:
        page = browser.new_page()
        page.goto(f"{live_server}/kiosk/metro/face?lang=en")
        message = live_app.extensions["assistant"]["texts"].error("camera_refused", "en")
        expect(page.locator(".error-summary")).to_contain_text(message)
        expect(page).to_have_url(f"{live_server}/kiosk/metro/face?error=camera_refused")
        expect(page.locator("#use-card")).to_be_visible()
        page.wait_for_timeout(500)  # it does not ask again and loop
        expect(page).to_have_url(f"{live_server}/kiosk/metro/face?error=camera_refused")
        assert_accessible(page, "camera refused")
    finally:
        browser.close()
