"""The kiosk computer: Chromium full screen on the kiosk's own address, the reader bridge beside it, each started
again if it stops. Standard library only, like the bridge, so it runs on the smallest kiosk computer.

What the browser is told, and why:
- `--kiosk` on the kiosk's address: full screen, no address bar, no tabs, no way out by the keyboard's usual keys;
- a profile of its own (kept, so the kiosk's binding cookie survives a restart), whose preferences allow the camera
  for the kiosk's origin only and block the microphone, notifications and location everywhere;
- no translate bar, no pinch or swipe zoom and no swipe back, no first-run or default-browser questions, no
  "restore pages?" after a power cut (the profile is marked as cleanly closed before every start), speech that
  plays without a tap;
- with `write_policy`, Chromium's managed policy: every address blocked but the kiosk's own, the camera allowed
  for it alone, translation and developer tools off.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
RESTART_PAUSE = 2.0  # seconds before a stopped part starts again
LONGEST_PAUSE = 30.0  # a part that keeps stopping waits longer each time, up to this
STEADY = 60.0  # a part that ran this long had no trouble starting: its next restart waits the shortest pause
POLICY_FILE = "assistant-kiosk.json"


class LaunchError(RuntimeError):
    """The launcher cannot start: the message says what to do."""


def origin(server: str) -> str:
    parts = urlsplit(server)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LaunchError(f"The server's address must start with https:// or http:// (got {server!r}).")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname}:{port}"


def kiosk_address(server: str) -> str:
    return server.rstrip("/") + "/kiosk/"


def find_browser(given: str | None = None) -> str:
    for candidate in (given,) if given else CHROMIUM:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise LaunchError("Chromium was not found: install it (apt-get install -y chromium) or give --browser PATH.")


def _loopback(host: str | None) -> bool:
    return host in ("localhost", "127.0.0.1", "::1")


def browser_command(browser: str, server: str, profile: Path, extra: tuple[str, ...] = ()) -> list[str]:
    address = kiosk_address(server)
    command = [
        browser,
        f"--user-data-dir={profile}",
        "--kiosk",
        "--no-first-run",
        "--no-default-browser-check",
        "--noerrdialogs",
        "--disable-infobars",
        "--disable-session-crashed-bubble",
        "--hide-crash-restore-bubble",
        "--disable-translate",
        "--disable-features=Translate,TranslateUI,OverscrollHistoryNavigation,MediaRouter",
        "--disable-pinch",
        "--overscroll-history-navigation=0",
        "--autoplay-policy=no-user-gesture-required",
        "--password-store=basic",
        "--disable-sync",
        "--disable-extensions",
        "--disable-component-update",
        "--check-for-update-interval=31536000",
    ]
    parts = urlsplit(server)
    if parts.scheme == "http" and not _loopback(parts.hostname):
        # A camera needs a secure page; a kiosk on a closed network without TLS is treated as one for its server only.
        command.append(f"--unsafely-treat-insecure-origin-as-secure={origin(server)}")
    return [*command, *extra, address]


def prepare_profile(profile: Path, server: str) -> None:
    """The profile's preferences before each start: the camera for the kiosk's origin alone, the rest blocked, and
    the last session marked as ended cleanly (after a power cut Chromium would otherwise offer to restore pages)."""
    preferences = profile / "Default" / "Preferences"
    preferences.parent.mkdir(parents=True, exist_ok=True)
    try:
        kept = json.loads(preferences.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    if not isinstance(kept, dict):
        kept = {}
    this = kept.setdefault("profile", {})
    this["exit_type"] = "Normal"
    this["exited_cleanly"] = True
    blocked = {"media_stream_camera": 2, "media_stream_mic": 2, "notifications": 2, "geolocation": 2, "popups": 2}
    this.setdefault("default_content_setting_values", {}).update(blocked)
    exceptions = this.setdefault("content_settings", {}).setdefault("exceptions", {})
    exceptions["media_stream_camera"] = {f"{origin(server)},*": {"setting": 1}}
    exceptions["sound"] = {f"{origin(server)},*": {"setting": 1}}
    kept.setdefault("translate", {})["enabled"] = False
    kept.setdefault("session", {})["restore_on_startup"] = 4  # the given address, never the last session
    kept.setdefault("browser", {})["has_seen_welcome_page"] = True
    temporary = preferences.with_suffix(".assistant-tmp")
    temporary.write_text(json.dumps(kept), encoding="utf-8")
    os.replace(temporary, preferences)


def policy(server: str) -> dict:
    """Chromium's managed policy for a kiosk computer (written as root to /etc/chromium/policies/managed)."""
    own = origin(server)
    return {
        "URLBlocklist": ["*"],
        "URLAllowlist": [own],
        "VideoCaptureAllowedUrls": [own],
        "AudioCaptureAllowed": False,
        "AutoplayAllowlist": [own],
        "TranslateEnabled": False,
        "DeveloperToolsAvailability": 2,
        "PasswordManagerEnabled": False,
        "BrowserSignin": 0,
        "SyncDisabled": True,
        "DownloadRestrictions": 3,
        "PrintingEnabled": False,
        "DefaultNotificationsSetting": 2,
        "DefaultGeolocationSetting": 2,
        "RestoreOnStartup": 4,
        "RestoreOnStartupURLs": [kiosk_address(server)],
    }


def write_policy(folder: Path, server: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / POLICY_FILE
    path.write_text(json.dumps(policy(server), indent=2) + "\n", encoding="utf-8")
    return path


@dataclass
class Part:
    """One process the kiosk computer keeps running: started, watched, started again when it stops."""

    name: str
    command: list[str]
    env: dict | None = None
    before: Callable[[], None] = lambda: None  # run before every start (the browser's profile)
    stdin: int | None = subprocess.DEVNULL  # None: the launcher's own (the simulated reader's typed cards)
    process: subprocess.Popen | None = None
    started: float = 0.0
    pause: float = RESTART_PAUSE
    starts: int = 0
    due: float = 0.0  # when a stopped part may start again
    said: Callable[[str], None] = field(default=print, repr=False)

    def start(self) -> None:
        self.before()
        self.process = subprocess.Popen(self.command, env=self.env, stdin=self.stdin)
        self.started = time.monotonic()
        self.starts += 1
        self.said(f"Started the {self.name} (pid {self.process.pid}).")

    def watch(self, now: float) -> None:
        if self.process is None:
            if now >= self.due:
                self.start()
            return
        code = self.process.poll()
        if code is None:
            return
        if now - self.started >= STEADY:
            self.pause = RESTART_PAUSE  # it had been running well: this is a new trouble, not the same one
        self.said(f"The {self.name} stopped (exit code {code}); starting it again in {self.pause:.0f} s.")
        self.process, self.due = None, now + self.pause
        self.pause = min(self.pause * 2, LONGEST_PAUSE)  # stopping again soon after, it waits longer

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def bridge_command(server: str, driver: str) -> list[str]:
    script = Path(sys.executable).parent / "assistant"
    head = [str(script)] if script.exists() else [sys.executable, "-c", "from assistant.cli import main; main()"]
    return [*head, "reader", "run", "--server", server, "--driver", driver]


def supervise(parts: list[Part], stopped: Callable[[], bool], every: float = 0.5) -> None:
    """Keep every part running until `stopped()` (or SIGTERM, as a service manager sends); then stop them all."""
    ending = []
    previous = signal.signal(signal.SIGTERM, lambda *_: ending.append(True))
    try:
        while not stopped() and not ending:
            now = time.monotonic()
            for part in parts:
                part.watch(now)
            time.sleep(every)
    finally:
        signal.signal(signal.SIGTERM, previous)
        for part in parts:
            part.stop()
