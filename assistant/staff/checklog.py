"""The check log as staff read it: filtered by venue, kiosk, method, status, decision and time; counted per hour
and status and per referral reason; exported as CSV. Masked identities only: the log holds nothing else."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..checks import LOGGED_METHODS as METHODS
from ..clock import SHANGHAI, from_storage
from ..models import CheckRecord
from ..rules import STATUSES

DECISIONS = ("admit", "refer")
PAGE = 100
CSV_COLUMNS = (
    "checked_at",
    "venue",
    "kiosk",
    "channel",
    "method",
    "status",
    "decision",
    "reason_codes",
    "masked_id",
    "masked_name",
    "settings",  # the saved settings the result was shown in, as kept (empty: the standard ones)
)
MOST_HOURS = 24 * 14  # a chart wider than two weeks of hours would be unreadable: it shows the last two weeks


@dataclass(frozen=True)
class Filters:
    venue: str = ""
    kiosk: str = ""
    method: str = ""
    status: str = ""
    decision: str = ""
    since: datetime | None = None  # UTC, naive (as stored)
    until: datetime | None = None

    def where(self) -> list:
        c = CheckRecord
        conditions = []
        for column, value in ((c.venue, self.venue), (c.kiosk, self.kiosk)):
            if value:
                conditions.append(column == value)
        for column, value, allowed in (
            (c.method, self.method, METHODS),
            (c.status, self.status, STATUSES),
            (c.decision, self.decision, DECISIONS),
        ):
            if value in allowed:
                conditions.append(column == value)
        if self.since:
            conditions.append(c.checked_at >= self.since)
        if self.until:
            conditions.append(c.checked_at < self.until)
        return conditions


def page(session: Session, filters: Filters, before_id: int | None = None) -> list[CheckRecord]:
    query = select(CheckRecord).where(*filters.where()).order_by(CheckRecord.id.desc()).limit(PAGE)
    if before_id:
        query = query.where(CheckRecord.id < before_id)
    return list(session.scalars(query))


def _hour(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.date_trunc("hour", CheckRecord.checked_at), "YYYY-MM-DD HH24:00")
    return func.strftime("%Y-%m-%d %H:00", CheckRecord.checked_at)


def chart_period(filters: Filters, now: datetime) -> Filters:
    """The filters with the pictures' period filled in: as chosen, else the last 24 hours, at most two weeks."""
    until = filters.until or now.astimezone(UTC).replace(tzinfo=None)
    since = max(filters.since or until - timedelta(hours=24), until - timedelta(hours=MOST_HOURS))
    return replace(filters, since=since, until=until)


def per_hour(session: Session, period: Filters) -> list[tuple[datetime, dict[str, int]]]:
    """Checks per hour by status over a chart_period, each hour as Shanghai time, every hour (empty ones too)."""
    hour = _hour(session)
    rows = session.execute(
        select(hour, CheckRecord.status, func.count()).where(*period.where()).group_by(hour, CheckRecord.status)
    ).all()
    counts: dict[datetime, Counter] = {}
    for text, status, count in rows:
        counts.setdefault(datetime.strptime(text, "%Y-%m-%d %H:%M"), Counter())[status] += count
    hours = []
    moment = period.since.replace(minute=0, second=0, microsecond=0)
    while moment < period.until:
        local = from_storage(moment).astimezone(SHANGHAI)
        hours.append((local, {s: counts.get(moment, Counter())[s] for s in STATUSES}))
        moment += timedelta(hours=1)
    return hours


def referrals_by_reason(session: Session, period: Filters) -> list[tuple[str, int]]:
    """How many referrals each reason took part in over a chart_period, the most first (a check can have several
    reasons)."""
    rows = session.execute(
        select(CheckRecord.reason_codes, func.count())
        .where(*period.where(), CheckRecord.decision == "refer")
        .group_by(CheckRecord.reason_codes)
    ).all()
    counts: Counter = Counter()
    for codes, count in rows:
        for code in (codes or "").split():
            counts[code] += count
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def csv_lines(session: Session, filters: Filters) -> Iterator[str]:
    """The filtered log as CSV, a line at a time (times in Shanghai time); never an ID number in full."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    query = select(*(getattr(CheckRecord, c) for c in CSV_COLUMNS)).where(*filters.where()).order_by(CheckRecord.id)
    for row in session.execute(query.execution_options(yield_per=2000)):
        values = list(row)
        values[0] = from_storage(values[0]).astimezone(SHANGHAI).isoformat(timespec="seconds")
        yield line(_safe(v) for v in values)


def _safe(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
