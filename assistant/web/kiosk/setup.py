"""The kiosk set-up screen: staff bind a kiosk's browser to its registered kiosk once, by typing its device token.
In production an unbound kiosk browser sees only this screen."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from ... import kiosks
from .. import device, preferences, services
from ..limits import AWAY, limiter

bp = Blueprint("kiosk_setup", __name__, url_prefix="/kiosk/setup")
TOKEN_FIELD = "token"


def _page(error: str | None = None, status: int = 200):
    message = services.texts().error(error, preferences.language()) if error else None
    return render_template("kiosk/setup.html", bound=device.bound(), error=error, message=message), status


def _limits_away(_error):
    """The shared limits store is away: without its count no token is tried (a guesser could try without end)."""
    return _page("limits_unavailable", 503)


for _away in AWAY:
    bp.register_error_handler(_away, _limits_away)


@bp.get("")
def setup():
    return _page()


# A token has 256 random bits; the limit keeps a stranger at the screen from even trying many.
@bp.post("")
@limiter.limit("10/minute", key_func=get_remote_address)
def bind():
    # Its CSRF token is checked here, after the limit, so that forged posts spend the budget too.
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as error:
            raise CSRFError(str(error)) from None
    with services.db().session() as s:
        kiosk = kiosks.by_token(s, request.form.get(TOKEN_FIELD, "").strip())
    if kiosk is None:
        return _page("kiosk_token_invalid", 400)
    response = redirect(url_for("kiosk.home", venue=kiosk.venue), code=303)
    return device.bind(response, kiosk)
