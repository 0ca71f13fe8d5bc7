"""What every face matcher is: the interface the kiosk uses, and the problems a matcher reports."""

from __future__ import annotations

from typing import Protocol

import numpy as np
from PIL import Image

from ..problems import Problem

ENCODING_SIZE = 128


class FaceProblem(Problem):
    """A face check that cannot go ahead: `code` is face_none, face_several or face_no_match."""


class MatcherUnavailable(RuntimeError):
    """The real matcher was asked for on a machine without dlib or its models."""


class Matcher(Protocol):
    name: str  # "dlib" or "simulated": shown to staff and written into the check log

    def encode(self, picture: Image.Image) -> np.ndarray:
        """The 128 numbers for the one face in an RGB picture; FaceProblem when there is none or several."""
        ...
