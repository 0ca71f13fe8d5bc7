"""The reader bridge: a small process on the kiosk computer that reads ID cards and posts each read to the server
(`POST /api/v1/reads` with the kiosk's token); the kiosk's screen then moves on by itself.

A driver is polled a few times a second and answers with a card, nothing (no card on the reader), or a fault. One card
placed on the reader is one read: a card left there is not read again until it has been lifted.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..cards import Card

POLL_SECONDS = 0.25
LIFTED_AFTER = 3  # polls in a row that find no card: then the card has been lifted (3 x 0.25 s)


@dataclass(frozen=True)
class Fault:
    """What the reader reports instead of a card: reader_missing, card_unreadable or card_removed."""

    code: str


class DriverUnavailable(RuntimeError):
    """The driver cannot start on this computer (its library is missing): the message says what to do."""


class Placement:
    """One read per card placement. `see` takes each poll's answer and says what to post, if anything: a card the
    first time it is seen, a fault once until something changes, nothing while the same card stays on the reader."""

    def __init__(self, lifted_after: int = LIFTED_AFTER):
        self.lifted_after = lifted_after
        self._on_reader: str | None = None  # the number of the card lying on the reader, once read
        self._empty_polls = 0
        self._last_fault: str | None = None

    def see(self, answer: Card | Fault | None) -> Card | Fault | None:
        if answer is None:
            self._empty_polls += 1
            if self._empty_polls >= self.lifted_after:
                self._on_reader = None
                self._last_fault = None
            return None
        self._empty_polls = 0
        if isinstance(answer, Fault):
            if answer.code == self._last_fault:
                return None
            self._last_fault = answer.code
            return answer
        self._last_fault = None
        if answer.number == self._on_reader:
            return None
        self._on_reader = answer.number
        return answer
