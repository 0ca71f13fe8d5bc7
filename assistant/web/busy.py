"""The kiosk's "please ask a staff member" screen: past the kiosk's budget of lookups that found no one (429), and
while the registry is out of reach (503, and the screen goes back to its start by itself once it answers)."""

from __future__ import annotations

from flask import render_template, request

from . import outage, preferences, services
from .venues import venue_or_404


def kiosk_page(code: str = outage.CODE, venue: str | None = None):
    """The busy screen for `code` (too_many_checks or registry_unavailable) at the request's venue."""
    waiting = code == outage.CODE
    page = render_template(
        "kiosk/busy.html",
        venue=venue_or_404(venue or (request.view_args or {}).get("venue")),
        message=services.texts().error(code, preferences.language()),
        code=code,
        wait_for_registry=waiting,
        kiosk_screen="busy",
    )
    if waiting:
        return page, 503, {"Retry-After": str(outage.RETRY_SECONDS)}
    return page, 429
