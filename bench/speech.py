"""Speech timing: a new sentence synthesised (target under 100 ms), and a cached prompt served to the kiosk.

Prints medians and 95th percentiles; a fresh cache each run, so every "new" sentence really is new.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from assistant import clock, create_app
from assistant.seeding import seed

NEW_SENTENCES = {
    "en": "Your last test was on the {n}th of November. Please get a new test, a staff member can tell you where.",
    "zh": "您上次检测是在十一月{n}日。请重新做核酸检测，工作人员可以告诉您去哪里做。",
}
TARGET_MS = 100


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(label: str, seconds: list[float], target: float | None = None) -> None:
    ms = [s * 1000 for s in seconds]
    verdict = f"  (target < {target:.0f} ms: {'met' if percentile(ms, 0.5) < target else 'NOT met'})" if target else ""
    print(f"{label:<44} median {statistics.median(ms):7.1f} ms   p95 {percentile(ms, 0.95):7.1f} ms{verdict}")


def main() -> int:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"INSTANCE_PATH": Path(instance), "DEMO": True})
        speech = app.extensions["assistant"]["speech"]
        if not speech.available:
            print("no speech engine here: install espeak-ng (make run does)", file=sys.stderr)
            return 1
        print(f"engine: {speech.engine.name}; cache format: {speech.path('x').suffix}")
        speech.audio("Warming up.", "en")
        for lang, template in NEW_SENTENCES.items():
            for slow in (False, True):
                times = []
                for n in range(1, 31):
                    start = time.perf_counter()
                    speech.audio(template.format(n=n), lang, slow=slow)
                    times.append(time.perf_counter() - start)
                pace = "slower" if slow else "normal"
                report(f"new sentence, {lang}, {pace} pace", times, None if slow else TARGET_MS)
        with app.extensions["assistant"]["db"].session() as s:
            seed(s, app.config["SEEDS_DIR"], app.config["ID_HASH_KEY"].encode(), clock.now())
        client = app.test_client()
        client.get("/kiosk/metro/?lang=zh")
        with client.get("/kiosk/metro/speech/home"):
            pass
        times = []
        for _ in range(200):
            start = time.perf_counter()
            with client.get("/kiosk/metro/speech/home") as response:
                response.get_data()
            times.append(time.perf_counter() - start)
        report("cached prompt served (kiosk home, zh)", times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
