"""The face step after a card read, where the venue wants it: "Now please look at the camera", a turn of the head
each way, and the live face compared with the card's own chip photo. Never a dead end: a decline, no match after two
tries, or a challenge not done calls staff, and the screen says so kindly. Its routes join the kiosk blueprint."""

from __future__ import annotations

from functools import lru_cache, wraps
from pathlib import Path

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for

from ... import checks, identity, images
from ...cards import face_step, reads
from ...faces import dlib_available
from ...models import Venue
from .. import services
from ..venues import venue_or_404
from . import bp, show_result, source, state

DEMO_SEQUENCES = ("own", "other", "photo")  # the simulated camera: the card holder, someone else, a printed photo


def _attempt(place: Venue) -> face_step.Attempt | None:
    attempt = face_step.Attempt.from_session(state.card_face())
    return attempt if attempt and attempt.venue == place.slug else None


def _gone(place: Venue):
    """The page's camera script asked for an attempt that has ended (another tab, the screen cleared): go home."""
    return jsonify(go=url_for("kiosk.home", venue=place.slug))


def _home(place: Venue):
    return redirect(url_for("kiosk.home", venue=place.slug), code=303)


def _with_attempt(when_gone):
    """The view runs with its venue and this screen's face-step attempt there; with no attempt (it ended in
    another tab, the screen cleared, or there never was one) the answer is `when_gone(venue)`."""

    def wrap(view):
        @wraps(view)
        def with_attempt(venue: str):
            place = venue_or_404(venue)
            attempt = _attempt(place)
            return when_gone(place) if attempt is None else view(place, attempt)

        return with_attempt

    return wrap


def _keep(attempt: face_step.Attempt) -> None:
    state.keep_card_face(attempt.to_session())


def landmarks():
    """The 68-point face landmarks, where dlib is installed (make run installs it); None elsewhere."""
    if not dlib_available():
        return None
    from ...faces.liveness import Landmarks

    return Landmarks.shared()


def _judges(attempt: face_step.Attempt) -> dict:
    with services.db().statements() as s:
        chip = reads.chip_face_of(s, attempt.read, services.chip_key())
    return {
        "chip": chip,
        "matcher": services.faces().matcher,
        "landmarks": landmarks(),
        "threshold": current_app.config["CARD_FACE_THRESHOLD"],
    }


def _finish(place: Venue, attempt: face_step.Attempt, held: str | None):
    """The face step is over: log the check (matched, or held for staff) and go to the result."""
    state.end_card_face()
    with services.db().session() as s:
        named = reads.finish(s, attempt.read)
        if named is None:  # finished already (another tab, a double press)
            return _home(place)
        result = checks.run_card_face(
            s, id_hash=named[0], masked_id=named[1], venue=place.slug, at=services.now(), source=source(), held=held
        )
    return show_result(place, result)


def _settle(place: Venue, attempt: face_step.Attempt, held: str | None):
    """A try has ended: the result when it held nothing back; else a second try (None: the page goes on), or
    staff once both tries are used."""
    if held is None:
        return _finish(place, attempt, None)
    if attempt.again():
        _keep(attempt)
        return None
    return _finish(place, attempt, held)


def _not_done(attempt: face_step.Attempt) -> str:
    """Why a try that ran out of time did not finish: no face ever looked, or the head did not turn."""
    return "liveness_failed" if attempt.step > 0 else "face_card_mismatch"


@bp.get("/<venue>/card/face")
@_with_attempt(lambda place: redirect(url_for("kiosk.card", venue=place.slug)))
def card_face_screen(place: Venue, attempt: face_step.Attempt):
    if landmarks() is None:  # no way to see a head turn on this kiosk: staff check the card with the person
        return _finish(place, attempt, "liveness_failed")
    return render_template(
        "kiosk/card_face.html",
        venue=place,
        attempt=attempt,
        seconds=face_step.STEP_SECONDS,
        demo=current_app.config["DEMO"],
        may_decline=(place.face_with_card or "off") == "offer",
    )


def _answer(attempt: face_step.Attempt, state: str, response=None):
    """The JSON the page's camera script gets: what to ask now, how the frame went, or where to go."""
    if response is not None:
        return jsonify(go=response.location)
    return jsonify(asked=attempt.asked, state=state, tries=attempt.tries, step=attempt.step)


@bp.post("/<venue>/card/face/frame")
@_with_attempt(_gone)
def card_face_frame(place: Venue, attempt: face_step.Attempt):
    """One camera frame for the step the person is on (the page sends one about every half second). When the last
    step is done the state is "check": the page then sends the frames that completed the steps."""
    try:
        seen = face_step.see(attempt, _upload("picture"), landmarks=landmarks())
    except images.ImageProblem as problem:
        return _answer(attempt, problem.code)
    _keep(attempt)
    return _answer(attempt, "check" if attempt.done else seen)


@bp.post("/<venue>/card/face/check")
@_with_attempt(_gone)
def card_face_check(place: Venue, attempt: face_step.Attempt):
    """The decision, on the frames that completed the steps (look, then each turn): judged again in full."""
    if not attempt.done:
        return _answer(attempt, "wait")
    try:
        frames = [_upload(name) for name in ("look", "turn1", "turn2")]
        held = face_step.decide(attempt, frames, **_judges(attempt))
    except images.ImageProblem:
        held = "liveness_failed"
    return _answer(attempt, "again", _settle(place, attempt, held))


def _upload(name: str) -> bytes:
    upload = request.files.get(name)
    if upload is None:
        raise images.ImageProblem("image_invalid")
    return upload.stream.read(images.MAX_BYTES + 1)


@bp.post("/<venue>/card/face/late")
@_with_attempt(_gone)
def card_face_late(place: Venue, attempt: face_step.Attempt):
    """A step's time ran out without it being done: a second try, or staff after two."""
    return _answer(attempt, "again", _settle(place, attempt, _not_done(attempt)))


@bp.post("/<venue>/card/face/decline")
@_with_attempt(_home)
def card_face_decline(place: Venue, attempt: face_step.Attempt):
    """The person would rather not, or cannot: staff are called; the screen says they are coming."""
    return _finish(place, attempt, "face_card_mismatch")


@bp.post("/<venue>/card/face/demo")
def card_face_demo(venue: str):
    """The simulated camera (demo mode): a prepared sequence of frames, played through the same steps and the same
    decision as the live camera's, try after try."""
    place = venue_or_404(venue)
    attempt = _attempt(place)
    sequence = request.form.get("sequence")
    if not current_app.config["DEMO"] or sequence not in DEMO_SEQUENCES:
        abort(404)
    if attempt is None:
        return _home(place)
    frames, judges = demo_frames(_demo_person(attempt), sequence), _judges(attempt)
    while True:
        kept = face_step.run_sequence(attempt, frames, landmarks=judges["landmarks"])
        held = face_step.decide(attempt, kept, **judges) if attempt.done else _not_done(attempt)
        response = _settle(place, attempt, held)
        if response is not None:
            return response


def _demo_person(attempt: face_step.Attempt) -> str:
    """Whose chip photo the demo card read has: the demo card is found by its keyed hash (the read keeps no number)."""
    with services.db().statements() as s:
        kept = s.get(reads.CardRead, attempt.read)
        id_hash = kept.id_hash if kept else None
    for card in services.demo_cards():
        if card.chip and identity.keyed_hash(card.number, services.hash_key()) == id_hash:
            return card.chip.stem
    return "astronaut"


@lru_cache(maxsize=8)
def _frames_in(folder: Path) -> dict[str, list[bytes]]:
    return {step: [p.read_bytes() for p in sorted(folder.glob(f"{step}*.jpg"))] for step in ("look", "left", "right")}


def demo_frames(person: str, sequence: str) -> dict[str, list[bytes]]:
    """The prepared frames: seeds/faces/turns/<person>/ (a real head turning, rendered), another person's, or
    <person>-photo/ (the still photo tilted and turned as a printed one would be)."""
    root = current_app.config["SEEDS_DIR"] / "faces" / "turns"
    people = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.endswith("-photo"))
    if sequence == "other":
        person = next((p for p in people if p != person), person)
    return _frames_in(root / (f"{person}-photo" if sequence == "photo" else person))
