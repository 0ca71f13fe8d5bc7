"""Card and face together: the one-to-one match between a card's chip photo and a live frame, and the head-turn
challenge against printed photos. Prints the figures the README quotes.

Material (tests/support/heads.py): two public-domain portraits (Eileen Collins, Grace Hopper) as chip photos in
five states
of wear, live frames rendered from a 3-D head at 0-15 degrees with camera noise, 60 seeded real attempts (turns of
12-30 degrees each way) and 240 seeded printed-photo attempts (the photo turned, tilted, rotated, scaled, moved).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.cards import face_step as card_face  # noqa: E402
from assistant.cards import reads
from assistant.config import DEFAULT_CARD_FACE_THRESHOLD  # noqa: E402
from assistant.faces import choose, liveness  # noqa: E402
from tests.support import heads  # noqa: E402

MATCHER = choose("dlib")
LANDMARKS = liveness.Landmarks.shared()


def jpeg(picture) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def spread(values: list[float]) -> str:
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f} (n={len(values)})"


def one_to_one() -> None:
    rng = np.random.default_rng(5)
    live = {}
    for name, person in heads.subjects().items():
        frames = [heads.noisy(heads.render(person, sign * yaw), rng) for yaw in (0, 5, 10, 15) for sign in (1, -1)]
        live[name] = [MATCHER.encode(frame) for frame in frames]
    genuine, impostor, missed = [], [], []
    for name in live:
        for wear, photo in heads.chip_variants(name).items():
            chip = reads.chip_face(MATCHER, photo)
            if chip is None:
                missed.append(f"{name} {wear}")
                continue
            for other, encodings in live.items():
                (genuine if other == name else impostor).extend(card_face.distance(chip, e) for e in encodings)
    print("One to one, chip photo (102 x 126) against a live frame (min / median / max):")
    print(f"  same person:    {spread(genuine)}")
    print(f"  another person: {spread(impostor)}")
    print(f"  chip photos with no face found: {len(missed)} of 10 {missed}")
    bar = DEFAULT_CARD_FACE_THRESHOLD
    print(f"  at the bar {bar}: same person accepted {sum(d <= bar for d in genuine)}/{len(genuine)}, "
          f"another person accepted {sum(d <= bar for d in impostor)}/{len(impostor)}")  # fmt: skip


def attempt(frames: dict, person: str, order: list[str]) -> str | None:
    chip = reads.chip_face(MATCHER, (heads.SEEDS_FACES / "chips" / f"{person}.jpg").read_bytes())
    trial = card_face.Attempt(read=0, venue="bench", order=order)
    kept = card_face.run_sequence(trial, {k: [jpeg(f) for f in v] for k, v in frames.items()}, landmarks=LANDMARKS)
    if not trial.done:
        return "not done"
    return card_face.decide(
        trial, kept, chip=chip, matcher=MATCHER, landmarks=LANDMARKS, threshold=DEFAULT_CARD_FACE_THRESHOLD
    )


def challenge() -> None:
    started = time.perf_counter()
    real = [attempt(frames, person, order) for person, order, frames in heads.real_turns(60)]
    real_seconds = time.perf_counter() - started
    print("Head-turn challenge (each attempt: look, then a turn each way, as the kiosk asks):")
    print(f"  real attempts passed: {real.count(None)}/{len(real)} ({100 * real.count(None) / len(real):.0f} %); "
          f"{real_seconds / len(real):.2f} s each to judge")  # fmt: skip
    kinds: dict[str, list[bool]] = {}
    for sequence in heads.photo_attacks(240):
        for order in (["left", "right"], ["right", "left"]):
            kinds.setdefault(sequence.kind, []).append(attempt(sequence.frames, sequence.person, order) is None)
    passed = sum(sum(v) for v in kinds.values())
    total = sum(len(v) for v in kinds.values())
    print(f"  printed-photo attempts passed: {passed}/{total} ({100 * passed / total:.1f} %)")
    for kind, results in kinds.items():
        print(f"    {kind:12} {sum(results)}/{len(results)}")
    for name, person in heads.subjects().items():
        for bend in (0.3, 0.6):
            frames = {"look": [heads.bent(person, 0, bend)], "left": [heads.bent(person, 25, bend)],
                      "right": [heads.bent(person, -25, bend)]}  # fmt: skip
            print(f"  a photo bent into a curve ({bend}) and turned, {name}: "
                  f"{'passes' if attempt(frames, name, ['left', 'right']) is None else 'fails'}")  # fmt: skip
    frame = jpeg(heads.turning("astronaut")["look"][0])
    started = time.perf_counter()
    for _ in range(20):
        card_face.see(card_face.Attempt(read=0, venue="bench"), frame, landmarks=LANDMARKS)
    print(f"  one camera frame's quick step: {(time.perf_counter() - started) / 20 * 1000:.0f} ms")


if __name__ == "__main__":
    one_to_one()
    challenge()
