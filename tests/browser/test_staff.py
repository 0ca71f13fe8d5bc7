"""The staff console in Chromium: signing in, every page and its error states in both languages (axe-core and
44 px targets), the help queue end to end between a kiosk and the staff desk, and a 100,000-row import from the
browser while a kiosk goes on checking."""

import threading
import time
import urllib.request

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from assistant import create_app
from assistant.identity import mask
from assistant.seeding import seed
from bench.registry import write_csv
from tests.support.app import ADMIN, ANCHOR, DEMO_NUMBERS, SEEDS, STAFF, add_staff
from tests.support.browser import CHROMIUM
from tests.support.portraits import HOPPER, camera_video, open_rgb
from tests.support.servers import served

pytestmark = pytest.mark.browser

# Every control a person presses: at least 44 x 44 CSS px (links inside a sentence excepted, as WCAG allows).
SMALL_TARGETS = """() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
  .filter(e => e.getClientRects().length > 0 && !e.classList.contains('skip-link') && e.type !== 'hidden')
  .filter(e => !(e.tagName === 'A' && getComputedStyle(e).display === 'inline'))
  .map(e => { const r = e.getBoundingClientRect(); return {name: (e.textContent || e.id).trim().slice(0, 30),
                                                           w: Math.round(r.width), h: Math.round(r.height)}; })
  .filter(t => t.w < 44 || t.h < 44)"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def staff_accounts(live_app):
    add_staff(live_app)
    return live_app


def sign_in(page, base: str, who=ADMIN, lang: str = "en") -> None:
    page.goto(f"{base}/staff/login?lang={lang}")
    page.fill("#username", who[0])
    page.fill("#password", who[1])
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/staff/help")


def _submit(page):
    page.locator("main form button[type=submit]").last.click()  # the page's own form, after any row buttons
    page.wait_for_load_state("load")


def _fill_and_submit(field: str, value: str):
    def act(page):
        page.fill(field, value)
        page.locator(field).locator("xpath=ancestor::form").locator("button[type=submit]").click()  # its own form
        page.wait_for_load_state("load")

    return act


# How to reach each page (and each error state) of the console, by a name for the report.
STATES = {
    "help": ("/staff/help", None),
    "residents": ("/staff/residents", None),
    "residents (error)": ("/staff/residents", _submit),
    "residents (found by name)": ("/staff/residents", _fill_and_submit("#name", "王")),
    "resident": ("/staff/residents/1", None),
    "resident edit": ("/staff/residents/1/edit", None),
    "resident edit (error)": ("/staff/residents/1/edit", _fill_and_submit("#vaccine_doses", "many")),
    "resident new": ("/staff/residents/new", None),
    "resident new (error)": ("/staff/residents/new", _submit),
    "resident delete": ("/staff/residents/2/delete", None),
    "resident delete (error)": ("/staff/residents/2/delete", _submit),
    "pass": ("/staff/residents/1/pass", None),
    "pass (error)": ("/staff/residents/1/pass", _fill_and_submit("#requested_by", "王明")),
    "pass print": ("/staff/residents/1/pass", lambda page: (page.select_option("#days", "30"), _submit(page))),
    "face": ("/staff/residents/1/face", None),
    "face (error)": (
        "/staff/residents/1/face",
        lambda page: (page.locator("main form").last.locator("button").click(), page.wait_for_load_state("load")),
    ),
    "import": ("/staff/import", None),
    "import (error)": ("/staff/import", _submit),
    "kiosks": ("/staff/kiosks", None),
    "kiosks (error)": ("/staff/kiosks", _fill_and_submit("#name", "Not A Name")),
    "kiosks (printer error)": ("/staff/kiosks", _fill_and_submit("#printer", "lpt1")),
    "venues": ("/staff/venues", None),
    "venue": ("/staff/venues/hospital", None),
    "venue (error)": (
        "/staff/venues/hospital",
        lambda page: ([b.uncheck() for b in page.locator("input[name=allowed]").all()], _submit(page)),
    ),
    "accounts": ("/staff/accounts", None),
    "accounts (error)": (
        "/staff/accounts",
        lambda page: (page.fill("#username", "newcomer"), page.fill("#password", "short"), _submit(page)),
    ),
    "checks": ("/staff/checks", None),
    "checks (error)": ("/staff/checks?since=yesterday", None),
    "audit": ("/staff/audit", None),
}
MODES = {
    "size100": "size=100&contrast=standard",
    "size200": "size=200&contrast=standard",
    "high-contrast": "size=100&contrast=high",
}
SWEEP = [(state, mode) for state in STATES for mode in MODES if mode == "size100" or "(" not in state]
# The largest text in English only: long English words are the harder fit at 200% (Chinese wraps between any two
# characters), and the sweep is long enough for the 12-minute bar on `make test`.
SWEEP_RUNS = [
    (state, mode, lang) for state, mode in SWEEP for lang in ("zh", "en") if mode != "size200" or lang == "en"
]


@pytest.fixture(scope="module")
def admin_page(browser, live_server, staff_accounts):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    sign_in(page, live_server)
    yield page
    context.close()


@pytest.mark.parametrize("state, mode, lang", SWEEP_RUNS)
def test_every_staff_page_and_error_state(admin_page, live_server, state, mode, lang, assert_accessible):
    page = admin_page
    path, act = STATES[state]
    page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}&{MODES[mode]}")
    if act:
        act(page)
    if "(error)" in state:
        expect(page.locator(".error-summary")).to_be_visible()
        assert page.title().startswith("错误" if lang == "zh" else "Error:")
    assert page.locator("h1").count() == 1
    assert page.evaluate(SMALL_TARGETS) == [], state
    assert page.evaluate(SIDEWAYS) <= 0, f"{state} scrolls sideways at 1280 px"
    if mode == "size100":
        page.set_viewport_size({"width": 320, "height": 800})
        assert page.evaluate(SIDEWAYS) <= 0, f"{state} scrolls sideways at 320 px"
        page.set_viewport_size({"width": 1280, "height": 720})
    assert "Traceback" not in page.content()
    assert_accessible(page, f"{state} {lang} {mode}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_signing_in_and_its_error_state(page, live_server, staff_accounts, lang, assert_accessible):
    page.goto(f"{live_server}/staff/residents?lang={lang}")
    assert page.url.startswith(f"{live_server}/staff/login?next=/staff/residents")
    assert_accessible(page, f"login {lang}")
    page.fill("#username", STAFF[0])
    page.fill("#password", "not the password")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS) == []
    assert_accessible(page, f"login error {lang}")
    page.locator(".error-summary a").click()
    expect(page.locator("#username")).to_be_focused()
    page.fill("#password", STAFF[1])
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server}/staff/residents?lang={lang}")
    # A member of staff sees no admin pages in the menu.
    assert page.locator("nav.staff-nav a").count() == 5  # no admin pages in the menu


def test_the_help_queue_between_a_kiosk_and_the_staff_desk(browser, live_server, staff_accounts):
    desk = browser.new_context()
    staff = desk.new_page()
    sign_in(staff, live_server, STAFF)
    expect(staff.locator("[data-live-note]")).to_be_visible()  # the stream is on
    chimes = lambda: int(staff.evaluate("() => document.documentElement.getAttribute('data-chimes') || 0"))  # noqa: E731
    kiosk_context = browser.new_context()
    kiosk = kiosk_context.new_page()
    kiosk.goto(f"{live_server}/kiosk/hospital/card?lang=en")
    kiosk.get_by_role("button", name="Call staff").click()
    pressed = time.monotonic()
    expect(kiosk.locator("h1")).to_have_text("A staff member is coming")
    request = staff.locator(".help-request", has_text="demo-hospital").filter(has_text="ID card screen")
    expect(request).to_be_visible(timeout=2000)
    assert time.monotonic() - pressed < 2.5
    assert chimes() == 1
    request.get_by_role("button", name="I'm coming").click()
    expect(staff.locator(".help-request", has_text="demo-hospital")).to_contain_text("desk is on the way.")
    words = kiosk.locator(".staff-coming-words")
    expect(words).to_be_visible(timeout=5000)
    expect(words).to_contain_text("A staff member is on the way")
    kiosk.wait_for_function(
        "() => { const a = document.querySelector('[data-speech-coming]'); return a && a.played.length > 0; }",
        timeout=5000,
    )
    # A red check at the kiosk asks for staff too, with its reasons; with the sound off there is no chime.
    staff.uncheck("#sound-cue")
    before = chimes()  # counted since the page was last loaded ("I'm coming" is a form: the page came back)
    kiosk.goto(f"{live_server}/kiosk/hospital/card?lang=en")
    kiosk.fill("#id_number", DEMO_NUMBERS[1])
    kiosk.get_by_role("button", name="Check", exact=True).click()
    kiosk.wait_for_url(f"{live_server}/kiosk/hospital/result")
    referred = staff.locator(".help-request").filter(has_text="The result asks the person to wait for staff.")
    expect(referred.filter(has_text="demo-hospital")).to_contain_text("You are in quarantine", timeout=2000)
    assert chimes() == before
    staff.reload()
    assert staff.is_checked("#sound-cue") is False  # the choice is kept
    done = staff.locator(".help-request", has_text="demo-hospital").get_by_role("button", name="Done")
    while done.count():
        done.first.click()
        staff.wait_for_load_state("load")
    expect(staff.locator(".help-request", has_text="demo-hospital")).to_have_count(0)
    desk.close()
    kiosk_context.close()


def test_an_open_help_queue_goes_to_sign_in_when_an_admin_ends_the_session(browser, live_server, staff_accounts):
    desk = browser.new_context()
    staff = desk.new_page()
    sign_in(staff, live_server, STAFF)
    expect(staff.locator("[data-live-note]")).to_be_visible()
    admin_context = browser.new_context()
    admin = admin_context.new_page()
    sign_in(admin, live_server, ADMIN)
    admin.goto(f"{live_server}/staff/accounts?lang=en")
    admin.get_by_role("button", name=f"Sign {STAFF[0]} out everywhere").click()
    ended = time.monotonic()
    staff.wait_for_url(f"{live_server}/staff/login?ended=session", timeout=5000)
    assert time.monotonic() - ended < 3  # the queue's next answer (within about a second) says so
    expect(staff.locator(".notice")).to_contain_text("Your session has ended")
    sign_in(staff, live_server, STAFF)  # and the person signs in again as ever
    desk.close()
    admin_context.close()


@pytest.fixture
def own_server(tmp_path):
    """A server of its own, so what these tests add (100,000 residents, an enrolled face) stays out of the other
    tests' registry."""
    app = create_app(
        {
            "INSTANCE_PATH": tmp_path / "import",
            "VALIDATION_AT": ANCHOR.isoformat(),
            "TESTING": True,
            "FAILED_LOOKUPS_PER_MINUTE": 100_000,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.extensions["assistant"]["db"].session() as s:
        seed(s, SEEDS, app.config["ID_HASH_KEY"].encode(), ANCHOR, app.extensions["assistant"]["faces"].matcher)
    add_staff(app)
    with served(app, threads=6) as base:
        yield app, base


def test_a_100000_row_import_from_the_browser_while_a_kiosk_checks(page, own_server, tmp_path):
    app, base = own_server
    csv_file = write_csv(tmp_path / "residents.csv", 100_000)
    answers: list[int] = []
    stop = threading.Event()

    def kiosk_checks():
        from tests.support.app import DEMO_NUMBERS as numbers

        while not stop.is_set():
            request = urllib.request.Request(
                f"{base}/kiosk/metro/check", data=f"id_number={numbers[0]}".encode(), method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    answers.append(answer.status)
            except Exception as error:  # noqa: BLE001 (every failure is counted, not hidden)
                answers.append(getattr(error, "code", 0))
            time.sleep(0.05)

    sign_in(page, base, STAFF)
    page.goto(f"{base}/staff/import?lang=en")
    page.set_input_files("#file", str(csv_file))
    checker = threading.Thread(target=kiosk_checks, daemon=True)
    checker.start()
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/staff/import/*")
    seen = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not page.locator(".notice").count():
        # Read in one step: once the import ends, the page reloads without its bar (and may do so mid-read).
        try:
            shown = page.evaluate(
                "() => { const b = document.getElementById('import-bar'); return b && `${b.value}/${b.max}`; }"
            )
        except PlaywrightError:  # the reload destroyed the page being read
            shown = None
        if shown:
            seen.add(shown)
        time.sleep(0.2)
    stop.set()
    checker.join()
    expect(page.locator(".notice")).to_contain_text("Imported: 100000 new residents, 0 updated.")
    assert len(seen) >= 3, seen  # the bar moved as the import went on
    assert len(answers) > 20 and set(answers) == {200}, set(answers)


def test_a_face_enrolled_with_the_desk_camera_is_then_found_by_the_kiosk_camera(
    browser_type, browser_type_launch_args, own_server, tmp_path
):
    """The desk's camera takes one frame, as the kiosk's does; with consent recorded, the resident is enrolled, and
    the same face at a kiosk's camera then finds them."""
    app, base = own_server
    video = camera_video(open_rgb(HOPPER), tmp_path / "hopper.y4m")
    args = [
        *browser_type_launch_args["args"],
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = browser_type.launch(executable_path=CHROMIUM, args=args)
    try:
        desk = browser.new_page()
        sign_in(desk, base, STAFF)
        desk.goto(f"{base}/staff/residents?lang=en")
        desk.fill("#number", DEMO_NUMBERS[4])
        desk.locator("main form button[type=submit]").last.click()
        resident = desk.url
        desk.goto(f"{resident}/face?lang=en")
        camera = desk.locator("[data-live-camera]")
        expect(camera).to_be_visible()
        desk.wait_for_function("() => document.querySelector('[data-camera-view]').videoWidth === 640")
        camera.get_by_role("button", name="Take the picture and enrol").click()
        expect(desk.locator(".error-summary")).to_contain_text("The resident must agree")  # nothing without consent
        camera = desk.locator("[data-live-camera]")
        expect(camera).to_be_visible()
        desk.wait_for_function("() => document.querySelector('[data-camera-view]').videoWidth === 640")
        camera.get_by_label("The resident agrees").check()
        camera.get_by_label("Who asked for it").fill("the resident")
        with desk.expect_navigation():  # the frame is taken and the form sent by the page's script
            camera.get_by_role("button", name="Take the picture and enrol").click()
        assert desk.url == resident, desk.locator("main").inner_text()[:600]
        expect(desk.locator("main")).to_contain_text("Consent recorded by desk.")
        kiosk = browser.new_page()
        kiosk.goto(f"{base}/kiosk/metro/face?lang=en")
        kiosk.wait_for_function("() => document.querySelector('[data-camera-view]').videoWidth === 640")
        kiosk.get_by_role("button", name="Check my face").click()
        expect(kiosk.locator(".subject")).to_contain_text(mask(DEMO_NUMBERS[4]))  # the resident enrolled at the desk
        expect(kiosk.locator(".checked-by")).to_contain_text("Checked by face.")
    finally:
        browser.close()
