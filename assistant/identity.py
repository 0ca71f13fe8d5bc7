"""The 18-character resident identity number (GB 11643-1999): validation, masking and keyed hashing.

Nothing here keeps or prints a full number; callers get a ResidentId whose repr is masked.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from .problems import Problem, codes

LENGTH = 18
# ISO 7064 MOD 11-2: weights are 2^(17-i) mod 11, and the check value maps to these characters.
WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
CHECK_CHARACTERS = "10X98765432"
# Every way a number can be wrong, in the order they are checked (DESIGN.md's codes).
ERROR_CODES = codes("id")


class IdNumberError(Problem, ValueError):
    """An identity number that cannot be used; `code` is one of DESIGN.md's error codes."""


def check_character(first17: str) -> str:
    """The check character that belongs after these 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


@dataclass(frozen=True)
class ResidentId:
    """A validated identity number. Its text form is masked, so it cannot leak by accident."""

    number: str = field(repr=False)

    @property
    def masked(self) -> str:
        return mask(self.number)

    @property
    def birth_date(self) -> date:
        return _birth_date(self.number)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"ResidentId({self.masked})"


def normalise(text: str) -> str:
    """Full-width digits from a Chinese keyboard become ASCII; spaces and hyphens go; x becomes X."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if not ch.isspace() and ch != "-").upper()


def parse(text: str, today: date | None = None) -> ResidentId:
    """Validate an identity number typed, read from a card or posted by a reader bridge.

    Raises IdNumberError with the code of the first problem found, in the order a person can fix them.
    """
    number = normalise(text)
    if len(number) != LENGTH:
        raise IdNumberError("id_invalid_length")
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        raise IdNumberError("id_invalid_characters")
    # A mistyped character almost always breaks the check character, so say that before the date.
    if check_character(number[:17]) != number[17]:
        raise IdNumberError("id_invalid_checksum")
    try:
        born = _birth_date(number)
    except ValueError:
        raise IdNumberError("id_invalid_birth_date") from None
    if born > (today or date.today()):
        raise IdNumberError("id_invalid_birth_date")
    return ResidentId(number)


def _birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def mask(number: str) -> str:
    """First 4 and last 4 characters; the rest hidden."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def keyed_hash(number: str, key: bytes) -> str:
    """HMAC-SHA256 of the normalised number: lets staff find a record without storing the number."""
    return hmac.new(key, normalise(number).encode("ascii"), hashlib.sha256).hexdigest()


def make_number(area: str, born: date, sequence: int) -> str:
    """Build a valid number (for demo data and tests): 6-digit area, birth date, 3-digit sequence."""
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
