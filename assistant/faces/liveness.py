"""Head-turn liveness challenge from dlib 68-point landmarks.

The kiosk asks the person to turn their head a little to the left and to the right (random order) and hands
this module a frontal *reference* frame plus the frames captured after each prompt.

Two measurements per frame, both relative to the reference:

* ``turn``  -- signed parallax of the nose (points 27-35) against the rest of the face.  A homography is fitted
  from the reference to the frame on the "flat" points (brows, eyes, mouth); the nose's offset from where that
  homography puts it, along the frame's eye line, divided by the inter-ocular distance.  Sign convention
  (unmirrored camera frame, as the sensor delivers it): **positive = the person turned to THEIR left**, which
  moves the nose toward the image's RIGHT (larger x).  A mirrored preview does not change this, as long as the
  frames given here are the unmirrored ones.
* ``planar_residual`` -- RMS distance of all 68 frame landmarks from the best homography image of the reference
  landmarks, divided by the inter-ocular distance.  Any printed photo, however it is moved, tilted, turned or
  rotated, is a plane, and a plane maps by a homography: both numbers stay near landmark jitter.  A real head is
  not a plane: the nose and the jaw outline move by parallax.

A turn counts when ``turn`` is past ``TURN_BAR`` in the asked direction AND ``planar_residual`` is past
``RESIDUAL_BAR``.  Only numpy, dlib and PIL are needed.
"""

from __future__ import annotations

import threading
from pathlib import Path

import dlib
import numpy as np
from PIL import Image

from .dlib_matcher import models_dir

# --- bars --------------------------------------------------------------------------------------------------------
# Measured in /tmp/liveness/measure.py on frames of two public-domain portraits re-rendered with a 3-D head model
# (yaw 12-30 deg, JPEG/brightness/blur/shift noise) against 240 printed-photo attack sequences (homography warps:
# turns of the photo about the vertical, horizontal and diagonal axes up to 60 deg, in-plane rotation, scale, shift).
# See REPORT.md for the distributions these were set between.
TURN_BAR = 0.025  # signed nose parallax / inter-ocular distance in the asked direction. Real 12-30 deg turns
# measured 0.03-0.14 (about 0.0045 per degree); it only has to give the DIRECTION: the
# landmarks alone cannot tell a photo from a head (see FLAT_NCC_BAR).
FLAT_NCC_BAR = 0.95  # correlation of the inner face after the best homography (refined on pixels). A warped
# photo re-aligns almost perfectly (median 0.998); a real 12-30 deg turn does not (<= ~0.9).
RESIDUAL_BAR = None  # planar_residual is reported, not used: dlib's shape prior makes a strongly foreshortened
# photo look like a turned head (photo residuals reached 0.12, real turns 0.03-0.11).
DETECT_UPSAMPLE = 0  # a 640x480 kiosk frame with the face ~200 px wide needs no upsampling (fast: ~30 ms).
MIN_SECOND_FACE = 0.0  # a second detection scoring above this means "more than one clear face" -> None.

FLAT = np.r_[17:27, 36:48, 48:60]  # brows, eyes, outer lips: close to one plane on a real face
NOSE = np.r_[27:36]
NOSE_WEIGHT = np.array([0.5, 0.7, 0.9, 1.0, 0.6, 0.6, 0.6, 0.6, 0.6])  # ridge 27-30 (tip strongest), base 31-35


class Landmarks:
    """dlib frontal detector + 68-point predictor, loaded once per process (shared()); threads take turns."""

    _shared: Landmarks | None = None
    _shared_lock = threading.Lock()

    def __init__(self, models: Path | None = None) -> None:
        models = Path(models) if models else models_dir()
        self.detector = dlib.get_frontal_face_detector()
        self.predictor = dlib.shape_predictor(str(models / "shape_predictor_68_face_landmarks.dat"))
        self._lock = threading.Lock()

    @classmethod
    def shared(cls) -> Landmarks:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def points(self, picture: Image.Image) -> np.ndarray | None:
        """The 68 landmarks (x, y) as float32 (68, 2), or None when there is no face or more than one clear face."""
        pixels = np.asarray(picture.convert("RGB"))
        with self._lock:
            return self._points(pixels)

    def _points(self, pixels: np.ndarray) -> np.ndarray | None:
        rects, scores, _ = self.detector.run(pixels, DETECT_UPSAMPLE, 0.0)
        if not rects:
            return None
        order = np.argsort(scores)[::-1]
        if len(rects) > 1 and scores[order[1]] > MIN_SECOND_FACE:
            best, second = rects[order[0]], rects[order[1]]
            overlap = best.intersect(second).area() / max(1, min(best.area(), second.area()))
            if overlap < 0.5:  # two distinct faces, not one face found twice
                return None
        shape = self.predictor(pixels, rects[order[0]])
        return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float32)


# --- geometry ----------------------------------------------------------------------------------------------------
def _homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares DLT homography src -> dst with Hartley normalisation."""

    def norm(p):
        c = p.mean(0)
        s = np.sqrt(2) / max(1e-9, np.sqrt(((p - c) ** 2).sum(1)).mean())
        return np.array([[s, 0, -s * c[0]], [0, s, -s * c[1]], [0, 0, 1]])

    ts, td = norm(src), norm(dst)
    a = np.c_[src, np.ones(len(src))] @ ts.T
    b = np.c_[dst, np.ones(len(dst))] @ td.T
    rows = []
    for (x, y, _), (u, v, _) in zip(a, b, strict=True):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    h = np.linalg.svd(np.asarray(rows))[2][-1].reshape(3, 3)
    h = np.linalg.inv(td) @ h @ ts
    return h / h[2, 2]


def _apply(h: np.ndarray, p: np.ndarray) -> np.ndarray:
    q = np.c_[p, np.ones(len(p))] @ h.T
    return q[:, :2] / q[:, 2:3]


def _eyes(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return p[36:42].mean(0), p[42:48].mean(0)  # subject's right eye (image left), subject's left eye (image right)


def _scale(reference: np.ndarray, frame: np.ndarray) -> float:
    """Inter-ocular distance of the face in `frame`, robust to foreshortening: reference IOD x area ratio^0.5."""

    def area(p):
        quad = np.array([p[36], p[45], p[54], p[48]], dtype=float)
        x, y = quad[:, 0], quad[:, 1]
        return abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2

    r_eye, l_eye = _eyes(reference.astype(float))
    iod = np.linalg.norm(l_eye - r_eye)
    return float(iod * np.sqrt(area(frame) / max(1e-9, area(reference))))


def turn(reference: np.ndarray, frame: np.ndarray) -> float:
    """Signed head turn of `frame` against the frontal `reference` (68x2 landmarks each).

    Nose parallax along the frame's eye line over the inter-ocular distance; positive = turned to the person's
    own left (nose moves toward image right in an unmirrored frame). About 0.01 per degree on the rendered heads.
    """
    ref, cur = reference.astype(float), frame.astype(float)
    h = _homography(ref[FLAT], cur[FLAT])
    offset = cur[NOSE] - _apply(h, ref[NOSE])
    r_eye, l_eye = _eyes(cur)
    axis = (l_eye - r_eye) / max(1e-9, np.linalg.norm(l_eye - r_eye))
    along = offset @ axis
    return float((along * NOSE_WEIGHT).sum() / NOSE_WEIGHT.sum() / _scale(ref, cur))


def planar_residual(reference: np.ndarray, frame: np.ndarray) -> float:
    """RMS distance of the frame landmarks from the best homography image of the reference ones, over the IOD."""
    ref, cur = reference.astype(float), frame.astype(float)
    h = _homography(ref, cur)
    err = np.linalg.norm(cur - _apply(h, ref), axis=1)
    return float(np.sqrt((err**2).mean()) / _scale(ref, cur))


def passes(reference: np.ndarray, frames: list, direction: str) -> bool:
    """True when some frame shows a turn to `direction` ("left"/"right": the person's own) past TURN_BAR that a
    plane cannot explain (planar_residual past RESIDUAL_BAR). Frames given as None (no face) are skipped."""
    if direction not in ("left", "right"):
        raise ValueError(direction)
    sign = 1.0 if direction == "left" else -1.0
    if reference is None:
        return False
    for frame in frames:
        if frame is None:
            continue
        if sign * turn(reference, frame) >= TURN_BAR and planar_residual(reference, frame) >= RESIDUAL_BAR:
            return True
    return False
