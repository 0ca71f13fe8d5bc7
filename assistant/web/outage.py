"""While the registry is out of reach: what a kiosk screen may still use, and the screen that asks for staff.

A kiosk's venue and its own identity are read from the database on every request (so that a change or a
revocation takes effect at once). Each read that succeeds is also remembered here, per process; the remembered
value is used only while the database cannot be reached, so that the kiosk can still show and speak "please ask
a staff member" and go back to its start screen by itself as soon as the database answers again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import render_template, request
from sqlalchemy.exc import SQLAlchemyError

from . import preferences, services

T = TypeVar("T")
CODE = "registry_unavailable"
RETRY_SECONDS = 3  # how soon a client may try again; the kiosk screen looks this often
_known: dict[tuple, object] = {}
_lock = threading.Lock()
_LIMIT = 10_000  # venues and kiosks a process remembers; a bound on memory, far above any real district's count


def remembered(key: tuple, load: Callable[[], T], otherwise: Callable[[], T | None] = lambda: None) -> T:
    """`load()`, remembered under `key`. While the database is out of reach: the value last loaded, or else what
    `otherwise()` gives (if not None)."""
    scoped = (services.db().url, *key)
    try:
        value = load()
    except SQLAlchemyError:
        with _lock:
            if scoped in _known:
                return _known[scoped]
        if (fallback := otherwise()) is not None:
            return fallback
        raise
    with _lock:
        if len(_known) >= _LIMIT and scoped not in _known:
            _known.clear()
        _known[scoped] = value
    return value


def kiosk_page():
    """The kiosk's screen while the registry is out of reach (503): see staff; the screen returns by itself."""
    from .kiosk import venue_or_404

    venue = venue_or_404((request.view_args or {}).get("venue"))
    message = services.texts().error(CODE, preferences.language())
    page = render_template(
        "kiosk/busy.html", venue=venue, message=message, code=CODE, wait_for_registry=True, kiosk_screen="busy"
    )
    return page, 503, {"Retry-After": str(RETRY_SECONDS)}
