"""The app as a WSGI server's worker builds it: JSON log lines, then the app (`assistant serve` points here)."""

from __future__ import annotations


def app():
    from . import logs
    from .app import create_app

    logs.configure()
    return create_app()
