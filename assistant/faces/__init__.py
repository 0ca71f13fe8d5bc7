"""Face checks: find the one face in a frame, turn it into 128 numbers, and find whose it is among the residents
who agreed to be enrolled. Two matchers stand behind one interface: dlib's (real) and a labelled simulation."""

from __future__ import annotations

import importlib.util
from typing import Protocol

import numpy as np
from PIL import Image

from .. import images
from ..problems import Problem, codes

ERROR_CODES = codes("face")
MATCHERS = ("auto", "dlib", "simulated")
ENCODING_SIZE = 128
FRAME_SIDE = 1280  # frames are reduced to this before looking for a face; a face at the kiosk stays far above 80 px


class FaceProblem(Problem):
    """A face check that cannot go ahead: `code` is face_none, face_several or face_no_match."""


class MatcherUnavailable(RuntimeError):
    """The real matcher was asked for on a machine without dlib or its models."""


class Matcher(Protocol):
    name: str  # "dlib" or "simulated": shown to staff and written into the check log

    def encode(self, picture: Image.Image) -> np.ndarray:
        """The 128 numbers for the one face in an RGB picture; FaceProblem when there is none or several."""
        ...


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
