"""For the people and machines that run the service: liveness and readiness for a load balancer, one structured log
line per request (kiosk, route, status, duration; never a number, a name, a token or a photo), and the figures for
Prometheus at /metrics (assistant/metrics.py), behind a bearer token of their own."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from flask import Blueprint, Flask, abort, current_app, g, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .. import metrics
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


@bp.get("/metrics")
def scrape():
    """Prometheus's scrape, with `Authorization: Bearer <ASSISTANT_METRICS_TOKEN>`. Without that setting the page is
    not there (404); a wrong or missing token is 401 and shows nothing."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(token.encode()).digest()):
        return jsonify(error={"code": "metrics_token_invalid"}), 401, {"WWW-Authenticate": "Bearer"}
    return metrics.exposition(services.db()), 200, {"Content-Type": metrics.CONTENT_TYPE, "Cache-Control": "no-store"}


def _started() -> None:
    g.started = time.perf_counter()


def _finished(response):
    if request.endpoint == "static":
        return response
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule else None  # the pattern, never the path or query
    record_answer(g.get("kiosk"), route, request.method, response.status_code, seconds)
    return response


def record_answer(kiosk, route: str | None, method: str, status: int, seconds: float) -> None:
    """The answer's figures and its access-log line (for Flask's answers, and the check lane's)."""
    metrics.answered(route or "unmatched", status, seconds)
    access.info(
        "request",
        extra={
            "kiosk": kiosk.name if kiosk else None,
            "route": route,
            "method": method,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
        },
    )


def init_app(app: Flask) -> None:
    app.before_request(_started)
    app.after_request(_finished)
    app.register_blueprint(bp)
