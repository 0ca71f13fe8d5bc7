"""Speech: text in, audio out, in Mandarin and English, cached on disk by everything that changes the sound.

The words spoken are the words shown: callers pass the same strings the screen shows; `prepare` only rewrites how
numbers, dates and times are said. Nothing here knows about Flask.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path
from xml.sax.saxutils import escape

from .. import metrics
from . import audio, clips, prepare
from .engines import VOICES, Engine, SpeechUnavailable, pick
from .neural import NeuralVoice, NeuralVoiceFailed
from .prepare import Unspeakable

__all__ = ["SpeechService", "SpeechUnavailable", "Unspeakable", "speech_service"]


DEFAULT_CACHE_BYTES = 200 << 20
TRIM_TO = 0.9  # a full cache is trimmed to this share of its limit, so it is not trimmed on every new sentence


class SpeechService:
    """The neural voice (`kokoro`, the default) composed from clause clips, with `engine` as its fallback: espeak-ng
    on Linux, pyttsx3 elsewhere. Naming another engine ("espeak", "pyttsx3", "none") turns the neural voice off.

    `wait`: make a missing clip now (the terminal commands) rather than speak with the fallback while it is made in
    the background (the web app, where no screen waits for its speech)."""

    def __init__(
        self,
        cache_dir: Path,
        engine: Engine | str | None = None,
        max_bytes: int = DEFAULT_CACHE_BYTES,
        voice_models: Path | None = None,
        shipped_clips: Path | None = None,
        wait: bool = False,
    ):
        self.cache_dir = Path(cache_dir)
        self.max_bytes = max_bytes
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        neural = engine in (None, "kokoro") and voice_models is not None
        self.engine = engine if isinstance(engine, Engine) else pick(None if engine == "kokoro" else engine)
        self.neural = NeuralVoice(voice_models, threads=2 if wait else 1) if neural else None
        self.clips = clips.Clips(self.neural, self.cache_dir, shipped_clips) if neural else None
        self.wait = wait
        self.synthesised = 0  # how many files this service has made (the rest came from the cache)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self.neural_available or self.engine.available

    @property
    def neural_available(self) -> bool:
        return self.neural is not None and self.neural.available

    def speaking(self) -> tuple[str, str]:
        """Which engine and voice speaks here, and why, in words (`assistant speech engines`)."""
        if self.neural is not None:
            problem = self.neural.problem
            if problem is None:
                return "kokoro", f"the neural voice ({self.neural.identity('zh')}, {self.neural.identity('en')})"
            fallback = self.engine.name if self.engine.available else "none"
            return fallback, f"the neural voice is off here: {problem}"
        if self.engine.available:
            return self.engine.name, "chosen by ASSISTANT_SPEECH_ENGINE" if self.engine.name != "none" else ""
        return "none", f"{self.engine.name} is not installed" if self.engine.name != "none" else "speech is off"

    def neural_key(self, text: str, lang: str, slow: bool) -> str:
        """The cache key of a sentence composed from the neural voice's clips."""
        spoken = prepare.prepare(text, lang)
        material = f"{self.neural.identity(lang)}|{'slow' if slow else 'normal'}|clips|{lang}|{spoken}"
        return hashlib.sha256(material.encode()).hexdigest()[:32]

    def pieces(self, text: str, lang: str) -> list[tuple[str, str]]:
        return prepare.clauses(prepare.prepare(text, lang))

    def prepare_soon(self, text: str, lang: str) -> None:
        """Start making the neural clips of a sentence about to be asked for (a result's reasons, as it is shown)."""
        if self.neural_available:
            missing = [(piece, lang) for piece, _ in self.pieces(text, lang) if self.clips.find(piece, lang) is None]
            self.clips.want(missing)

    def _neural_audio(self, text: str, lang: str, slow: bool) -> Path | None:
        """The sentence in the neural voice when all its clips are there (composed now if need be), else None."""
        spoken = prepare.prepare(text, lang)
        target = self.path(self.neural_key(text, lang, slow))
        if target.exists():
            metrics.spoken(made=False)
            return target
        pieces = prepare.clauses(spoken)
        found = [self.clips.find(piece, lang) for piece, _ in pieces]
        missing = [(piece, lang) for (piece, _), path in zip(pieces, found, strict=True) if path is None]
        if missing and not self.wait:
            self.clips.want(missing)
            return None
        with self._lock_for(target.name):
            if target.exists():
                return target
            try:
                found = [path or self.clips.make(piece, lang) for (piece, _), path in zip(pieces, found, strict=True)]
            except NeuralVoiceFailed:
                return None
            clips.compose([(path, pause) for path, (_, pause) in zip(found, pieces, strict=True)], slow, target)
            self.synthesised += 1
            metrics.spoken(made=True)
        self.trim(keep=target)
        return target

    def key(self, text: str, lang: str, slow: bool = False) -> str:
        """The cache key: engine, voice, rate, pace, preparation version and the prepared text."""
        spoken = prepare.prepare(text, lang)
        identity = self.engine.identity(VOICES[lang], slow)
        material = f"{identity}|{'slow' if slow else 'normal'}|prep{prepare.VERSION}|{lang}|{spoken}"
        return hashlib.sha256(material.encode()).hexdigest()[:32]

    def path(self, key: str) -> Path:
        return self.cache_dir / f"{key}.{audio.extension()}"

    def audio(self, text: str, lang: str, slow: bool = False) -> Path:
        """The audio for this text, from the cache or made now (atomically: no reader sees half a file): in the
        neural voice when its clips are ready, else in the fallback voice (and the clips are made meanwhile)."""
        if self.neural_available:
            neural = self._neural_audio(text, lang, slow)
            if neural is not None:
                return neural
        key = self.key(text, lang, slow)
        target = self.path(key)
        if target.exists():
            metrics.spoken(made=False)
            return target
        with self._lock_for(key):
            if target.exists():
                metrics.spoken(made=False)
                return target
            if not self.engine.available:
                raise SpeechUnavailable("no speech engine")
            self._make(prepare.prepare(text, lang), VOICES[lang], slow, target)
            self.synthesised += 1
            metrics.spoken(made=True)
        self.trim(keep=target)
        return target

    def trim(self, keep: Path | None = None) -> int:
        """Keep the cache under its size limit: past it, delete the least recently used audio (by access time,
        else modification time) until it is back under TRIM_TO of the limit. Returns how many files went."""
        files = []
        total = 0
        with os.scandir(self.cache_dir) as entries:
            for entry in entries:
                if entry.is_file() and not entry.name.startswith("."):
                    info = entry.stat()
                    files.append((max(info.st_atime, info.st_mtime), info.st_size, entry.path))
                    total += info.st_size
        if total <= self.max_bytes:
            return 0
        removed = 0
        for _used, size, path in sorted(files):
            if total <= self.max_bytes * TRIM_TO:
                break
            if keep is not None and Path(path) == keep:
                continue
            try:
                os.unlink(path)  # a reader that already opened it keeps reading; the next one makes it anew
            except FileNotFoundError:
                continue
            total -= size
            removed += 1
        return removed

    def _lock_for(self, key: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(key, threading.Lock())

    def _make(self, spoken: str, voice, slow: bool, target: Path) -> None:
        with tempfile.TemporaryDirectory(dir=self.cache_dir, prefix=".work-") as work:
            work = Path(work)
            partial = work / f"partial{target.suffix}"
            if self.engine.varies_rate:
                # One call, straight into the cache's format; the slower pace has its pauses written in as SSML.
                if slow:
                    breaks = "".join(
                        f'{escape(piece)}<break time="{int(audio.PAUSES[pause] * 1000)}ms"/>'
                        for piece, pause in prepare.clauses(spoken)
                    )
                    self.engine.synthesise(f"<speak>{breaks}</speak>", voice, True, partial, ssml=True)
                else:
                    self.engine.synthesise(spoken, voice, False, partial)
            else:
                wav = work / "speech.wav"
                if slow:  # clause by clause, joined with pauses, then a gentler tempo
                    pieces = []
                    for index, (piece, pause) in enumerate(prepare.clauses(spoken)):
                        pieces.append((work / f"piece{index}.wav", pause))
                        self.engine.synthesise(piece, voice, True, pieces[-1][0])
                    audio.join_with_pauses(pieces, wav)
                else:
                    self.engine.synthesise(spoken, voice, False, wav)
                audio.finish(wav, partial, audio.SLOW_TEMPO if slow and audio.sox() else None)
            os.replace(partial, target)


def speech_service(config: dict, wait: bool = False) -> SpeechService:
    """The service a configuration asks for (the web app's and the terminal's)."""
    return SpeechService(
        config["SPEECH_CACHE"],
        config["SPEECH_ENGINE"],
        max_bytes=config["SPEECH_CACHE_MB"] << 20,
        voice_models=config["VOICE_MODELS"],
        shipped_clips=config["SPEECH_CLIPS"],
        wait=wait,
    )
