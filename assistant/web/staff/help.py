"""The help queue: new requests appear within 2 seconds without a reload (server-sent events; a plain reload where
those do not work), "I'm coming" tells the kiosk, "Done" closes the request."""

from __future__ import annotations

import hashlib
import time

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ... import help_requests
from ...clock import stored_now
from ...models import Venue
from ...staff import audit
from .. import preferences, services
from . import actor, bp

RETRY_MS = 1000  # how soon the page's stream asks again: a new request reaches the page within about a second


def _queue() -> dict:
    with services.db().session() as s:
        waiting = help_requests.open_requests(s)
        done = help_requests.recently_done(s)
        venues = {v.slug: v.name(preferences.language()) for v in s.scalars(select(Venue))}
        s.expunge_all()
    now = stored_now()
    return {
        "requests": waiting,
        "done": done,
        "now": now,
        "venues": venues,
        "texts": services.texts(),
        "screen_names": screen_names(),
    }


def screen_names() -> dict[str, str]:
    """The kiosk screens as staff know them: "Pressed Call staff on the ID card screen"."""
    return {
        "home": _("start"),
        "card": _("ID card"),
        "pass": _("pass"),
        "face": _("face"),
        "card_face": _("card and face"),
        "result": _("result"),
        "settings": _("text size"),
        "busy": _("ask staff"),
        "help": _("staff coming"),
    }


def minutes_waited(request_, now) -> int:
    return int(help_requests.waited(request_, now).total_seconds() // 60)


@bp.get("/")
def home():
    return redirect(url_for("staff.help"))


@bp.get("/help")
def help():
    return render_template("staff/help.html", minutes_waited=minutes_waited, **_queue())


@bp.get("/help/events")
def help_events():
    """Server-sent events: the queue as an HTML fragment (event "queue") when it differs from what the page shows.
    Each connection answers at once and ends, and EventSource comes back after `retry` by itself, sending the id of
    the last queue it got (Last-Event-ID): so an open staff page holds no server thread while nothing happens, and
    its session is checked again on every return (a session that ended gets event "signed-out")."""
    body = f"retry: {RETRY_MS}\n\n"
    try:
        with services.db().statements() as s:
            changes = help_requests.fingerprint(s)
        # The minute is part of the id, so the "waited" times are sent again each minute.
        shown = hashlib.sha256(repr((changes, int(time.time() // 60))).encode()).hexdigest()[:16]
        if request.headers.get("Last-Event-ID") != shown:
            fragment = render_template("staff/_queue.html", minutes_waited=minutes_waited, **_queue())
            lines = "".join(f"data: {line}\n" for line in fragment.splitlines())
            body += f"id: {shown}\nevent: queue\n{lines}\n"
    except SQLAlchemyError:
        pass  # the registry is away: the page asks again, as ever, until it is back
    response = Response(body, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/help/<int:request_id>/coming")
def help_coming(request_id: int):
    return _move(request_id, help_requests.coming, "help_coming")


@bp.post("/help/<int:request_id>/done")
def help_done(request_id: int):
    return _move(request_id, help_requests.done, "help_done")


def _move(request_id: int, step, action: str):
    try:
        with services.db().session() as s:
            moved = step(s, request_id, actor())
            audit.record(s, actor(), action, moved.masked_id, f"request {request_id} at {moved.kiosk or '-'}")
    except help_requests.HelpError:
        pass  # gone already (another member of staff, or the log's retention): the queue shows what is left
    return redirect(url_for("staff.help") + ("#queue" if request.form.get("from") == "queue" else ""), code=303)
