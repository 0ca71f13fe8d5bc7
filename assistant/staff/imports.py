"""CSV imports started from the staff desk: the CLI's importer (all rows or none, line-and-column problems), run
in a thread of the server that took the upload, its progress written to the database so any server can show it."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from ..clock import stored_now
from ..db import Database
from ..models import ImportJob
from ..residents import ImportRejected, importing
from . import audit

log = logging.getLogger(__name__)
WRITE_EVERY = 0.25  # seconds between progress writes: often enough for a bar, rarely enough to cost nothing
STALE = timedelta(minutes=5)  # a running job not heard from this long died with its process


def start(db: Database, path: Path, actor: str, hash_key: bytes) -> int:
    """Start importing the uploaded file at `path` (removed when done); returns the job's id at once."""
    with db.session() as s:
        job = ImportJob(started_at=stored_now(), started_by=actor, stage="checking", updated_at=stored_now())
        s.add(job)
        s.flush()
        job_id = job.id
    threading.Thread(target=run, args=(db, job_id, path, actor, hash_key), daemon=True, name=f"import-{job_id}").start()
    return job_id


def run(db: Database, job_id: int, path: Path, actor: str, hash_key: bytes) -> None:
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        if time.monotonic() - last[0] >= WRITE_EVERY or done == total:
            last[0] = time.monotonic()
            _write(db, job_id, stage=stage, done=done, total=total)

    try:
        added, updated = importing.import_file(db, path, hash_key, progress)
    except ImportRejected as rejected:
        problems = [[p.line, p.column, p.message] for p in rejected.problems]
        _finish(db, job_id, actor, "rejected", problems=json.dumps(problems), unlisted=rejected.unlisted)
    except Exception as error:  # noqa: BLE001 (the job must end with an outcome, whatever went wrong)
        log.error("import %s failed: %s", job_id, type(error).__name__)
        _finish(db, job_id, actor, "failed")
    else:
        _finish(db, job_id, actor, "imported", added=added, updated=updated)
    finally:
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # the upload's own temporary folder


def status(db: Database, job_id: int) -> ImportJob | None:
    with db.session() as s:
        job = s.get(ImportJob, job_id)
        if job is not None and job.outcome is None and stored_now() - job.updated_at > STALE:
            job.outcome, job.stage = "failed", "finished"
        if job is not None:
            s.expunge(job)
        return job


def problems(job: ImportJob) -> list[tuple[int, str, str]]:
    return [tuple(p) for p in json.loads(job.problems or "[]")]


def _write(db: Database, job_id: int, **values) -> None:
    with db.session() as s:
        s.execute(update(ImportJob).where(ImportJob.id == job_id).values(updated_at=stored_now(), **values))


def _finish(db: Database, job_id: int, actor: str, outcome: str, **values) -> None:
    """The job's outcome and its audit line in one transaction: the page never shows an import the audit log lacks."""
    detail = f"{outcome}: {values.get('added', 0)} added, {values.get('updated', 0)} updated"
    if outcome == "rejected":
        detail = f"rejected: {len(json.loads(values['problems'])) + values['unlisted']} problem(s)"
    with db.session() as s:
        finished = dict(updated_at=stored_now(), stage="finished", outcome=outcome, **values)
        s.execute(update(ImportJob).where(ImportJob.id == job_id).values(**finished))
        audit.record(s, actor, "import", detail=detail)
