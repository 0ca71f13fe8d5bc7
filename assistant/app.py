"""The application factory: settings, the database, the words and speech, then the web side's blueprints."""

from __future__ import annotations

import hashlib
import secrets

from flask import Flask
from jinja2 import StrictUndefined

from . import config as settings
from . import faces, metrics
from .cards import demo_cards
from .db import Database
from .faces.enrolment import Recogniser
from .seeding import demo_faces
from .speech import speech_service
from .texts import Texts


def limits_namespace(config) -> str:
    """What the rate limits' keys start with. In this process's memory: a random one, which keeps two apps of one
    process apart (tests). In a shared store (Redis): one for the whole deployment, so that every server and worker
    spends the same budgets; servers of one deployment share SECRET_KEY, so it is made from that."""
    if config["LIMITS_STORAGE"].startswith("memory"):
        return secrets.token_hex(4)
    key = config["SECRET_KEY"]
    return hashlib.sha256(b"limits:" + (key if isinstance(key, bytes) else key.encode())).hexdigest()[:12]


def create_app(test_config: dict | None = None) -> Flask:
    """The application factory: settings, database, words, then one blueprint per area."""
    config = settings.load(test_config)
    root = settings.PROJECT_ROOT
    app = Flask(
        "assistant",  # the package's name: its logger, and the root its folders are found from
        instance_path=str(config["INSTANCE_PATH"]),
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,  # a camera frame, base64-encoded in JSON, with room to spare
        # A kiosk form's text fields (pictures are files, bounded apart). Werkzeug reads a multipart body 64 KiB at a
        # time and counts the bytes it keeps after a trailing CR or LF (a boundary may begin there) against this
        # limit together with the next read; at exactly 64 KiB a camera frame whose read ended so was refused 413.
        MAX_FORM_MEMORY_SIZE=64 * 1024 + 4096,
        BABEL_TRANSLATION_DIRECTORIES=str(root / "assistant" / "translations"),
        # The kiosk's forms carry a token for a day: a screen left open overnight starts again, calmly.
        WTF_CSRF_TIME_LIMIT=24 * 3600,
    )
    app.config.update(config)
    app.config["SESSION_COOKIE_SECURE"] = app.config["HTTPS"]
    if app.config.get("TESTING"):
        app.jinja_env.undefined = StrictUndefined

    database = Database(app.config["DATABASE_URL"])
    database.prepare()
    metrics.watch_pool(database.engine)
    metrics.watch_pool(database.link_engine)
    metrics.worker_started()
    app.extensions["assistant"] = {
        "db": database,
        "texts": Texts.load(app.config["SEEDS_DIR"]),
        "demo_cards": demo_cards(app.config["SEEDS_DIR"]),
        "demo_faces": demo_faces(app.config["SEEDS_DIR"]),
        "speech": speech_service(app.config),
        "faces": Recogniser(faces.choose(app.config["FACE_MATCHER"]), app.config["FACE_THRESHOLD"]),
        "instance_id": limits_namespace(app.config),
    }

    from .web import setup

    setup(app)
    return app
