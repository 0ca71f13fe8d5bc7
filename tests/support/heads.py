"""Faces that turn, and printed photos that are only tilted: the test material for the liveness challenge.

A real head turn is rendered from one frontal portrait with a simple 3-D head (an ellipsoid over the face, a nose
ridge shaped from landmarks 27-35, brow ridges, shallow eye sockets), re-rendered turned (orthographic, per-row
inverse mapping with np.interp; folds such as the nose hiding the far cheek resolved by a running max). A printed
photo is the frontal frame as a flat plane seen by a pinhole camera, turned, tilted, rotated, scaled and moved.

Sign convention: yaw > 0 = the person turns to THEIR left = the nose moves toward the image's right (+x) in an
unmirrored camera frame. seeds/faces/make_turns.py renders the demo's prepared sequences with this module.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from assistant.faces import liveness

SEEDS_FACES = Path(__file__).resolve().parents[2] / "seeds" / "faces"
W, H = 640, 480
BACKGROUND = (196, 200, 204)
FACE_WIDTH = 200.0  # jaw width (landmark 0 -> 16) in the frontal frame, px


def sources() -> dict[str, Image.Image]:
    """Public-domain portraits shipped inside installed packages (larger versions of the seeds' faces)."""
    import matplotlib
    import skimage

    data = Path(skimage.__file__).parent / "data"
    return {
        "astronaut": Image.open(data / "astronaut.png").convert("RGB"),
        "hopper": Image.open(Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg").convert("RGB"),
    }


@dataclass
class Subject:
    name: str
    image: np.ndarray  # H x W x 3 float32, the frontal 640x480 frame
    points: np.ndarray  # 68 x 2 landmarks on it
    depth: np.ndarray  # H x W float32, z toward the camera, px
    weight: np.ndarray  # H x W in [0,1]: how much a pixel belongs to the rotating head
    centre: tuple[float, float]


def compose(portrait: Image.Image, marks, width: float = FACE_WIDTH) -> Image.Image:
    """Place the portrait on a plain 640x480 canvas with the face ~`width` px wide, centred a little above middle."""
    p = marks.points(portrait)
    jaw = np.linalg.norm(p[16] - p[0])
    s = width / jaw
    big = portrait.resize((round(portrait.width * s), round(portrait.height * s)), Image.Resampling.BICUBIC)
    centre = p[[0, 16, 8, 27]].mean(0) * s
    canvas = Image.new("RGB", (W, H), BACKGROUND)
    canvas.paste(big, (int(W / 2 - centre[0]), int(H * 0.5 - centre[1])))
    return canvas


def _gauss_ridge(xx, yy, pts, heights, sigmas, samples=40):
    """max over samples along a polyline of h * exp(-d^2 / 2 sigma^2)."""
    pts = np.asarray(pts, float)
    seg = np.r_[0, np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))]
    t = np.linspace(0, seg[-1], samples)
    px, py = np.interp(t, seg, pts[:, 0]), np.interp(t, seg, pts[:, 1])
    hh, ss = np.interp(t, seg, heights), np.interp(t, seg, sigmas)
    out = np.zeros_like(xx)
    for x0, y0, h0, s0 in zip(px, py, hh, ss, strict=True):
        np.maximum(out, h0 * np.exp(-((xx - x0) ** 2 + (yy - y0) ** 2) / (2 * s0 * s0)), out=out)
    return out


def head_depth(points: np.ndarray, shape=(H, W), nose=True, depth_ratio=0.95):
    """Depth map (px, toward the camera) and head weight for a frontal face with 68 landmarks `points`."""
    p = points.astype(float)
    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    cx = (p[0, 0] + p[16, 0]) / 2
    a = np.linalg.norm(p[16] - p[0]) / 2 * 1.08
    brow, chin = p[17:27, 1].mean(), p[8, 1]
    top = brow - 0.75 * (chin - brow)
    cy, b = (top + chin) / 2, (chin - top) / 2 * 1.04
    r2 = ((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2
    z = depth_ratio * a * np.sqrt(np.clip(1 - r2, 0, None))
    if nose:
        nw = np.linalg.norm(p[35] - p[31])
        ridge = [p[27], p[28], p[29], p[30], p[33]]
        z += _gauss_ridge(
            xx,
            yy,
            ridge,
            [0.06 * a, 0.12 * a, 0.20 * a, 0.30 * a, 0.16 * a],
            [0.16 * nw, 0.18 * nw, 0.22 * nw, 0.30 * nw, 0.40 * nw],
        )
        iod = np.linalg.norm(p[42:48].mean(0) - p[36:42].mean(0))
        for brows in (p[17:22], p[22:27]):
            z += _gauss_ridge(xx, yy, brows, [0.05 * a] * 5, [0.12 * iod] * 5, samples=15)
        for eye in (p[36:42].mean(0), p[42:48].mean(0)):
            z -= 0.06 * a * np.exp(-((xx - eye[0]) ** 2 + (yy - eye[1]) ** 2) / (2 * (0.22 * iod) ** 2))
    r = np.sqrt(r2)
    weight = np.clip((1.25 - r) / 0.25, 0, 1)  # 1 inside the head ellipse, fading to 0 a quarter beyond it
    weight = weight * weight * (3 - 2 * weight)
    return z.astype(np.float32), weight.astype(np.float32), (cx, cy)


def subject(name: str, portrait: Image.Image, marks, width: float = FACE_WIDTH, **depth_kw) -> Subject:
    frame = compose(portrait, marks, width)
    pts = marks.points(frame)
    z, w, c = head_depth(pts, **depth_kw)
    return Subject(name, np.asarray(frame, np.float32), pts, z, w, c)


def _rotate_lines(img, z, w, c, angle):
    """Rotate about the axis x = c (per row, along axis 1) by `angle` rad; return new image and depth."""
    cos, sin = np.cos(angle), np.sin(angle)
    n = img.shape[1]
    xs = np.arange(n, dtype=np.float32)
    fwd = xs[None, :] + w * (c + (xs[None, :] - c) * cos + z * sin - xs[None, :])
    znew = w * (-(xs[None, :] - c) * sin + z * cos) + (1 - w) * z
    fwd = np.maximum.accumulate(fwd, axis=1) if angle >= 0 else np.minimum.accumulate(fwd[:, ::-1], axis=1)[:, ::-1]
    out = np.empty_like(img)
    zout = np.empty_like(z)
    for r in range(img.shape[0]):
        src = np.interp(xs, fwd[r], xs)
        for ch in range(img.shape[2]):
            out[r, :, ch] = np.interp(src, xs, img[r, :, ch])
        zout[r] = np.interp(src, xs, znew[r])
    return out, zout


def render(s: Subject, yaw_deg: float, pitch_deg: float = 0.0, depth=None) -> Image.Image:
    """The subject's head turned by yaw (+ = their left) and pitch (+ = chin down / nose moves down)."""
    img, z, w = s.image, s.depth if depth is None else depth, s.weight
    if pitch_deg:
        img_t, z_t = _rotate_lines(img.transpose(1, 0, 2), z.T, w.T, s.centre[1], np.radians(pitch_deg))
        img, z = img_t.transpose(1, 0, 2), z_t.T
    if yaw_deg:
        img, z = _rotate_lines(img, z, w, s.centre[0], np.radians(yaw_deg))
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def bent(s: Subject, yaw_deg: float, bend=0.5) -> Image.Image:
    """A printed photo of the frontal frame bent into a cylinder (vertical axis) and turned: depth = parabola."""
    xx = np.arange(W, dtype=np.float32)[None, :].repeat(H, 0)
    a = np.linalg.norm(s.points[16] - s.points[0]) / 2 * 1.6
    z = bend * a * np.clip(1 - ((xx - s.centre[0]) / a) ** 2, 0, None)
    flat = Subject(s.name, s.image, s.points, z, np.ones_like(z), s.centre)
    return render(flat, yaw_deg)


# --- camera noise ------------------------------------------------------------------------------------------------
def noisy(frame: Image.Image, rng: np.random.Generator, strength: float = 1.0) -> Image.Image:
    """Brightness, slight shift/scale, mild blur, JPEG."""
    s = 1 + strength * rng.uniform(-0.04, 0.04)
    dx, dy = strength * rng.uniform(-12, 12, 2)
    cx, cy = W / 2, H / 2
    frame = frame.transform(
        (W, H),
        Image.Transform.AFFINE,
        (1 / s, 0, cx - (cx + dx) / s, 0, 1 / s, cy - (cy + dy) / s),
        Image.Resampling.BILINEAR,
        fillcolor=BACKGROUND,
    )
    frame = ImageEnhance.Brightness(frame).enhance(1 + strength * rng.uniform(-0.2, 0.2))
    if rng.random() < 0.5:
        frame = frame.filter(ImageFilter.GaussianBlur(strength * rng.uniform(0.3, 1.2)))
    buf = io.BytesIO()
    frame.save(buf, "JPEG", quality=int(rng.integers(55, 95)))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


# --- flat photo attacks ------------------------------------------------------------------------------------------
def _rot(axis, angle):
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


def attack(
    still: Image.Image,
    tilt_axis_deg=90.0,
    tilt_deg=0.0,
    roll_deg=0.0,
    scale=1.0,
    shift=(0.0, 0.0),
    focal=560.0,
    background=(120, 110, 100),
) -> Image.Image:
    """The flat `still` (a 640x480 frame printed as a photo) seen by a pinhole camera after turning the photo
    plane by `tilt_deg` about an in-plane axis at `tilt_axis_deg` (90 = vertical axis, 0 = horizontal,
    45/135 = diagonals), rotating it in-plane by `roll_deg`, scaling and shifting it (px)."""
    w, h = still.size
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], float)
    centre = np.array([w / 2, h / 2])
    a = np.radians(tilt_axis_deg)
    r = _rot([np.cos(a), np.sin(a), 0], np.radians(tilt_deg)) @ _rot([0, 0, 1], np.radians(roll_deg))
    pts3 = np.c_[(corners - centre) * scale, np.zeros(4)] @ r.T
    pts3[:, 2] += focal  # photo plane at the distance where scale 1 = same size
    proj = focal * pts3[:, :2] / pts3[:, 2:3] + centre + np.asarray(shift)
    hm = liveness._homography(proj, corners)  # output pixel -> still pixel, what PIL wants
    coeffs = tuple((hm / hm[2, 2]).ravel()[:8])
    return still.transform((W, H), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR, fillcolor=background)


def marks():
    return liveness.Landmarks.shared()


@lru_cache(maxsize=4)
def subjects() -> dict[str, Subject]:
    return {name: subject(name, portrait, marks()) for name, portrait in sources().items()}


def turning(person: str) -> dict[str, list[Image.Image]]:
    """The demo's prepared sequence for a person (seeds/faces/turns/PERSON/): frames looking, turned left, right."""
    folder = SEEDS_FACES / "turns" / person
    return {
        step: [Image.open(p).convert("RGB") for p in sorted(folder.glob(f"{step}*.jpg"))]
        for step in ("look", "left", "right")
    }


@dataclass(frozen=True)
class PhotoAttack:
    person: str
    kind: str
    frames: dict[str, list[Image.Image]]  # the photo held facing the camera, then the warps offered for each turn


KINDS = ("vertical", "horizontal", "diagonal", "roll", "scale-shift", "combo")


def photo_attacks(count: int = 240, seed: int = 7) -> list[PhotoAttack]:
    """Seeded printed-photo attempts, in turn each kind of movement for each person: the photo held roughly facing
    the camera, then four warps (two each way). An attacker does not know which way the judge reads as left, so
    every warp is offered for both turns."""
    rng = np.random.default_rng(seed)
    stills = {name: Image.fromarray(s.image.astype(np.uint8)) for name, s in subjects().items()}
    names = sorted(stills)
    out = []
    for i in range(count):
        name, kind = names[i % len(names)], KINDS[(i // len(names)) % len(KINDS)]
        still = stills[name]
        base = {"scale": rng.uniform(0.9, 1.1), "shift": tuple(rng.uniform(-20, 20, 2))}
        first = attack(still, 90, rng.uniform(-4, 4), rng.uniform(-3, 3), **base)
        warps = [attack(still, **{**base, **_movement(kind, sign, rng)}) for _ in range(2) for sign in (1, -1)]
        frames = [noisy(f, rng, 0.5) for f in [first, *warps]]
        out.append(PhotoAttack(name, kind, {"look": frames[:1], "left": frames[1:], "right": frames[1:]}))
    return out


def _movement(kind: str, sign: int, rng) -> dict:
    angle = sign * rng.uniform(10, 60)
    if kind == "vertical":
        return {"tilt_axis_deg": 90 + rng.uniform(-5, 5), "tilt_deg": angle}
    if kind == "horizontal":
        return {"tilt_axis_deg": rng.uniform(-5, 5), "tilt_deg": angle}
    if kind == "diagonal":
        return {"tilt_axis_deg": rng.choice([45, 135]) + rng.uniform(-10, 10), "tilt_deg": angle}
    if kind == "roll":
        return {"roll_deg": sign * rng.uniform(5, 30)}
    if kind == "scale-shift":
        return {"scale": rng.uniform(0.8, 1.25), "shift": (sign * rng.uniform(20, 90), rng.uniform(-30, 30))}
    return {"tilt_axis_deg": rng.uniform(0, 180), "tilt_deg": angle, "roll_deg": rng.uniform(-20, 20),
            "scale": rng.uniform(0.8, 1.2), "shift": tuple(rng.uniform(-60, 60, 2))}  # fmt: skip


def real_turns(count: int = 60, seed: int = 11) -> list[tuple[str, list[str], dict[str, list[Image.Image]]]]:
    """Seeded real attempts (person, order asked, frames): looking, turned 12-30 degrees to one side, back, then to
    the other side, each with a little pitch and camera noise (light, JPEG, shift, scale, blur)."""
    rng = np.random.default_rng(seed)
    people = subjects()
    names = sorted(people)
    out = []
    for i in range(count):
        person = people[names[i % len(names)]]
        yaw, first = rng.uniform(12, 30), rng.choice([1, -1])
        plan = [(0, 0), (first * yaw, rng.uniform(-5, 5)), (-first * yaw * rng.uniform(0.8, 1.1), rng.uniform(-5, 5))]
        look, one, other = (noisy(render(person, y, p), rng) for y, p in plan)
        order = ["left", "right"] if first > 0 else ["right", "left"]
        out.append((person.name, order, {"look": [look], order[0]: [one], order[1]: [other]}))
    return out


CHIP = (102, 126)


def chip_variants(person: str) -> dict[str, bytes]:
    """The person's portrait as an ID card chip holds it (head and shoulders, 102 x 126), clean and as older cards
    look: blurred, heavily compressed, grey, faded."""
    portrait = sources()[person]
    p = marks().points(portrait)
    cx, cy = p[[0, 16, 8, 27]].mean(0)
    width = np.linalg.norm(p[16] - p[0]) * 1.9
    height = width * CHIP[1] / CHIP[0]
    box = (cx - width / 2, cy - 0.47 * height, cx + width / 2, cy + 0.53 * height)
    base = portrait.crop(tuple(round(v) for v in box)).resize(CHIP, Image.Resampling.LANCZOS)
    faded = ImageEnhance.Contrast(base.filter(ImageFilter.GaussianBlur(0.7))).enhance(0.6)
    variants = {
        "clean": (base, 90),
        "blurred": (base.filter(ImageFilter.GaussianBlur(1.0)), 80),
        "compressed": (base, 25),
        "grey": (base.convert("L").convert("RGB"), 70),
        "faded": (ImageEnhance.Color(faded).enhance(0.6), 40),
    }
    out = {}
    for name, (picture, quality) in variants.items():
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=quality)
        out[name] = buffer.getvalue()
    return out
