"""The kiosk without its server, in Chromium: the service worker keeps the kiosk's own offline screen (and nothing
personal); when the server stops, or the network is cut, the screen shows and says it within 2 s, Call staff says
what to do instead, and the kiosk goes back to its start screen by itself once the server answers."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.slow_clients import Front, _free_port, _wait_for

pytestmark = pytest.mark.browser

ASSISTANT = str(Path(sys.executable).parent / "assistant")
KEPT = sorted(
    ["/static/assistant.css", "/static/kiosk-offline.js"]
    + [f"/kiosk/metro/offline/{lang}{part}" for lang in ("zh", "en") for part in ("", "/said.audio", "/call.audio")]
)
KEPT_FILES = """() => caches.keys().then(names => Promise.all(names.map(name => caches.open(name)
  .then(cache => cache.keys()).then(requests => requests.map(r => new URL(r.url).pathname + new URL(r.url).search)))))
  .then(lists => lists.flat().sort())"""
PLAYED = "s => { const a = document.querySelector(s); return a && a.played.length > 0; }"


class Server:
    """`assistant serve` on a port of its own, which the test stops and starts again on the same port."""

    def __init__(self, work: Path):
        self.env = dict(os.environ, ASSISTANT_DEMO="1", ASSISTANT_INSTANCE=str(work / "instance"))
        subprocess.run([ASSISTANT, "seed"], env=self.env, capture_output=True, check=True)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [ASSISTANT, "serve", "--port", str(self.port)], env=self.env, stderr=subprocess.DEVNULL
        )
        _wait_for(Front(self.port), self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path)
    yield running
    if running.process.poll() is None:
        running.stop()


def _kept_and_controlled(page, base: str) -> None:
    page.goto(f"{base}/kiosk/metro/?lang=en")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10000)
    page.wait_for_function(f"() => ({KEPT_FILES})().then(files => files.length === {len(KEPT)})", timeout=10000)


def test_the_server_stops_and_the_kiosk_says_so_then_comes_back(browser, server):
    context = browser.new_context()
    page = context.new_page()
    _kept_and_controlled(page, server.base)
    # A check, so that there is a result page and its speech: neither is kept.
    page.goto(f"{server.base}/kiosk/metro/card?lang=en")
    page.locator("button.demo-card[value='0']").click()
    page.wait_for_url(f"{server.base}/kiosk/metro/result")
    page.goto(f"{server.base}/kiosk/metro/?lang=en")
    assert page.evaluate(KEPT_FILES) == KEPT  # only the listed files: no result page, no result speech, no API

    server.stop()
    stopped = time.monotonic()
    expect(page.locator("h1")).to_have_text("This kiosk cannot reach the service", timeout=3000)
    assert time.monotonic() - stopped < 2.0, "the offline screen took more than 2 s"
    expect(page.locator(".kiosk-venue")).to_have_text("Metro station")
    page.wait_for_function(PLAYED, arg="[data-offline-speech]", timeout=5000)
    page.get_by_role("button", name="Call staff").click()
    expect(page.locator("[data-offline-call-note]")).to_contain_text("Please go to the staff desk")
    page.wait_for_function(PLAYED, arg="[data-offline-call-speech]", timeout=5000)

    server.start()
    back = time.monotonic()
    page.wait_for_url(f"{server.base}/kiosk/metro/", timeout=6000)
    assert time.monotonic() - back < 5.0
    expect(page.locator("h1")).to_have_text("Check your health code")
    context.close()


def test_a_cut_network_shows_the_offline_screen_in_the_screens_language(browser, server):
    context = browser.new_context()
    page = context.new_page()
    _kept_and_controlled(page, server.base)
    page.goto(f"{server.base}/kiosk/metro/card?lang=zh")
    context.set_offline(True)
    cut = time.monotonic()
    expect(page.locator("h1")).to_have_text("本机无法连接服务", timeout=3000)
    assert time.monotonic() - cut < 2.0 and page.locator("html").get_attribute("lang") == "zh-Hans"
    page.goto(f"{server.base}/kiosk/metro/pass")  # a tap while it lasts: the same screen, nothing else
    expect(page.locator("h1")).to_have_text("本机无法连接服务")
    context.set_offline(False)
    page.wait_for_url(f"{server.base}/kiosk/metro/", timeout=6000)
    context.close()


def test_the_server_blocked_by_routing_shows_the_offline_screen_and_it_clears_when_unblocked(browser, server):
    """The network cut a third way: every request the page or its service worker makes is aborted by Playwright's
    routing (Chromium routes a service worker's requests too), then let through again."""
    context = browser.new_context()
    page = context.new_page()
    _kept_and_controlled(page, server.base)
    page.goto(f"{server.base}/kiosk/metro/card?lang=en")
    context.route("**/*", lambda route: route.abort("internetdisconnected"))
    blocked = time.monotonic()
    expect(page.locator("h1")).to_have_text("This kiosk cannot reach the service", timeout=3000)
    assert time.monotonic() - blocked < 2.0
    page.wait_for_function(PLAYED, arg="[data-offline-speech]", timeout=5000)
    context.unroute("**/*")
    page.wait_for_url(f"{server.base}/kiosk/metro/", timeout=6000)
    expect(page.locator("h1")).to_have_text("Check your health code")
    context.close()
