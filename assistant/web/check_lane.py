"""The API's busiest call, `POST /api/v1/checks` with an ID number, answered in front of Flask.

Profiled at saturation (bench/load.py), a check spent about half of its time in Flask's request machinery: the
request, session and response objects, a dozen hooks, and context-local lookups (about 55 a check). This lane answers
the plain case (a live kiosk's token, a valid number, the kiosk within its budget of failed lookups) with what the
Flask view uses: the same statements, the same limit, the same check-log line, metrics and access-log line, and the
same bytes (tests/web/test_check_lane.py compares the two). Anything else goes on to Flask as it came, its body put
back: every error answer is Flask's own. A check that has begun is never handed on, since that could log it twice;
an error from there is answered by Flask's error handlers, in a request context made for it.
"""

from __future__ import annotations

import io
import json
import logging
import time

from flask import Flask, g

from .. import checks, clock, identity, kiosks
from ..problems import Problem
from ..texts import LANGUAGES
from . import api, device, limits, operations
from .headers import HSTS, SECURITY_HEADERS

PATH = "/api/v1/checks"
ROUTE = PATH  # as the access log and the metrics name the Flask route
MAX_BODY = 1024  # an ID-number check is about 60 bytes; a larger body is Flask's to read and judge
FIELDS = frozenset({"method", "id_number", "venue", "lang"})  # what a plain check may carry
log = logging.getLogger(__name__)


class CheckLane:
    """WSGI middleware: the plain ID-number check, else the Flask app (`flask_app`, the app's own wsgi_app)."""

    def __init__(self, app: Flask, flask_app) -> None:
        self.app = app
        self.flask_app = flask_app
        self.open = not app.debug  # Flask indents JSON in debug mode; the lane answers only as production does
        self.services = app.extensions["assistant"]
        self.headers = list(SECURITY_HEADERS.items())
        if app.config["HTTPS"]:
            self.headers.append(("Strict-Transport-Security", HSTS))
        # Flask-Login looks in the session for a remember-me flag after every request, so Flask says every answer
        # varies with the cookie; the lane's answers say the same.
        self.headers.append(("Vary", "Cookie"))

    def __call__(self, environ, start_response):
        if not self.open or not self._plain_request(environ):
            return self.flask_app(environ, start_response)
        started = time.perf_counter()
        body = _read(environ)
        environ["wsgi.input"] = io.BytesIO(body)  # for Flask, if it is handed on
        plain = _plain_body(body)
        if plain is None:
            return self.flask_app(environ, start_response)
        if not _token(environ):
            return self.flask_app(environ, start_response)
        try:
            link = self.services["db"].link()
        except Exception:  # no connection to be had: Flask tries again, and answers as it always does
            return self.flask_app(environ, start_response)
        try:
            answer = self._check(environ, link, *plain)
        except _Begun as begun:
            status, headers, content = self._through_flask(environ, body, begun.kiosk, begun.error, started)
            start_response(status, headers)
            return [content]
        except Exception:  # anything unforeseen before the check began: nothing is written, so the view answers
            log.exception("the check lane handed on after an unexpected error")
            answer = None
        finally:
            link.close()
        if answer is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.flask_app(environ, start_response)
        status, headers, content, kiosk = answer
        seconds = time.perf_counter() - started
        operations.record_answer(kiosk, ROUTE, "POST", int(status.split(" ", 1)[0]), seconds)
        start_response(status, headers)
        return [content]

    @staticmethod
    def _plain_request(environ) -> bool:
        """A POST to the path, with no query or cookie (either of which a Flask hook reads), and a small body."""
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != PATH:
            return False
        if environ.get("QUERY_STRING") or environ.get("HTTP_COOKIE") or environ.get("HTTP_TRANSFER_ENCODING"):
            return False
        length = environ.get("CONTENT_LENGTH", "")
        return length.isdigit() and 0 < int(length) <= MAX_BODY

    def _check(self, environ, link, id_text: str, venue: str | None, lang: str | None):
        """The check, or None to hand the request on (nothing has been written then)."""
        config = self.app.config
        at = clock.now(config["VALIDATION_AT"])
        try:
            number = identity.parse(id_text, today=at.date())
        except identity.IdNumberError:
            return None  # the view answers it (after the kiosk's token) and counts it against the budget
        id_hash = identity.keyed_hash(number.number, config["ID_HASH_KEY"].encode())
        try:  # one read: the kiosk, and the person with it
            kiosk, found = kiosks.by_token_with_resident(link, _token(environ), id_hash)
        except Exception:  # the registry away, say: Flask looks again and answers as it always does
            return None
        if kiosk is None or (venue is not None and venue != kiosk.venue):
            return None
        budget, window = self.app.extensions["failed_lookups"]
        key = device.budget_key(self.services["instance_id"], kiosk.name)  # the one limits.failed_lookups spends
        try:
            if not window.test(budget, key):
                return None  # past the budget: Flask answers 429 and alerts staff
        except limits.AWAY:
            return None
        source = checks.Source(channel="api", kiosk=kiosk.name, clock=clock.label(config["VALIDATION_AT"], None))
        try:
            result = checks.run_card(
                link, id_hash=id_hash, masked_id=number.masked, venue=kiosk.venue, at=at, source=source, resident=found
            )
        except Problem:
            return None  # an unknown venue: found before anything is written
        except Exception as error:
            raise _Begun(kiosk, error) from error
        try:  # logged now: whatever fails from here is answered, never handed on
            if result.outcome.status == "unknown":
                try:
                    window.hit(budget, key)
                except limits.AWAY:
                    limits.log.warning("the limits store is away: a failed lookup was not counted")
            lang = lang or result.language or config["DEFAULT_LANGUAGE"]
            described = checks.describe(result, self.services["texts"], lang)
            content = (self.app.json.dumps(described, separators=(",", ":")) + "\n").encode()
        except Exception as error:
            raise _Begun(kiosk, error) from error
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(content))), *self.headers]
        return "200 OK", headers, content, kiosk

    def _through_flask(self, environ, body: bytes, kiosk, error: Exception, started: float):
        """A check that failed once begun: answered by the app's error handlers and after-request hooks (the access
        log and metrics among them) as the view's own failure is in Flask.full_dispatch_request, without running
        the check again."""
        environ["wsgi.input"] = io.BytesIO(body)
        with self.app.request_context(environ):
            g.kiosk, g.started = kiosk, started
            try:
                response = self.app.finalize_request(self.app.handle_user_exception(error))
            except Exception as again:  # as Flask.wsgi_app: its last resort, the app's own 500 page
                response = self.app.handle_exception(again)
            return response.status, list(response.headers.items()), response.get_data()


class _Begun(Exception):
    def __init__(self, kiosk, error: Exception) -> None:
        self.kiosk, self.error = kiosk, error


def _token(environ) -> str | None:
    return device.bearer_token(environ.get("HTTP_AUTHORIZATION", ""))


def _read(environ) -> bytes:
    length = int(environ["CONTENT_LENGTH"])
    stream = environ["wsgi.input"]
    parts, left = [], length
    while left > 0:
        part = stream.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _plain_body(body: bytes) -> tuple[str, str | None, str | None] | None:
    """(id_number, venue, lang) of a plain ID-number check, else None: anything the view would judge otherwise
    (another method, a moment, a nested value, an unknown language, a wrong type) is the view's to answer."""
    try:
        fields = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(fields, dict) or not fields.keys() <= FIELDS or fields.get("method", "id_card") != "id_card":
        return None
    number, venue, lang = fields.get("id_number"), fields.get("venue"), fields.get("lang")
    if not isinstance(number, str) or len(number) > api.MAX_ID_TEXT:
        return None
    if venue is not None and not isinstance(venue, str):
        return None
    if lang is not None and lang not in LANGUAGES:
        return None
    if "venue" in fields and venue is None:
        return None  # {"venue": null} is not the kiosk's venue: the view refuses it
    return number, venue, lang
