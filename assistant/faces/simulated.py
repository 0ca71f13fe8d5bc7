"""The simulated matcher, for machines without dlib: it compares whole pictures, not faces.

It is honest about that: its name ("simulated") is on the kiosk's staff note, the reviewers' pages and every check
it logs. It cannot tell a face from a coffee cup, so it never answers "several faces"; a blank picture counts as
no face. It matches a copy of an enrolled photo (also resized or recompressed), which is what the demo's simulated
camera presents.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from .matcher import FaceProblem

GRID = (16, 8)  # 16 x 8 = 128 numbers, the same shape as a real face encoding
BLANK_SPREAD = 6.0  # grey levels: a picture flatter than this has nothing in it


class SimulatedMatcher:
    name = "simulated"

    def encode(self, picture: Image.Image) -> np.ndarray:
        small = np.asarray(picture.convert("L").resize(GRID, Image.Resampling.BOX), dtype=np.float32).ravel()
        centred = small - small.mean()
        spread = float(np.sqrt((centred**2).mean()))
        if spread < BLANK_SPREAD:
            raise FaceProblem("face_none")
        # Unit length: two unrelated pictures land about 1.4 apart, a copy of the same one within 0.1.
        return (centred / np.linalg.norm(centred)).astype(np.float32)
