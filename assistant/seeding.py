"""Loading seeds/: the venues, the demo residents and the demo cards on the simulated card reader."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import residents
from .models import Venue


def _toml(path: Path) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)


@dataclass(frozen=True)
class DemoCard:
    """A card lying on the simulated reader. Its number stays on the server; pages name it by position."""

    number: str
    scenario: dict

    def __repr__(self) -> str:
        return f"DemoCard({self.scenario['en']!r})"


def demo_cards(seeds_dir: Path) -> list[DemoCard]:
    return [DemoCard(c["id_number"], c["scenario"]) for c in _toml(seeds_dir / "demo.toml")["cards"]]


def seed_venues(session: Session, seeds_dir: Path) -> int:
    for slug, spec in _toml(seeds_dir / "venues.toml").items():
        venue = session.get(Venue, slug) or Venue(slug=slug)
        venue.name_en, venue.name_zh = spec["name"]["en"], spec["name"]["zh"]
        venue.allowed_statuses = ",".join(spec.get("allowed_statuses", ["green"]))
        venue.max_test_age_hours = spec.get("max_test_age_hours")
        venue.min_vaccine_doses = spec.get("min_vaccine_doses")
        session.add(venue)
    return len(_toml(seeds_dir / "venues.toml"))


def seed(session: Session, seeds_dir: Path, hash_key: bytes, now: datetime) -> dict:
    """Load venues and demo residents; safe to run again (it updates, never duplicates).

    The demo residents' times are moved so that the file's anchor falls on `now`.
    """
    venues = seed_venues(session, seeds_dir)
    anchor = _toml(seeds_dir / "demo.toml")["anchor"]
    rows = residents.read_rows((seeds_dir / "demo_residents.csv").read_text(encoding="utf-8"), hash_key)
    # Whole hours, so the demo's times keep the round minutes they were written with.
    residents.shift(rows, timedelta(hours=(now - anchor) // timedelta(hours=1)))
    added, updated = residents.store(session, rows)
    return {"venues": venues, "residents_added": added, "residents_updated": updated}


def is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Venue)) == 0
