"""Calm pages (or JSON under /api/) for every error: never a stack trace, never a bare 500."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from . import preferences, services

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, kind: str):
    if _wants_json():
        code = {404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}.get(
            status, "service_unavailable"
        )
        message = services.texts().error("service_unavailable", preferences.language()) if status >= 500 else code
        return jsonify(error={"code": code, "message": message}), status
    return render_template("error.html", kind=kind), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        kind = {404: "not_found", 405: "not_found", 413: "too_large"}.get(error.code, "bad_request")
        if error.code and error.code >= 500:
            kind = "unavailable"
        return _page(error.code or 500, kind)

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError):
        # The registry is briefly out of reach: the person is asked to see staff, the operator sees the class only.
        log.error("database unavailable: %s", type(error).__name__)
        return _page(503, "unavailable")

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Where it failed, but not the message: a message can quote what a person typed, such as an ID number.
        where = " < ".join(f"{f.name}:{f.lineno}" for f in reversed(traceback.extract_tb(error.__traceback__)))
        log.error("unexpected error %s at %s", type(error).__name__, where)
        return _page(500, "unavailable")
