"""Speech as an HTTP answer, for every page that speaks (the kiosk's screens, the policy pages): the audio file,
or 503 when there is no engine, the text may not be spoken, or the file left a full cache a moment ago (the page
then shows its "sound is not working" note)."""

from __future__ import annotations

import logging

from flask import abort, request, send_file

from ..speech import SpeechUnavailable, Unspeakable
from . import services

log = logging.getLogger(__name__)


def answer(text: str, lang: str):
    try:
        path = services.speech().audio(text, lang, slow=request.args.get("pace") == "slow")
    except (SpeechUnavailable, Unspeakable) as problem:
        log.warning("no speech for %s: %s", request.endpoint, type(problem).__name__)
        abort(503)
    try:
        return send_file(path, mimetype="audio/ogg" if path.suffix == ".ogg" else "audio/wav", max_age=0)
    except FileNotFoundError:
        abort(503)
