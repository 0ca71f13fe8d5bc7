"""For the people and machines that run the service: liveness and readiness for a load balancer, and one
structured log line per request (kiosk, route, status, duration; never a number, a name, a token or a photo)."""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Flask, g, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import services

bp = Blueprint("operations", __name__)
access = logging.getLogger("assistant.access")


@bp.get("/healthz")
def healthz():
    """The process is alive and answering."""
    return jsonify(status="alive")


@bp.get("/readyz")
def readyz():
    """The database answers: this server can take checks."""
    try:
        with services.db().session() as s:
            s.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable"), 503
    return jsonify(status="ready")


def _started() -> None:
    g.started = time.perf_counter()


def _finished(response):
    if request.endpoint == "static":
        return response
    kiosk = g.get("kiosk")
    access.info(
        "request",
        extra={
            "kiosk": kiosk.name if kiosk else None,
            "route": request.url_rule.rule if request.url_rule else None,  # the pattern, never the path or query
            "method": request.method,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
        },
    )
    return response


def init_app(app: Flask) -> None:
    app.before_request(_started)
    app.after_request(_finished)
    app.register_blueprint(bp)
