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
    # With a headset at this venue's kiosks, the reasons are spoken with the result; in public only on request.
    private_listening: Mapped[bool | None] = mapped_column(default=False)
    # After a card read, the live face against the card's own chip photo: off, offer (the person may decline) or
    # require. A decline or no match calls staff; it is never a dead end.
    face_with_card: Mapped[str | None] = mapped_column(String(8), default="off")
    # A referral's slip is printed without being asked for, at this venue's kiosks that have a printer.
    print_referrals: Mapped[bool | None] = mapped_column(default=False)

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
    # Kiosk settings kept with the person's consent ("size=200 pace=slow"; residents/settings.py), or None.
    settings: Mapped[str | None] = mapped_column(String(64))
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
    settings: Mapped[str | None] = mapped_column(String(64))  # the resident's saved settings the screen came in


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
    # Who asked for it at the staff desk when it was not the resident (a relative), their relation, and who issued it.
    requested_by: Mapped[str | None] = mapped_column(String(100))
    relation: Mapped[str | None] = mapped_column(String(32))
    issued_by: Mapped[str | None] = mapped_column(String(64))


class FaceEnrolment(Base):
    """A resident's face, enrolled with their consent: 128 numbers, and the photo only where that is configured."""

    __tablename__ = "face_enrolment"

    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True)
    matcher: Mapped[str] = mapped_column(String(16))  # encodings from different matchers cannot be compared
    encoding: Mapped[bytes] = mapped_column(LargeBinary)  # 128 float32 numbers
    consented_at: Mapped[datetime]  # UTC
    consent_by: Mapped[str] = mapped_column(String(100))  # who recorded the consent
    requested_by: Mapped[str | None] = mapped_column(String(100))  # who asked: the resident, or a relative by name
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
    printer: Mapped[str | None] = mapped_column(String(200))  # its receipt printer, as slips.py names one; or none
    paper_mm: Mapped[int | None]  # the printer's paper: 80 or 58 mm


class HelpRequest(Base):
    """Someone at a kiosk needs a person: a Call staff press, a `refer` decision, or a run of lookups that found no
    one. Kept until staff say they are done, whether or not a staff page was open when it came."""

    __tablename__ = "help_request"
    __table_args__ = (Index("ix_help_request_raised_at", "raised_at"), Index("ix_help_request_state", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    raised_at: Mapped[datetime]  # UTC
    kind: Mapped[str] = mapped_column(String(32))  # call_staff, refer or too_many_checks
    kiosk: Mapped[str | None] = mapped_column(String(64))
    venue: Mapped[str | None] = mapped_column(String(64))
    screen: Mapped[str | None] = mapped_column(String(32))  # the kiosk screen Call staff was pressed on
    check_id: Mapped[int | None]  # the check on screen, if any: its masked person and reasons are copied here
    masked_id: Mapped[str | None] = mapped_column(String(18))
    masked_name: Mapped[str | None] = mapped_column(String(200))
    reason_codes: Mapped[str] = mapped_column(String(400), default="")
    state: Mapped[str] = mapped_column(String(16), default="waiting")  # waiting, coming, done
    coming_at: Mapped[datetime | None]
    coming_by: Mapped[str | None] = mapped_column(String(64))
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(64))


class StaffAccount(Base):
    """A person at the staff desk: a username, an Argon2 hash of their password, and a role (staff or admin)."""

    __tablename__ = "staff_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]  # UTC
    disabled_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    demo: Mapped[bool] = mapped_column(default=False)  # made by demo seeding; a production server refuses these


class StaffSession(Base):
    """One signed-in session of a staff account, held on the server: signing out, an admin, or disabling the account
    ends it, and a copy of its cookie opens nothing after that. The cookie carries the key; only its hash is kept."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_account.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]  # UTC
    ended_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One staff action, appended and never changed: who, what, when, and which resident (masked)."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]  # UTC
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    masked_id: Mapped[str | None] = mapped_column(String(18))
    detail: Mapped[str] = mapped_column(String(400), default="")


class ResidentChange(Base):
    """A resident's history: one row per fact a staff member changed, with its old and new value."""

    __tablename__ = "resident_change"
    __table_args__ = (Index("ix_resident_change_resident_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int]  # no foreign key: the history of a deleted resident says they were deleted
    changed_at: Mapped[datetime]  # UTC
    actor: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(32))
    old: Mapped[str | None] = mapped_column(String(200))
    new: Mapped[str | None] = mapped_column(String(200))


class ImportJob(Base):
    """A CSV import started from the staff console: its progress, written as it goes, and how it ended."""

    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]  # UTC
    started_by: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(16), default="checking")  # checking, applying, finished
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]  # UTC: a job not heard from for minutes has died with its process
    outcome: Mapped[str | None] = mapped_column(String(16))  # imported, rejected, failed
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    problems: Mapped[str | None] = mapped_column(Text)  # JSON: the first problems, [line, column, message]
    unlisted: Mapped[int] = mapped_column(default=0)


class CardRead(Base):
    """A card read by a kiosk's reader, waiting for that kiosk's screen to show it: its check, its error, or (when
    the venue wants the face too) who the card names and the chip photo's face as encrypted numbers, erased once
    compared or after two minutes. The chip photo itself is never kept."""

    __tablename__ = "card_read"
    __table_args__ = (Index("ix_card_read_kiosk", "kiosk", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    read_at: Mapped[datetime]  # UTC
    kiosk: Mapped[str] = mapped_column(String(64))
    venue: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # result, face or error
    error: Mapped[str | None] = mapped_column(String(32))
    check_id: Mapped[int | None]
    id_hash: Mapped[str | None] = mapped_column(String(64))
    masked_id: Mapped[str | None] = mapped_column(String(18))
    chip_face: Mapped[bytes | None] = mapped_column(LargeBinary)
    shown_at: Mapped[datetime | None]  # when the kiosk's screen took it: each read moves one screen, once
