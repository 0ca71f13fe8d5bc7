"""The web side: language, security headers, error pages and the blueprints, attached to an app."""

from __future__ import annotations

from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .. import inputs
from . import api, errors, kiosk, limits, operations, pages, preferences, reviewer, services, staff
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


def setup(app: Flask) -> None:
    app.url_map.converters["int"] = RowId  # before any blueprint's rules are made
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


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # The kiosk's own pages may use the camera (the face screen); nothing may use the microphone or location.
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    # Nothing personal may linger in the browser's cache or history.
    "Cache-Control": "no-store",
}


HSTS = "max-age=63072000; includeSubDomains"  # two years, once the deployment is behind TLS (ASSISTANT_HTTPS=1)


def _security_headers(response):
    present = {name.lower() for name in response.headers.keys()}  # setdefault raises a KeyError for each one
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers[name] = value
    if current_app.config["HTTPS"]:
        response.headers["Strict-Transport-Security"] = HSTS
    return response
