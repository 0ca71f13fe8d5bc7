"""The JSON API for card-reader bridges and scanners: the same check as `assistant check --json`."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from .. import checks, clock, identity
from ..texts import LANGUAGES
from . import services
from .openapi import document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _error(code: str, lang: str, status: int = 400):
    return jsonify(error={"code": code, "message": services.texts().error(code, lang)}), status


@bp.post("/checks")
def create_check():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error("request_invalid", current_app.config["DEFAULT_LANGUAGE"])
    lang = body.get("lang")
    if lang is not None and lang not in LANGUAGES:
        return _error("lang_invalid", current_app.config["DEFAULT_LANGUAGE"])
    message_lang = lang or current_app.config["DEFAULT_LANGUAGE"]
    method = body.get("method", "id_card")
    if method not in checks.METHODS:
        return _error("request_invalid", message_lang)
    if method != "id_card":
        return _error("method_unavailable", message_lang)
    id_number, venue = body.get("id_number"), body.get("venue", current_app.config["KIOSK_VENUE"])
    if not isinstance(id_number, str) or not isinstance(venue, str):
        return _error("id_invalid_length" if not isinstance(id_number, str) else "venue_unknown", message_lang)
    try:
        at = clock.parse_time(body["at"]) if body.get("at") is not None else services.now()
    except (TypeError, ValueError, AttributeError):
        return _error("at_invalid", message_lang)
    try:
        with services.db().session() as s:
            result = checks.run(s, id_text=id_number, venue=venue, at=at, hash_key=services.hash_key())
    except identity.IdNumberError as error:
        return _error(error.code, message_lang)
    except checks.CheckError as error:
        return _error(error.code, message_lang)
    return jsonify(checks.describe(result, services.texts(), lang or result.language or message_lang))


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
