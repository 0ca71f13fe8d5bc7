"""The web side: language, security headers, error pages and the blueprints, attached to an app."""

from __future__ import annotations

from flask import Flask

from . import (
    api,
    errors,
    kiosk,
    kiosk_face,  # noqa: F401 (its routes join the kiosk blueprint)
    pages,
    preferences,
    reviewer,
)


def setup(app: Flask) -> None:
    preferences.init_app(app)
    errors.init_app(app)
    app.after_request(_security_headers)
    app.register_blueprint(pages.bp)
    app.register_blueprint(kiosk.bp)
    app.register_blueprint(api.bp)
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


def _security_headers(response):
    present = {name.lower() for name in response.headers.keys()}  # setdefault raises a KeyError for each one
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers[name] = value
    return response
