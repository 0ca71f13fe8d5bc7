"""Settings with safe demo defaults, overridden by the environment; used by the web app and the CLI alike."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

# dlib's own guide says 0.6; stricter here, since a wrong match would show someone else's status.
DEFAULT_FACE_THRESHOLD = 0.5
# One live face against the card's own chip photo (small, often years old): see README "Card and face".
DEFAULT_CARD_FACE_THRESHOLD = 0.5
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def create_once(path: Path, content: bytes) -> bytes:
    """Write `content` to `path` only if no file is there yet, and return what the file holds.

    Atomic even when several workers start together: the content is written whole to a private temporary file
    (mode 0600 from the start), then linked into place; link fails if another process got there first, and then
    everyone reads the winner's file. Nobody ever reads half a file or a file another process will replace.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
    return path.read_bytes()


def _instance_secret(instance: Path, name: str) -> str:
    """A random key made once per installation and kept in the instance folder (never committed)."""
    return create_once(instance / name, secrets.token_hex(32).encode()).decode().strip()


def load(overrides: dict | None = None) -> dict:
    overrides = dict(overrides or {})
    env = os.environ
    instance = Path(overrides.pop("INSTANCE_PATH", None) or env.get("ASSISTANT_INSTANCE") or PROJECT_ROOT / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    demo = _flag("ASSISTANT_DEMO")
    config = {
        # Demo mode: demo residents, cards, faces and kiosks, /demo, and a chosen validation clock. Off: production.
        "DEMO": demo,
        "INSTANCE_PATH": instance,
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{instance / 'assistant.sqlite3'}",
        "SEEDS_DIR": Path(env.get("ASSISTANT_SEEDS") or PROJECT_ROOT / "seeds"),
        # The validation clock: an ISO 8601 moment for demos and tests; empty means the real time.
        # Only in demo mode: a production kiosk cannot be told another time.
        "VALIDATION_AT": (env.get("ASSISTANT_AT") or None) if demo else None,
        "DEFAULT_LANGUAGE": env.get("ASSISTANT_LANGUAGE", "zh"),
        "KIOSK_VENUE": env.get("ASSISTANT_VENUE", "metro"),
        # How long a result stays on screen before it clears (a warning comes 20 s before; "More time" adds this again).
        "RESULT_SECONDS": max(30, int(env.get("ASSISTANT_RESULT_SECONDS", "60"))),
        # kokoro (the default: the neural voice, with espeak-ng or pyttsx3 as its fallback), espeak, pyttsx3 or none.
        "SPEECH_ENGINE": env.get("ASSISTANT_SPEECH_ENGINE") or None,
        # The neural voice's model and voices (`assistant speech install-voice` puts them here) and its shipped clips.
        "VOICE_MODELS": Path(env.get("ASSISTANT_VOICE_MODELS") or PROJECT_ROOT / "voice-models"),
        "SPEECH_CLIPS": Path(env.get("ASSISTANT_SPEECH_CLIPS") or PROJECT_ROOT / "speech-clips"),
        # Pass signing keys (private and public); a kiosk that only verifies needs the .pub files alone.
        "PASS_KEYS": Path(env.get("ASSISTANT_PASS_KEYS") or instance / "pass-keys"),
        "SPEECH_CACHE": Path(env.get("ASSISTANT_SPEECH_CACHE") or instance / "speech-cache"),
        # With a headset (private listening) the reasons are spoken with the result; in public only on request.
        "PRIVATE_LISTENING": env.get("ASSISTANT_PRIVATE_LISTENING", "") in ("1", "true", "yes"),
        # Face matching: auto (dlib where installed, else the labelled simulation), dlib or simulated.
        "FACE_MATCHER": env.get("ASSISTANT_FACE_MATCHER") or "auto",
        # The largest distance between two face encodings that still counts as the same person.
        "FACE_THRESHOLD": float(env.get("ASSISTANT_FACE_THRESHOLD") or DEFAULT_FACE_THRESHOLD),
        "CARD_FACE_THRESHOLD": float(env.get("ASSISTANT_CARD_FACE_THRESHOLD") or DEFAULT_CARD_FACE_THRESHOLD),
        # Enrolment photos are kept only when this is set; the 128-number encoding is always enough to match.
        "KEEP_FACE_PHOTOS": env.get("ASSISTANT_KEEP_FACE_PHOTOS", "") in ("1", "true", "yes"),
        # Behind TLS (a reverse proxy): cookies only over HTTPS, and HSTS.
        "HTTPS": _flag("ASSISTANT_HTTPS"),
        # How many reverse proxies in front set X-Forwarded-For and -Proto (0: none; trust no such header).
        "PROXIES": int(env.get("ASSISTANT_PROXIES") or 0),
        # Per kiosk, lookups that find no one or are invalid, per minute, before it must ask staff.
        "FAILED_LOOKUPS_PER_MINUTE": int(env.get("ASSISTANT_FAILED_LOOKUPS_PER_MINUTE") or 20),
        # Where the limits are counted: memory:// is per process; memcached:// or redis:// share one count.
        "LIMITS_STORAGE": env.get("ASSISTANT_LIMITS_STORAGE") or "memory://",
        # The bearer token Prometheus scrapes /metrics with; unset, /metrics is not there at all.
        "METRICS_TOKEN": env.get("ASSISTANT_METRICS_TOKEN") or None,
        # The speech cache's size limit; the least recently used audio goes first.
        "SPEECH_CACHE_MB": int(env.get("ASSISTANT_SPEECH_CACHE_MB") or 200),
        # Days the check log and the help queue are kept (health-code scan records were kept 30 days).
        "LOG_RETENTION_DAYS": int(env.get("ASSISTANT_LOG_RETENTION_DAYS") or 30),
        # A staff console session ends after this many minutes without a page being opened or a form sent.
        "STAFF_IDLE_MINUTES": int(env.get("ASSISTANT_STAFF_IDLE_MINUTES") or 30),
    }
    config.update(overrides)
    if not config["DEMO"]:
        config["VALIDATION_AT"] = None  # however it was asked for: a production kiosk cannot be told another time
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = env.get("SECRET_KEY") or _instance_secret(instance, "secret_key")
    if "ID_HASH_KEY" not in config:
        # Separate from SECRET_KEY: rotating session keys must not orphan every record's keyed hash.
        config["ID_HASH_KEY"] = env.get("ID_HASH_KEY") or _instance_secret(instance, "id_hash_key")
    return config
