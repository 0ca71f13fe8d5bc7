"""Printed pass timing: reading the QR code from one camera frame (target under 20 ms) and verifying a token.

The frames are photo-like copies of a real card (about 5 pixels a module, turned a little, soft, JPEG), at a
typical kiosk camera size of 1280 x 720.
"""

from __future__ import annotations

import io
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from PIL import Image, ImageFilter

from assistant import images, passes
from assistant.passes import card as pass_card

TARGET_MS = 20


def frame(card: Image.Image, rng: random.Random) -> bytes:
    scale = rng.uniform(4.6, 5.6) / pass_card.MODULE
    image = card.resize((int(card.width * scale), int(card.height * scale)), Image.BILINEAR)
    image = image.rotate(rng.uniform(-4, 4), resample=Image.BILINEAR, expand=True, fillcolor=200)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.9)))
    background = Image.new("L", (1280, 720), 170)
    background.paste(image, (rng.randint(0, 1280 - image.width), rng.randint(0, 720 - image.height)))
    out = io.BytesIO()
    background.save(out, format="JPEG", quality=75)
    return out.getvalue()


def report(label: str, seconds: list[float], target: float | None = None) -> None:
    ms = sorted(s * 1000 for s in seconds)
    median, p95 = statistics.median(ms), ms[int(0.95 * len(ms)) - 1]
    verdict = f"  (target < {target} ms: {'met' if median < target else 'NOT met'})" if target else ""
    print(f"{label:<40} median {median:7.2f} ms   p95 {p95:7.2f} ms{verdict}")


def main() -> int:
    keys = passes.Keys(Path(tempfile.mkdtemp()) / "keys")
    token, _ = passes.issue(keys, date.today(), 180)
    card = pass_card.render(token, "王秀英", date.today())
    rng = random.Random(5)
    frames = [frame(card, rng) for _ in range(50)]
    times, read = [], 0
    for data in frames:
        start = time.perf_counter()
        read += images.read_qr(data) == token
        times.append(time.perf_counter() - start)
    report(f"decode a 1280x720 frame ({read}/50 read)", times, TARGET_MS)
    times = []
    for _ in range(500):
        start = time.perf_counter()
        passes.verify(keys, token, date.today())
        times.append(time.perf_counter() - start)
    report("verify a token (Ed25519, public key)", times)
    return 0 if read >= 48 else 1


if __name__ == "__main__":
    sys.exit(main())
