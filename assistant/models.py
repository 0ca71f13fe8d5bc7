"""The registry (venues and residents) and the check log, as SQLAlchemy 2 models.

No full identity number is stored anywhere: residents and checks are found by the keyed hash.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .clock import from_storage
from .rules import Facts, Policy


class Base(DeclarativeBase):
    pass


class Venue(Base):
    __tablename__ = "venue"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    allowed_statuses: Mapped[str] = mapped_column(String(64), default="green")  # comma-separated
    max_test_age_hours: Mapped[int | None]
    min_vaccine_doses: Mapped[int | None]
    # Face search alone (one face against every enrolled face) is a venue's opt-in: off unless turned on.
    face_search: Mapped[bool | None] = mapped_column(default=False)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    @property
    def policy(self) -> Policy:
        return Policy(
            allowed_statuses=frozenset(self.allowed_statuses.split(",")),
            max_test_age_hours=self.max_test_age_hours,
            min_vaccine_doses=self.min_vaccine_doses,
        )


class Resident(Base):
    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    masked_id: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(200))
    quarantine_until: Mapped[datetime | None]
    last_test_at: Mapped[datetime | None]
    last_test_result: Mapped[str | None] = mapped_column(String(16))
    risk_area_level: Mapped[str | None] = mapped_column(String(16))
    risk_area_visit_at: Mapped[datetime | None]
    vaccine_doses: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(String(2), default="zh")
    # Deleting a resident deletes their face enrolment with them (and the database does too: ON DELETE CASCADE).
    face: Mapped[FaceEnrolment | None] = relationship(
        back_populates="resident", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def facts(self) -> Facts:
        return facts_of(self)


def facts_of(resident) -> Facts:
    """The rules' facts from a resident, or from a plain row of the resident table (what a check reads)."""
    return Facts(
        quarantine_until=from_storage(resident.quarantine_until),
        last_test_at=from_storage(resident.last_test_at),
        last_test_result=resident.last_test_result,
        risk_area_level=resident.risk_area_level,
        risk_area_visit_at=from_storage(resident.risk_area_visit_at),
        vaccine_doses=resident.vaccine_doses,
    )


class CheckRecord(Base):
    """One line of the check log: what was decided, never who in full."""

    __tablename__ = "check_record"
    __table_args__ = (Index("ix_check_record_id_hash", "id_hash"), Index("ix_check_record_checked_at", "checked_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime]  # when the check happened (UTC)
    validation_at: Mapped[datetime]  # the clock the rules were applied at (differs in demos)
    venue: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(16))
    reason_codes: Mapped[str] = mapped_column(String(400))  # space-separated, most serious first
    masked_id: Mapped[str] = mapped_column(String(18))
    id_hash: Mapped[str] = mapped_column(String(64))
    # For face checks, which matcher decided: "dlib", or "simulated" so a demo's check is never taken for real.
    matcher: Mapped[str | None] = mapped_column(String(16))
    # Which kiosk checked (its name), through what (kiosk, api, cli, terminal), and on which clock: real, demo
    # (ASSISTANT_AT or the API's at, demo mode only) or operator (the CLI's --at on the server itself).
    kiosk: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(16))
    clock: Mapped[str | None] = mapped_column(String(16))
    # What the screen shows is what was logged: the masked name, the person's language, and each reason with the
    # facts it was given (JSON), so the result can be described from this row alone.
    masked_name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(2))
    reasons: Mapped[str | None] = mapped_column(Text)


class PassRecord(Base):
    """A printed pass: which resident it stands for (by keyed hash), its dates, and whether it was revoked."""

    __tablename__ = "pass_record"
    __table_args__ = (
        Index("ix_pass_record_id_hash", "id_hash"),
        # One live pass per resident, kept by the database: two servers issuing at once cannot leave two.
        Index(
            "uq_pass_record_live",
            "id_hash",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    pass_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64))
    masked_id: Mapped[str] = mapped_column(String(18))
    key_id: Mapped[int]
    issued_on: Mapped[date]
    expires_on: Mapped[date]
    revoked_at: Mapped[datetime | None]


class FaceEnrolment(Base):
    """A resident's face, enrolled with their consent: 128 numbers, and the photo only where that is configured."""

    __tablename__ = "face_enrolment"

    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True)
    matcher: Mapped[str] = mapped_column(String(16))  # encodings from different matchers cannot be compared
    encoding: Mapped[bytes] = mapped_column(LargeBinary)  # 128 float32 numbers
    consented_at: Mapped[datetime]  # UTC
    consent_by: Mapped[str] = mapped_column(String(100))  # who recorded the consent
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)

    resident: Mapped[Resident] = relationship(back_populates="face")


class FaceGalleryVersion(Base):
    """One row (made by the migrations), counted up in place by every enrolment and forgetting, so each server
    process knows to reload its faces."""

    __tablename__ = "face_gallery_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class Kiosk(Base):
    """A registered kiosk: its name, its venue, and a hash of its device token (the token itself is shown once)."""

    __tablename__ = "kiosk"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    venue: Mapped[str] = mapped_column(ForeignKey("venue.slug"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]  # UTC
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    demo: Mapped[bool] = mapped_column(default=False)  # made by demo seeding; a production server refuses these


class StaffAlert(Base):
    """Something staff must see at a kiosk (a run of lookups that found no one); the staff console lists them."""

    __tablename__ = "staff_alert"
    __table_args__ = (Index("ix_staff_alert_raised_at", "raised_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    raised_at: Mapped[datetime]  # UTC
    kind: Mapped[str] = mapped_column(String(32))
    kiosk: Mapped[str | None] = mapped_column(String(64))
    venue: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None]
