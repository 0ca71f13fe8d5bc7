"""Importing residents from a CSV file at the staff desk, with a progress bar; kiosks go on checking meanwhile."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...staff import imports
from .. import services
from . import actor, bp

MAX_UPLOAD = 512 * 1024 * 1024  # a district's residents, in CSV, with room to spare


def allow_large_upload() -> None:
    """Before CSRF reads the form: only this address, for a signed-in member of staff, takes a large body; every
    other request keeps the app's small limit."""
    if request.endpoint == "staff.start_import" and current_user.is_authenticated:
        request.max_content_length = MAX_UPLOAD
        # The multipart parser holds up to one read's worth of the file in memory at a time: more than the small
        # limit on a kiosk form's fields. The file itself goes to a temporary file, never into memory whole.
        request.max_form_memory_size = 1024 * 1024


@bp.get("/import")
def import_form():
    return render_template("staff/import.html", errors=[])


@bp.post("/import")
def start_import():
    upload = request.files.get("file")
    if not upload or not upload.filename:
        return render_template("staff/import.html", errors=[("file", _("Choose a CSV file to import"))]), 400
    folder = Path(tempfile.mkdtemp(prefix="assistant-import-"))
    path = folder / "residents.csv"
    upload.save(path)
    job_id = imports.start(services.db(), path, actor(), services.hash_key())
    return redirect(url_for("staff.import_job", job_id=job_id), code=303)


def _job_or_404(job_id: int):
    job = imports.status(services.db(), job_id)
    if job is None:
        abort(404)
    return job


@bp.get("/import/<int:job_id>")
def import_job(job_id: int):
    job = _job_or_404(job_id)
    return render_template("staff/import_job.html", job=job, problems=imports.problems(job))


@bp.get("/import/<int:job_id>/progress")
def import_progress(job_id: int):
    job = _job_or_404(job_id)
    return jsonify(stage=job.stage, done=job.done, total=job.total, outcome=job.outcome)
