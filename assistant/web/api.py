"""The JSON API for card-reader bridges and scanners: the same check as `assistant check --json`, for registered
kiosks only (a device token on every call), at the kiosk's own venue, at the real time outside the demo."""

from __future__ import annotations

import base64
import binascii
import json

from flask import Blueprint, current_app, jsonify, request

from .. import checks, clock, identity, images, passes
from ..cards import reads
from ..problems import Problem
from ..texts import LANGUAGES
from . import device, limits, services
from .errors import api_error
from .openapi import document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_DEPTH = 4  # a check request is one flat object; anything nested deeper is not one
MAX_ID_TEXT = 64  # far above 18 characters with spaces; a longer text is not an ID number
MAX_TOKEN = 512  # a pass token is 122 characters
PUBLIC = ("api.openapi",)  # the API document holds no data: it describes the API to anyone who builds a bridge


@bp.before_request
def _authenticate():
    """Every call names its kiosk with `Authorization: Bearer TOKEN`; nothing is checked or logged without one."""
    if request.endpoint in PUBLIC:
        return None
    if device.current() is None:
        return api_error("kiosk_token_invalid", 401)
    return None


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
        if len(body["token"]) > MAX_TOKEN:
            raise passes.PassError("pass_not_recognised")
        return body["token"]
    if not isinstance(body.get("image"), str):
        raise passes.PassError("pass_unreadable")
    token = images.read_qr(_image(body))
    if token is None:
        raise passes.PassError("pass_unreadable")
    return token


def _depth(value, limit: int) -> int:
    """How deeply lists and objects nest in `value`, counted without recursion and only up to `limit` + 1."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if depth > limit:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _body() -> dict:
    try:
        body = json.loads(request.get_data(cache=False) or b"null")
    except (ValueError, RecursionError):
        raise checks.CheckError("request_invalid") from None
    if not isinstance(body, dict) or _depth(body, MAX_DEPTH) > MAX_DEPTH:
        raise checks.CheckError("request_invalid")
    return body


def _run(body: dict, kiosk) -> checks.Check:
    method = body.get("method", "id_card")
    if method not in checks.METHODS:
        raise checks.CheckError("request_invalid")
    if "venue" in body and body["venue"] != kiosk.venue:
        raise checks.CheckError("venue_not_allowed")  # a kiosk checks for its own venue only
    moment = body.get("at")
    if moment is not None and not current_app.config["DEMO"]:
        raise checks.CheckError("at_not_allowed")  # production checks at the real time, always
    try:
        at = clock.parse_time(moment) if moment is not None else services.now()
    except (TypeError, ValueError, AttributeError):
        raise checks.CheckError("at_invalid") from None
    source = services.check_source("api", kiosk.name, "demo" if moment is not None else None)
    if method == "pass":
        token = _pass_token(body)
        with services.db().statements() as s:  # reads, then the one log line: each statement whole on its own
            return checks.run_pass(s, token=token, venue=kiosk.venue, at=at, keys=services.pass_keys(), source=source)
    if method == "face":
        frame = _image(body)
        with services.db().statements() as s:
            return checks.run_face(s, frame=frame, venue=kiosk.venue, at=at, recogniser=services.faces(), source=source)
    id_number = body.get("id_number")
    if not isinstance(id_number, str) or len(id_number) > MAX_ID_TEXT:
        raise identity.IdNumberError("id_invalid_length")
    # The busiest path: the kiosk's own connection (its lookup ran on it) and prepared statements only.
    link = services.request_link()
    return checks.run(link, id_text=id_number, venue=kiosk.venue, at=at, hash_key=services.hash_key(), source=source)


@bp.post("/checks")
@limits.failed_lookups
def create_check():
    lang = None
    try:
        body = _body()
        lang = body.get("lang")
        if lang is not None and lang not in LANGUAGES:
            lang = None
            raise checks.CheckError("lang_invalid")
        result = _run(body, device.current())
    except Problem as problem:
        limits.note_problem(problem)
        return api_error(problem.code, problem.status, problem.details or None, lang)
    limits.note_result(result.outcome.status)
    message_lang = current_app.config["DEFAULT_LANGUAGE"]
    return jsonify(checks.describe(result, services.texts(), lang or result.language or message_lang))


MAX_NAME = 64  # a chip holds 15 characters of name


def _card(body: dict) -> reads.Card | None:
    """The card a reader bridge read (number, name, chip photo as base64), or None for a reader's own error. A body
    is one or the other: an error together with a card's fields is not a read."""
    if "error" in body:
        if body["error"] not in reads.READER_ERRORS or {"id_number", "name", "photo"} & body.keys():
            raise checks.CheckError("request_invalid")
        return None
    number, name, photo = body.get("id_number"), body.get("name", ""), body.get("photo")
    if not isinstance(number, str) or len(number) > MAX_ID_TEXT:
        raise identity.IdNumberError("id_invalid_length")
    if not isinstance(name, str) or len(name) > MAX_NAME:
        raise checks.CheckError("request_invalid")
    if photo is not None and not isinstance(photo, str):
        raise images.ImageProblem("image_invalid")
    return reads.Card(number=number, name=name, photo=_image({"image": photo}) if photo is not None else None)


@bp.post("/reads")
@limits.failed_lookups
def create_read():
    """A card read by this kiosk's reader: checked, and shown on this kiosk's screen without a touch (or, where the
    venue wants it, the screen asks for the face first). A reader's own error is shown and spoken there too."""
    kiosk = device.current()
    try:
        body = _body()
        card = _card(body)
        with services.db().session() as s:
            received = reads.receive(
                s,
                kiosk=kiosk,
                card=card,
                error=body.get("error"),
                source=services.check_source("reader", kiosk.name),
                **services.read_keys(),
            )
            read, result = received.read, received.check
            answer = {"read": read.id, "state": read.state, **({"error": read.error} if read.error else {})}
    except Problem as problem:
        limits.note_problem(problem)
        return api_error(problem.code, problem.status, problem.details or None)
    if result is not None:
        limits.note_result(result.outcome.status)
        answer["result"] = checks.describe(
            result, services.texts(), result.language or current_app.config["DEFAULT_LANGUAGE"]
        )
    return jsonify(answer), 201


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
