"""Face checks: find the one face in a frame, turn it into 128 numbers, and find whose it is among the residents
who agreed to be enrolled. Two matchers stand behind one interface: dlib's (real) and a labelled simulation."""

from __future__ import annotations

import importlib.util

import numpy as np

from .. import images
from ..problems import codes
from .matcher import ENCODING_SIZE, FaceProblem, Matcher, MatcherUnavailable

__all__ = ["ENCODING_SIZE", "FaceProblem", "Matcher", "MatcherUnavailable"]
ERROR_CODES = codes("face")
MATCHERS = ("auto", "dlib", "simulated")
FRAME_SIDE = 1280  # frames are reduced to this before looking for a face; a face at the kiosk stays far above 80 px


def dlib_available() -> bool:
    return all(importlib.util.find_spec(name) for name in ("dlib", "face_recognition_models"))


def choose(setting: str | None) -> Matcher:
    """The matcher a setting asks for: "auto" (the default) is dlib where it is installed, else the simulation."""
    setting = setting or "auto"
    if setting not in MATCHERS:
        raise MatcherUnavailable(f"unknown face matcher {setting!r}; choose one of {', '.join(MATCHERS)}")
    if setting == "dlib" or (setting == "auto" and dlib_available()):
        from .dlib_matcher import DlibMatcher

        return DlibMatcher.shared()
    from .simulated import SimulatedMatcher

    return SimulatedMatcher()


def encode_photo(matcher: Matcher, data: bytes) -> np.ndarray:
    """Read a photo or frame safely (images.ImageProblem when it is not one) and encode its one face.

    The picture lives only in memory for the length of this call: frames are never stored.
    """
    picture = images.load(data, mode="RGB", side=FRAME_SIDE)
    return matcher.encode(picture)
