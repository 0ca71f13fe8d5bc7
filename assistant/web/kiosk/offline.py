"""The kiosk without its server: the service worker every kiosk screen registers (static/kiosk-sw.js, scope
/kiosk/<venue>/), and what it keeps: the offline screen in both languages and its two spoken sentences. Nothing here is
personal, and the routes are the kiosk's own (a browser not bound to a kiosk gets the set-up screen, as everywhere
under /kiosk/ in production). Its routes join the kiosk blueprint."""

from __future__ import annotations

from flask import abort, current_app, g, render_template, send_from_directory
from flask_babel import force_locale

from ...texts import LANGUAGES
from .. import audio
from ..venues import venue_or_404
from . import bp, spoken


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "kiosk-sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # a new version reaches every kiosk at its next screen
    response.headers["Service-Worker-Allowed"] = "/kiosk/"
    return response


def _language(lang: str) -> str:
    if lang not in LANGUAGES:
        abort(404)
    g.shown_lang = lang  # in its own language, whatever this browser's session says (its cookie is not changed)
    return lang


@bp.get("/<venue>/offline/<language>")  # not "lang": that is every page's own query for a language choice
def offline_screen(venue: str, language: str):
    """ "This kiosk cannot reach the service. Please ask a staff member.", in the kiosk's look, said once; Call staff
    says what to do instead. Back to the start screen by itself once the server answers (static/kiosk-offline.js)."""
    place = venue_or_404(venue)
    with force_locale(_language(language)):
        return render_template("kiosk/offline.html", venue=place)


@bp.get("/<venue>/offline/<language>/<part>.audio")
def offline_speech(venue: str, language: str, part: str):
    venue_or_404(venue)
    if part not in ("said", "call"):
        abort(404)
    lang = _language(language)
    return audio.answer(spoken.script("offline" if part == "said" else "offline_call", lang), lang)
