"""The kiosk's speech: each screen's words as audio, and the short phrases keypad mode and "Read out what I touch"
say. Only the product's own sentences are spoken, never a number a request chose. Its routes join the blueprint."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, request

from ... import faces, identity, inputs, passes
from ...cards import READER_ERRORS
from .. import audio, outage, preferences, services
from ..venues import venue_or_404
from . import bp, private_listening, sayable, shown_result, spoken, state

SPOKEN_ERRORS = (
    *identity.ERROR_CODES,
    *passes.ERROR_CODES,
    *faces.ERROR_CODES,
    *READER_ERRORS,
    "camera_refused",
    "image_invalid",
    "image_too_large",
    "too_many_checks",
    outage.CODE,
)


@bp.get("/<venue>/speech/<screen>")
def speech(venue: str, screen: str):
    """A screen's speech as audio, made from the same words the screen shows (cached; new sentences made now)."""
    place = venue_or_404(venue)
    if screen not in spoken.SCREENS:
        abort(404)
    result = shown_result(place) if screen in ("result", "why", "reason") else None
    if screen in ("result", "why", "reason") and result is None:
        abort(404)
    index = inputs.whole_number(request.args.get("n", "0"), high=len(result["reasons"]) - 1) if result else 0
    if screen == "reason" and index is None:
        abort(404)
    lang = preferences.language()
    text = spoken.script(
        screen,
        lang,
        result=result,
        error=_spoken_error(request.args),
        private=private_listening(place),
        demo=current_app.config["DEMO"],
        index=index if screen == "reason" else 0,
        chosen=_chosen(request.args.get("chosen")) if screen == "settings" else None,
        slip=request.args.get("slip") if request.args.get("slip") in spoken.SLIPS else None,
    )
    return audio.answer(text, lang)


@bp.get("/<venue>/say")
def say(venue: str):
    """A control's name or a count of typed characters, spoken (keypad mode, "Read out what I touch"): only the
    product's own phrases, never a typed number in public."""
    venue_or_404(venue)
    lang = preferences.language()
    text = request.args.get("text", "")[:200]
    demo = current_app.config["DEMO"]
    allowed = sayable.phrases(
        lang,
        len(services.demo_cards()) if demo else 0,
        len(services.demo_faces()) if demo else 0,
        private_listening(),
    )
    if text not in allowed:
        abort(404)
    return audio.answer(text, lang)


def _chosen(choice: str | None) -> str | None:
    return spoken.chosen_sentence(choice) if choice else None


def _spoken_error(args) -> str | None:
    """The error a screen shows, from its code; a detail (a pass's end date) only from the signed session, where
    the error page put it: a request can choose among the product's own sentences, never make up a new one."""
    code = args.get("error")
    if code not in SPOKEN_ERRORS:
        return None
    details = {}
    if code == "pass_expired":
        kept = state.spoken_details(code)
        if not kept or "date" not in kept:
            return None
        details = {"date": date.fromisoformat(kept["date"])}
    return services.texts().error(code, preferences.language(), details)
