"""The validation clock and the times the registry holds: ISO 8601 in, Asia/Shanghai when no offset is given."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


# The moments a check, a filter or a record may name: wide enough for any date of birth or test, narrow enough that
# converting one to UTC or another zone can never overflow the calendar (0001-01-01 or 9999-12-31 with an offset).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def parse_time(text: str) -> datetime:
    """An aware datetime from ISO 8601; a time without an offset is read as Shanghai time.

    Raises ValueError for anything else, and for a moment outside 1900-2199.
    """
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the moment is outside the calendar") from None
    if not EARLIEST <= in_utc < LATEST:
        raise ValueError("the moment is outside 1900-2199")
    return moment


def now(setting: str | None = None) -> datetime:
    """The validation clock: the configured moment for demos and tests, otherwise the real time."""
    return parse_time(setting) if setting else datetime.now(UTC)


def to_storage(moment: datetime | None) -> datetime | None:
    """Stored as naive UTC, the one form both SQLite and PostgreSQL keep unchanged."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_storage(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


def stored_now() -> datetime:
    """The real time now, as the registry stores times (naive UTC): when a row was written, not the checks' clock."""
    return datetime.now(UTC).replace(tzinfo=None)


def label(setting: str | None, chosen_by: str | None = None) -> str:
    """Which clock a check ran on, as the check log records it: `chosen_by` ("demo", "operator") when the caller
    named the moment, "demo" while the demo clock is set, else "real"."""
    return chosen_by or ("demo" if setting else "real")
