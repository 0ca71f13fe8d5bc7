"""The kiosk computer's launcher: Chromium's command and profile as a kiosk needs them, and `assistant kiosk launch`
itself starting Chromium (headless here) on the kiosk's own address beside the reader bridge, and starting either
again when it is killed."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant import launcher
from tests.support.browser import CHROMIUM
from tests.support.servers import free_port

pytestmark = pytest.mark.browser
ASSISTANT = str(Path(sys.executable).parent / "assistant")


def test_the_browser_is_told_to_be_a_kiosk_on_the_kiosks_address(tmp_path):
    command = launcher.browser_command(CHROMIUM, "https://kiosk.example", tmp_path / "profile")
    assert command[0] == CHROMIUM and command[-1] == "https://kiosk.example/kiosk/"
    for flag in ("--kiosk", "--no-first-run", "--disable-translate", "--disable-pinch", "--hide-crash-restore-bubble",
                 "--overscroll-history-navigation=0", "--autoplay-policy=no-user-gesture-required"):  # fmt: skip
        assert flag in command
    assert f"--user-data-dir={tmp_path / 'profile'}" in command
    assert not any(f.startswith("--unsafely-treat") for f in command)  # https is secure already
    plain = launcher.browser_command(CHROMIUM, "http://10.0.0.5:5000", tmp_path)
    assert "--unsafely-treat-insecure-origin-as-secure=http://10.0.0.5:5000" in plain  # the camera needs it
    with pytest.raises(launcher.LaunchError):
        launcher.origin("kiosk.example")


def test_the_profile_forgets_a_power_cut_and_allows_the_camera_for_the_kiosk_alone(tmp_path):
    preferences = tmp_path / "Default" / "Preferences"
    preferences.parent.mkdir(parents=True)
    preferences.write_text(json.dumps({"profile": {"exit_type": "Crashed", "exited_cleanly": False}, "kept": 1}))
    launcher.prepare_profile(tmp_path, "https://kiosk.example")
    kept = json.loads(preferences.read_text())
    assert kept["kept"] == 1 and kept["profile"]["exit_type"] == "Normal" and kept["profile"]["exited_cleanly"]
    assert kept["profile"]["content_settings"]["exceptions"]["media_stream_camera"] == {
        "https://kiosk.example:443,*": {"setting": 1}
    }
    assert kept["profile"]["default_content_setting_values"]["media_stream_camera"] == 2  # blocked elsewhere
    assert kept["profile"]["default_content_setting_values"]["media_stream_mic"] == 2
    policy = json.loads(launcher.write_policy(tmp_path / "policies", "https://kiosk.example").read_text())
    assert policy["URLBlocklist"] == ["*"] and policy["URLAllowlist"] == ["https://kiosk.example:443"]
    assert policy["VideoCaptureAllowedUrls"] == ["https://kiosk.example:443"] and policy["TranslateEnabled"] is False


class Launched:
    """`assistant kiosk launch` running, its lines gathered as they come."""

    def __init__(self, command: list[str], env: dict):
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def pids(self, name: str) -> list[int]:
        return [int(m.group(1)) for line in self.lines if (m := re.match(rf"Started the {name} \(pid (\d+)\)", line))]

    def wait_for(self, name: str, count: int, seconds: float = 20) -> int:
        deadline = time.monotonic() + seconds
        while len(self.pids(name)) < count:
            assert time.monotonic() < deadline, f"the {name} was not started {count} times: {self.lines}"
            time.sleep(0.1)
        return self.pids(name)[-1]


def _lands_on_the_kiosk(playwright, port: int, base: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
            break
        except Exception:  # the browser is still starting: its debugging port is not open yet
            assert time.monotonic() < deadline, "the launcher's Chromium never opened its debugging port"
            time.sleep(0.3)
    try:
        page = browser.contexts[0].pages[0]
        page.wait_for_url(re.compile(re.escape(base) + r"/kiosk/metro/.*"), timeout=15000)
        page.locator("h1").wait_for()
        assert page.locator("h1").inner_text() == "查验健康码"  # the kiosk's start screen, in its own language
        camera = page.evaluate("() => navigator.permissions.query({name: 'camera'}).then(p => p.state)")
        assert camera == "granted", "the camera is allowed for the kiosk's own origin"
    finally:
        browser.close()


def test_the_launcher_brings_up_the_kiosk_and_starts_each_part_again_when_killed(playwright, live_server, tmp_path):
    debugging = free_port()
    token = tmp_path / "token"
    token.write_text("demo-token-for-the-simulated-reader\n")
    command = [ASSISTANT, "kiosk", "launch", "--server", live_server, "--browser", CHROMIUM, "--driver", "simulated",
               "--token-file", str(token), "--profile", str(tmp_path / "profile"), "--browser-flag=--headless=new",
               "--browser-flag=--no-sandbox", f"--browser-flag=--remote-debugging-port={debugging}"]  # fmt: skip
    launched = Launched(command, dict(os.environ))
    try:
        browser_pid = launched.wait_for("browser", 1)
        bridge_pid = launched.wait_for("reader bridge", 1)
        _lands_on_the_kiosk(playwright, debugging, live_server)
        os.kill(browser_pid, signal.SIGKILL)  # a crash, as a power cut would leave it
        assert launched.wait_for("browser", 2) != browser_pid
        _lands_on_the_kiosk(playwright, debugging, live_server)  # no "restore pages?" in the way: the kiosk again
        os.kill(bridge_pid, signal.SIGKILL)
        assert launched.wait_for("reader bridge", 2) != bridge_pid
        assert "demo-token-for-the-simulated-reader" not in " ".join(launched.lines)  # the token is never printed
    finally:
        launched.process.terminate()
        launched.process.wait(20)
        launched.process.stdin.close()
        launched.process.stdout.close()
    assert launched.process.returncode in (0, -signal.SIGTERM)
    for pid in launched.pids("browser") + launched.pids("reader bridge"):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # nothing left running
