"""The `sdtapi` driver: the ID card reader vendors' common library (libsdtapi.so; SDTAPI.dll on Windows), by ctypes.

A read is SDT_StartFindIDCard (is a card there?), SDT_SelectIDCard, then SDT_ReadBaseMsg: 256 bytes of UTF-16LE text
in fixed fields, and 1024 bytes of compressed photo that only the vendor's decoder (`unpack`, in the same library or
in libwlt.so) turns into the 102 x 126 bitmap. Without the decoder a card is read without its photo.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re

from ..cards import Card
from . import DriverUnavailable, Fault

OK = 0x90  # SDT_OpenPort, SDT_SelectIDCard and SDT_ReadBaseMsg: done
CARD_FOUND = 0x9F  # SDT_StartFindIDCard: a card is on the reader
FIRST_USB_PORT = 1001  # USB readers answer on 1001 to 1016; serial ones on 1 to 16
TEXT_BYTES, PHOTO_BYTES = 256, 1024
BMP_BYTES = 38862  # 54 bytes of header + 126 rows of 102 pixels (306 bytes, padded to 308)
# The base message's fields, in UTF-16 code units, as the card stores them (padded with spaces).
FIELDS = (
    ("name", 15),
    ("sex", 1),
    ("nation", 2),
    ("birth", 8),
    ("address", 35),
    ("number", 18),
    ("authority", 15),
    ("valid_from", 8),
    ("valid_until", 8),
    ("reserved", 18),
)
NUMBER = re.compile(r"\d{17}[\dX]")
LIBRARY_NAMES = ("sdtapi", "libsdtapi.so", "SDTAPI")
MISSING = (
    "The card reader's library (libsdtapi.so) is not installed on this computer. Install the reader vendor's "
    "driver, or give the library's path with --library. The kiosk's keypad works meanwhile."
)


def parse_base_message(text: bytes) -> dict[str, str]:
    """The card's fields from SDT_ReadBaseMsg's 256 bytes. ValueError when they are not a readable card."""
    if len(text) < TEXT_BYTES:
        raise ValueError("short base message")
    fields, offset = {}, 0
    for name, units in FIELDS:
        piece = text[offset : offset + 2 * units]
        offset += 2 * units
        try:
            fields[name] = piece.decode("utf-16-le").rstrip(" \x00")
        except UnicodeDecodeError:
            raise ValueError(f"field {name} is not UTF-16") from None
    if not NUMBER.fullmatch(fields["number"]):
        raise ValueError("no ID number")
    return fields


def find_library(path: str | None) -> str:
    if path:
        return path
    for name in LIBRARY_NAMES:
        found = ctypes.util.find_library(name)
        if found:
            return found
    raise DriverUnavailable(MISSING)


class SdtapiReader:
    def __init__(self, library: str | None = None, port: int = FIRST_USB_PORT, photo_library: str | None = None):
        try:
            self._lib = ctypes.CDLL(find_library(library))
            for name in ("SDT_OpenPort", "SDT_StartFindIDCard", "SDT_SelectIDCard", "SDT_ReadBaseMsg"):
                getattr(self._lib, name).restype = ctypes.c_int
        except (OSError, AttributeError) as problem:
            raise DriverUnavailable(f"{MISSING} ({problem})") from None
        self._unpack = _decoder(self._lib, photo_library)
        self.port = port
        self._open = False

    def poll(self) -> Card | Fault | None:
        if not self._open:
            self._open = self._lib.SDT_OpenPort(self.port) == OK
            if not self._open:
                return Fault("reader_missing")
        manage = (ctypes.c_ubyte * 8)()
        if self._lib.SDT_StartFindIDCard(self.port, manage, 0) != CARD_FOUND:
            return None
        if self._lib.SDT_SelectIDCard(self.port, manage, 0) != OK:
            return Fault("card_removed")
        text, photo = (ctypes.c_ubyte * TEXT_BYTES)(), (ctypes.c_ubyte * PHOTO_BYTES)()
        text_length, photo_length = ctypes.c_uint(0), ctypes.c_uint(0)
        done = self._lib.SDT_ReadBaseMsg(
            self.port, text, ctypes.byref(text_length), photo, ctypes.byref(photo_length), 0
        )
        if done != OK:
            return Fault("card_removed")  # the card left the field before its message was read
        try:
            fields = parse_base_message(bytes(text)[: text_length.value])
        except ValueError:
            return Fault("card_unreadable")
        picture = self._photo(bytes(photo)[: photo_length.value])
        return Card(number=fields["number"], name=fields["name"], photo=picture)

    def _photo(self, compressed: bytes) -> bytes | None:
        if self._unpack is None or not compressed:
            return None
        bitmap = ctypes.create_string_buffer(BMP_BYTES)
        if self._unpack(compressed, bitmap, 0) != 1:
            return None
        return bitmap.raw

    def close(self) -> None:
        if self._open and hasattr(self._lib, "SDT_ClosePort"):
            self._lib.SDT_ClosePort(self.port)
        self._open = False


def _decoder(lib, photo_library: str | None):
    """The vendor's photo decoder, `unpack(compressed, bitmap, save_to_file)`: in the reader library, or its own."""
    sources = [lib]
    try:
        sources.append(ctypes.CDLL(photo_library or ctypes.util.find_library("wlt") or "libwlt.so"))
    except OSError:
        pass
    for source in sources:
        unpack = getattr(source, "unpack", None)
        if unpack is not None:
            unpack.restype = ctypes.c_int
            unpack.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int)
            return unpack
    return None
