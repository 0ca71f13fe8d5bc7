"""The kiosk at a venue's door: choose a way in, tap or type an ID card, see the result, start again.

The blueprint lives here with the helpers every kiosk screen shares; each route module (screens, speech, the face
and card steps, the reader, Call staff) imports from here and never from another."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ... import checks, help_requests
from ...cards import READER_ERRORS
from ...models import Venue
from .. import device, limits, preferences, services
from ..venues import venue_or_404
from . import printer, spoken, state

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


@bp.context_processor
def _speech_globals() -> dict:
    return {
        "speech_available": services.speech().available,
        "private_listening": private_listening(),
    }


def private_listening(place: Venue | None = None) -> bool:
    """With a headset (set for the whole installation, or per venue by an admin) the reasons are spoken too."""
    if current_app.config["PRIVATE_LISTENING"]:
        return True
    if place is None:
        slug = (request.view_args or {}).get("venue")
        try:
            place = venue_or_404(slug) if slug else None
        except (HTTPException, SQLAlchemyError):
            return False
    return bool(place and place.private_listening)


@bp.before_request
def _which_kiosk():
    """A bound browser is its kiosk, at its kiosk's venue only. In demo mode an unbound page works as its venue's
    demo kiosk; in production an unbound browser sees only the set-up screen."""
    try:
        kiosk = device.current()
    except SQLAlchemyError:
        # "Please ask a staff member" is the product's own fixed words: said even while the database is down.
        if request.endpoint == "kiosk.speech" and (request.view_args or {}).get("screen") == "busy":
            return None
        raise
    venue = (request.view_args or {}).get("venue")
    if kiosk is not None:
        if venue is not None and venue != kiosk.venue:
            return redirect(url_for("kiosk.home", venue=kiosk.venue), code=303)
        return None
    if current_app.config["DEMO"]:
        return None
    return redirect(url_for("kiosk_setup.setup"), code=303)


def source() -> checks.Source:
    """What the check log records about where a kiosk check came from."""
    kiosk = g.get("kiosk")
    return services.check_source("kiosk", kiosk.name if kiosk else None)


def card_page(venue: Venue, error: str | None = None):
    cards = [{"index": i, "scenario": c.scenario} for i, c in enumerate(services.demo_cards())]
    cards = cards if current_app.config["DEMO"] else []  # the simulated reader shows no demo people in production
    message = services.texts().error(error, preferences.language()) if error else None
    page = render_template(
        "kiosk/card.html", venue=venue, cards=cards, error=message, error_code=error, reader_errors=READER_ERRORS
    )
    return page, (400 if error else 200)


def show_result(place: Venue, result: checks.Check):
    """After any check: remember which result this screen shows (not the result itself) and go to it."""
    limits.note_result(result.outcome.status)
    if result.language and not preferences.language_chosen():
        preferences.choose_language(result.language, by_person=False)
    preferences.arrive(result.settings)  # a resident's saved settings, or the standard ones after someone's
    state.show_result(result.record_id, place.slug, result.help_id)
    if result.outcome.reasons and services.speech().neural_available:
        _prepare_reasons_speech(result)
    where = printer.this_kiosk()
    if where and place.print_referrals and result.outcome.decision == "refer":  # printed unasked, as logged
        described = checks.describe(result, services.texts(), preferences.language())
        printer.print_result(place, described, where, asked=False)
    return redirect(url_for("kiosk.result", venue=place.slug), code=303)


def _prepare_reasons_speech(result: checks.Check) -> None:
    """The reasons name dates no clip has yet: the neural voice starts on them now, while the page loads and the
    decision is said, so "Hear why" is in the same voice (until then it is said in the fallback voice)."""
    lang = preferences.language()
    with force_locale(lang):
        described = checks.describe(result, services.texts(), lang)
        services.speech().prepare_soon(spoken.script("why", lang, result=described), lang)


def shown_result(place: Venue) -> dict | None:
    """The result on this kiosk's screen now, described in the screen's language; None once it has gone."""
    record_id = state.result_id(place.slug)
    if record_id is None:
        return None
    with services.db().session() as s:
        shown = checks.load(s, record_id)
    return checks.describe(shown, services.texts(), preferences.language()) if shown else None


def help_state_of(venue: str) -> str | None:
    """The state of the help request this screen made (Call staff, or a referral), or None."""
    help_id = state.help_id(venue)
    if help_id is None:
        return None
    with services.db().statements() as s:
        return help_requests.state(s, help_id)
