"""The JSON API for card-reader bridges and scanners: the same check as `assistant check --json`."""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, current_app, jsonify, request

from .. import checks, clock, images, passes
from ..texts import LANGUAGES
from . import services
from .openapi import document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _error(code: str, lang: str, status: int = 400, details: dict | None = None):
    return jsonify(error={"code": code, "message": services.texts().error(code, lang, details)}), status


def _image(body: dict) -> bytes:
    """A camera frame sent as base64; image_invalid when it is missing or not base64."""
    if not isinstance(body.get("image"), str):
        raise images.ImageProblem("image_invalid")
    try:
        return base64.b64decode(body["image"], validate=True)
    except (binascii.Error, ValueError):
        raise images.ImageProblem("image_invalid") from None


def _pass_token(body: dict) -> str:
    """The token as a scanner typed it, or read from a camera frame sent as base64."""
    if isinstance(body.get("token"), str):
        return body["token"]
    if not isinstance(body.get("image"), str):
        raise passes.PassError("pass_unreadable")
    token = images.read_qr(_image(body))
    if token is None:
        raise passes.PassError("pass_unreadable")
    return token


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
    venue = body.get("venue", current_app.config["KIOSK_VENUE"])
    if not isinstance(venue, str):
        return _error("venue_unknown", message_lang)
    try:
        at = clock.parse_time(body["at"]) if body.get("at") is not None else services.now()
    except (TypeError, ValueError, AttributeError):
        return _error("at_invalid", message_lang)
    try:
        with services.db().session() as s:
            if method == "pass":
                token = _pass_token(body)
                result = checks.run_pass(s, token=token, venue=venue, at=at, keys=services.pass_keys())
            elif method == "face":
                frame = _image(body)
                result = checks.run_face(s, frame=frame, venue=venue, at=at, recogniser=services.faces())
            else:
                id_number = body.get("id_number")
                if not isinstance(id_number, str):
                    return _error("id_invalid_length", message_lang)
                result = checks.run(s, id_text=id_number, venue=venue, at=at, hash_key=services.hash_key())
    except checks.PROBLEMS as error:
        return _error(error.code, message_lang, details=getattr(error, "details", None))
    return jsonify(checks.describe(result, services.texts(), lang or result.language or message_lang))


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
