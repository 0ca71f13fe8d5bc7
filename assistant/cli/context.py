"""What every command needs, made once per run: settings, the database, the words; and how a command fails and
speaks (the one way the command line turns text into sound: a file, or the sound device)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click

from .. import clock, faces, passes
from .. import config as settings
from ..db import Database, SchemaNotReady
from ..faces.enrolment import Recogniser
from ..speech import SpeechService, SpeechUnavailable, Unspeakable, speech_service
from ..speech.player import NoSoundDevice, play
from ..texts import Texts


class Context:
    """What every command needs: settings, the database and the words, made once per run."""

    def __init__(self, upgrade: bool | None = False):
        self.config = settings.load()
        self.db = Database(self.config["DATABASE_URL"])
        try:
            # `seed` and `db upgrade` bring the schema up to date; every other command needs it to be so already
            # (on SQLite, the embedded default, it is brought up to date on the spot). None: leave it as it is.
            if upgrade:
                self.db.upgrade()
            elif upgrade is not None:
                self.db.prepare()
        except SchemaNotReady as e:
            fail(str(e), "schema_not_ready")
        self.texts = Texts.load(self.config["SEEDS_DIR"])
        self.hash_key = self.config["ID_HASH_KEY"].encode()

    def now(self):
        return clock.now(self.config["VALIDATION_AT"])

    def clock_kind(self, chosen_by: str | None = None) -> str:
        return clock.label(self.config["VALIDATION_AT"], chosen_by)

    def keys(self) -> passes.Keys:
        return passes.Keys(self.config["PASS_KEYS"])

    def speech(self) -> SpeechService:
        # A terminal command waits for a missing neural clip (seconds) rather than switch voices mid-answer.
        return speech_service(self.config, wait=True)

    def faces(self) -> Recogniser:
        return Recogniser(faces.choose(self.config["FACE_MATCHER"]), self.config["FACE_THRESHOLD"])


def fail(message: str, code: str | None = None, as_json: bool = False) -> None:
    if as_json:
        click.echo(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False))
    click.echo(f"Error{f' ({code})' if code else ''}: {message}", err=True)
    sys.exit(2)


class Unheard(Exception):
    """Speech that could not be made or heard; the message says what to do instead."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def speak(service: SpeechService, text: str, lang: str, slow: bool, out: Path | None = None) -> Path:
    """Say `text`: into the file `out` (converted by sox when its suffix asks for another format) or, without one,
    on the sound device. Returns the file that holds the speech. Raises Unheard."""
    try:
        path = service.audio(text, lang, slow)
    except SpeechUnavailable:
        raise Unheard(
            "speech_unavailable", "There is no speech engine here. Install espeak-ng (make run does)."
        ) from None
    except Unspeakable:
        raise Unheard("speech_refused", "That text looks like an ID number, so it is not spoken aloud.") from None
    if out:
        if out.suffix.lower() not in ("", path.suffix) and shutil.which("sox"):
            subprocess.run(["sox", str(path), str(out)], check=True, capture_output=True, timeout=60)
        else:
            shutil.copyfile(path, out)
        return out
    try:
        play(path)
    except NoSoundDevice:
        raise Unheard("no_sound_device", "There is no sound device here.") from None
    return path
