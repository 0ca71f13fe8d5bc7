"""Pages for accessibility reviewers: every scenario one click away, and the accessibility statement."""

from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, send_file

from .. import checks
from .. import venues as venue_rows
from ..passes import card as pass_card
from ..passes import office as pass_office
from . import services

bp = Blueprint("reviewer", __name__)
# Demo mode only (registered then): every demo scenario, and real passes for demo residents.
demo_bp = Blueprint("demo", __name__)

# Numbers to type on the kiosk to see each error. None of them belongs to anyone: the area is not ours and the
# first three are not even valid numbers.
ERROR_EXAMPLES = (
    ("id_invalid_length", "1101051949"),
    ("id_invalid_characters", "11010519491231002Y"),
    ("id_invalid_checksum", "110105194912310021"),
    ("id_invalid_birth_date", "110105194902300020"),
)


@demo_bp.get("/demo")
def demo():
    """Every demo card at every venue, with what the kiosk will decide, one button away."""
    at = services.now()
    with services.db().session() as s:
        venues = venue_rows.listed(s)
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
    engine = services.speech().speaking()[0]  # kokoro, or the fallback that speaks when the neural voice is off
    return render_template(
        "reviewer/demo.html",
        venues=venues,
        rows=rows,
        errors=ERROR_EXAMPLES,
        texts=texts,
        speech_engine=engine,
        demo_faces=[{"index": i, "scenario": f.scenario} for i, f in enumerate(services.demo_faces())],
        face_matcher=services.faces().matcher.name,
    )


@demo_bp.post("/demo/pass/<int:index>")
def demo_pass(index: int):
    """A printable pass for a demo card's resident (any older one stops working), to show at the kiosk."""
    cards = services.demo_cards()
    if index >= len(cards):
        abort(404)
    with services.db().session() as s:
        try:
            token, record, resident = pass_office.issue(
                s,
                services.pass_keys(),
                id_text=cards[index].number,
                days=180,
                today=services.now().date(),
                hash_key=services.hash_key(),
            )
        except pass_office.PassOfficeError:
            abort(404)  # the demo card that is not in the registry has no pass
        card = pass_card.render(token, resident.name, record.expires_on)
    image = io.BytesIO()
    card.save(image, format="PNG", dpi=(pass_card.DPI, pass_card.DPI))
    image.seek(0)
    return send_file(image, mimetype="image/png", as_attachment=True, download_name=f"demo-pass-{index + 1}.png")


@bp.get("/accessibility")
def accessibility():
    return render_template("reviewer/accessibility.html", face_matcher=services.faces().matcher.name)
