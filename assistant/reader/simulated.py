"""The simulated reader: the demo cards (seeds/demo.toml), each with its chip photo, placed by number."""

from __future__ import annotations

from pathlib import Path

from ..cards import Card, demo_cards


class SimulatedReader:
    """A reader whose "card" is whichever demo card was last placed on it (`place`), until it is lifted."""

    def __init__(self, seeds_dir: Path):
        self.cards = demo_cards(seeds_dir)
        self._placed: Card | None = None
        self.refused = 0

    def card(self, number: int) -> Card:
        """Demo card `number`, counted from 1 as the kiosk screen counts them. IndexError when there is none."""
        if not 1 <= number <= len(self.cards):
            raise IndexError(number)
        demo = self.cards[number - 1]
        return Card(number=demo.number, name=demo.name, photo=demo.chip.read_bytes() if demo.chip else None)

    def place(self, number: int) -> None:
        self._placed = self.card(number)

    def lift(self) -> None:
        self._placed = None

    def poll(self) -> Card | None:
        return self._placed

    def refuse(self) -> None:
        """The reader's refusal of a read the server could not take: a simulated reader counts it (a real one beeps)."""
        self.refused += 1

    def close(self) -> None:
        self._placed = None
