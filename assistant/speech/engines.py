"""Speech engines behind one interface: text in, a WAV file out.

- `espeak`: espeak-ng's command line, a fresh process per sentence, so voice and rate are always honoured and
  threads never share state. The default on Linux.
- `pyttsx3`: pyttsx3 (SAPI5 on Windows, NSSpeechSynthesizer on macOS, espeak-ng on Linux), owned by one worker
  thread; it is never asked to change its rate (a live rate change is ignored about a third of the time), so
  the slower pace is made from pauses and a tempo change instead. The default on Windows and macOS.
- `none`: no speech; the kiosk shows text only.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path


class SpeechUnavailable(RuntimeError):
    """No engine can speak here (not installed, or it failed)."""


@dataclass(frozen=True)
class Voice:
    lang: str
    espeak: str  # espeak-ng voice name
    words_per_minute: int  # espeak's rate for the normal pace
    slow_words_per_minute: int


# Mandarin must be spoken as Mandarin: espeak-ng's "cmn" reads Chinese characters as English letters and numbers;
# "cmn-latn-pinyin" says them (tests/test_speech.py checks its phonemes). Rates measured here: about 150 words a
# minute in English; about 3.8 characters a second in Mandarin at 185, 3.2 at 160.
VOICES = {
    "en": Voice("en", "en-gb", 145, 125),
    "zh": Voice("zh", "cmn-latn-pinyin", 185, 160),
}


class Engine:
    name = "none"
    varies_rate = False  # True when the engine itself speaks more slowly at the slow pace

    @property
    def available(self) -> bool:
        return False

    def identity(self, voice: Voice, slow: bool) -> str:
        """Everything about the engine that changes the sound, for the cache key."""
        return f"{self.name}:{voice.espeak}:{voice.slow_words_per_minute if slow else voice.words_per_minute}"

    def synthesise(self, text: str, voice: Voice, slow: bool, out: Path, ssml: bool = False) -> None:
        raise SpeechUnavailable("no speech engine is configured")


class EspeakEngine(Engine):
    name = "espeak"
    varies_rate = True

    def __init__(self, command: str | None = None):
        self.command = command or shutil.which("espeak-ng")

    @property
    def available(self) -> bool:
        return bool(self.command)

    def synthesise(self, text: str, voice: Voice, slow: bool, out: Path, ssml: bool = False) -> None:
        """Write `out` as WAV, or, for any other suffix, stream the voice straight into sox to encode it."""
        if not self.command:
            raise SpeechUnavailable("espeak-ng is not installed")
        rate = voice.slow_words_per_minute if slow else voice.words_per_minute
        # The text goes in on stdin: never on a command line, where other users could read it.
        args = [self.command, "-v", voice.espeak, "-s", str(rate), "-z", "--stdin"] + (["-m"] if ssml else [])
        try:
            if out.suffix == ".wav":
                subprocess.run(
                    [*args, "-w", str(out)], input=text.encode(), capture_output=True, timeout=20, check=True
                )
                return
            # Both at once: sox encodes while espeak-ng is still speaking, which halves the wait for a new sentence.
            voice_process = subprocess.Popen(
                [*args, "--stdout"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
            encoder = subprocess.Popen(
                ["sox", "-t", "wav", "-", "-C", "3", str(out)],
                stdin=voice_process.stdout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            voice_process.stdout.close()
            try:
                voice_process.stdin.write(text.encode())
                voice_process.stdin.close()
                if voice_process.wait(timeout=20) or encoder.wait(timeout=20):
                    code = encoder.returncode or voice_process.returncode
                    raise subprocess.CalledProcessError(code, "espeak-ng | sox")
            finally:
                encoder.stderr.close()
        except (OSError, subprocess.SubprocessError) as error:
            raise SpeechUnavailable(f"espeak-ng failed: {type(error).__name__}") from None


class Pyttsx3Engine(Engine):
    """pyttsx3 driven by its own worker thread: requests queue up; only that thread ever touches the engine."""

    name = "pyttsx3"

    def __init__(self):
        self._requests: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._failed: str | None = None

    @property
    def available(self) -> bool:
        try:
            import pyttsx3  # noqa: F401
        except ImportError:
            return False
        return self._failed is None

    def identity(self, voice: Voice, slow: bool) -> str:
        return f"{self.name}:{sys.platform}:{voice.espeak}:default-rate"

    def _voice_id(self, engine, voice: Voice) -> str | None:
        """espeak-ng's voice by its language name on Linux; elsewhere the first voice for the language."""
        wanted = voice.espeak.lower()
        fallback = None
        for candidate in engine.getProperty("voices"):
            languages = [str(lang).lower() for lang in getattr(candidate, "languages", None) or []]
            if wanted in languages or candidate.id.lower().endswith("/" + wanted):
                return candidate.id
            if fallback is None and any(lang.startswith(voice.lang) for lang in languages) and wanted != "cmn":
                fallback = candidate.id
        # Never fall back on Linux: there the fallback for Chinese could be espeak's "cmn", which spells characters.
        return None if sys.platform.startswith("linux") else fallback

    def _run(self) -> None:
        try:
            import pyttsx3

            engine = pyttsx3.init()
        except Exception as error:  # noqa: BLE001 (any driver failure means no speech, never a crash)
            self._failed = type(error).__name__
            engine = None
        while True:
            text, voice, out, done = self._requests.get()
            try:
                if engine is None:
                    raise SpeechUnavailable(f"pyttsx3 could not start: {self._failed}")
                voice_id = self._voice_id(engine, voice)
                if voice_id is None:
                    raise SpeechUnavailable(f"no {voice.lang} voice")
                engine.setProperty("voice", voice_id)
                for _attempt in range(2):
                    engine.save_to_file(text, str(out))
                    engine.runAndWait()
                    # Now and then pyttsx3's espeak driver ends an utterance with no samples (CI saw it once, the
                    # first Chinese sentence after English ones); the same sentence again comes out whole.
                    if _has_audio(out):
                        break
                done.put(None)
            except Exception as error:  # noqa: BLE001
                done.put(error)

    def synthesise(self, text: str, voice: Voice, slow: bool, out: Path, ssml: bool = False) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pyttsx3-worker", daemon=True)
                self._thread.start()
        done: queue.Queue = queue.Queue(maxsize=1)
        self._requests.put((text, voice, out, done))
        try:
            error = done.get(timeout=30)
        except queue.Empty:
            raise SpeechUnavailable("pyttsx3 did not answer") from None
        if error is not None:
            raise error if isinstance(error, SpeechUnavailable) else SpeechUnavailable(type(error).__name__)
        if not _has_audio(out):
            raise SpeechUnavailable("pyttsx3 wrote no audio")


def _has_audio(wav: Path) -> bool:
    return wav.exists() and wav.stat().st_size > 44  # more than a WAV header


def pick(name: str | None) -> Engine:
    """The configured engine, or the platform's default: espeak-ng on Linux, pyttsx3 elsewhere."""
    name = (name or ("espeak" if sys.platform.startswith("linux") else "pyttsx3")).lower()
    if name == "espeak":
        return EspeakEngine()
    if name == "pyttsx3":
        return Pyttsx3Engine()
    return Engine()
