"""Reading a camera frame or an uploaded photo safely: bounded bytes, bounded pixels, calm errors, nothing kept."""

from __future__ import annotations

import io
import warnings

import zxingcpp
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024  # a camera frame is far smaller
MAX_PIXELS = 24_000_000  # e.g. 6000 x 4000; beyond that we refuse before decoding a single pixel
WORKING_SIDE = 2000  # frames are reduced to this before looking for a code: plenty for 4 pixels a module


class ImageProblem(ValueError):
    """`code` is image_invalid (not a picture, or damaged) or image_too_large."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def load(data: bytes) -> Image.Image:
    """A grayscale image from bytes, checked for size before it is decoded."""
    if len(data) > MAX_BYTES:
        raise ImageProblem("image_too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise ImageProblem("image_too_large")
            image.draft("L", (WORKING_SIDE, WORKING_SIDE))  # JPEG: decode at a reduced size straight away
            image = image.convert("L")
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("image_too_large") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ImageProblem("image_invalid") from None
    if max(image.size) > WORKING_SIDE:
        image.thumbnail((WORKING_SIDE, WORKING_SIDE))
    return image


def read_qr(data: bytes) -> str | None:
    """The text of the first QR code in the picture, or None when there is none to read."""
    image = load(data)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return found[0].text if found else None
