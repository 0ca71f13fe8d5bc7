"""The neural voice: Kokoro-82M (int8 ONNX) through kokoro-onnx and ONNX Runtime, offline, one model per process.

Mandarin text becomes phonemes through misaki's Chinese G2P (jieba and pypinyin, the path the v1.0 model was trained
on); English goes through kokoro-onnx's own phonemiser (espeak-ng's phonemes, from the library espeakng-loader
ships). Each call speaks one clause: the service joins clauses with the pauses the pace asks for, so a sentence can
be composed from pieces made earlier (see `clips`).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import wave
from pathlib import Path

from .voice_files import MODEL, check_voice

SAMPLE_RATE = 24_000
# Chosen by the listening test (README "The voice"): the lowest error rates of the voices measured.
VOICE_NAMES = {"zh": "zm_yunxia", "en": "af_heart"}
IDENTITY = "kokoro-v1.0-int8"


class NeuralVoiceFailed(RuntimeError):
    """The model could not be loaded or could not speak this text."""


class NeuralVoice:
    """Loaded on first use, once per process; every call after that shares the one ONNX session."""

    def __init__(self, folder: Path, threads: int = 1):
        self.folder = Path(folder)
        self.threads = threads
        self._lock = threading.Lock()
        self._kokoro = None
        self._zh = None
        self.failed: str | None = None

    @property
    def problem(self) -> str | None:
        """Why this voice cannot speak here, in words; None when it can."""
        if self.failed:
            return self.failed
        try:
            import kokoro_onnx  # noqa: F401
            import misaki.zh  # noqa: F401
            import onnxruntime  # noqa: F401
        except ImportError as missing:
            return f"the package {missing.name} is not installed"
        return check_voice(self.folder).problem

    @property
    def available(self) -> bool:
        return self.problem is None

    def identity(self, lang: str) -> str:
        return f"{IDENTITY}:{VOICE_NAMES[lang]}"

    def _load(self):
        if self._kokoro is not None:
            return self._kokoro
        import jieba
        import numpy as np
        import onnxruntime
        from kokoro_onnx import Kokoro
        from misaki.zh import ZHG2P

        jieba.setLogLevel(logging.WARNING)  # its dictionary's "prefix dict has been built" is not ours to print

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(self.folder / MODEL), sess_options=options, providers=["CPUExecutionProvider"]
        )
        # kokoro-onnx loads its voices with np.load; the checked raw styles are packed once into an .npz for it.
        styles = {name: self._style(name) for name in VOICE_NAMES.values()}
        packed = self.folder / "voices.npz"
        if not packed.exists():
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".npz")
            os.close(handle)
            np.savez(temporary, **styles)
            os.replace(temporary, packed)
        self._kokoro = Kokoro.from_session(session, str(packed))
        self._styles = styles
        self._zh = ZHG2P()  # version None: the G2P the v1.0 model was trained with
        return self._kokoro

    def _style(self, name: str):
        import numpy as np

        return np.fromfile(self.folder / f"{name}.bin", dtype="<f4").reshape(510, 1, 256)

    def speak(self, text: str, lang: str, out: Path) -> None:
        """One clause (or a few) to a 24 kHz mono 16-bit WAV; raises NeuralVoiceFailed."""
        import numpy as np

        problem = self.problem
        if problem:
            raise NeuralVoiceFailed(problem)
        try:
            with self._lock:  # one inference at a time: the session's threads are the budget
                kokoro = self._load()
                style = self._styles[VOICE_NAMES[lang]]
                if lang == "zh":
                    phonemes, _tokens = self._zh(text)
                    samples, _rate = kokoro.create(phonemes, voice=style, is_phonemes=True)
                else:
                    samples, _rate = kokoro.create(text, voice=style, lang="en-us")
        except Exception as error:  # noqa: BLE001 (any model failure means the fallback speaks, never a crash)
            if self._kokoro is None:
                self.failed = f"the model did not load ({type(error).__name__})"
            raise NeuralVoiceFailed(f"{type(error).__name__}: {error}") from None
        pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1, 1) * 32767).astype("<i2")
        with wave.open(str(out), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes(pcm.tobytes())

    def phonemes(self, text: str) -> str:
        """Mandarin phonemes as the model gets them (tests check our own polyphonic characters through this)."""
        from misaki.zh import ZHG2P

        if self._zh is None:
            self._zh = ZHG2P()
        return self._zh(text)[0]
