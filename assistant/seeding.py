"""Loading seeds/: the venues, the demo residents and the demo cards on the simulated card reader."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import identity, kiosks, residents
from .cards import demo_cards, read_toml
from .faces import enrolment
from .models import Kiosk, Resident, StaffAccount, Venue
from .residents import settings as saved_settings
from .staff import accounts


@dataclass(frozen=True)
class DemoFace:
    """A photo the simulated camera can present; `number` is set when it is enrolled for a demo resident."""

    photo: Path
    scenario: dict
    number: str | None

    def __repr__(self) -> str:
        return f"DemoFace({self.photo.name!r})"


def demo_faces(seeds_dir: Path) -> list[DemoFace]:
    return [
        DemoFace(seeds_dir / f["photo"], f["scenario"], f.get("id_number"))
        for f in read_toml(seeds_dir / "demo.toml").get("faces", [])
    ]


class _RememberingMatcher:
    """Encodes each demo photo once per process: tests seed hundreds of fresh databases, dlib takes 0.1 s a face."""

    _known: dict = {}

    def __init__(self, matcher):
        self.name = matcher.name
        self._matcher = matcher

    def encode(self, picture):
        key = (self.name, hashlib.sha256(picture.tobytes()).hexdigest())
        if key not in self._known:
            self._known[key] = self._matcher.encode(picture)
        return self._known[key]


def seed_faces(session: Session, seeds_dir: Path, hash_key: bytes, matcher, today) -> int:
    """Enrol the demo faces (consent recorded as given for the demo) with the matcher this kiosk uses."""
    enrolled = 0
    for face in demo_faces(seeds_dir):
        if face.number:
            enrolment.enroll(
                session,
                _RememberingMatcher(matcher),
                id_text=face.number,
                photo=face.photo.read_bytes(),
                consent=True,
                consent_by="demo seed",
                hash_key=hash_key,
                today=today,
            )
            enrolled += 1
    return enrolled


def seed_venues(session: Session, seeds_dir: Path, demo: bool = False) -> int:
    """The venues and their entry policies from venues.toml. Face search alone is off unless the file turns it on,
    or this is the demo (where every venue shows the face check)."""
    for slug, spec in read_toml(seeds_dir / "venues.toml").items():
        venue = session.get(Venue, slug) or Venue(slug=slug)
        venue.name_en, venue.name_zh = spec["name"]["en"], spec["name"]["zh"]
        venue.allowed_statuses = ",".join(spec.get("allowed_statuses", ["green"]))
        venue.max_test_age_hours = spec.get("max_test_age_hours")
        venue.min_vaccine_doses = spec.get("min_vaccine_doses")
        venue.face_search = demo or bool(spec.get("face_search", False))
        venue.face_with_card = spec.get("face_with_card", "off")
        venue.print_referrals = bool(spec.get("print_referrals", False))
        if venue.face_with_card not in ("off", "offer", "require"):
            raise ValueError(f"venues.toml: {slug}'s face_with_card is off, offer or require")
        session.add(venue)
    return len(read_toml(seeds_dir / "venues.toml"))


def venue_from_seeds(seeds_dir: Path, slug: str) -> Venue | None:
    """A venue as venues.toml describes it, not read from the database (for a screen shown while it is down)."""
    spec = read_toml(seeds_dir / "venues.toml").get(slug)
    if spec is None:
        return None
    return Venue(slug=slug, name_en=spec["name"]["en"], name_zh=spec["name"]["zh"], allowed_statuses="green")


def seed(session: Session, seeds_dir: Path, hash_key: bytes, now: datetime, matcher=None, demo: bool = True) -> dict:
    """Load the venues; in demo mode also the demo residents, one demo kiosk per venue, and the demo faces when a
    face matcher is given. Safe to run again (it updates, never duplicates).

    The demo residents' times are moved so that the file's anchor falls on `now`.
    """
    venues = seed_venues(session, seeds_dir, demo)
    if not demo:
        return {"venues": venues, "residents_added": 0, "residents_updated": 0, "faces_enrolled": 0, "kiosks": {}}
    anchor = read_toml(seeds_dir / "demo.toml")["anchor"]
    rows = residents.read_rows((seeds_dir / "demo_residents.csv").read_text(encoding="utf-8"), hash_key)
    # Whole hours, so the demo's times keep the round minutes they were written with.
    residents.shift(rows, timedelta(hours=(now - anchor) // timedelta(hours=1)))
    added, updated = residents.store(session, rows)
    _keep_demo_settings(session, seeds_dir, hash_key)
    faces = seed_faces(session, seeds_dir, hash_key, matcher, now.date()) if matcher else 0
    made = kiosks.ensure_demo_kiosks(session)
    return {
        "venues": venues,
        "residents_added": added,
        "residents_updated": updated,
        "faces_enrolled": faces,
        "kiosks": made,
    }


def _keep_demo_settings(session: Session, seeds_dir: Path, hash_key: bytes) -> None:
    """A demo card's saved kiosk settings (demo.toml's `settings`), as if its resident had kept them."""
    for card in read_toml(seeds_dir / "demo.toml")["cards"]:
        person = residents.by_hash(session, identity.keyed_hash(card["id_number"], hash_key))
        if person is not None:
            person.settings = saved_settings.encode(saved_settings.parse(card.get("settings")))


def demo_data_present(session: Session, seeds_dir: Path, hash_key: bytes) -> bool:
    """Whether the database holds demo residents, kiosks or staff accounts (a production server must not start on
    it: the demo's staff passwords are printed for anyone to read)."""
    hashes = [identity.keyed_hash(card.number, hash_key) for card in demo_cards(seeds_dir)]
    resident = session.scalar(select(Resident.id).where(Resident.id_hash.in_(hashes)).limit(1))
    kiosk = session.scalar(select(Kiosk.id).where(Kiosk.demo.is_(True)).limit(1))
    staff = session.scalar(select(StaffAccount.id).where(StaffAccount.demo.is_(True)).limit(1))
    return resident is not None or kiosk is not None or staff is not None


DEMO_STAFF = {"staff": "staff", "admin": "admin"}  # username -> role


def ensure_demo_staff(session: Session, passwords: dict[str, str]) -> list[str]:
    """The demo's staff and admin accounts, with the passwords given (made once per installation); returns the
    usernames made now."""
    made = []
    for username, role in DEMO_STAFF.items():
        if accounts.by_username(session, username) is None:
            accounts.add(session, username, passwords[username], role, demo=True)
            made.append(username)
    return made


def is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Venue)) == 0
