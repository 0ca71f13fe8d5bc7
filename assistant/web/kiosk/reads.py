"""The card reader at the kiosk: a read posted by the kiosk's reader bridge moves this kiosk's screen by itself
(server-sent events), and the simulated reader's demo cards go the same way. Its routes join the kiosk blueprint."""

from __future__ import annotations

from flask import Response, current_app, g, redirect, request, url_for
from sqlalchemy.exc import SQLAlchemyError

from ... import checks, inputs
from ...cards import Card, face_step, reads
from ...models import Venue
from ...problems import Problem
from .. import limits, services
from ..venues import venue_or_404
from . import bp, card_page, show_result, source, state

# Each connection looks once and ends; the browser's EventSource comes back after RETRY_MS by itself. A stream held
# open would hold a server thread for every kiosk screen (four open screens stopped a four-thread worker outright).
RETRY_MS = 700  # so a card reaches its screen within about a second
# The screens a person can tap a card on; the others (settings, the face step) are not interrupted by a card.
LISTENING = (
    "kiosk.home",
    "kiosk.card",
    "kiosk.check",
    "kiosk.tap_card",
    "kiosk.pass_screen",
    "kiosk.check_pass",
    "kiosk.result",
)


@bp.context_processor
def _reads_stream() -> dict:
    kiosk = g.get("kiosk")
    venue = (request.view_args or {}).get("venue")
    if kiosk is None or request.endpoint not in LISTENING or venue != kiosk.venue:
        return {"reads_url": None}
    return {"reads_url": url_for("kiosk.read_events", venue=venue)}


@bp.get("/<venue>/reads/events")
def read_events(venue: str):
    """Server-sent events: event "read" with the address that shows it, once this kiosk's reader has read a card.
    Each connection answers at once and ends; EventSource reconnects after the `retry` it is given."""
    venue_or_404(venue)
    kiosk = g.get("kiosk")
    if kiosk is None:
        return Response(status=204)  # EventSource does not reconnect after a 204
    try:
        with services.db().statements() as s:
            read = reads.waiting(s, kiosk.name)
    except SQLAlchemyError:
        read = None  # the registry is away: the screen asks again, as ever, until it is back
    body = f"retry: {RETRY_MS}\n\n"
    if read is not None:
        body += f"event: read\ndata: {url_for('kiosk.show_read', venue=kiosk.venue, read_id=read.id)}\n\n"
    response = Response(body, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<venue>/reads/<int:read_id>")
def show_read(venue: str, read_id: int):
    """This kiosk's screen takes a read (once): its result, its problem, or the face step."""
    place = venue_or_404(venue)
    kiosk = g.get("kiosk")
    with services.db().session() as s:
        read = reads.take(s, read_id, kiosk.name) if kiosk else None
        if read is None:  # not this kiosk's, gone, or shown already (a reload)
            return redirect(url_for("kiosk.card", venue=place.slug), code=303)
        s.expunge(read)
        result = checks.load(s, read.check_id) if read.state == "result" else None
    return _show(place, read, result)


def _show(place: Venue, read, result):
    if read.state == "error":
        state.end_card_face()
        return card_page(place, read.error)
    if read.state == "face":
        state.keep_card_face(face_step.Attempt(read=read.id, venue=place.slug).to_session())
        return redirect(url_for("kiosk.card_face_screen", venue=place.slug), code=303)
    return show_result(place, result)


@bp.post("/<venue>/card")
@limits.failed_lookups
def tap_card(venue: str):
    """The simulated reader on the kiosk screen: a demo card read as a reader bridge would post it, then shown on
    this screen at once. Outside demo mode there are no demo cards: the screen says the card could not be used."""
    place = venue_or_404(venue)
    cards = services.demo_cards() if current_app.config["DEMO"] else []
    index = inputs.whole_number(request.form.get("card"), high=len(cards) - 1)
    kiosk = g.get("kiosk")
    if index is None or kiosk is None:
        return card_page(place, "id_invalid_length")
    demo = cards[index]
    card = Card(number=demo.number, name=demo.name, photo=demo.chip.read_bytes() if demo.chip else None)
    try:
        with services.db().session() as s:
            received = reads.receive(
                s, kiosk=kiosk, card=card, error=None, source=source(), shown_here=True, **services.read_keys()
            )
            s.expunge(received.read)
    except Problem as error:
        limits.note_problem(error)
        return card_page(place, error.code)
    return _show(place, received.read, received.check)
