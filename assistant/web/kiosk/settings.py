"""The kiosk's settings screen: text size, contrast, speech pace, volume and "read out what I touch" for this
visit; after a check, "Remember these for my card" keeps them with the resident (with their consent, one tap) and
"Forget my saved settings" removes them; on a result that arrived in saved settings, "Use standard settings". Its
routes join the kiosk blueprint."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from ... import residents
from ...models import CheckRecord, Venue
from ...residents import settings as saved
from .. import preferences, services
from ..venues import venue_or_404
from . import bp, spoken, state

ASKED = ("size", "contrast", "pace", "volume", "touch", "kept")


def _back(place: Venue, back: str) -> str:
    """Where Done goes: a screen of this venue's kiosk, never anywhere else."""
    if not back.startswith(f"/kiosk/{place.slug}/") or "//" in back or "\\" in back:
        return url_for("kiosk.home", venue=place.slug)
    return back


def _resident_shown(session, place: Venue):
    """The resident whose result this screen shows now (a fresh one), or None."""
    record_id = state.result_id(place.slug)
    record = session.get(CheckRecord, record_id) if record_id is not None else None
    return residents.by_hash(session, record.id_hash) if record is not None and record.masked_name else None


@bp.get("/<venue>/settings")
def settings(venue: str):
    """Every setting on one screen; "Done" goes back to the screen the person came from."""
    place = venue_or_404(venue)
    back = _back(place, request.args.get("back", ""))
    made = [f"{key}={request.args[key]}" for key in ASKED if key in request.args]
    chosen = made[-1] if made and (made[-1] in spoken.setting_names() or made[-1] in spoken.KEPT) else None
    with services.db().session() as s:
        person = _resident_shown(s, place)
        kept = person.settings if person else None
    return render_template(
        "kiosk/settings.html",
        venue=place,
        back=back,
        names=spoken.setting_names(),
        chosen=chosen,
        chosen_sentence=spoken.chosen_sentence(chosen) if chosen else None,
        can_keep=person is not None,
        kept=kept,
    )


def _keep(venue: str, keep: bool):
    place = venue_or_404(venue)
    back = _back(place, request.form.get("back", ""))
    with services.db().session() as s:
        person = _resident_shown(s, place)
        if person is None:  # the result has gone (or never named anyone): nothing to keep them with
            return redirect(url_for("kiosk.settings", venue=place.slug, back=back), code=303)
        # The volume as the speech buttons left it (speech.js fills it in); without script, as the session has it.
        values = preferences.current() | ({"volume": request.form["volume"]} if request.form.get("volume") else {})
        values = values if keep else {}
        kiosk = g.get("kiosk")
        saved.keep(s, person, saved.chosen(values), f"kiosk {kiosk.name}" if kiosk else "kiosk")
    preferences.kept(saved.encode(values) if keep else None)
    return redirect(url_for("kiosk.settings", venue=place.slug, back=back, kept="yes" if keep else "no"), code=303)


@bp.post("/<venue>/settings/keep")
def keep_settings(venue: str):
    """Remember these for my card: this visit's settings, kept with the resident whose result is on the screen."""
    return _keep(venue, True)


@bp.post("/<venue>/settings/forget")
def forget_settings(venue: str):
    """Forget my saved settings: the kiosks go back to the standard ones for this card (this visit stays as it is)."""
    return _keep(venue, False)


@bp.post("/<venue>/settings/standard")
def standard_settings(venue: str):
    """Use standard settings: the saved ones are put aside for this visit (they stay kept for the card)."""
    place = venue_or_404(venue)
    preferences.use_standard()
    return redirect(_back(place, request.form.get("back", "")), code=303)
