"""The kiosk at a venue's door: choose a way in, tap or type an ID card, see the result, start again."""

from __future__ import annotations

import logging
import time
from datetime import date

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, session, url_for

from .. import checks, faces, identity, images, passes
from ..models import Venue
from ..speech import SpeechUnavailable, Unspeakable
from . import preferences, services, spoken

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
log = logging.getLogger(__name__)

# However the page behaves, a result is not kept for the next person longer than this.
RESULT_MAX_AGE = 600
SPOKEN_ERRORS = (
    *identity.ERROR_CODES,
    *passes.ERROR_CODES,
    *faces.ERROR_CODES,
    "camera_refused",
    "image_invalid",
    "image_too_large",
)


def venue_or_404(slug: str) -> Venue:
    with services.db().session() as s:
        venue = s.get(Venue, slug)
    if venue is None:
        abort(404)
    return venue


@bp.context_processor
def _speech_globals() -> dict:
    return {
        "speech_available": services.speech().available,
        "private_listening": current_app.config["PRIVATE_LISTENING"],
    }


@bp.get("/")
def start():
    return redirect(url_for("kiosk.home", venue=current_app.config["KIOSK_VENUE"]))


@bp.get("/<venue>/")
def home(venue: str):
    return render_template("kiosk/home.html", venue=venue_or_404(venue))


@bp.get("/<venue>/card")
def card(venue: str):
    return _card_page(venue_or_404(venue))


def _card_page(venue: Venue, error: str | None = None):
    cards = [{"index": i, "scenario": c.scenario} for i, c in enumerate(services.demo_cards())]
    message = services.texts().error(error, preferences.language()) if error else None
    page = render_template("kiosk/card.html", venue=venue, cards=cards, error=message, error_code=error)
    return page, (400 if error else 200)


@bp.get("/<venue>/pass")
def pass_screen(venue: str):
    return _pass_page(venue_or_404(venue))


def _pass_page(venue: Venue, error: Exception | None = None):
    details = getattr(error, "details", None) or {}
    message = services.texts().error(error.code, preferences.language(), details) if error else None
    query = {"error": error.code, **{k: v.isoformat() for k, v in details.items()}} if error else {}
    page = render_template("kiosk/pass.html", venue=venue, error=message, speech_query=query)
    return page, (400 if error else 200)


@bp.post("/<venue>/pass")
def check_pass(venue: str):
    """A scanner typed the token (and Enter), or the camera (here: an uploaded picture) saw the card."""
    place = venue_or_404(venue)
    upload = request.files.get("picture")
    try:
        if upload and upload.filename:
            token = images.read_qr(upload.stream.read(images.MAX_BYTES + 1))
            if token is None:
                raise passes.PassError("pass_unreadable")
        else:
            token = request.form.get("token", "")[:512]
        with services.db().session() as s:
            result = checks.run_pass(s, token=token, venue=place.slug, at=services.now(), keys=services.pass_keys())
    except (passes.PassError, images.ImageProblem, checks.CheckError) as error:
        return _pass_page(place, error)
    return show_result(place, result)


@bp.get("/<venue>/check")
def check_again(venue: str):
    # The form posts here; a reload or a language switch lands back on the card screen.
    return redirect(url_for("kiosk.card", venue=venue))


@bp.post("/<venue>/check")
def check(venue: str):
    place = venue_or_404(venue)
    id_text = _number_from_form()
    if id_text is None:
        return _card_page(place, "id_invalid_length")
    try:
        with services.db().session() as s:
            result = checks.run(s, id_text=id_text, venue=place.slug, at=services.now(), hash_key=services.hash_key())
    except identity.IdNumberError as error:
        # The typed number is not shown again: it is cleared, so nobody behind can read it.
        return _card_page(place, error.code)
    return show_result(place, result)


def show_result(place: Venue, result: checks.Check):
    """After any check: remember which result this screen shows (not the result itself) and go to it."""
    if result.language and not session.get("lang_chosen"):
        preferences.choose_language(result.language, by_person=False)
    session["result"] = {"id": result.record_id, "venue": place.slug, "shown": int(time.time())}
    return redirect(url_for("kiosk.result", venue=place.slug), code=303)


def _number_from_form() -> str | None:
    """The number from a demo card on the simulated reader (by position) or from the keypad."""
    if "card" in request.form:
        cards = services.demo_cards()
        index = request.form.get("card", "")
        return cards[int(index)].number if index.isdigit() and int(index) < len(cards) else None
    return request.form.get("id_number", "")[:64]


def _shown_result(place: Venue) -> dict | None:
    """The result on this kiosk's screen now, described in the screen's language; None once it has gone."""
    kept = session.get("result")
    if not kept or kept.get("venue") != place.slug or time.time() - kept.get("shown", 0) > RESULT_MAX_AGE:
        session.pop("result", None)
        return None
    with services.db().session() as s:
        shown = checks.load(s, kept["id"])
    return checks.describe(shown, services.texts(), preferences.language()) if shown else None


@bp.get("/<venue>/result")
def result(venue: str):
    place = venue_or_404(venue)
    described = _shown_result(place)
    if described is None:
        return redirect(url_for("kiosk.home", venue=place.slug))
    return render_template(
        "kiosk/result.html", venue=place, result=described, seconds=current_app.config["RESULT_SECONDS"]
    )


@bp.get("/<venue>/speech/<screen>")
def speech(venue: str, screen: str):
    """A screen's speech as audio, made from the same words the screen shows (cached; new sentences made now)."""
    place = venue_or_404(venue)
    if screen not in spoken.SCREENS:
        abort(404)
    result = _shown_result(place) if screen in ("result", "why") else None
    if screen in ("result", "why") and result is None:
        abort(404)
    error_text = _spoken_error(request.args)
    lang = preferences.language()
    text = spoken.script(screen, lang, result=result, error=error_text, private=current_app.config["PRIVATE_LISTENING"])
    try:
        path = services.speech().audio(text, lang, slow=request.args.get("pace") == "slow")
    except (SpeechUnavailable, Unspeakable) as problem:
        log.warning("no speech for the %s screen: %s", screen, type(problem).__name__)
        abort(503)
    return send_file(path, mimetype="audio/ogg" if path.suffix == ".ogg" else "audio/wav", max_age=0)


def _spoken_error(args) -> str | None:
    """The error a screen shows, from its code (and a pass's end date): nothing personal travels in the address."""
    code = args.get("error")
    if code not in SPOKEN_ERRORS:
        return None
    try:
        details = {"date": date.fromisoformat(args["date"])} if code == "pass_expired" else {}
    except (KeyError, ValueError):
        return None
    return services.texts().error(code, preferences.language(), details)


@bp.post("/<venue>/done")
def done(venue: str):
    """Start again, or the countdown ran out: the result is forgotten either way."""
    session.pop("result", None)
    preferences.forget(person_left=request.form.get("why") == "timeout")
    return redirect(url_for("kiosk.home", venue=venue), code=303)


@bp.get("/<venue>/settings")
def settings(venue: str):
    """Text size, contrast and language on one screen; "Done" goes back to the screen the person came from."""
    place = venue_or_404(venue)
    back = request.args.get("back", "")
    if not back.startswith(f"/kiosk/{place.slug}/") or "//" in back or "\\" in back:
        back = url_for("kiosk.home", venue=place.slug)
    return render_template("kiosk/settings.html", venue=place, back=back)


@bp.post("/<venue>/help")
def call_staff(venue: str):
    place = venue_or_404(venue)
    log.info("help requested at kiosk for venue %s", place.slug)
    return redirect(url_for("kiosk.help_coming", venue=place.slug), code=303)


@bp.get("/<venue>/help")
def help_coming(venue: str):
    return render_template("kiosk/help.html", venue=venue_or_404(venue))
