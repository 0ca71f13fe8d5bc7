"""axe-core on every page, in both languages, at every text size, in high contrast and in forced colours."""

import pytest

from assistant import create_app
from tests.browser.displays import MUST_SEE
from tests.browser.pages import ERROR_STATES, EXTRA_STATES, KIOSK_PAGES, NOT_PAGES, PAGES, open_page

pytestmark = pytest.mark.browser
MODES = {
    "size100": ("size=100&contrast=standard", {}),
    "size150": ("size=150&contrast=standard", {}),
    "size200": ("size=200&contrast=standard", {}),
    "high-contrast": ("size=100&contrast=high", {}),
    "system-contrast-more": ("size=100", {"contrast": "more"}),
    "forced-colours": ("size=100&contrast=standard", {"forced_colors": "active"}),
}


def test_every_route_is_listed(tmp_path):
    app = create_app({"INSTANCE_PATH": tmp_path, "TESTING": True})
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert routes - set(PAGES) - NOT_PAGES == set(), "add the new page to tests/browser/pages.py"


SIZE_MODES = ("size100", "size150", "size200")
# The kiosk screens at each text size are checked on each kiosk display by test_displays.py; here, their contrast
# modes. Every other page: every mode.
SWEEP = [
    (endpoint, mode)
    for endpoint in list(PAGES) + list(EXTRA_STATES)
    for mode in MODES
    if not (endpoint.startswith("kiosk.") and endpoint in MUST_SEE and mode in SIZE_MODES)
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("endpoint, mode", SWEEP)
def test_no_axe_violations(kiosk_page, live_server, endpoint, lang, mode, assert_accessible):
    page = kiosk_page
    query, media = MODES[mode]
    if media:
        page.emulate_media(**media)
    open_page(page, live_server, endpoint, f"lang={lang}&{query}")
    assert_accessible(page, f"{endpoint} {lang} {mode}")


# The largest text on each display has its own screenshots (test_displays.py).
@pytest.mark.parametrize("mode", ["size100", "high-contrast"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("endpoint", list(KIOSK_PAGES) + ERROR_STATES)
def test_screenshots_of_every_kiosk_screen(kiosk_page, live_server, endpoint, lang, mode, screenshot):
    page = kiosk_page
    page.set_viewport_size({"width": 1080, "height": 1920})  # a portrait kiosk screen
    open_page(page, live_server, endpoint, f"lang={lang}&{MODES[mode][0]}")
    name = endpoint.replace("kiosk.", "").replace("_screen", "").replace(" (error)", "-error")
    assert screenshot(page, f"screen-{name}-{lang}-{mode}").stat().st_size > 10_000
