"""Limits against walking through ID numbers: per kiosk, a budget of lookups that find no one or are invalid.
Past it the kiosk gets 429 too_many_checks, the screen asks the person to see staff, and staff get an alert.

The budget is kept with `limits` (the library under Flask-Limiter) directly: it is tested before every lookup and
spent only after one that found no one, so it sits on the busiest path, where Flask-Limiter's per-request machinery
cost about an eighth of a check (profiled). Flask-Limiter keeps the set-up screen's limit per address."""

from __future__ import annotations

import logging
from functools import wraps

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError
from werkzeug.exceptions import TooManyRequests

from .. import help_requests
from ..problems import CODES, Problem
from . import device, services

log = logging.getLogger(__name__)
# What a shared limits store (Redis) raises when it cannot be reached or answer in time.
AWAY = (StorageError, RedisError, ConnectionError, TimeoutError)
# The problems that count against the budget: a number, pass or face that leads to no one.
COUNTED = frozenset(code for code, spec in CODES.items() if spec.area in ("id", "pass", "face"))


class RouteLimiter(Limiter):
    """Only limits declared on routes, checked where they are declared: there is no limit on every request, so the
    check Flask-Limiter runs before every request would find nothing, at a cost on the busiest path (profiled)."""

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if not in_middleware:
            super()._check_request_limit(callable_name=callable_name, in_middleware=False)


limiter = RouteLimiter(key_func=device.limit_key, headers_enabled=False)


def _breached() -> None:
    kiosk = device.current()
    venue = kiosk.venue if kiosk else None
    with services.db().session() as s:
        raised = help_requests.alert(s, "too_many_checks", kiosk.name if kiosk else None, venue)
    if raised:
        log.warning("too many failed lookups at kiosk %s; staff alerted", kiosk.name if kiosk else "(unbound)")


def failed_lookups(view):
    """On every route that looks a person up (kiosk card, pass and face screens, and the API): one budget a kiosk,
    shared by them all. A POST past it gets 429; a lookup that found no one (or was invalid) spends one."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        budget, window = current_app.extensions["failed_lookups"]
        key = device.limit_key()
        try:
            within = window.test(budget, key)
        except AWAY:
            return _uncounted(view, *args, **kwargs)
        if not within:
            _breached()
            raise TooManyRequests()
        try:
            return view(*args, **kwargs)
        finally:
            if g.get("failed_lookup"):
                try:
                    window.hit(budget, key)
                except AWAY:
                    log.warning("the limits store is away: a failed lookup was not counted")

    return guarded


def _uncounted(view, *args, **kwargs):
    """The shared limits store is away, so the budget cannot be read: a person who is found is checked as ever (the
    kiosk goes on working), but a lookup that finds no one is answered as past the budget (the screen asks the
    person to see staff): a guesser gains nothing while the count is blind. The check is logged either way."""
    log.warning("the limits store is away: lookups that find no one are refused until it is back")
    answer = view(*args, **kwargs)
    if g.get("failed_lookup"):
        raise TooManyRequests()
    return answer


def note_result(status: str) -> None:
    """A check found no one: it counts against the kiosk's budget."""
    if status == "unknown":
        g.failed_lookup = True


def note_problem(problem: Problem) -> None:
    """A check could not go ahead: an invalid number, pass or face counts against the kiosk's budget."""
    if problem.code in COUNTED:
        g.failed_lookup = True


def _options(uri: str) -> dict:
    """A shared store answers within half a second or counts as away: a request never waits on a stalled Redis."""
    return {} if uri.startswith("memory") else {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}


def store(config):
    """The limits store every budget is kept in: this process's memory, or Redis shared by every server."""
    return storage_from_string(config["LIMITS_STORAGE"], **_options(config["LIMITS_STORAGE"]))


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["LIMITS_STORAGE"])
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", _options(app.config["LIMITS_STORAGE"]))
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.extensions["assistant"]["instance_id"])
    limiter.init_app(app)
    budget = RateLimitItemPerMinute(app.config["FAILED_LOOKUPS_PER_MINUTE"], namespace="failed-lookups")
    app.extensions["failed_lookups"] = (
        budget,
        MovingWindowRateLimiter(store(app.config)),
    )
