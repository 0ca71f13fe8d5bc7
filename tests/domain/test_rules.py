"""DESIGN.md's health table and venue policies, at the boundary times."""

from datetime import UTC, datetime, timedelta

import pytest

from assistant.rules import Facts, Policy, assess

AT = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
DAYS14 = timedelta(days=14)
METRO = Policy()
HOSPITAL = Policy(max_test_age_hours=48)
COMMUNITY = Policy(min_vaccine_doses=2)


def codes(outcome):
    return [r.code for r in outcome.reasons]


def test_nothing_on_record_is_green_and_admitted_at_the_metro():
    outcome = assess(Facts(), METRO, AT)
    assert (outcome.status, outcome.decision, codes(outcome)) == ("green", "admit", [])


def test_not_in_the_registry_is_unknown_and_referred():
    outcome = assess(None, METRO, AT)
    assert (outcome.status, outcome.decision, codes(outcome)) == (
        "unknown",
        "refer",
        ["no_record", "status_not_allowed"],
    )


@pytest.mark.parametrize("offset, status", [(SECOND, "red"), (timedelta(0), "green"), (-SECOND, "green")])
def test_quarantine_ends_exactly_at_its_end_time(offset, status):
    assert assess(Facts(quarantine_until=AT + offset), METRO, AT).status == status


@pytest.mark.parametrize("level, status, code", [("positive", "red", "positive_test")])
@pytest.mark.parametrize(
    "age, applies", [(DAYS14 - SECOND, True), (DAYS14, True), (DAYS14 + SECOND, False), (timedelta(0), True)]
)
def test_positive_test_counts_for_14_days(level, status, code, age, applies):
    outcome = assess(Facts(last_test_at=AT - age, last_test_result=level), METRO, AT)
    assert outcome.status == (status if applies else "green")
    assert (code in codes(outcome)) is applies


@pytest.mark.parametrize("level, status", [("high", "red"), ("medium", "yellow")])
@pytest.mark.parametrize("age, applies", [(DAYS14 - SECOND, True), (DAYS14 + SECOND, False)])
def test_risk_area_visits_count_for_14_days(level, status, age, applies):
    outcome = assess(Facts(risk_area_level=level, risk_area_visit_at=AT - age), METRO, AT)
    assert outcome.status == (status if applies else "green")
    assert codes(outcome) == ([f"{level}_risk_area", "status_not_allowed"] if applies else [])
    assert outcome.decision == ("refer" if applies else "admit")


def test_a_negative_test_never_makes_anyone_red():
    assert assess(Facts(last_test_at=AT - SECOND, last_test_result="negative"), METRO, AT).status == "green"


def test_events_after_the_clock_have_not_happened_yet():
    facts = Facts(
        last_test_at=AT + SECOND, last_test_result="positive", risk_area_level="high", risk_area_visit_at=AT + SECOND
    )
    assert assess(facts, METRO, AT).status == "green"
    assert codes(assess(facts, HOSPITAL, AT)) == ["no_test"]


def test_all_reasons_are_listed_most_serious_first():
    facts = Facts(
        quarantine_until=AT + DAYS14,
        last_test_at=AT - timedelta(days=2),
        last_test_result="positive",
        risk_area_level="medium",
        risk_area_visit_at=AT - timedelta(days=3),
    )
    outcome = assess(facts, METRO, AT)
    assert outcome.status == "red"
    assert codes(outcome) == ["quarantine", "positive_test", "medium_risk_area", "status_not_allowed"]


@pytest.mark.parametrize(
    "age, decision, extra",
    [
        (timedelta(hours=48) - SECOND, "admit", []),
        (timedelta(hours=48), "admit", []),
        (timedelta(hours=48) + SECOND, "refer", ["test_too_old"]),
    ],
)
def test_hospital_needs_a_negative_test_within_48_hours(age, decision, extra):
    outcome = assess(Facts(last_test_at=AT - age, last_test_result="negative"), HOSPITAL, AT)
    assert (outcome.status, outcome.decision, codes(outcome)) == ("green", decision, extra)


def test_hospital_with_no_test_at_all():
    outcome = assess(Facts(vaccine_doses=3), HOSPITAL, AT)
    assert (outcome.decision, codes(outcome)) == ("refer", ["no_test"])
    assert outcome.reasons[0].details == {"hours": 48}


@pytest.mark.parametrize("doses, decision", [(0, "refer"), (1, "refer"), (2, "admit"), (3, "admit")])
def test_community_centre_needs_two_doses(doses, decision):
    outcome = assess(Facts(vaccine_doses=doses), COMMUNITY, AT)
    assert outcome.decision == decision
    assert codes(outcome) == ([] if decision == "admit" else ["vaccination_incomplete"])


def test_a_venue_lists_every_condition_that_fails():
    policy = Policy(max_test_age_hours=48, min_vaccine_doses=2)
    facts = Facts(risk_area_level="medium", risk_area_visit_at=AT - timedelta(days=1), vaccine_doses=1)
    assert codes(assess(facts, policy, AT)) == [
        "medium_risk_area",
        "status_not_allowed",
        "no_test",
        "vaccination_incomplete",
    ]


def test_a_venue_that_allows_yellow_admits_yellow():
    policy = Policy(allowed_statuses=frozenset({"green", "yellow"}))
    outcome = assess(Facts(risk_area_level="medium", risk_area_visit_at=AT - timedelta(days=1)), policy, AT)
    assert (outcome.status, outcome.decision) == ("yellow", "admit")
