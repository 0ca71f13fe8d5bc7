"""Test faces: public-domain portraits that ship inside Python packages, and variants of them made here."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import matplotlib
import skimage
from PIL import Image, ImageEnhance

SKIMAGE_DATA = Path(skimage.__file__).parent / "data"
ASTRONAUT = SKIMAGE_DATA / "astronaut.png"  # NASA portrait of Eileen Collins
HOPPER = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"  # US Navy portrait of Grace Hopper
COFFEE = SKIMAGE_DATA / "coffee.png"  # a cup of coffee: no face


def open_rgb(path: Path) -> Image.Image:
    return Image.open(path).convert("RGB")


def jpeg(picture: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    picture.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def variants(picture: Image.Image) -> dict[str, Image.Image]:
    """The same person as a kiosk camera might see them on another day."""
    w, h = picture.size
    return {
        "darker": ImageEnhance.Brightness(picture).enhance(0.6),
        "brighter": ImageEnhance.Brightness(picture).enhance(1.35),
        "cropped": picture.crop((w // 8, h // 10, w - w // 6, h - h // 5)),
        "rotated left": picture.rotate(7, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128)),
        "rotated right": picture.rotate(-7, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128)),
        "heavy jpeg": Image.open(io.BytesIO(jpeg(picture, quality=20))),
        "smaller": picture.resize((w * 3 // 4, h * 3 // 4), Image.Resampling.LANCZOS),
    }


def side_by_side(left: Image.Image, right: Image.Image) -> Image.Image:
    height = max(left.height, right.height)
    both = Image.new("RGB", (left.width + right.width, height), (200, 200, 200))
    both.paste(left, (0, 0))
    both.paste(right, (left.width, 0))
    return both


def camera_sequence(pictures: list[Image.Image], path: Path, fps: int = 5) -> Path:
    """A Y4M video of 640 x 480 frames, one picture a frame, that Chromium's fake camera plays over and over."""
    header = f"YUV4MPEG2 W640 H480 F{fps}:1 Ip A1:1 C420jpeg\n".encode()
    with open(path, "wb") as out:
        out.write(header)
        for picture in pictures:
            y, cb, cr = picture.convert("RGB").resize((640, 480)).convert("YCbCr").split()
            half = (320, 240)
            out.write(b"FRAME\n" + y.tobytes())
            out.write(cb.resize(half, Image.Resampling.BOX).tobytes() + cr.resize(half, Image.Resampling.BOX).tobytes())
    return path


def camera_video(picture: Image.Image, path: Path, size=(640, 480)) -> Path:
    """A one-frame Y4M video for Chromium's fake camera (--use-file-for-fake-video-capture): the person in front."""
    frame = Image.new("RGB", size, (120, 120, 120))
    side = size[1]
    frame.paste(picture.resize((side, side), Image.Resampling.LANCZOS), ((size[0] - side) // 2, 0))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (size[0] // 2, size[1] // 2)
    planes = (
        y.tobytes() + cb.resize(half, Image.Resampling.BOX).tobytes() + cr.resize(half, Image.Resampling.BOX).tobytes()
    )
    header = f"YUV4MPEG2 W{size[0]} H{size[1]} F30:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"FRAME\n" + planes)
    return path


def huge_png_header(width: int, height: int) -> bytes:
    """A PNG that claims to be enormous; decoding it would need gigabytes. Only its header is ever read."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
    )
