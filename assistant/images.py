"""Reading a camera frame or an uploaded photo safely: bounded bytes, bounded pixels, calm errors, nothing kept."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from .problems import Problem

MAX_BYTES = 8 * 1024 * 1024  # a camera frame is far smaller
MAX_PIXELS = 24_000_000  # e.g. 6000 x 4000; beyond that we refuse before decoding a single pixel
WORKING_SIDE = 2000  # frames are reduced to this before looking for a code: plenty for 4 pixels a module


class ImageProblem(Problem, ValueError):
    """`code` is image_invalid (not a picture, or damaged) or image_too_large."""


def read_file(path) -> bytes:
    """A picture file's bytes, refused by size before it is read; a missing or unreadable file is image_invalid."""
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            raise ImageProblem("image_too_large")
        return Path(path).read_bytes()
    except OSError:
        raise ImageProblem("image_invalid") from None


def load(data: bytes, mode: str = "L", side: int = WORKING_SIDE) -> Image.Image:
    """An image in `mode` ("L" or "RGB") from bytes, checked for size before it is decoded, reduced to `side`."""
    if len(data) > MAX_BYTES:
        raise ImageProblem("image_too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise ImageProblem("image_too_large")
            image.draft(mode, (side, side))  # JPEG: decode at a reduced size straight away
            # A phone photo is often stored sideways with a note saying so; a face must be seen upright.
            image = ImageOps.exif_transpose(image).convert(mode)
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("image_too_large") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ImageProblem("image_invalid") from None
    if max(image.size) > side:
        image.thumbnail((side, side))
    return image


def read_qr(data: bytes) -> str | None:
    """The text of the first QR code in the picture, or None when there is none to read."""
    image = load(data)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return found[0].text if found else None
