"""For admins: kiosks (register, with the token shown once; revoke), venues' entry policy, staff accounts, and the
audit log. Staff may see the kiosk list; changing anything here is for admins."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ... import kiosks, reads
from ...models import Venue
from ...staff import accounts, audit
from .. import services
from . import actor, admin_only, bp, moment_arg, paging

STATUSES = ("green", "yellow", "red", "unknown")


def kiosk_messages() -> dict[str, str]:
    return {
        "kiosk_name_invalid": _("Enter a name of lower-case letters, digits, dots or dashes, for example metro-door-2"),
        "kiosk_name_taken": _("There is already a kiosk with this name. Choose another"),
        "venue_unknown": _("Choose the kiosk's venue"),
        "kiosk_unknown": _("There is no kiosk with this name"),
    }


def account_messages() -> dict[str, str]:
    return {
        "username_invalid": _("Enter a username of 2 to 64 lower-case letters, digits, dots or dashes"),
        "username_taken": _("There is already an account with this username. Choose another"),
        "password_too_short": _("Enter a password of at least %(n)s characters", n=accounts.MIN_PASSWORD),
        "password_too_long": _("Enter a password of at most %(n)s characters", n=accounts.MAX_PASSWORD),
        "role_invalid": _("Choose staff or admin"),
        "account_unknown": _("There is no account with this username"),
    }


def _kiosk_page(errors: list | None = None, made: dict | None = None, status: int = 200):
    with services.db().session() as s:
        listed = kiosks.all_kiosks(s)
        venues = list(s.scalars(select(Venue).order_by(Venue.slug)))
        s.expunge_all()
    page = render_template(
        "staff/kiosks.html", kiosks=listed, venues=venues, errors=errors or [], made=made, form=request.form
    )
    return page, status


@bp.get("/kiosks")
def kiosk_list():
    return _kiosk_page()


@bp.post("/kiosks")
@admin_only
def add_kiosk():
    name, venue = request.form.get("name", "").strip()[:64], request.form.get("venue", "")
    try:
        with services.db().session() as s:
            kiosk, token = kiosks.add(s, name, venue)
            audit.record(s, actor(), "kiosk_add", detail=f"{kiosk.name} at {kiosk.venue}")
    except kiosks.KioskError as error:
        field = "venue" if error.code == "venue_unknown" else "name"
        return _kiosk_page([(field, kiosk_messages()[error.code])], status=400)
    # The token is in this one answer only (and never in an address): the page says to copy it now.
    return _kiosk_page(made={"name": name, "venue": venue, "token": token})


@bp.post("/kiosks/<name>/revoke")
@admin_only
def revoke_kiosk(name: str):
    try:
        with services.db().session() as s:
            kiosks.revoke(s, name)
            audit.record(s, actor(), "kiosk_revoke", detail=name)
    except kiosks.KioskError:
        abort(404)
    return redirect(url_for("staff.kiosk_list"), code=303)


@bp.get("/venues")
@admin_only
def venue_list():
    with services.db().session() as s:
        venues = list(s.scalars(select(Venue).order_by(Venue.slug)))
        s.expunge_all()
    return render_template("staff/venues.html", venues=venues, texts=services.texts())


def _venue_or_404(session, slug: str) -> Venue:
    venue = session.get(Venue, slug)
    if venue is None:
        abort(404)
    return venue


@bp.route("/venues/<slug>", methods=["GET", "POST"])
@admin_only
def venue(slug: str):
    with services.db().session() as s:
        place = _venue_or_404(s, slug)
        if request.method == "GET":
            s.expunge_all()
            return render_template(
                "staff/venue.html", venue=place, errors=[], statuses=STATUSES, texts=services.texts(), form=None
            )
        form, errors = request.form, []
        allowed = [status for status in STATUSES if status in form.getlist("allowed")]
        if not allowed:
            errors.append(("allowed-green", _("Choose at least one status that may go in")))
        hours = _whole(form.get("max_test_age_hours", ""), 1, 24 * 14)
        if hours is False:
            errors.append(("max_test_age_hours", _("Enter the test window in hours, from 1 to 336, or leave it empty")))
        doses = _whole(form.get("min_vaccine_doses", ""), 1, 19)
        if doses is False:
            errors.append(("min_vaccine_doses", _("Enter the doses needed, from 1 to 19, or leave it empty")))
        face_with_card = form.get("face_with_card", "off")
        if face_with_card not in reads.FACE_WITH_CARD:
            errors.append(("face_with_card", _("Choose whether to check the face against the card's photo")))
        if errors:
            s.expunge_all()
            page = render_template(
                "staff/venue.html", venue=place, errors=errors, statuses=STATUSES, texts=services.texts(), form=form
            )
            return page, 400
        place.allowed_statuses = ",".join(allowed)
        place.max_test_age_hours = hours
        place.min_vaccine_doses = doses
        place.private_listening = form.get("private_listening") == "yes"
        place.face_search = form.get("face_search") == "yes"
        place.face_with_card = face_with_card
        audit.record(
            s,
            actor(),
            "venue_edit",
            detail=f"{slug}: allowed {place.allowed_statuses}, test "
            f"{hours or '-'} h, doses {doses or '-'}, private listening {place.private_listening}, "
            f"face search {place.face_search}, face with card {face_with_card}",
        )
    return redirect(url_for("staff.venue_list"), code=303)


def _whole(text: str, low: int, high: int):
    """None for empty, the number when it is whole and in range, False otherwise."""
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and low <= int(text) <= high:
        return int(text)
    return False


def _accounts_page(errors: list | None = None, status: int = 200, added: str | None = None):
    with services.db().session() as s:
        listed = accounts.all_accounts(s)
        s.expunge_all()
    page = render_template(
        "staff/accounts.html",
        accounts=listed,
        errors=errors or [],
        roles=accounts.ROLES,
        form=request.form,
        added=added,
    )
    return page, status


@bp.get("/accounts")
@admin_only
def account_list():
    return _accounts_page()


@bp.post("/accounts")
@admin_only
def add_account():
    username, role = request.form.get("username", "")[:64], request.form.get("role", "")
    try:
        with services.db().session() as s:
            account = accounts.add(s, username, request.form.get("password", ""), role)
            audit.record(s, actor(), "staff_add", detail=f"{account.username} as {role}")
            added = account.username
    except accounts.AccountError as error:
        field = {"role_invalid": "role-staff", "password_too_short": "password", "password_too_long": "password"}
        return _accounts_page([(field.get(error.code, "username"), account_messages()[error.code])], 400)
    return _accounts_page(added=added)


@bp.post("/accounts/<username>/disable")
@admin_only
def disable_account(username: str):
    if username == actor():
        abort(400)  # an admin cannot lock themselves out by mistake; another admin can
    try:
        with services.db().session() as s:
            accounts.disable(s, username)
            audit.record(s, actor(), "staff_disable", detail=username)
    except accounts.AccountError:
        abort(404)
    return redirect(url_for("staff.account_list"), code=303)


@bp.get("/audit")
@admin_only
def audit_log():
    errors: list = []
    since, until = moment_arg("since", errors), moment_arg("until", errors)
    action = request.args.get("action", "")
    before, query = paging()
    with services.db().session() as s:
        entries = audit.entries(
            s,
            actor=request.args.get("actor", "")[:64] or None,
            action=action if action in audit.ACTIONS else None,
            since=since,
            until=until,
            before_id=before,
        )
        s.expunge_all()
    return render_template(
        "staff/audit.html",
        entries=entries,
        errors=errors,
        actions=audit.ACTIONS,
        args=request.args,
        query=query,
        next_before=entries[-1].id if len(entries) == audit.PAGE else None,
    ), (400 if errors else 200)
