"""Pages for everyone who is not at the kiosk: what this is, and what each result means."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from .. import venues
from ..rules import STATUS_REASONS, STATUSES
from . import audio, preferences, services

bp = Blueprint("pages", __name__)

VENUE_REASONS = ("status_not_allowed", "no_test", "test_too_old", "vaccination_incomplete")


@bp.get("/")
def landing():
    with services.db().session() as s:
        listed = venues.listed(s)
    return render_template("landing.html", venues=listed)


@bp.get("/policy")
def policy():
    """Every status and reason in plain words, from the same texts the kiosk shows and speaks."""
    return render_template(
        "policy.html",
        statuses=STATUSES,
        status_reasons=STATUS_REASONS + ("no_record",),
        venue_reasons=VENUE_REASONS,
        texts=services.texts(),
    )


def _topic(name: str) -> dict:
    topic = services.texts().topics.get(name)
    if topic is None:
        abort(404)
    return topic


@bp.get("/policy/<topic>")
def policy_topic(topic: str):
    """One explanation topic in large text, each paragraph with its own Read aloud button."""
    return render_template(
        "policy_topic.html", name=topic, topic=_topic(topic), speech_available=services.speech().available
    )


@bp.get("/policy/<topic>/speech/<int:paragraph>")
def policy_speech(topic: str, paragraph: int):
    lang = preferences.language()
    paragraphs = _topic(topic)["paragraphs"][lang]
    if paragraph >= len(paragraphs):
        abort(404)
    return audio.answer(paragraphs[paragraph], lang)
