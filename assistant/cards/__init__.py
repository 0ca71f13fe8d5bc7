"""ID cards: what a reader reads from a card's chip, what it reports instead, and the demo's cards.

The reader bridge (assistant/reader) runs on the kiosk computer and imports only this module, so it stays small:
the standard library and the codes of problems, nothing of the server.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..problems import codes

# What a reader bridge can report instead of a card (see assistant/reader): the kiosk shows and speaks each one.
READER_ERRORS = codes("reader")


@dataclass(frozen=True)
class Card:
    """What a reader read from a card's chip. The photo is the decoded chip photo (102 x 126), as image bytes."""

    number: str
    name: str = ""
    photo: bytes | None = None

    def __repr__(self) -> str:  # never the number, the name or the photo in a log or a traceback
        return "Card(...)"


@dataclass(frozen=True)
class DemoCard:
    """A card lying on the simulated reader. Its number stays on the server; pages name it by position."""

    number: str
    scenario: dict
    name: str = ""  # as the card's chip holds it (the demo resident's name)
    chip: Path | None = None  # the chip photo, 102 x 126, as a reader's decoder gives it

    def __repr__(self) -> str:
        return f"DemoCard({self.scenario['en']!r})"


def demo_cards(seeds_dir: Path) -> list[DemoCard]:
    names = {row["id_number"]: row["name"] for row in demo_rows(seeds_dir)}
    return [
        DemoCard(c["id_number"], c["scenario"], c.get("name", names.get(c["id_number"], "")), _chip(seeds_dir, c))
        for c in read_toml(seeds_dir / "demo.toml")["cards"]
    ]


def _chip(seeds_dir: Path, card: dict) -> Path | None:
    return seeds_dir / card["chip"] if card.get("chip") else None


def demo_rows(seeds_dir: Path) -> list[dict]:
    with open(seeds_dir / "demo_residents.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_toml(path: Path) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)
