"""Call staff on the kiosk: the press becomes a help request on the staff's help screen, and the screen that asked
learns when staff say "I'm coming". Its routes join the kiosk blueprint."""

from __future__ import annotations

import logging

from flask import g, jsonify, redirect, render_template, request, url_for

from ... import help_requests
from .. import services
from ..venues import venue_or_404
from . import bp, help_state_of, state

log = logging.getLogger(__name__)


# The screen Call staff was pressed on, by the page's endpoint (the form names it), for the staff's help queue.
SCREEN_OF = {
    "kiosk.home": "home",
    "kiosk.card": "card",
    "kiosk.check": "card",
    "kiosk.tap_card": "card",
    "kiosk.pass_screen": "pass",
    "kiosk.check_pass": "pass",
    "kiosk.face_screen": "face",
    "kiosk.check_face": "face",
    "kiosk.card_face_screen": "card_face",
    "kiosk.result": "result",
    "kiosk.settings": "settings",
    "kiosk.help_coming": "help",
    "busy": "busy",
}


@bp.post("/<venue>/help")
def call_staff(venue: str):
    """Call staff: a help request on the staff's help screen, naming this kiosk, the screen, and the result shown
    (its masked person and reasons) when there is one."""
    place = venue_or_404(venue)
    screen = SCREEN_OF.get(request.form.get("screen", ""))
    shown = state.result_id(place.slug, fresh_only=False) if screen == "result" else None
    kiosk = g.get("kiosk")
    with services.db().session() as s:
        help_id = help_requests.press(
            s,
            kiosk=kiosk.name if kiosk else None,
            venue=place.slug,
            screen=screen,
            check_id=shown,
        )
    state.watch_help(help_id, place.slug)
    log.info("help requested at kiosk %s (venue %s)", kiosk.name if kiosk else "-", place.slug)
    return redirect(url_for("kiosk.help_coming", venue=place.slug), code=303)


@bp.get("/<venue>/help")
def help_coming(venue: str):
    return render_template("kiosk/help.html", venue=venue_or_404(venue), coming=help_state_of(venue) == "coming")


@bp.get("/<venue>/help/state")
def help_state(venue: str):
    """Whether staff have said "I'm coming" to this screen's request (the screen asks every 2 seconds)."""
    venue_or_404(venue)
    return jsonify(state=help_state_of(venue))
