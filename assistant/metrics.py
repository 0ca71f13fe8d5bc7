"""Figures an operator can graph and alert on, in the Prometheus text format (prometheus-client).

Counted where they happen: checks logged (by venue, kiosk, way in, status and decision), answers and their times
(by route pattern and status), reader faults, slips, speech made or served from the cache, and the database
connections in use. Read from the registry when scraped: help requests waiting and the oldest one's wait, and
when each kiosk was last seen. No label ever names a person: no number, name, hash or check id.

`assistant serve` runs one process or several; each worker counts into files of its own in one folder
(prometheus-client's multiprocess mode), and a scrape, whichever worker answers it, adds them all up.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client import values as metric_values
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError

from .clock import stored_now
from .models import HelpRequest, Kiosk, Venue

FOLDER = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client's own name for the workers' shared folder
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

CHECKS = Counter("assistant_checks", "Checks logged", ["venue", "kiosk", "way_in", "status", "decision"])
ANSWERS = Counter("assistant_http_responses", "Answers given, by route pattern and status code", ["route", "status"])
ANSWER_SECONDS = Histogram(
    "assistant_http_response_seconds",
    "Time to answer, by route pattern",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
READER_FAULTS = Counter("assistant_reader_errors", "Faults kiosks' readers reported", ["venue", "kiosk", "error"])
SLIPS = Counter("assistant_slips", "Slips asked for: printed, shown or failed", ["venue", "kiosk", "outcome"])
SPEECH = Counter("assistant_speech_sentences", "Sentences asked for: made now or served from the cache", ["source"])
DB_CONNECTIONS = Gauge(
    "assistant_db_connections", "Database connections over every worker", ["state"], multiprocess_mode="livesum"
)


def use_processes() -> str:
    """Before any worker starts: one fresh folder the workers count into (the operator's own if PROMETHEUS_MULTIPROC_DIR
    is set, emptied, as prometheus-client asks). Returns it."""
    folder = os.environ.get(FOLDER)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)
    else:
        folder = tempfile.mkdtemp(prefix="assistant-metrics-")
        os.environ[FOLDER] = folder
        atexit.register(shutil.rmtree, folder, True)
    # prometheus-client picks how values are kept when it is first imported, which may have been before the folder
    # was named: pick again, so that every figure a worker makes from now on goes to its files.
    metric_values.ValueClass = metric_values.get_value_class()
    return folder


def worker_started() -> None:
    """In each worker: its live figures (connections in use) leave the sum when it ends."""
    if os.environ.get(FOLDER):
        atexit.register(multiprocess.mark_process_dead, os.getpid())


def checked(venue: str, kiosk: str | None, way_in: str, status: str, decision: str) -> None:
    CHECKS.labels(venue, kiosk or "", way_in, status, decision).inc()


def answered(route: str, status: int, seconds: float) -> None:
    ANSWERS.labels(route, str(status)).inc()
    ANSWER_SECONDS.labels(route).observe(seconds)


def slip(venue: str, kiosk: str | None, outcome: str) -> None:
    SLIPS.labels(venue, kiosk or "", outcome).inc()


def reader_fault(venue: str, kiosk: str | None, error: str) -> None:
    READER_FAULTS.labels(venue, kiosk or "", error).inc()


def spoken(made: bool) -> None:
    SPEECH.labels("made" if made else "cache").inc()


def watch_pool(engine) -> None:
    """Count the engine's connections in use and its capacity (per worker; the scrape adds the workers up)."""
    pool = engine.pool
    capacity = getattr(pool, "size", lambda: 0)() + max(getattr(pool, "_max_overflow", 0), 0)
    DB_CONNECTIONS.labels("capacity").inc(capacity)
    in_use = DB_CONNECTIONS.labels("in_use")
    event.listen(engine, "checkout", lambda *_: in_use.inc())
    event.listen(engine, "checkin", lambda *_: in_use.dec())


class RegistryFigures:
    """What the registry says at scrape time: help requests waiting (and the oldest one's wait), each kiosk's last
    sighting. The registry being away is a figure too (assistant_registry_up 0), never a failed scrape."""

    def __init__(self, db):
        self.db = db

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("assistant_registry_up", "1 when the registry answered this scrape")
        try:
            figures = list(self._read())
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from figures

    def _read(self) -> Iterator[Metric]:
        now = stored_now()
        with self.db.session() as s:
            venues = s.scalars(select(Venue.slug)).all()
            waiting = s.execute(
                select(HelpRequest.venue, func.count(), func.min(HelpRequest.raised_at))
                .where(HelpRequest.state == "waiting")
                .group_by(HelpRequest.venue)
            ).all()
            kiosks = s.execute(select(Kiosk.name, Kiosk.venue, Kiosk.last_seen_at).where(Kiosk.revoked_at.is_(None)))
            kiosks = kiosks.all()
        count = GaugeMetricFamily("assistant_help_requests_waiting", "Help requests not answered", labels=["venue"])
        oldest = GaugeMetricFamily(
            "assistant_help_request_oldest_wait_seconds", "The oldest waiting request's wait", labels=["venue"]
        )
        # Every venue has both figures, 0 when no one is waiting there: a graph shows the nought, not a gap.
        by_venue = {venue: (0, 0.0) for venue in venues}
        by_venue.update({venue or "": (n, (now - first).total_seconds()) for venue, n, first in waiting})
        for venue, (n, wait) in sorted(by_venue.items()):
            count.add_metric([venue], n)
            oldest.add_metric([venue], wait)
        seen = GaugeMetricFamily(
            "assistant_kiosk_last_seen_timestamp_seconds",
            "When each kiosk last asked the server for anything (Unix time; absent if never seen)",
            labels=["kiosk", "venue"],
        )
        for name, venue, last in kiosks:
            if last is not None:
                seen.add_metric([name, venue], last.replace(tzinfo=UTC).timestamp())
        yield from (count, oldest, seen)


class _ThisProcess:
    """The figures counted in this process, when it is the only one (the development server, the tests)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition(db) -> bytes:
    """Every figure, in the text format: the workers' counts added up, then the registry's figures."""
    registry = CollectorRegistry()
    if os.environ.get(FOLDER):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(RegistryFigures(db))
    return generate_latest(registry)
