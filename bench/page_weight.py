"""Kiosk screen weight: each screen's HTML plus the CSS, scripts and images it loads, all from this server.

Target (DESIGN.md): under 50 KB a screen, nothing fetched from elsewhere. Prints one line a screen.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from assistant import clock, create_app
from assistant.seeding import seed

TARGET = 50 * 1024
SCREENS = {
    "home": "/kiosk/metro/",
    "card": "/kiosk/metro/card",
    "pass": "/kiosk/metro/pass",
    "face": "/kiosk/metro/face",
    "result": "/kiosk/metro/result",
    "settings": "/kiosk/metro/settings",
    "help": "/kiosk/metro/help",
}
ASSET = re.compile(r'(?:href|src)="([^"]+\.(?:css|js|png|svg|jpg|ogg|wav))"')
SPEECH = re.compile(r'<audio data-speech-main[^>]*\ssrc="([^"]+)"')
ELSEWHERE = re.compile(r'(?:href|src)="(?:https?:)?//')


def main() -> int:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"INSTANCE_PATH": Path(instance), "DEMO": True, "WTF_CSRF_ENABLED": False})
        with app.extensions["assistant"]["db"].session() as s:
            seed(s, app.config["SEEDS_DIR"], app.config["ID_HASH_KEY"].encode(), clock.now())
        client = app.test_client()
        worst = 0
        print(
            f"{'screen':<12}{'html':>10}{'assets':>10}{'total':>10}  (target < {TARGET // 1024} KB)"
            f"{'speech':>10} (audio, streamed after the page)"
        )
        for lang in ("zh", "en"):
            client.get(f"/kiosk/metro/card?lang={lang}")
            client.post("/kiosk/metro/card", data={"card": 7})  # red, three reasons: the longest result
            for name, path in SCREENS.items():
                html = client.get(path).get_data()
                text = html.decode()
                if ELSEWHERE.search(text):
                    print(f"{name}: fetches something from another site", file=sys.stderr)
                    return 1
                assets = sum(len(client.get(url).get_data()) for url in set(ASSET.findall(text)))
                total = len(html) + assets
                worst = max(worst, total)
                speech = 0
                for url in SPEECH.findall(text):
                    with client.get(url) as audio:
                        speech += len(audio.get_data())
                row = f"{name + ' ' + lang:<12}{len(html) / 1024:>9.1f}K{assets / 1024:>9.1f}K{total / 1024:>9.1f}K"
                print(f"{row}{'':>23}{speech / 1024:>9.1f}K")
        print(f"heaviest kiosk screen: {worst / 1024:.1f} KB ({'within' if worst < TARGET else 'OVER'} target)")
        return 0 if worst < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
