"""Staff sessions held on the server. Flask-Login keeps who is signed in inside the signed session cookie; on its own
a copy of that cookie would keep working after sign-out. So each sign-in makes a row here, the cookie names the row
and carries a random key (the row keeps only the key's hash), and a session is live only while its row has not
ended and its account is not disabled. Signing out ends the row; disabling an account, or an admin, ends them all."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from .. import inputs
from ..clock import stored_now
from ..models import StaffAccount, StaffSession

KEEP_DAYS = 2  # a session lasts this long at most (an idle one ends far sooner); then its row is dropped


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(session: Session, account_id: int) -> str:
    """A new session for the account; returns its token ("row.key"), which only the session cookie keeps."""
    _tidy(session)
    key = secrets.token_urlsafe(24)
    row = StaffSession(account_id=account_id, key_hash=_hash(key), started_at=stored_now())
    session.add(row)
    session.flush()
    return f"{row.id}.{key}"


def live(session: Session, token: str) -> StaffAccount | None:
    """The account of a live session, or None: no such session, a wrong key, ended, or the account disabled."""
    row_id, _, key = (token or "").partition(".")
    number = inputs.whole_number(row_id)
    if number is None or not key:
        return None
    found = session.execute(
        select(StaffSession.key_hash, StaffAccount)
        .join(StaffAccount, StaffAccount.id == StaffSession.account_id)
        .where(StaffSession.id == number, StaffSession.ended_at.is_(None), StaffAccount.disabled_at.is_(None))
    ).one_or_none()
    if found is None or not hmac.compare_digest(found[0], _hash(key)):
        return None
    return found[1]


def end(session: Session, token: str) -> None:
    """Sign-out: this session ends (a copy of its cookie opens nothing from now on)."""
    row_id = inputs.whole_number((token or "").partition(".")[0])
    if row_id is not None:
        session.execute(
            update(StaffSession)
            .where(StaffSession.id == row_id, StaffSession.ended_at.is_(None))
            .values(ended_at=stored_now())
        )


def end_all(session: Session, account_id: int) -> int:
    """Every open session of the account ends, in every browser, event streams included. Returns how many."""
    ended = session.execute(
        update(StaffSession)
        .where(StaffSession.account_id == account_id, StaffSession.ended_at.is_(None))
        .values(ended_at=stored_now())
    )
    return ended.rowcount


def _tidy(session: Session) -> None:
    old = stored_now() - timedelta(days=KEEP_DAYS)
    session.execute(delete(StaffSession).where(or_(StaffSession.ended_at < old, StaffSession.started_at < old)))
