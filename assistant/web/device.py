"""Which kiosk a request comes from: a device token on every API call, a signed cookie on a bound kiosk browser,
or (in demo mode only) the venue's demo kiosk for an unbound browser. Worked out once per request."""

from __future__ import annotations

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from .. import kiosks
from . import outage, services

COOKIE = "kiosk"
COOKIE_DAYS = 3650  # bound once by staff; it lasts as long as the kiosk does (revoking it ends it at once)


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kiosk-binding")


def bearer_token(header: str | None = None) -> str | None:
    """The device token of `Authorization: Bearer TOKEN` (this request's header unless one is given), or None."""
    if header is None:
        header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def bound() -> kiosks.Identity | None:
    """The kiosk this browser was bound to on the set-up screen, while that kiosk is not revoked."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        kiosk_id = _signer().loads(value)
    except BadSignature:
        return None
    if not isinstance(kiosk_id, int):
        return None

    def load():
        with services.db().statements() as s:
            return kiosks.by_id(s, kiosk_id)

    return outage.remembered(("kiosk", kiosk_id), load)


def current() -> kiosks.Identity | None:
    """The kiosk behind this request: by token under /api/, else by binding, else (demo) the venue's demo kiosk."""
    if "kiosk" not in g:
        g.kiosk = _resolve()
    return g.kiosk


def _resolve() -> kiosks.Identity | None:
    if request.blueprint == "api":
        return kiosks.by_token(services.request_link(), bearer_token())
    kiosk = bound()
    venue = (request.view_args or {}).get("venue")
    if kiosk is None and current_app.config["DEMO"] and venue:

        def load():
            with services.db().session() as s:
                return kiosks.demo_kiosk(s, venue)

        kiosk = outage.remembered(("demo kiosk", venue), load)
    return kiosk


def bind(response, kiosk: kiosks.Identity):
    """Bind this browser to a kiosk: a signed, long-lived, HttpOnly cookie naming it."""
    response.set_cookie(
        COOKIE,
        _signer().dumps(kiosk.id),
        max_age=COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["HTTPS"],
        path="/",
    )
    return response


def limit_key() -> str:
    """Whose budget a request spends: its kiosk's (per app, so two apps in one process never share a count)."""
    kiosk = current()
    who = kiosk.name if kiosk else f"unbound:{(request.view_args or {}).get('venue', '')}"
    return budget_key(current_app.extensions["assistant"]["instance_id"], who)


def budget_key(instance_id: str, who: str) -> str:
    return f"{instance_id}:{who}"
