"""The real matcher: dlib's face detector, 5-point landmarks and its ResNet face encoder (128 numbers per face).

The models come from the face-recognition-models package, found without importing it (its import needs
pkg_resources, which current setuptools no longer ships).
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import numpy as np
from PIL import Image

from .matcher import FaceProblem, MatcherUnavailable

# A second face counts only when the detector is nearly as sure of it as of the first. Measured on the test portraits:
# real faces score 0.3 to 1.7; a badge, a patch or a pattern on clothing scores 0.01 to 0.5, well under half the
# score of the face in front of it. So a person is not sent away for the emblem on their jacket.
SECOND_FACE_SHARE = 0.5
SECOND_FACE_FLOOR = 0.2


def models_dir() -> Path:
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise MatcherUnavailable("the face-recognition-models package is not installed (make setup installs it)")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


class DlibMatcher:
    name = "dlib"
    _shared: DlibMatcher | None = None
    _shared_lock = threading.Lock()

    def __init__(self):
        try:
            import dlib
        except ImportError as missing:
            raise MatcherUnavailable("dlib is not installed (make setup installs dlib-bin)") from missing
        models = models_dir()
        self._detect = dlib.get_frontal_face_detector()
        self._landmarks = dlib.shape_predictor(str(models / "shape_predictor_5_face_landmarks.dat"))
        self._encoder = dlib.face_recognition_model_v1(str(models / "dlib_face_recognition_resnet_model_v1.dat"))
        # dlib's models are not documented as safe to share between threads; the server's threads take turns.
        self._lock = threading.Lock()

    @classmethod
    def shared(cls) -> DlibMatcher:
        """One set of models per process: loading them takes about half a second and 30 MB."""
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def faces(self, picture: Image.Image) -> list:
        """The faces that count, surest first. Upsample 0: a face must be about 80 pixels across, as it is in front
        of a kiosk (someone far behind in the queue is not looked at)."""
        with self._lock:
            return self._faces(np.asarray(picture.convert("RGB")))

    def _faces(self, pixels: np.ndarray) -> list:
        found, scores, _ = self._detect.run(pixels, 0, 0.0)
        ranked = sorted(zip(scores, found, strict=True), key=lambda pair: -pair[0])
        if not ranked:
            return []
        bar = max(SECOND_FACE_FLOOR, SECOND_FACE_SHARE * ranked[0][0])
        return [ranked[0][1]] + [face for score, face in ranked[1:] if score >= bar]

    def encode(self, picture: Image.Image) -> np.ndarray:
        pixels = np.asarray(picture.convert("RGB"))
        with self._lock:
            found = self._faces(pixels)
            if len(found) == 0:
                raise FaceProblem("face_none")
            if len(found) > 1:
                raise FaceProblem("face_several")
            shape = self._landmarks(pixels, found[0])
            encoding = self._encoder.compute_face_descriptor(pixels, shape)
        return np.asarray(encoding, dtype=np.float32)
