"""Staff accounts: a username, a role, and an Argon2 hash of the password (never the password itself)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from ..clock import stored_now
from ..models import StaffAccount
from ..problems import Problem
from . import sessions

ROLES = ("staff", "admin")  # staff help, look up and print; admins also manage accounts, venues and kiosks
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200  # Argon2 takes any length; a bound keeps a huge form field from costing anything
# zxcvbn's score from 0 to 4; 3 is "safely unguessable" (about 10^8 guesses or more), far beyond what the sign-in
# limit lets anyone try against the console, and enough to make a stolen Argon2 hash slow to crack.
STRONG_ENOUGH = 3
_hasher = PasswordHasher()
# Verified against when the username is unknown, so that a wrong name takes as long as a wrong password.
_NOBODY = _hasher.hash("no account has this password")


class AccountError(Problem):
    """`code` is username_invalid, username_taken, password_too_short, password_too_long, password_guessable,
    password_is_username, role_invalid or account_unknown."""


def check_password(password: str, username: str = "") -> None:
    """A password long enough, and one that zxcvbn's estimate says would take an attacker many guesses: not a common
    password, a keyboard row, a repeat, a date, or the username (or a small change to it)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_too_short", n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise AccountError("password_too_long", n=MAX_PASSWORD)
    if username and password.strip().lower() == username.lower():
        raise AccountError("password_is_username")
    if zxcvbn(password, user_inputs=[username] if username else [])["score"] < STRONG_ENOUGH:
        raise AccountError("password_guessable")


def add(session: Session, username: str, password: str, role: str, *, demo: bool = False) -> StaffAccount:
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise AccountError("username_invalid")
    if role not in ROLES:
        raise AccountError("role_invalid")
    check_password(password, username)
    if session.scalar(select(StaffAccount.id).where(StaffAccount.username == username)) is not None:
        raise AccountError("username_taken")
    account = StaffAccount(
        username=username, password_hash=_hasher.hash(password), role=role, created_at=stored_now(), demo=demo
    )
    session.add(account)
    session.flush()
    return account


def disable(session: Session, username: str) -> StaffAccount:
    """The account can no longer sign in, and every session it has open ends now (event streams included)."""
    account = by_username(session, username)
    if account is None:
        raise AccountError("account_unknown")
    if account.disabled_at is None:
        account.disabled_at = stored_now()
    sessions.end_all(session, account.id)
    return account


def end_sessions(session: Session, username: str) -> int:
    """An admin ends every open session of the account (a lost laptop, a shared computer left signed in); the
    account itself stays. Returns how many ended."""
    account = by_username(session, username)
    if account is None:
        raise AccountError("account_unknown")
    return sessions.end_all(session, account.id)


def by_username(session: Session, username: str) -> StaffAccount | None:
    return session.scalar(select(StaffAccount).where(StaffAccount.username == (username or "").strip().lower()))


def live(session: Session, account_id: int) -> StaffAccount | None:
    """The account a signed-in session names, unless it has been disabled since."""
    account = session.get(StaffAccount, account_id)
    return account if account is not None and account.disabled_at is None else None


def authenticate(session: Session, username: str, password: str) -> StaffAccount | None:
    """The live account with this username and password, or None. Takes about as long either way."""
    account = by_username(session, username) if len(username or "") <= 64 else None
    password = (password or "")[:MAX_PASSWORD]
    try:
        _hasher.verify(account.password_hash if account else _NOBODY, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or account.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(account.password_hash):  # the hasher's settings were raised since
        account.password_hash = _hasher.hash(password)
    account.last_login_at = stored_now()
    return account


def all_accounts(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.username)))
