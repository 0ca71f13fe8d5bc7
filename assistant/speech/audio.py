"""Audio files: joining pieces with pauses, slowing the tempo, encoding to Ogg Vorbis (WAV when sox is absent)."""

from __future__ import annotations

import shutil
import subprocess
import wave
from functools import lru_cache
from pathlib import Path

# ACCESSIBILITY.md: the slower pace is made mostly of pauses of 0.5 to 1 s at clause and sentence ends.
PAUSES = {"clause": 0.6, "sentence": 0.9}
SLOW_TEMPO = 0.88  # for engines that cannot change their own rate


@lru_cache(maxsize=1)
def sox() -> str | None:
    # Looked up once: every speech request asks which format the cache holds.
    return shutil.which("sox")


def extension() -> str:
    return "ogg" if sox() else "wav"


def join_with_pauses(pieces: list[tuple[Path, str]], out: Path, pauses: dict[str, float] = PAUSES) -> None:
    """Concatenate WAV pieces (same format), each followed by the silence its pause kind asks for."""
    with wave.open(str(pieces[0][0])) as first:
        params = first.getparams()
    with wave.open(str(out), "wb") as joined:
        joined.setparams(params)
        for index, (path, pause) in enumerate(pieces):
            with wave.open(str(path)) as piece:
                joined.writeframes(piece.readframes(piece.getnframes()))
            if index < len(pieces) - 1:
                silence = int(params.framerate * pauses[pause])
                joined.writeframes(b"\0" * silence * params.sampwidth * params.nchannels)


def finish(wav: Path, out: Path, tempo: float | None = None) -> None:
    """Encode (and optionally slow) a WAV into the cache's format; `out`'s suffix says which."""
    if out.suffix == ".wav" and tempo is None:
        shutil.move(wav, out)
        return
    command = [sox(), str(wav), str(out)]
    if out.suffix == ".ogg":
        command[2:2] = ["-C", "3"]  # Vorbis quality 3: clear speech, small files
    if tempo:
        command += ["tempo", "-s", str(tempo)]
    subprocess.run(command, capture_output=True, timeout=30, check=True)


def duration(path: Path) -> float:
    """Seconds of audio in a cached file."""
    if path.suffix == ".wav":
        with wave.open(str(path)) as w:
            return w.getnframes() / w.getframerate()
    result = subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True, timeout=10, check=True)
    return float(result.stdout)
