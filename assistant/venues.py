"""Venues and their entry policy: the list staff and the landing page show, one venue by its slug, and an admin's
change to a venue's policy, checked here (the staff page only shows what this says)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import inputs
from .models import Venue
from .problems import Problem
from .rules import STATUSES

FACE_WITH_CARD = ("off", "offer", "require")  # the face step after a card read: never, offered, or required
TEST_HOURS = (1, 24 * 14)
VACCINE_DOSES = (1, 19)


class PolicyProblems(Problem):
    """An admin's venue policy that cannot be kept: `fields` lists each field and its code, in the form's order."""

    def __init__(self, fields: list[tuple[str, str]]):
        super().__init__("venue_policy_invalid")
        self.fields = fields


def listed(session: Session) -> list[Venue]:
    return list(session.scalars(select(Venue).order_by(Venue.slug)))


def by_slug(session: Session, slug: str) -> Venue | None:
    return session.get(Venue, slug)


def set_policy(venue: Venue, form) -> None:
    """Apply an admin's policy form (a mapping with `getlist`) to `venue`, or raise PolicyProblems, changing nothing."""
    fields = []
    allowed = [status for status in STATUSES if status in form.getlist("allowed")]
    if not allowed:
        fields.append(("allowed-green", "venue_allowed_none"))
    hours = _whole(form.get("max_test_age_hours", ""), *TEST_HOURS)
    if hours is False:
        fields.append(("max_test_age_hours", "venue_test_hours_invalid"))
    doses = _whole(form.get("min_vaccine_doses", ""), *VACCINE_DOSES)
    if doses is False:
        fields.append(("min_vaccine_doses", "venue_doses_invalid"))
    face_with_card = form.get("face_with_card", "off")
    if face_with_card not in FACE_WITH_CARD:
        fields.append(("face_with_card", "venue_face_with_card_invalid"))
    if fields:
        raise PolicyProblems(fields)
    venue.allowed_statuses = ",".join(allowed)
    venue.max_test_age_hours = hours
    venue.min_vaccine_doses = doses
    venue.private_listening = form.get("private_listening") == "yes"
    venue.face_search = form.get("face_search") == "yes"
    venue.face_with_card = face_with_card
    venue.print_referrals = form.get("print_referrals") == "yes"


def _whole(text: str, low: int, high: int) -> int | None | bool:
    """An optional whole number within [low, high]: None when empty, False when it is not one."""
    text = text.strip()
    if not text:
        return None
    value = inputs.whole_number(text, low, high)
    return False if value is None else value
