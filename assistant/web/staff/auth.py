"""Signing in and out. Repeated failures slow down: per account and per address, whichever runs out first."""

from __future__ import annotations

import time
from contextlib import suppress

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from limits import RateLimitItemPerMinute
from limits.strategies import MovingWindowRateLimiter

from ...staff import accounts, audit, sessions
from .. import preferences, services
from ..limits import AWAY, store
from . import StaffUser, _local, actor, bp, sign_out

WINDOW_MINUTES = 15
PER_ACCOUNT = 5  # failed sign-ins to one account in the window before it must wait
PER_ADDRESS = 20  # failed sign-ins from one address in the window, whatever the account


def _limits():
    """(limiter, per account, per address), one per app: kept with the app's limits storage."""
    kept = current_app.extensions.get("staff_sign_in")
    if kept is None:
        limiter = MovingWindowRateLimiter(store(current_app.config))
        kept = current_app.extensions["staff_sign_in"] = (
            limiter,
            RateLimitItemPerMinute(PER_ACCOUNT, WINDOW_MINUTES),
            RateLimitItemPerMinute(PER_ADDRESS, WINDOW_MINUTES),
        )
    return kept


def _keys(username: str) -> tuple[str, str]:
    instance = current_app.extensions["assistant"]["instance_id"]
    return f"{instance}:account:{username.strip().lower()[:64]}", f"{instance}:address:{request.remote_addr}"


def _page(errors: list | None = None, username: str = "", status: int = 200):
    ended = {"1": "1", "session": "session"}.get(request.args.get("ended", ""))
    page = render_template("staff/login.html", errors=errors or [], username=username, ended=ended)
    return page, status


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("staff.help"))
    return _page()


@bp.post("/login")
def sign_in():
    username = request.form.get("username", "")[:64]
    password = request.form.get("password", "")
    if not username.strip() or not password:
        errors = []
        if not username.strip():
            errors.append(("username", _("Enter your username")))
        if not password:
            errors.append(("password", _("Enter your password")))
        return _page(errors, username, 400)
    limiter, per_account, per_address = _limits()
    account_key, address_key = _keys(username)
    try:
        within = limiter.test(per_account, account_key) and limiter.test(per_address, address_key)
    except AWAY:  # no count of the failures, so no password is tried: a guesser gets nothing while it is away
        message = services.texts().error("limits_unavailable", preferences.language())
        return _page([("password", message)], username, 503)
    if not within:
        message = _(
            "Too many failed sign-ins. Wait %(minutes)s minutes and try again, or ask an administrator.",
            minutes=WINDOW_MINUTES,
        )
        return _page([("password", message)], username, 429)
    with services.db().session() as s:
        account = accounts.authenticate(s, username, password)
        if account is None:
            # Named only when such an account exists: a mistyped name (or a number typed there) is not kept.
            known = accounts.by_username(s, username)
            audit.record(s, known.username if known else "(unknown)", "login_failed")
        else:
            user_id, name = account.id, account.username
            audit.record(s, name, "login")
    if account is None:
        with suppress(*AWAY):  # gone since the test above: this one failure goes uncounted
            limiter.hit(per_account, account_key)
            limiter.hit(per_address, address_key)
        return _page(
            [("username", _("The username or password is not right. Check them and try again."))], username, 400
        )
    with suppress(*AWAY):
        limiter.clear(per_account, account_key)
    lang = session.get("lang")
    session.clear()  # a new session on sign-in: nothing from before it carries over
    if lang:
        session["lang"] = lang
    with services.db().session() as s:
        login_user(StaffUser(accounts.live(s, user_id), sessions.start(s, user_id)))
    session["staff_seen"] = int(time.time())
    return redirect(_local(request.args.get("next", "")) or url_for("staff.help"), code=303)


@bp.post("/logout")
def logout():
    with services.db().session() as s:
        audit.record(s, actor(), "logout")
    sign_out()
    return redirect(url_for("staff.login"), code=303)
