"""A resident's saved kiosk settings at the staff desk: set or cleared on the resident's page, at the resident's
request, as a line of their history and of the audit log."""

from __future__ import annotations

from flask import redirect, request, url_for

from ...residents import settings as saved
from ...staff import audit
from .. import services
from . import actor, bp
from .residents import _resident_or_404


@bp.post("/residents/<int:resident_id>/settings")
def keep_settings(resident_id: int):
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        asked = {key: request.form.get(f"setting-{key}") for key in saved.CHOICES}
        values = {} if request.form.get("clear") else saved.chosen(asked)
        if saved.keep(s, person, values, actor()):
            audit.record(s, actor(), "resident_settings", person.masked_id, person.settings or "standard settings")
    return redirect(url_for("staff.resident", resident_id=resident_id) + "#settings", code=303)
