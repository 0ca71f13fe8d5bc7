"""How long the check log and the help queue are kept: rows older than the retention period are deleted, in
short batches so that kiosks go on logging checks while a large log is purged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from .db import Database
from .models import CheckRecord, HelpRequest

BATCH = 5000


def purge(db: Database, days: int, now: datetime | None = None) -> dict:
    """Delete what is older than `days`; returns how many rows went from each table."""
    cutoff = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None) - timedelta(days=days)
    return {
        "checks": _purge(db, CheckRecord, CheckRecord.checked_at, cutoff),
        "help_requests": _purge(db, HelpRequest, HelpRequest.raised_at, cutoff),
    }


def _purge(db: Database, model, when, cutoff: datetime) -> int:
    removed = 0
    while True:
        with db.session() as s:
            ids = select(model.id).where(when < cutoff).limit(BATCH)
            count = s.execute(delete(model).where(model.id.in_(ids.scalar_subquery()))).rowcount
        removed += count
        if count < BATCH:
            return removed
