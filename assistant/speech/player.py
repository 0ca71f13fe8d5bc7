"""Playing audio through this machine's sound device, for the terminal commands."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


class NoSoundDevice(RuntimeError):
    """Nothing here can play sound: the caller should offer --audio-out instead."""


def _device_present() -> bool:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return (
        Path("/dev/snd").is_dir()
        or bool(os.environ.get("PULSE_SERVER"))
        or (bool(runtime) and Path(runtime, "pulse", "native").exists())
    )


def play(path: Path) -> None:
    """Play a file and wait for it to end; raises NoSoundDevice when there is no device or no player."""
    if not _device_present():
        raise NoSoundDevice("no sound device")
    players = [["play", "-q"], ["paplay"]] + ([["aplay", "-q"]] if path.suffix == ".wav" else [])
    for player in players:
        if shutil.which(player[0]):
            result = subprocess.run([*player, str(path)], capture_output=True, timeout=300)
            if result.returncode == 0:
                return
    raise NoSoundDevice("no program here could play the sound")
