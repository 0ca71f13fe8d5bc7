"""While the registry is out of reach: what a kiosk screen may still use (the busy screen is busy.py).

A kiosk's venue and its own identity are read from the database on every request (so that a change or a
revocation takes effect at once). Each read that succeeds is also remembered here, per process; the remembered
value is used only while the database cannot be reached, so that the kiosk can still show and speak "please ask
a staff member" and go back to its start screen by itself as soon as the database answers again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from . import services

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
