"""Card and face together, as railway gates check them: after a card read, one live frame is compared with the card's
own chip photo (one to one), and a short random challenge (turn your head a little to the left, then to the right,
in either order) shows a real head is there and not a printed photo. Two tries; then staff are called.

Flask-free: the kiosk keeps an Attempt in its signed session between frames and hands each frame here.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field

import numpy as np

from .. import images
from ..faces import FRAME_SIDE, FaceProblem

TRIES = 2  # a second go after the first does not work; then staff help
STEP_SECONDS = 20  # time for each step before it counts as not done: generous, for older people
DIRECTIONS = ("left", "right")
SAME_PERSON = 0.6  # the turning face against the face that looked (same camera, same minute): dlib's own bar


@dataclass
class Attempt:
    """Where one person is in the face step. `step` 0 is "look at the camera"; 1 and 2 are the turns in `order`."""

    read: int
    venue: str
    tries: int = 0
    order: list[str] = field(default_factory=lambda: new_order())
    step: int = 0
    reference: list | None = None  # the frontal frame's 68 landmarks (pixels, rounded): geometry, not a picture

    @property
    def asked(self) -> str:
        """What the person is asked to do now: look, left or right; done once every step is."""
        if self.done:
            return "done"
        return "look" if self.step == 0 else self.order[self.step - 1]

    @property
    def done(self) -> bool:
        return self.step > len(self.order)

    def again(self) -> bool:
        """Start a second try (a new random order). False when both tries are used."""
        self.tries += 1
        if self.tries >= TRIES:
            return False
        self.order, self.step, self.reference = new_order(), 0, None
        return True

    def to_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, kept: dict | None) -> Attempt | None:
        try:
            return cls(**kept) if isinstance(kept, dict) else None
        except TypeError:
            return None


def new_order() -> list[str]:
    """Left then right, or right then left, chosen at random: a prepared recording cannot know which."""
    return list(DIRECTIONS) if secrets.randbelow(2) else list(reversed(DIRECTIONS))


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=np.float32) - np.asarray(b, dtype=np.float32)))


def see(attempt: Attempt, frame: bytes, *, landmarks) -> str:
    """One camera frame for the step the person is on, judged quickly from its face landmarks. Returns "next" when
    the step is done (the page keeps that frame for the decision), "wait" when not yet, "face_none" when no single
    face is there. Raises images.ImageProblem. The frame lives in memory for this call only; the first step keeps
    the face's 68 landmark positions (geometry, not a picture) to measure the turns against."""
    from ..faces import liveness

    points = landmarks.points(images.load(frame, mode="RGB", side=FRAME_SIDE))
    if points is None:
        return "face_none"
    if attempt.step == 0:
        attempt.reference = np.round(points, 1).tolist()
        attempt.step = 1
        return "next"
    sign = 1.0 if attempt.asked == "left" else -1.0
    if sign * liveness.turn(np.asarray(attempt.reference, dtype=np.float32), points) >= liveness.TURN_BAR:
        attempt.step += 1
        return "next"
    return "wait"


def decide(
    attempt: Attempt, frames: list[bytes], *, chip: np.ndarray | None, matcher, landmarks, threshold: float
) -> str | None:
    """The decision on the frames that completed the steps (look, then each turn in the attempt's order), judged
    again in full: None when a real head turned each way and its face matches the chip photo; "liveness_failed"
    when the turns are what a flat picture could do; "face_card_mismatch" when the face is not the card's, or the
    turning face is not the one that looked. Raises images.ImageProblem. Nothing is kept."""
    from ..faces import liveness

    if len(frames) != 1 + len(attempt.order):
        return "liveness_failed"
    pictures = [images.load(frame, mode="RGB", side=FRAME_SIDE) for frame in frames]
    shots = [landmarks.shot(picture) for picture in pictures]
    if any(shot.points is None for shot in shots):
        return "liveness_failed"
    for shot, direction in zip(shots[1:], attempt.order, strict=True):
        if not liveness.passes(shots[0], [shot], direction):
            return "liveness_failed"
    try:
        looked = matcher.encode(pictures[0])
        turned = [matcher.encode(picture) for picture in pictures[1:]]
    except FaceProblem:
        return "face_card_mismatch"
    if chip is None or distance(chip, looked) > threshold:
        return "face_card_mismatch"
    if any(distance(looked, other) > SAME_PERSON for other in turned):
        return "face_card_mismatch"  # someone else turned their head for the face that looked
    return None


def run_sequence(attempt: Attempt, frames: dict[str, list[bytes]], *, landmarks) -> list[bytes]:
    """Play a prepared sequence (the demo's simulated camera, the tests): frames["look"], then the frames for each
    turn in the order the attempt asks, as the page sends them. Returns the frames that completed the steps."""
    kept = []
    while not attempt.done:
        done = next((f for f in frames.get(attempt.asked, []) if see(attempt, f, landmarks=landmarks) == "next"), None)
        if done is None:
            break
        kept.append(done)
    return kept
