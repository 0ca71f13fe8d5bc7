"""Head-turn liveness challenge for the kiosk camera, from dlib 68-point landmarks plus a pixel check.

The kiosk asks the person to turn their head a little to the left and to the right (random order) and hands
this module a frontal *reference* shot plus the shots captured after each prompt (``Landmarks.shot(picture)``).

* ``turn(ref_points, points)`` -- signed parallax of the nose (27-35) against a homography fitted on the brows,
  eyes and lips, along the frame's eye line, over the inter-ocular distance. Sign convention (unmirrored camera
  frame, as the sensor delivers it): **positive = the person turned to THEIR left**, which moves the nose toward
  the image's RIGHT (larger x). Feed the unmirrored frames even if the preview shown to the person is mirrored.
* Landmarks alone are not the test: dlib's shape model places a strongly tilted photo's landmarks as if the head
  had turned (the residual after the best homography reached 0.12 for photos, 0.03-0.11 for real turns).
* ``flatness(ref_shot, shot)`` -- a printed photo, however moved/tilted/turned/rotated, is a plane, and a plane
  maps by a homography. Start from the landmark homography, refine it on the pixels of the inner face
  (Gauss-Newton, 8 homography + gain/bias parameters, at 1/8, 1/4 and 1/2 scale) and return the best correlation:
  ~1.0 for a photo, clearly lower for a real head (nose, cheeks and face outline move by parallax).

``passes`` wants one shot whose ``turn`` is past ``TURN_BAR`` in the asked direction AND whose ``flatness`` is
below ``FLAT_NCC_BAR``. Only numpy, dlib and PIL are needed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import NamedTuple

import dlib
import numpy as np
from PIL import Image

from .dlib_matcher import models_dir

# --- bars --------------------------------------------------------------------------------------------------------
# Set on frames of two public-domain portraits re-rendered turning with a 3-D head model (yaw 12-30 deg; JPEG,
# brightness, blur and shift noise) against 240 printed-photo sequences (the still turned about the vertical,
# horizontal and diagonal axes up to 60 deg, rotated in its plane, scaled, moved). bench/liveness.py measures them
# again; the README gives the figures.
# The signed nose parallax over the inter-ocular distance, in the asked direction. Real turns of 12-30 deg measured
# a median of 0.079 (about 0.0045 a degree), down to 0.008 on a face with glasses. It gives the direction only:
# landmarks alone cannot tell a photo from a head (dlib's shape model "turns" a strongly tilted photo too).
TURN_BAR = 0.025
# The correlation of the inner face with the frame after the best homography, refined on the pixels: a tilted or
# turned photo re-aligns almost perfectly (median 0.996); real turns measured 0.66-0.91.
FLAT_NCC_BAR = 0.95
DETECT_UPSAMPLE = 0  # a 640x480 kiosk frame with the face ~200 px wide needs no upsampling (fast: ~30 ms).
MIN_SECOND_FACE = 0.0  # a second detection scoring above this means "more than one clear face" -> None.

FLAT = np.r_[17:27, 36:48, 48:60]  # brows, eyes, outer lips: close to one plane on a real face
NOSE = np.r_[27:36]
NOSE_WEIGHT = np.array([0.5, 0.7, 0.9, 1.0, 0.6, 0.6, 0.6, 0.6, 0.6])  # ridge 27-30 (tip strongest), base 31-35


class Landmarks:
    """dlib frontal detector + 68-point predictor (its licence: README "Card and face together"), loaded once per
    process by shared(); dlib's models are not documented as thread-safe, so threads take turns."""

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

    def shot(self, picture: Image.Image) -> Shot:
        """The picture with its landmarks (points None when no single clear face), as `passes` wants it."""
        return Shot(picture, self.points(picture))


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
    x, y, u, v = a[:, 0], a[:, 1], b[:, 0], b[:, 1]
    one, zero = np.ones_like(x), np.zeros_like(x)
    rows = np.empty((2 * len(x), 9))
    rows[0::2] = np.stack([-x, -y, -one, zero, zero, zero, u * x, u * y, u], 1)
    rows[1::2] = np.stack([zero, zero, zero, -x, -y, -one, v * x, v * y, v], 1)
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


class Shot(NamedTuple):
    picture: Image.Image
    points: np.ndarray | None


def _gray(picture: Image.Image, step: int) -> np.ndarray:
    a = np.asarray(picture.convert("L"), np.float32)
    h, w = a.shape[0] // step * step, a.shape[1] // step * step
    return a[:h, :w].reshape(h // step, step, w // step, step).mean((1, 3))


def _sample(img: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    h, w = img.shape
    x, y = np.clip(x, 0, w - 1.001), np.clip(y, 0, h - 1.001)
    x0, y0 = x.astype(int), y.astype(int)
    fx, fy = x - x0, y - y0
    return (
        img[y0, x0] * (1 - fx) * (1 - fy)
        + img[y0, x0 + 1] * fx * (1 - fy)
        + img[y0 + 1, x0] * (1 - fx) * fy
        + img[y0 + 1, x0 + 1] * fx * fy
    )


def _align(ref: np.ndarray, cur: np.ndarray, points: np.ndarray, g: np.ndarray, step: int, iterations: int):
    """Gauss-Newton on 8 homography + gain/bias parameters over the inner face at one pyramid level.
    Returns (homography ref px -> frame px at full scale, best correlation seen)."""
    p = points / step
    x0, x1 = p[[1, 2, 3], 0].max(), p[[13, 14, 15], 0].min()
    y0, y1 = p[17:27, 1].min(), p[[7, 8, 9], 1].min()
    ys, xs = np.mgrid[int(y0) : int(y1), int(x0) : int(x1)]
    xs, ys = xs.ravel(), ys.ravel()
    template = ref[ys, xs]
    t = template - template.mean()
    c, s = np.array([xs.mean(), ys.mean()]), xs.std()
    xn, yn = (xs - c[0]) / s, (ys - c[1]) / s
    to_px = np.diag([step, step, 1.0])
    norm = np.array([[s, 0, c[0]], [0, s, c[1]], [0, 0, 1]])  # normalised template coords -> level px
    m = np.linalg.inv(to_px) @ g @ to_px @ norm
    m /= m[2, 2]
    gy, gx = np.gradient(cur)
    gain, bias, best = 1.0, 0.0, -1.0
    for _ in range(iterations + 1):
        d = m[2, 0] * xn + m[2, 1] * yn + 1
        u, v = (m[0, 0] * xn + m[0, 1] * yn + m[0, 2]) / d, (m[1, 0] * xn + m[1, 1] * yn + m[1, 2]) / d
        warped = _sample(cur, u, v)
        f = warped - warped.mean()
        best = max(best, float((t * f).sum() / np.sqrt((t * t).sum() * (f * f).sum() + 1e-9)))
        fx, fy = _sample(gx, u, v) * gain, _sample(gy, u, v) * gain
        fu = fx * u + fy * v
        jac = np.stack(
            [
                fx * xn / d,
                fx * yn / d,
                fx / d,
                fy * xn / d,
                fy * yn / d,
                fy / d,
                -fu * xn / d,
                -fu * yn / d,
                warped,
                np.ones_like(warped),
            ],
            1,
        )
        a = jac.T @ jac
        a += 0.1 * np.diag(np.diag(a))  # damped: small, safe steps
        delta = np.linalg.solve(a, jac.T @ (template - gain * warped - bias))
        m = m + np.r_[delta[:8], 0].reshape(3, 3)
        gain, bias = gain + delta[8], bias + delta[9]
        if np.abs(delta[[2, 5]]).max() < 0.01:
            break
    return to_px @ m @ np.linalg.inv(norm) @ np.linalg.inv(to_px), best


def flatness(reference: Shot, frame: Shot, iterations: int = 30) -> float:
    """Correlation of the reference's inner face with the frame after the best homography. Starts from two
    landmark homographies (brows/eyes/lips only, and all 68 -- on a strongly foreshortened photo dlib misplaces the
    jaw and chin), refines each on pixels at 1/8, 1/4 then 1/2 scale, and keeps the best correlation seen at 1/2 scale:
    the *best* plane is what counts, so a wandering optimisation cannot make a photo look 3-D."""
    ref_pts, cur_pts = reference.points.astype(float), frame.points.astype(float)
    levels = {step: (_gray(reference.picture, step), _gray(frame.picture, step)) for step in (8, 4, 2)}
    best = -1.0
    for subset in (FLAT, slice(None)):
        g = _homography(ref_pts[subset], cur_pts[subset])  # ref px -> frame px
        for step in (8, 4):
            g, _ = _align(*levels[step], reference.points, g, step, iterations)
        best = max(best, _align(*levels[2], reference.points, g, 2, iterations)[1])
    return best


def passes(reference: Shot, frames: list[Shot], direction: str) -> bool:
    """True when some frame shows a turn to `direction` ("left"/"right": the person's own) of at least TURN_BAR
    that a plane cannot explain (flatness below FLAT_NCC_BAR). Shots without a face (points None) are skipped."""
    if direction not in ("left", "right"):
        raise ValueError(direction)
    sign = 1.0 if direction == "left" else -1.0
    if reference.points is None:
        return False
    for frame in frames:
        if frame.points is None or sign * turn(reference.points, frame.points) < TURN_BAR:
            continue
        if flatness(reference, frame) < FLAT_NCC_BAR:
            return True
    return False
