"""Calm pages (or JSON under /api/) for every error: never a stack trace, never a bare 500."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from . import busy, device, outage, services

log = logging.getLogger(__name__)
# HTTP statuses the API answers with a code of the problem registry (problems.CODES).
API_CODES = {
    401: "kiosk_token_invalid",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    429: "too_many_checks",
}
# After a kiosk form's token has expired, the screen starts again where the person was: never an error page.
RESTART_AT = {
    "kiosk.check": "kiosk.card",
    "kiosk.tap_card": "kiosk.card",
    "kiosk.check_pass": "kiosk.pass_screen",
    "kiosk.check_face": "kiosk.face_screen",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(code: str, status: int, details: dict | None = None, lang: str | None = None):
    """The API's answer to a problem: {"error": {"code", "message"}} in the request's language."""
    lang = lang or current_app.config["DEFAULT_LANGUAGE"]
    if code in services.texts().data["error"]:
        message = services.texts().error(code, lang, details)
    else:
        message = code
    response = jsonify(error={"code": code, "message": message})
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kiosk"'
    return response, status


def _page(status: int, kind: str):
    if _wants_json():
        return api_error(API_CODES.get(status, "service_unavailable" if status >= 500 else "request_invalid"), status)
    return render_template("error.html", kind=kind), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def form_expired(_error: CSRFError):
        # A kiosk screen left open past its form token, or a form from another browser: start that screen again.
        venue = (request.view_args or {}).get("venue")
        if request.blueprint == "kiosk" and not current_app.config["DEMO"] and device.current() is None:
            return redirect(url_for("kiosk_setup.setup"), code=303)  # an unbound browser: the set-up screen only
        if request.blueprint == "kiosk" and venue:
            return redirect(url_for(RESTART_AT.get(request.endpoint, "kiosk.home"), venue=venue), code=303)
        if request.blueprint == "kiosk_setup":
            return redirect(url_for("kiosk_setup.setup"), code=303)
        return _page(400, "bad_request")

    @app.errorhandler(429)
    def too_many(error: HTTPException):
        venue = (request.view_args or {}).get("venue")
        if request.blueprint == "kiosk" and venue:
            return busy.kiosk_page("too_many_checks", venue)
        return _page(429, "bad_request")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        kind = {404: "not_found", 405: "not_found", 413: "too_large"}.get(error.code, "bad_request")
        if error.code and error.code >= 500:
            kind = "unavailable"
        body, status = _page(error.code or 500, kind)
        response = make_response(body, status)
        if getattr(error, "valid_methods", None):  # 405: say which methods the address does take (RFC 9110)
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError):
        # The registry is out of reach: the person is asked to see staff (shown and spoken), an API client gets a
        # code and when to try again, and the operator's log gets the class only (a message can quote a query).
        log.error("database unavailable: %s", type(error).__name__)
        if _wants_json():
            response, status = api_error(outage.CODE, 503)
            response.headers["Retry-After"] = str(outage.RETRY_SECONDS)
            return response, status
        if request.blueprint == "kiosk" and (request.view_args or {}).get("venue"):
            try:
                return busy.kiosk_page(outage.CODE)
            except SQLAlchemyError:
                pass  # a venue this process has never shown: the plain page below
        return _page(503, "unavailable")

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Where it failed, but not the message: a message can quote what a person typed, such as an ID number.
        where = " < ".join(f"{f.name}:{f.lineno}" for f in reversed(traceback.extract_tb(error.__traceback__)))
        log.error("unexpected error %s at %s", type(error).__name__, where)
        return _page(500, "unavailable")
