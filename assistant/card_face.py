"""Card and face together, as railway gates check them: after a card read, one live frame is compared with the card's
own chip photo (one to one), and a short random challenge (turn your head a little to the left, then to the right,
in either order) shows a real head is there and not a printed photo. Two tries; then staff are called.

Flask-free: the kiosk keeps an Attempt in its signed session between frames and hands each frame here.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field

import numpy as np

from . import images
from .faces import FRAME_SIDE, FaceProblem

TRIES = 2  # a second go after the first does not work; then staff help
STEP_SECONDS = 20  # time for each step before it counts as not done: generous, for older people
DIRECTIONS = ("left", "right")


@dataclass
class Attempt:
    """Where one person is in the face step. `step` 0 is "look at the camera"; 1 and 2 are the turns in `order`."""

    read: int
    venue: str
    tries: int = 0
    order: list[str] = field(default_factory=lambda: new_order())
    step: int = 0
    reference: list | None = None  # the frontal frame's 68 landmarks (pixels, rounded): geometry, not a picture
    matched: bool | None = None  # whether that frame's face matched the chip photo

    @property
    def asked(self) -> str:
        """What the person is asked to do now: look, left or right."""
        return "look" if self.step == 0 else self.order[self.step - 1]

    @property
    def done(self) -> bool:
        return self.step > len(self.order)

    def again(self) -> bool:
        """Start a second try (a new random order). False when both tries are used."""
        self.tries += 1
        if self.tries >= TRIES:
            return False
        self.order, self.step, self.reference, self.matched = new_order(), 0, None, None
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


def see(attempt: Attempt, frame: bytes, *, chip: np.ndarray | None, matcher, landmarks, threshold: float) -> str:
    """One camera frame for the step the person is on. Returns "next" when the step is done, "wait" when not yet
    (keep sending frames), or a face code when the frame shows no face or several. Raises images.ImageProblem.

    The frame lives in memory for this call only; the first step keeps the face's landmarks (68 points) and
    whether it matched the chip photo, nothing else."""
    picture = images.load(frame, mode="RGB", side=FRAME_SIDE)
    points = landmarks.points(picture)
    if points is None:
        return "face_none"
    if attempt.step == 0:
        try:
            encoding = matcher.encode(picture)
        except FaceProblem as problem:
            return problem.code
        attempt.matched = chip is not None and distance(chip, encoding) <= threshold
        attempt.reference = np.round(points, 1).tolist()
        attempt.step = 1
        return "next"
    from .faces import liveness

    if liveness.passes(np.asarray(attempt.reference, dtype=np.float32), [points], attempt.asked):
        attempt.step += 1
        return "next"
    return "wait"


def run_sequence(attempt: Attempt, frames: dict[str, list[bytes]], **judges) -> None:
    """Play a prepared sequence (the demo's simulated camera): frames["look"], then the frames for each turn, in the
    order the attempt asks. Stops at the first step none of its frames completes."""
    while not attempt.done:
        if not any(see(attempt, frame, **judges) == "next" for frame in frames.get(attempt.asked, [])):
            return
