"""Clauses spoken by the neural voice, kept one file each, and sentences composed from them.

The neural voice takes about 1.5 s of one core for each second it says, so nothing waits for it: a sentence is
joined from clause clips made earlier (about 0.1 s), with the pauses its pace asks for. The clips of every fixed
sentence ship with the project (`speech-clips/`, made by `assistant speech clips`); a clause that no shipped clip
has (a date, a number, a sentence changed since) is made in the background by one thread a process, and the
fallback voice speaks meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import subprocess
import tempfile
import threading
from pathlib import Path

from . import audio
from .neural import SAMPLE_RATE, NeuralVoice, NeuralVoiceFailed

log = logging.getLogger(__name__)

# Silence between clips at the standard pace; the slower pace uses audio.PAUSES and a gentler tempo.
PAUSES = {"clause": 0.2, "sentence": 0.45}
VORBIS_QUALITY = "5"  # a clip is decoded and encoded once more when a sentence is composed: a little headroom


class Clips:
    def __init__(self, voice: NeuralVoice, cache_dir: Path, shipped: Path | None = None):
        self.voice = voice
        self.cache_dir = Path(cache_dir)
        self.shipped = Path(shipped) if shipped else None
        self.made = 0  # clips this process made (the rest were shipped or made before)
        self._wanted: queue.Queue = queue.Queue()
        self._queued: set[str] = set()
        self._queued_lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def key(self, piece: str, lang: str) -> str:
        return hashlib.sha256(f"{self.voice.identity(lang)}|{lang}|{piece}".encode()).hexdigest()[:32]

    def name(self, piece: str, lang: str) -> str:
        return f"clip-{self.key(piece, lang)}.{audio.extension()}"

    def find(self, piece: str, lang: str) -> Path | None:
        name = self.name(piece, lang)
        for folder in filter(None, (self.shipped, self.cache_dir)):
            if (folder / name).is_file():
                return folder / name
        return None

    def make(self, piece: str, lang: str, folder: Path | None = None) -> Path:
        """Speak one clause now (seconds), into the cache or `folder`; raises NeuralVoiceFailed."""
        folder = Path(folder or self.cache_dir)
        target = folder / self.name(piece, lang)
        with tempfile.TemporaryDirectory(dir=folder, prefix=".clip-") as work:
            wav = Path(work) / "clip.wav"
            self.voice.speak(piece, lang, wav)
            partial = Path(work) / f"partial{target.suffix}"
            if target.suffix == ".ogg":
                subprocess.run(
                    [audio.sox(), str(wav), "-C", VORBIS_QUALITY, str(partial)], capture_output=True, check=True
                )
            else:
                os.replace(wav, partial)
            os.replace(partial, target)
        self.made += 1
        return target

    def want(self, pieces: list[tuple[str, str]]) -> None:
        """Make these clauses in the background, each once, oldest request first."""
        for piece, lang in pieces:
            key = self.key(piece, lang)
            with self._queued_lock:
                if key in self._queued:
                    continue
                self._queued.add(key)
            self._wanted.put((piece, lang, key))
        with self._queued_lock:
            if self._worker is None and self._queued:
                self._worker = threading.Thread(target=self._work, name="neural-voice", daemon=True)
                self._worker.start()

    def pending(self) -> int:
        with self._queued_lock:
            return len(self._queued)

    def _work(self) -> None:
        while True:
            piece, lang, key = self._wanted.get()
            try:
                if self.find(piece, lang) is None:
                    self.make(piece, lang)
            except (NeuralVoiceFailed, OSError, subprocess.SubprocessError) as problem:
                log.warning("the neural voice could not make a clip: %s", type(problem).__name__)
            finally:
                with self._queued_lock:
                    self._queued.discard(key)


def compose(pieces: list[tuple[Path, str]], slow: bool, out: Path) -> None:
    """One sentence from its clause clips, each followed by its pause; slower: longer pauses, gentler tempo."""
    pauses = audio.PAUSES if slow else PAUSES
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".compose-") as work:
        work = Path(work)
        if not audio.sox():
            joined = work / "joined.wav"
            audio.join_with_pauses(pieces, joined, pauses)
            os.replace(joined, out)
            return
        inputs = []
        for index, (path, pause) in enumerate(pieces):
            inputs.append(str(path))
            if index < len(pieces) - 1:
                silence = work / f"{pause}.wav"
                if not silence.exists():
                    with open(silence, "wb") as f:
                        _silence(f, pauses[pause])
                inputs.append(str(silence))
        partial = work / f"partial{out.suffix}"
        command = [audio.sox(), *inputs, *(["-C", "3"] if out.suffix == ".ogg" else []), str(partial)]
        if slow:
            command += ["tempo", "-s", str(audio.SLOW_TEMPO)]
        subprocess.run(command, capture_output=True, timeout=30, check=True)
        os.replace(partial, out)


def _silence(f, seconds: float) -> None:
    import wave

    with wave.open(f, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(b"\0\0" * int(SAMPLE_RATE * seconds))
