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
from . import audio, prepare
from .engines import VOICES, Engine, SpeechUnavailable, pick
from .prepare import Unspeakable

__all__ = ["SpeechService", "SpeechUnavailable", "Unspeakable"]


DEFAULT_CACHE_BYTES = 200 << 20
TRIM_TO = 0.9  # a full cache is trimmed to this share of its limit, so it is not trimmed on every new sentence


class SpeechService:
    def __init__(self, cache_dir: Path, engine: Engine | str | None = None, max_bytes: int = DEFAULT_CACHE_BYTES):
        self.cache_dir = Path(cache_dir)
        self.max_bytes = max_bytes
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.engine = engine if isinstance(engine, Engine) else pick(engine)
        self.synthesised = 0  # how many files this service has made (the rest came from the cache)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self.engine.available

    def key(self, text: str, lang: str, slow: bool = False) -> str:
        """The cache key: engine, voice, rate, pace, preparation version and the prepared text."""
        spoken = prepare.prepare(text, lang)
        identity = self.engine.identity(VOICES[lang], slow)
        material = f"{identity}|{'slow' if slow else 'normal'}|prep{prepare.VERSION}|{lang}|{spoken}"
        return hashlib.sha256(material.encode()).hexdigest()[:32]

    def path(self, key: str) -> Path:
        return self.cache_dir / f"{key}.{audio.extension()}"

    def audio(self, text: str, lang: str, slow: bool = False) -> Path:
        """The audio for this text, from the cache or made now (atomically: no reader sees half a file)."""
        key = self.key(text, lang, slow)
        target = self.path(key)
        if target.exists():
            metrics.spoken(made=False)
            return target
        with self._lock_for(key):
            if target.exists():
                metrics.spoken(made=False)
                return target
            if not self.available:
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
