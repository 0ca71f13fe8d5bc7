"""A resident's saved kiosk settings: text size, contrast, speech pace, volume and "read out what I touch", kept with
their consent (from the kiosk's settings screen after a check, or by staff on the resident's page) and applied when
their card, pass or face is read. Kept as one short text of the choices that differ from the standard ones
("size=200 pace=slow"): the registry holds it with the resident's facts, and the check log's row holds what was
shown. Nothing in it names or identifies anyone."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from ..clock import stored_now
from ..models import Resident, ResidentChange

# Each setting's choices, the standard one first. Volume is the speech player's level, 3 (the loudest) standard.
CHOICES = {
    "size": ("100", "150", "200"),
    "contrast": ("standard", "high"),
    "pace": ("standard", "slow"),
    "volume": ("3", "2", "1"),
    "touch": ("off", "on"),
}
STANDARD = {key: values[0] for key, values in CHOICES.items()}


def chosen(values: Mapping) -> dict[str, str]:
    """The choices in `values` (a form, a session, a parsed text) that are valid and not the standard ones."""
    return {key: values[key] for key in CHOICES if values.get(key) in CHOICES[key][1:]}


def parse(text: str | None) -> dict[str, str]:
    """A stored text back into choices; anything unknown is left out, so an odd row shows the standard settings."""
    return chosen(dict(part.partition("=")[::2] for part in (text or "").split()))


def encode(values: Mapping) -> str | None:
    """The stored text: the non-standard choices in a fixed order, or None when every one is standard."""
    return " ".join(f"{key}={value}" for key, value in chosen(values).items()) or None


def keep(session: Session, resident: Resident, values: Mapping, actor: str) -> bool:
    """Keep `values` as the resident's settings (None: the standard ones), as a line of their history; whether
    anything changed. The caller commits, and records it in the audit log where staff made the change."""
    new = encode(values)
    if new == resident.settings:
        return False
    session.add(
        ResidentChange(
            resident_id=resident.id,
            changed_at=stored_now(),
            actor=actor,
            field="settings",
            old=resident.settings,
            new=new,
        )
    )
    resident.settings = new
    return True
