"""Pages for accessibility reviewers: every scenario one click away, and the accessibility statement."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from .. import checks
from ..models import Venue
from . import services

bp = Blueprint("reviewer", __name__)

# Numbers to type on the kiosk to see each error. None of them belongs to anyone: the area is not ours and the
# first three are not even valid numbers.
ERROR_EXAMPLES = (
    ("id_invalid_length", "1101051949"),
    ("id_invalid_characters", "11010519491231002Y"),
    ("id_invalid_checksum", "110105194912310021"),
    ("id_invalid_birth_date", "110105194902300020"),
)


@bp.get("/demo")
def demo():
    """Every demo card at every venue, with what the kiosk will decide, one button away."""
    at = services.now()
    with services.db().session() as s:
        venues = list(s.scalars(select(Venue).order_by(Venue.slug)))
        rows = [
            {
                "index": index,
                "scenario": card.scenario,
                "outcomes": [
                    checks.preview(s, number=card.number, venue=venue, at=at, hash_key=services.hash_key())
                    for venue in venues
                ],
            }
            for index, card in enumerate(services.demo_cards())
        ]
    texts = services.texts()
    speech = services.speech()
    engine = speech.engine.name if speech.available else "none"
    return render_template(
        "reviewer/demo.html", venues=venues, rows=rows, errors=ERROR_EXAMPLES, texts=texts, speech_engine=engine
    )


@bp.get("/accessibility")
def accessibility():
    return render_template("reviewer/accessibility.html")
