"""The staff console at /staff/: sign-in, the help queue, residents, passes and faces, imports, kiosks and venues,
the check log and the audit log. Every page needs a signed-in staff member; some need an admin."""

from __future__ import annotations

import time
from functools import wraps

from flask import Blueprint, Flask, Response, abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, logout_user

from ... import inputs
from ...clock import SHANGHAI, from_storage, parse_time, to_storage
from ...staff import sessions
from .. import services

bp = Blueprint("staff", __name__, url_prefix="/staff")
login_manager = LoginManager()
# Pages that do not need a signed-in staff member (the sign-in form itself).
OPEN = {"staff.login", "staff.sign_in"}
# Asked for by the page itself while nobody touches it: these do not count as activity.
PASSIVE = {"staff.help_events", "staff.import_progress"}


class StaffUser(UserMixin):
    """The signed-in member of staff. Flask-Login keeps `id` in the session cookie: here it is the server-side
    session's token (staff.sessions), not the account's number, so that ending the session ends the cookie too."""

    def __init__(self, account, token: str):
        self.id = token
        self.account_id = account.id
        self.username = account.username
        self.role = account.role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@login_manager.user_loader
def _load(token: str):
    with services.db().session() as s:
        account = sessions.live(s, token)
        return StaffUser(account, token) if account else None


def sign_out() -> None:
    """This session ends on the server and in the browser."""
    with services.db().session() as s:
        sessions.end(s, current_user.id)
        s.commit()
    logout_user()
    session.pop("staff_seen", None)


def actor() -> str:
    return current_user.username


def idle_limit() -> int:
    return current_app.config["STAFF_IDLE_MINUTES"] * 60


@bp.before_request
def _signed_in():
    """Every staff page needs a live account, and a session ends after a spell without activity."""
    if request.endpoint in OPEN:
        return None
    if not current_user.is_authenticated:
        # A cookie that names a session the server has ended since: signed out elsewhere, disabled, or by an admin.
        ended = "session" if session.pop("_user_id", None) else None
        if request.endpoint in PASSIVE:
            return _ended_quietly(ended)
        return redirect(url_for("staff.login", next=_local(request.full_path), ended=ended), code=303)
    seen = session.get("staff_seen", 0)
    if time.time() - seen > idle_limit():
        sign_out()
        if request.endpoint in PASSIVE:
            return _ended_quietly("1")
        return redirect(url_for("staff.login", ended="1"), code=303)
    if request.endpoint not in PASSIVE:
        session["staff_seen"] = int(time.time())
    return None


def _ended_quietly(why: str | None):
    """What a page's own background request gets without a live session. The help queue's stream of a session that
    has just ended tells its page where to go (event "signed-out", with the sign-in screen saying why: "1" idle,
    "session" ended on the server); anything else, and anyone who never signed in, is refused."""
    if request.endpoint == "staff.help_events" and why:
        where = url_for("staff.login", ended=why)
        return Response(f"event: signed-out\ndata: {where}\n\n", mimetype="text/event-stream")
    abort(401)


@bp.context_processor
def _staff_member() -> dict:
    return {"current_user": current_user}


def admin_only(view):
    """Managing accounts, venues and kiosks, and reading the audit log, is for admins."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return guarded


def _local(path: str) -> str | None:
    """Where to go after signing in: a staff page of this site only, never another site."""
    path = (path or "").rstrip("?")
    if inputs.has_control(path):
        return None
    return path if path.startswith("/staff/") and not path.startswith("//") and "\\" not in path else None


def moment_arg(name: str, errors: list):
    """A from/until filter from the address, in Beijing time unless it says otherwise, as stored (naive UTC); on a
    bad value the field's message joins `errors` and there is no filter."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return to_storage(parse_time(text))
    except ValueError:
        errors.append((name, _("Enter a date and time, for example 2026-11-29T09:30")))
        return None


def paging() -> tuple[int | None, dict]:
    """The id to list from (newest first), and the filters to carry to the next page."""
    before = request.args.get("before", "")
    query = {k: v for k, v in request.args.items() if k != "before" and v}
    return inputs.whole_number(before), query


def local_time(moment, seconds: bool = False) -> str:
    if moment is None:
        return ""
    shown = from_storage(moment).astimezone(SHANGHAI)
    return shown.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def init_app(app: Flask) -> None:
    app.config.setdefault("STAFF_IDLE_MINUTES", 30)
    # Flask-Login's own context processor would look up the staff member on every page of the site, kiosk screens
    # too, and its session protection then sent the kiosk's session cookie again with each of them. With that,
    # Chromium lost the result after the number form in 9 of 150 tries (it went home); without it, in none of 150.
    # Staff pages get `current_user` from the blueprint's own context processor instead.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.session_protection = "strong"
    app.add_template_filter(local_time)
    app.register_blueprint(bp)
