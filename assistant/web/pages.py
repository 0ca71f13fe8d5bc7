"""Pages for everyone who is not at the kiosk: what this is, and what each result means."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from ..models import Venue
from ..rules import STATUS_REASONS
from . import services

bp = Blueprint("pages", __name__)

VENUE_REASONS = ("status_not_allowed", "no_test", "test_too_old", "vaccination_incomplete")


@bp.get("/")
def landing():
    with services.db().session() as s:
        venues = list(s.scalars(select(Venue).order_by(Venue.slug)))
    return render_template("landing.html", venues=venues)


@bp.get("/policy")
def policy():
    """Every status and reason in plain words, from the same texts the kiosk shows and speaks."""
    return render_template(
        "policy.html",
        statuses=("green", "yellow", "red", "unknown"),
        status_reasons=STATUS_REASONS + ("no_record",),
        venue_reasons=VENUE_REASONS,
        texts=services.texts(),
    )
