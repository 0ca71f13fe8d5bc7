"""Why a person is green, yellow, red or not found, and whether a venue lets them in (DESIGN.md's table).

Pure functions of a resident's facts, a venue's policy and the validation clock: no database, no web.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

RISK_WINDOW = timedelta(days=14)
# Most serious first: the order reasons are listed in.
STATUSES = ("green", "yellow", "red", "unknown")  # a resident's health-code status, in the order staff see them
STATUS_REASONS = ("quarantine", "positive_test", "high_risk_area", "medium_risk_area")
RED_REASONS = frozenset(STATUS_REASONS[:3])


@dataclass(frozen=True)
class Facts:
    """What the (simulated) health authority knows about one resident. Times are aware datetimes."""

    quarantine_until: datetime | None = None
    last_test_at: datetime | None = None
    last_test_result: str | None = None  # "negative" | "positive"
    risk_area_level: str | None = None  # "medium" | "high"
    risk_area_visit_at: datetime | None = None
    vaccine_doses: int = 0


@dataclass(frozen=True)
class Policy:
    """A venue's entry policy."""

    allowed_statuses: frozenset[str] = frozenset({"green"})
    max_test_age_hours: int | None = None
    min_vaccine_doses: int | None = None


@dataclass(frozen=True)
class Reason:
    """A reason code and the facts that explain it (filled into the reason's text)."""

    code: str
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    status: str  # green | yellow | red | unknown
    decision: str  # admit | refer
    reasons: tuple[Reason, ...]


def _happened_within(moment: datetime | None, at: datetime, window: timedelta) -> bool:
    """True when `moment` is at or before the clock and no more than `window` before it.

    Something recorded after the clock has not happened yet, as far as a check at that clock goes.
    """
    return moment is not None and timedelta(0) <= at - moment <= window


def health_reasons(facts: Facts, at: datetime) -> list[Reason]:
    """Every red and yellow reason that applies at `at`, most serious first."""
    reasons = []
    if facts.quarantine_until is not None and at < facts.quarantine_until:
        reasons.append(Reason("quarantine", {"until": facts.quarantine_until}))
    if facts.last_test_result == "positive" and _happened_within(facts.last_test_at, at, RISK_WINDOW):
        reasons.append(Reason("positive_test", {"date": facts.last_test_at}))
    if facts.risk_area_level in ("high", "medium") and _happened_within(facts.risk_area_visit_at, at, RISK_WINDOW):
        reasons.append(Reason(f"{facts.risk_area_level}_risk_area", {"date": facts.risk_area_visit_at}))
    return reasons


def status_from(reasons: list[Reason]) -> str:
    if any(r.code in RED_REASONS for r in reasons):
        return "red"
    return "yellow" if reasons else "green"


def venue_reasons(policy: Policy, facts: Facts, status: str, at: datetime) -> list[Reason]:
    """The conditions of the venue's policy that do not hold."""
    reasons = []
    if status not in policy.allowed_statuses:
        reasons.append(Reason("status_not_allowed"))
    if policy.max_test_age_hours is not None:
        hours = policy.max_test_age_hours
        tested = facts.last_test_at is not None and facts.last_test_at <= at
        if not tested:
            reasons.append(Reason("no_test", {"hours": hours}))
        elif not _happened_within(facts.last_test_at, at, timedelta(hours=hours)):
            reasons.append(Reason("test_too_old", {"hours": hours, "date": facts.last_test_at}))
    if policy.min_vaccine_doses is not None and facts.vaccine_doses < policy.min_vaccine_doses:
        reasons.append(
            Reason("vaccination_incomplete", {"doses": facts.vaccine_doses, "required": policy.min_vaccine_doses})
        )
    return reasons


def assess(facts: Facts | None, policy: Policy, at: datetime) -> Outcome:
    """The whole result of one check: status with its reasons, then the venue's decision with its own."""
    if facts is None:
        reasons = [Reason("no_record")]
        if "unknown" not in policy.allowed_statuses:
            reasons.append(Reason("status_not_allowed"))
        return Outcome("unknown", "refer" if len(reasons) > 1 else "admit", tuple(reasons))
    reasons = health_reasons(facts, at)
    status = status_from(reasons)
    extra = venue_reasons(policy, facts, status, at)
    return Outcome(status, "refer" if extra else "admit", tuple(reasons + extra))
