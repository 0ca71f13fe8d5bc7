"""What comes in as text (an address, a form field, a query, a cell of an import), read one way everywhere.

A whole number is ASCII digits only and within the range its column holds: "²" and "٣" are digits to Python's
`str.isdigit`, and a twenty-digit id overflows the database's integer. Anything else is "not a number", which each
caller turns into its own calm answer (a 404 for an address, a field's message for a form). Moments are read by
`clock.parse_time`, which keeps them within a sane range.
"""

from __future__ import annotations

LARGEST_ID = 2**31 - 1  # the id columns are INTEGER: 64 bits on SQLite, 32 on PostgreSQL (the narrower holds)


def whole_number(text: str | None, low: int = 0, high: int = LARGEST_ID) -> int | None:
    """`text` as a whole number within [low, high], or None when it is not one (empty, not ASCII digits, too big)."""
    text = (text or "").strip()
    if not text or len(text) > len(str(high)) or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def has_control(text: str) -> bool:
    """Whether `text` holds a control character (CR, LF, NUL...): such text never goes into a header or a log."""
    return any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text)
