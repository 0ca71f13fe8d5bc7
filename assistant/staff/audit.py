"""The audit log: every staff action, appended and never changed (the database refuses updates and deletes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import stored_now
from ..models import AuditEntry

# What staff can do, as the audit log names it.
ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "lookup",
    "resident_add",
    "resident_edit",
    "resident_delete",
    "pass_issue",
    "pass_print",
    "pass_revoke",
    "face_enrol",
    "face_forget",
    "resident_settings",
    "import",
    "export",
    "help_coming",
    "help_done",
    "kiosk_add",
    "kiosk_revoke",
    "kiosk_printer",
    "venue_edit",
    "staff_add",
    "staff_disable",
    "staff_sessions_end",
)
PAGE = 200


def record(session: Session, actor: str, action: str, masked_id: str | None = None, detail: str = "") -> None:
    if action not in ACTIONS:
        raise KeyError(f"unknown audit action {action!r}")
    session.add(
        AuditEntry(
            at=stored_now(),
            actor=actor[:64],
            action=action,
            masked_id=masked_id,
            detail=detail[:400],
        )
    )


def entries(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
) -> list[AuditEntry]:
    """The newest entries first, PAGE at a time (`before_id` for the next page); times are UTC."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE)
    if actor:
        query = query.where(AuditEntry.actor == actor.strip().lower())
    if action:
        query = query.where(AuditEntry.action == action)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))
