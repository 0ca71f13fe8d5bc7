"""Settings with safe demo defaults, overridden by the environment; used by the web app and the CLI alike."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# dlib's own guide says 0.6; stricter here, since a wrong match would show someone else's status.
DEFAULT_FACE_THRESHOLD = 0.5
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _instance_secret(instance: Path, name: str) -> str:
    """A random key made once per installation and kept in the instance folder (never committed)."""
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_hex(32))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    return path.read_text().strip()


def load(overrides: dict | None = None) -> dict:
    overrides = dict(overrides or {})
    env = os.environ
    instance = Path(overrides.pop("INSTANCE_PATH", None) or env.get("ASSISTANT_INSTANCE") or PROJECT_ROOT / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    config = {
        "INSTANCE_PATH": instance,
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{instance / 'assistant.sqlite3'}",
        "SEEDS_DIR": Path(env.get("ASSISTANT_SEEDS") or PROJECT_ROOT / "seeds"),
        # The validation clock: an ISO 8601 moment for demos and tests; empty means the real time.
        "VALIDATION_AT": env.get("ASSISTANT_AT") or None,
        "DEFAULT_LANGUAGE": env.get("ASSISTANT_LANGUAGE", "zh"),
        "KIOSK_VENUE": env.get("ASSISTANT_VENUE", "metro"),
        # How long a result stays on screen before it clears (a warning comes 20 s before; "More time" adds this again).
        "RESULT_SECONDS": max(30, int(env.get("ASSISTANT_RESULT_SECONDS", "60"))),
        # espeak (Linux default), pyttsx3 (Windows and macOS default) or none.
        "SPEECH_ENGINE": env.get("ASSISTANT_SPEECH_ENGINE") or None,
        # Pass signing keys (private and public); a kiosk that only verifies needs the .pub files alone.
        "PASS_KEYS": Path(env.get("ASSISTANT_PASS_KEYS") or instance / "pass-keys"),
        "SPEECH_CACHE": Path(env.get("ASSISTANT_SPEECH_CACHE") or instance / "speech-cache"),
        # With a headset (private listening) the reasons are spoken with the result; in public only on request.
        "PRIVATE_LISTENING": env.get("ASSISTANT_PRIVATE_LISTENING", "") in ("1", "true", "yes"),
        # Face matching: auto (dlib where installed, else the labelled simulation), dlib or simulated.
        "FACE_MATCHER": env.get("ASSISTANT_FACE_MATCHER") or "auto",
        # The largest distance between two face encodings that still counts as the same person.
        "FACE_THRESHOLD": float(env.get("ASSISTANT_FACE_THRESHOLD") or DEFAULT_FACE_THRESHOLD),
        # Enrolment photos are kept only when this is set; the 128-number encoding is always enough to match.
        "KEEP_FACE_PHOTOS": env.get("ASSISTANT_KEEP_FACE_PHOTOS", "") in ("1", "true", "yes"),
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = env.get("SECRET_KEY") or _instance_secret(instance, "secret_key")
    if "ID_HASH_KEY" not in config:
        # Separate from SECRET_KEY: rotating session keys must not orphan every record's keyed hash.
        config["ID_HASH_KEY"] = env.get("ID_HASH_KEY") or _instance_secret(instance, "id_hash_key")
    return config
