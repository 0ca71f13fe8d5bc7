"""A production kiosk in a real browser: unbound it shows only the set-up screen; staff bind it with its token;
then a card is checked and logged as that kiosk's, and past its budget of failed lookups it asks for staff."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant import create_app, kiosks, residents
from assistant.models import CheckRecord, HelpRequest
from assistant.seeding import seed
from tests.support.app import ANCHOR, REAL_NUMBER, REAL_RESIDENTS_CSV, SEEDS
from tests.support.servers import served

pytestmark = pytest.mark.browser
BUDGET = 3


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """A production server (no demo) with one resident and kiosk metro-door-1; yields its address, app and token."""
    app = create_app(
        {
            "INSTANCE_PATH": tmp_path_factory.mktemp("production"),
            "TESTING": True,
            "DEMO": False,
            "FAILED_LOOKUPS_PER_MINUTE": BUDGET,
        }
    )
    key = app.config["ID_HASH_KEY"].encode()
    with app.extensions["assistant"]["db"].session() as s:
        seed(s, SEEDS, key, ANCHOR, demo=False)
        residents.store(s, residents.read_rows(REAL_RESIDENTS_CSV, key))
        _, token = kiosks.add(s, "metro-door-1", "metro")
    with served(app) as base:
        yield base, app, token


def test_an_unbound_browser_sees_only_the_set_up_screen(page, production, assert_accessible):
    base, _app, _token = production
    for path in ("/kiosk/", "/kiosk/metro/", "/kiosk/metro/card", "/kiosk/hospital/pass"):
        page.goto(f"{base}{path}?lang=en")
        expect(page).to_have_url(f"{base}/kiosk/setup")
        expect(page.locator("h1")).to_have_text("Set up this kiosk")
    assert_accessible(page, "set-up screen")
    page.locator("#token").fill("hck_not-this-one")
    page.locator("#token").press("Enter")
    expect(page.locator(".error-summary")).to_contain_text("not registered")
    assert_accessible(page, "set-up screen with an error")
    page.locator(".error-summary a").click()
    expect(page.locator("#token")).to_be_focused()


def test_staff_bind_the_kiosk_and_a_card_is_checked_as_its_own(page, production, assert_accessible, screenshot):
    base, app, token = production
    page.goto(f"{base}/kiosk/setup?lang=zh")
    expect(page.locator("h1")).to_have_text("设置这台查验机")
    page.goto(f"{base}/kiosk/setup?lang=en")
    page.locator("#token").fill(token)
    page.get_by_role("button", name="Set up this kiosk").click()
    expect(page).to_have_url(f"{base}/kiosk/metro/")
    cookie = next(c for c in page.context.cookies() if c["name"] == "kiosk")
    assert cookie["httpOnly"] and token not in cookie["value"]
    page.get_by_role("link", name="Tap your ID card").click()
    expect(page.locator(".demo-card")).to_have_count(0)  # production: the simulated reader shows no demo people
    page.locator("#id_number").fill(REAL_NUMBER)
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page).to_have_url(f"{base}/kiosk/metro/result")
    expect(page.locator(".status-word")).to_have_text("Green")
    assert_accessible(page, "production result")
    screenshot(page, "production-result-en")
    page.goto(f"{base}/kiosk/hospital/")  # another venue's kiosk address: this kiosk stays at its own
    expect(page).to_have_url(f"{base}/kiosk/metro/")
    with app.extensions["assistant"]["db"].session() as s:
        logged = s.execute(select(CheckRecord.kiosk, CheckRecord.channel, CheckRecord.clock)).all()
    assert [tuple(row) for row in logged] == [("metro-door-1", "kiosk", "real")]


def test_past_its_budget_the_kiosk_asks_for_staff_and_says_so(page, production, assert_accessible):
    base, app, token = production
    page.goto(f"{base}/kiosk/setup?lang=en")
    page.locator("#token").fill(token)
    page.get_by_role("button", name="Set up this kiosk").click()
    for _ in range(BUDGET + 1):
        page.goto(f"{base}/kiosk/metro/card?lang=en")
        page.locator("#id_number").fill("110101195001010010")  # a wrong check character
        page.get_by_role("button", name="Check", exact=True).click()
        page.wait_for_load_state("load")
    expect(page.locator("h1")).to_have_text("Please ask a staff member")
    expect(page.get_by_role("status")).to_contain_text("They will check your card with you.")
    assert_accessible(page, "too many checks")
    audio = page.locator("audio[data-speech-main]")
    assert "/kiosk/metro/speech/busy?error=too_many_checks" in audio.get_attribute("src")
    with app.extensions["assistant"]["db"].session() as s:
        assert s.scalars(select(HelpRequest.kiosk).where(HelpRequest.kind == "too_many_checks")).all() == [
            "metro-door-1"
        ]
    page.get_by_role("button", name="Start again").click()
    expect(page).to_have_url(f"{base}/kiosk/metro/")
