"""Browser fixtures: the real app on waitress in a thread, Debian's Chromium through Playwright, and axe-core."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from assistant import create_app
from assistant.seeding import seed
from tests.support.app import ANCHOR, SEEDS
from tests.support.browser import ARTIFACTS, AXE, AXE_OPTIONS, CHROMIUM
from tests.support.servers import served


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make test`, which installs Debian's chromium package")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("browser-instance")
    # Many journeys share this kiosk in a minute, some with wrong numbers on purpose: a budget that never runs out.
    app = create_app(
        {
            "INSTANCE_PATH": instance,
            "VALIDATION_AT": ANCHOR.isoformat(),
            "TESTING": True,
            "FAILED_LOOKUPS_PER_MINUTE": 100_000,
        }
    )
    with app.extensions["assistant"]["db"].session() as s:
        counts = seed(
            s, SEEDS, app.config["ID_HASH_KEY"].encode(), ANCHOR, app.extensions["assistant"]["faces"].matcher
        )
    app.config["DEMO_KIOSK_TOKENS"] = counts["kiosks"]  # for the reader bridge, as `assistant seed` prints them
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """The kiosk served by waitress, as `assistant serve` does, on a free port."""
    # Eight threads: a staff page's help-queue stream holds one for as long as it is open.
    with served(live_app, threads=8) as base:
        yield base


@pytest.fixture
def axe():
    """Run axe-core on the page as it is now; returns the violations (rule id and the nodes' targets)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test` (it runs npm ci)")
    source = AXE.read_text()

    def run(page) -> list[dict]:
        page.wait_for_load_state("load")  # judged as it is seen: with its style sheet
        page.evaluate(source)  # injected through the debugger, so the page's strict CSP does not block it
        result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        return [{"id": v["id"], "targets": [n["target"] for n in v["nodes"]]} for v in result["violations"]]

    return run


@pytest.fixture
def assert_accessible(axe):
    def check(page, label: str):
        violations = axe(page)
        assert violations == [], f"{label}: {json.dumps(violations, ensure_ascii=False, indent=1)}"

    return check


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture(scope="module")
def _module_context(browser, browser_context_args):
    shared = {}

    def fresh():
        shared["context"] = browser.new_context(**browser_context_args)
        shared["page"] = shared["context"].new_page()

    fresh()
    shared["fresh"] = fresh
    yield shared
    shared["context"].close()


@pytest.fixture
def kiosk_page(_module_context):
    """A page shared by one module's many look-and-measure tests, as fresh as a new one where it matters (no
    cookies, so no session; the default viewport; no emulated media): a new browser context per test costs more
    than the checks themselves. Journeys that click through several screens use pytest-playwright's own `page`.
    A page that no longer answers (a test failed in the middle of a navigation) is replaced, so that one failure
    stays one failure."""
    try:
        page = _module_context["page"]
        page.goto("about:blank", timeout=5000)  # the last screen's scripts stop here
    except PlaywrightError:
        _module_context["context"].close()
        _module_context["fresh"]()
        page = _module_context["page"]
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.emulate_media(contrast="no-preference", forced_colors="none")
    return page
