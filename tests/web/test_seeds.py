"""The seeds: every status and reason is reachable from the demo, and every code has words in both languages."""

import tomllib

import pytest
from sqlalchemy import func, select

from assistant import checks
from assistant.identity import parse
from assistant.models import Resident, Venue
from assistant.rules import STATUS_REASONS
from assistant.seeding import seed
from assistant.texts import LANGUAGES, Texts
from assistant.web.openapi import ERROR_CODES
from tests.support.app import ANCHOR, CARDS, NOT_FOUND, SEEDS
from tests.support.plain import too_long

VENUE_REASONS = ("status_not_allowed", "no_test", "test_too_old", "vaccination_incomplete")
ALL_REASONS = STATUS_REASONS + ("no_record",) + VENUE_REASONS


def all_outcomes(app):
    db = app.extensions["assistant"]["db"]
    key = app.config["ID_HASH_KEY"].encode()
    with db.session() as s:
        for venue in ("metro", "hospital", "community-centre"):
            for card in CARDS:
                yield venue, card, checks.run(s, id_text=card.number, venue=venue, at=ANCHOR, hash_key=key).outcome


def test_every_status_decision_and_reason_is_reachable_from_the_demo_cards(app):
    outcomes = [o for _, _, o in all_outcomes(app)]
    assert {o.status for o in outcomes} == {"green", "yellow", "red", "unknown"}
    assert {o.decision for o in outcomes} == {"admit", "refer"}
    assert {r.code for o in outcomes for r in o.reasons} == set(ALL_REASONS)


def test_the_demo_card_scenarios_say_what_happens_at_the_metro(app):
    for venue, card, outcome in all_outcomes(app):
        if venue != "metro":
            continue
        scenario = card.scenario["en"].lower()
        expected = "not found" if outcome.status == "unknown" else outcome.status
        assert scenario.startswith(expected) or (expected == "not found" and "not in the registry" in scenario), (
            card.scenario["en"],
            outcome,
        )


def test_every_code_has_words_in_both_languages():
    texts = Texts.load(SEEDS)
    for lang in LANGUAGES:
        for status in ("green", "yellow", "red", "unknown"):
            assert texts.status(status, lang) and texts.status_means(status, lang)
        for decision in ("admit", "refer"):
            assert texts.decision(decision, lang) and texts.decision_next(decision, lang)
        for code in ALL_REASONS + checks.HELD:  # the rules' reasons, and a card and face that did not go together
            words = texts.reason(code, lang, {"until": ANCHOR, "date": ANCHOR, "hours": 48, "doses": 1, "required": 2})
            assert all(words.values()) and "{" not in words["text"]
        for code in ERROR_CODES + ["service_unavailable"]:
            assert texts.error(code, lang)
    assert set(texts.codes("reason")) == set(ALL_REASONS) | set(checks.HELD)


def test_every_seed_text_is_in_short_sentences():
    # ACCESSIBILITY.md: English sentences under 20 words, Chinese under 30 characters.
    with open(SEEDS / "texts.toml", "rb") as f:
        data = tomllib.load(f)

    def walk(node, lang=None):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, key if key in LANGUAGES else lang)
        elif isinstance(node, str) and lang:
            yield lang, node

    problems = [sentence for lang, text in walk(data) for sentence in too_long(text, lang)]
    assert problems == []


def test_seeding_twice_changes_nothing(app):
    db = app.extensions["assistant"]["db"]
    with db.session() as s:
        counts = seed(s, SEEDS, app.config["ID_HASH_KEY"].encode(), ANCHOR)
    assert counts["residents_added"] == 0 and counts["residents_updated"] == len(CARDS) - 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Resident)) == len(CARDS) - 1
        assert s.scalar(select(func.count()).select_from(Venue)) == 3


def test_the_registry_never_stores_a_full_number(app):
    db = app.extensions["assistant"]["db"]
    with db.session() as s:
        stored = [str(r.__dict__) for r in s.scalars(select(Resident))]
    for card in CARDS:
        assert not any(card.number in row for row in stored)


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.scenario["en"][:30])
def test_demo_card_numbers_are_valid(card):
    assert parse(card.number)


def test_one_demo_card_is_not_in_the_registry():
    assert NOT_FOUND in [c.number for c in CARDS]
