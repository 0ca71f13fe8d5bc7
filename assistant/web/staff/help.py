"""The help queue: new requests appear within 2 seconds without a reload (server-sent events; a plain reload where
those do not work), "I'm coming" tells the kiosk, "Done" closes the request."""

from __future__ import annotations

import time

from flask import Response, redirect, render_template, request, session, stream_with_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ... import help_requests
from ...clock import stored_now
from ...models import Venue
from ...staff import audit
from .. import preferences, services
from . import actor, bp, idle_limit

POLL_SECONDS = 1.0  # how often the stream looks for changes: a new request reaches the page within 2 seconds
BEAT_SECONDS = 5  # a comment line this often, so a closed page frees its server thread within seconds
RESEND_SECONDS = 30  # the queue is sent again this often anyway, so "waited" times stay current
STREAM_SECONDS = 300  # then the browser reconnects by itself (EventSource does), and sign-in is checked again


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
    """The queue, as an HTML fragment, each time it changes (event "queue"); event "signed-out" when the session
    has ended. Each connection lasts a few minutes at most."""
    seen = session.get("staff_seen", 0)

    def stream():
        yield "retry: 2000\n\n"
        started = last_sent = time.monotonic()
        last_beat, shown = started, None
        while time.monotonic() - started < STREAM_SECONDS:
            if time.time() - seen > idle_limit():
                yield "event: signed-out\ndata: \n\n"
                return
            try:
                with services.db().session() as s:
                    now_shown = help_requests.fingerprint(s)
                changed = now_shown != shown or time.monotonic() - last_sent > RESEND_SECONDS
                queue = _queue() if changed else None
            except SQLAlchemyError:
                return  # the registry is away: the page reconnects by itself in 2 seconds, and again until it is back
            if changed:
                shown, last_sent = now_shown, time.monotonic()
                fragment = render_template("staff/_queue.html", minutes_waited=minutes_waited, **queue)
                yield "event: queue\n" + "".join(f"data: {line}\n" for line in fragment.splitlines()) + "\n"
            elif time.monotonic() - last_beat > BEAT_SECONDS:
                last_beat = time.monotonic()
                yield ": still here\n\n"
            time.sleep(POLL_SECONDS)

    response = Response(stream_with_context(stream()), mimetype="text/event-stream")
    response.headers["X-Accel-Buffering"] = "no"  # nginx passes each event on at once
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
