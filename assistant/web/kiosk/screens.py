"""The kiosk's screens: the start, the card (typed number or the simulated reader), the printed pass, the result,
and starting again (the settings are in settings.py). Its routes join the kiosk blueprint."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from ... import checks, images, passes
from ...models import Venue
from ...problems import Problem
from .. import device, limits, preferences, services
from ..venues import venue_or_404
from . import bp, card_page, help_state_of, printer, show_result, shown_result, source, state


@bp.get("/")
def start():
    kiosk = device.current()
    return redirect(url_for("kiosk.home", venue=kiosk.venue if kiosk else current_app.config["KIOSK_VENUE"]))


@bp.get("/<venue>/")
def home(venue: str):
    return render_template("kiosk/home.html", venue=venue_or_404(venue))


@bp.get("/<venue>/card")
def card(venue: str):
    return card_page(venue_or_404(venue))


@bp.get("/<venue>/pass")
def pass_screen(venue: str):
    return _pass_page(venue_or_404(venue))


def _pass_page(venue: Venue, error: Problem | None = None):
    details = error.details if error else {}
    message = services.texts().error(error.code, preferences.language(), details) if error else None
    # The address names only the code; a detail (an expired pass's date) stays in the signed session, so a request
    # cannot make the server speak a date of its choosing.
    if error and details:
        state.keep_spoken_details(error.code, details)
    page = render_template(
        "kiosk/pass.html", venue=venue, error=message, speech_query={"error": error.code} if error else {}
    )
    return page, (400 if error else 200)


@bp.post("/<venue>/pass")
@limits.failed_lookups
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
            result = checks.run_pass(
                s, token=token, venue=place.slug, at=services.now(), keys=services.pass_keys(), source=source()
            )
    except Problem as error:
        limits.note_problem(error)
        return _pass_page(place, error)
    return show_result(place, result)


@bp.get("/<venue>/check")
def check_again(venue: str):
    # The form posts here; a reload or a language switch lands back on the card screen.
    return redirect(url_for("kiosk.card", venue=venue))


@bp.post("/<venue>/check")
@limits.failed_lookups
def check(venue: str):
    place = venue_or_404(venue)
    id_text = request.form.get("id_number", "")[:64]
    try:
        with services.db().session() as s:
            result = checks.run(
                s, id_text=id_text, venue=place.slug, at=services.now(), hash_key=services.hash_key(), source=source()
            )
    except Problem as error:
        limits.note_problem(error)
        # The typed number is not shown again: it is cleared, so nobody behind can read it.
        return card_page(place, error.code)
    return show_result(place, result)


@bp.get("/<venue>/result")
def result(venue: str):
    place = venue_or_404(venue)
    described = shown_result(place)
    if described is None:
        return redirect(url_for("kiosk.home", venue=place.slug))
    where = printer.this_kiosk()
    printed, asked = state.print_outcome(described["check_id"])
    return render_template(
        "kiosk/result.html",
        venue=place,
        result=described,
        seconds=current_app.config["RESULT_SECONDS"],
        coming=help_state_of(place.slug) == "coming",
        watching_help=state.watching_help(),
        can_print=bool(where) and printer.printable(described),
        printed=printed,
        printed_asked=asked,
    )


@bp.post("/<venue>/done")
def done(venue: str):
    """Start again, or the countdown ran out: the result is forgotten either way."""
    state.forget()
    preferences.forget(person_left=request.form.get("why") == "timeout")
    return redirect(url_for("kiosk.home", venue=venue), code=303)
