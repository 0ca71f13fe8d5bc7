"""Where the browser tests find Chromium and axe-core, where they keep screenshots, and the axe rules they run."""

from __future__ import annotations

import os

from assistant.config import PROJECT_ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
# ACCESSIBILITY.md: these tags, plus the two rules axe leaves off by default.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "wcag2aaa", "best-practice"],
    },
    "rules": {"color-contrast-enhanced": {"enabled": True}, "target-size": {"enabled": True}},
}


def launch_with_camera(browser_type, browser_type_launch_args, *extra):
    """Chromium with a fake camera (and any `extra` flags), for the face and card-and-face screens."""
    args = [*browser_type_launch_args["args"], "--use-fake-device-for-media-stream", *extra]
    return browser_type.launch(executable_path=CHROMIUM, args=args)
