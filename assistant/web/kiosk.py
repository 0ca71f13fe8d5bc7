"""The kiosk at a venue's door: choose a way in, tap or type an ID card, see the result, start again."""

from __future__ import annotations

import logging
import time
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from .. import checks, faces, identity, images, passes, seeding
from ..models import Venue
from ..problems import Problem
from ..reads import READER_ERRORS
from ..speech import SpeechUnavailable, Unspeakable
from ..staff import help_requests
from . import device, limits, outage, preferences, sayable, services, spoken

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
log = logging.getLogger(__name__)

# However the page behaves, a result is not kept for the next person longer than this.
RESULT_MAX_AGE = 600
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


def venue_or_404(slug: str) -> Venue:
    """The venue, looked up once per request (the page and its speech settings both ask)."""
    kept = g.setdefault("venues", {})
    if slug not in kept:
        kept[slug] = _venue_or_404(slug)
    return kept[slug]


def _venue_or_404(slug: str) -> Venue:
    def load():
        with services.db().session() as s:
            return s.get(Venue, slug)

    # A process that has not met this venue yet, while the database is down: its name from venues.toml.
    seeds = current_app.config["SEEDS_DIR"]
    venue = outage.remembered(("venue", slug), load, lambda: seeding.venue_from_seeds(seeds, slug))
    if venue is None:
        abort(404)
    return venue


@bp.context_processor
def _speech_globals() -> dict:
    return {
        "speech_available": services.speech().available,
        "private_listening": _private_listening(),
    }


def _private_listening(place: Venue | None = None) -> bool:
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
    clock = "demo" if current_app.config["VALIDATION_AT"] else "real"
    return checks.Source(channel="kiosk", kiosk=kiosk.name if kiosk else None, clock=clock)


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


def card_page(venue: Venue, error: str | None = None):
    cards = [{"index": i, "scenario": c.scenario} for i, c in enumerate(services.demo_cards())]
    cards = cards if current_app.config["DEMO"] else []  # the simulated reader shows no demo people in production
    message = services.texts().error(error, preferences.language()) if error else None
    page = render_template(
        "kiosk/card.html", venue=venue, cards=cards, error=message, error_code=error, reader_errors=READER_ERRORS
    )
    return page, (400 if error else 200)


@bp.get("/<venue>/pass")
def pass_screen(venue: str):
    return _pass_page(venue_or_404(venue))


def _pass_page(venue: Venue, error: Problem | None = None):
    details = error.details if error else {}
    message = services.texts().error(error.code, preferences.language(), details) if error else None
    # The address names only the code; a detail (an expired pass's date) stays in the signed session, so a request
    # cannot make the server speak a date of its choosing.
    if error and details:
        session["spoken_details"] = {"code": error.code, **{k: v.isoformat() for k, v in details.items()}}
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
    if "card" in request.form:  # the simulated reader: a card read, as a reader bridge posts one
        from .kiosk_reads import tap_demo_card

        return tap_demo_card(place, request.form.get("card", ""))
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


def show_result(place: Venue, result: checks.Check):
    """After any check: remember which result this screen shows (not the result itself) and go to it."""
    limits.note_result(result.outcome.status)
    if result.language and not session.get("lang_chosen"):
        preferences.choose_language(result.language, by_person=False)
    session["result"] = {"id": result.record_id, "venue": place.slug, "shown": int(time.time())}
    if result.help_id:  # a referral: the screen shows and speaks it when staff say they are coming
        session["help"] = {"id": result.help_id, "venue": place.slug}
    else:
        session.pop("help", None)
    return redirect(url_for("kiosk.result", venue=place.slug), code=303)


def _shown_result(place: Venue) -> dict | None:
    """The result on this kiosk's screen now, described in the screen's language; None once it has gone."""
    kept = session.get("result")
    if not kept:
        return None  # nothing to forget: the session is left as it came, so no stale cookie is sent back
    if kept.get("venue") != place.slug or time.time() - kept.get("shown", 0) > RESULT_MAX_AGE:
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
        "kiosk/result.html",
        venue=place,
        result=described,
        seconds=current_app.config["RESULT_SECONDS"],
        coming=help_state_of(place.slug) == "coming",
        watching_help=bool(session.get("help")),
    )


@bp.get("/<venue>/speech/<screen>")
def speech(venue: str, screen: str):
    """A screen's speech as audio, made from the same words the screen shows (cached; new sentences made now)."""
    place = venue_or_404(venue)
    if screen not in spoken.SCREENS:
        abort(404)
    result = _shown_result(place) if screen in ("result", "why", "reason") else None
    if screen in ("result", "why", "reason") and result is None:
        abort(404)
    index = request.args.get("n", "0")
    if screen == "reason" and not (index.isdigit() and int(index) < len(result["reasons"])):
        abort(404)
    error_text = _spoken_error(request.args)
    lang = preferences.language()
    text = spoken.script(
        screen,
        lang,
        result=result,
        error=error_text,
        private=_private_listening(place),
        demo=current_app.config["DEMO"],
        index=int(index) if screen == "reason" else 0,
        chosen=_chosen(request.args.get("chosen")) if screen == "settings" else None,
    )
    return _audio(text, lang)


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
        _private_listening(),
    )
    if text not in allowed:
        abort(404)
    return _audio(text, lang)


def _audio(text: str, lang: str):
    try:
        path = services.speech().audio(text, lang, slow=request.args.get("pace") == "slow")
    except (SpeechUnavailable, Unspeakable) as problem:
        log.warning("no speech for %s: %s", request.endpoint, type(problem).__name__)
        abort(503)
    try:
        return send_file(path, mimetype="audio/ogg" if path.suffix == ".ogg" else "audio/wav", max_age=0)
    except FileNotFoundError:  # trimmed from a full cache a moment ago: the page's "sound is not working" note
        abort(503)


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
        kept = session.get("spoken_details") or {}
        if kept.get("code") != code or "date" not in kept:
            return None
        details = {"date": date.fromisoformat(kept["date"])}
    return services.texts().error(code, preferences.language(), details)


@bp.post("/<venue>/done")
def done(venue: str):
    """Start again, or the countdown ran out: the result is forgotten either way."""
    session.pop("result", None)
    session.pop("help", None)
    preferences.forget(person_left=request.form.get("why") == "timeout")
    return redirect(url_for("kiosk.home", venue=venue), code=303)


@bp.get("/<venue>/settings")
def settings(venue: str):
    """Text size, contrast and language on one screen; "Done" goes back to the screen the person came from."""
    place = venue_or_404(venue)
    back = request.args.get("back", "")
    if not back.startswith(f"/kiosk/{place.slug}/") or "//" in back or "\\" in back:
        back = url_for("kiosk.home", venue=place.slug)
    made = [f"{key}={request.args[key]}" for key in ("size", "contrast", "touch") if key in request.args]
    chosen = made[-1] if made and made[-1] in spoken.setting_names() else None
    return render_template(
        "kiosk/settings.html",
        venue=place,
        back=back,
        names=spoken.setting_names(),
        chosen=chosen,
        chosen_sentence=spoken.chosen_sentence(chosen) if chosen else None,
    )


def help_state_of(venue: str) -> str | None:
    """The state of the help request this screen made (Call staff, or a referral), or None."""
    kept = session.get("help")
    if not kept or kept.get("venue") != venue:
        return None
    with services.db().statements() as s:
        return help_requests.state(s, kept["id"])


def busy_page(venue: str):
    """Past the kiosk's budget of lookups that found no one: the person is asked, calmly, to see staff."""
    message = services.texts().error("too_many_checks", preferences.language())
    page = render_template(
        "kiosk/busy.html",
        venue=venue_or_404(venue),
        message=message,
        code="too_many_checks",
        wait_for_registry=False,
        kiosk_screen="busy",
    )
    return page, 429
