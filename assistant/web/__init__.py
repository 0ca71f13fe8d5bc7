"""The web side: language, security headers, error pages and the blueprints, attached to an app."""

from __future__ import annotations

from flask import Flask, current_app
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .. import inputs
from . import api, check_lane, errors, kiosk, limits, operations, pages, preferences, reviewer, services, staff
from .headers import HSTS, SECURITY_HEADERS
from .kiosk import card_face, face, help, offline, printing, reads, screens, settings, speech  # noqa: F401 (their routes join the kiosk blueprint)
from .kiosk import setup as kiosk_setup
from .staff import (  # noqa: F401 (their routes join the staff blueprint)
    admin,
    auth,
    checklog,
    resident_settings,
    residents,  # noqa: F401
)
from .staff import help as staff_help  # noqa: F401
from .staff import imports as staff_imports

csrf = CSRFProtect()


class RowId(IntegerConverter):
    """`<int:...>` in every address: ASCII digits that fit the database's integer, else the address is not found
    (Werkzeug's own matches any Unicode digit and any size, and a twenty-digit id overflows SQLite)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", inputs.LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


class VisitCookie(SecureCookieSessionInterface):
    """Flask's signed-cookie session, without its work on a request that has no session and makes none: every API
    call, and a kiosk's first page. Flask builds the signer (deriving its key) before it looks for the cookie, and
    reads six cookie settings before it sees there is nothing to save: about 70 µs a check (profiled). The answers
    are Flask's own, Vary: Cookie included."""

    def open_session(self, app, request):
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def setup(app: Flask) -> None:
    app.url_map.converters["int"] = RowId  # before any blueprint's rules are made
    app.session_interface = VisitCookie()
    # The API's plain check, answered before Flask's request machinery (check_lane.py); inside ProxyFix, if any.
    app.extensions["check_lane"] = app.wsgi_app = check_lane.CheckLane(app, app.wsgi_app)
    if app.config["PROXIES"]:
        # Behind a TLS proxy: the client's address (for limits) and https (for cookies) come from its headers.
        n = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    operations.init_app(app)
    preferences.init_app(app)
    errors.init_app(app)
    limits.init_app(app)  # before CSRF, so a flood of forged forms is limited too
    app.before_request(staff_imports.allow_large_upload)  # before CSRF reads (and so bounds) the form
    csrf.init_app(app)
    csrf.exempt(api.bp)  # the API carries a device token in a header, never a cookie, so it cannot be forged
    csrf.exempt(kiosk_setup.bind)  # checks its own token, after its limit
    app.after_request(_security_headers)
    app.teardown_appcontext(services.close_request_link)
    app.register_blueprint(pages.bp)
    app.register_blueprint(kiosk_setup.bp)
    app.register_blueprint(kiosk.bp)
    app.register_blueprint(api.bp)
    staff.init_app(app)
    if app.config["DEMO"]:
        app.register_blueprint(reviewer.demo_bp)  # /demo exists only in demo mode: production answers 404
    app.register_blueprint(reviewer.bp)


def _security_headers(response):
    present = {name.lower() for name in response.headers.keys()}  # setdefault raises a KeyError for each one
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers[name] = value
    if current_app.config["HTTPS"]:
        response.headers["Strict-Transport-Security"] = HSTS
    return response
