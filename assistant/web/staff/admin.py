"""For admins: kiosks (register, with the token shown once; revoke), venues' entry policy, staff accounts, and the
audit log. Staff may see the kiosk list; changing anything here is for admins."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from ... import kiosks, venues
from ...rules import STATUSES
from ...staff import accounts, audit
from .. import preferences, services
from . import actor, admin_only, bp, moment_arg, paging


def _message(error) -> str:
    return services.texts().error(error.code, preferences.language(), error.details)


def _kiosk_page(errors: list | None = None, made: dict | None = None, status: int = 200):
    with services.db().session() as s:
        listed = kiosks.all_kiosks(s)
        all_venues = venues.listed(s)
        s.expunge_all()
    page = render_template(
        "staff/kiosks.html", kiosks=listed, venues=all_venues, errors=errors or [], made=made, form=request.form
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
        field = "venue" if error.code == "kiosk_venue_unknown" else "name"
        return _kiosk_page([(field, _message(error))], status=400)
    # The token is in this one answer only (and never in an address): the page says to copy it now.
    return _kiosk_page(made={"name": name, "venue": venue, "token": token})


@bp.post("/kiosks/printer")
@admin_only
def kiosk_printer():
    """An admin names a kiosk's receipt printer and its paper, or (left empty) says it has none."""
    name, spec = request.form.get("kiosk", "")[:64], request.form.get("printer", "")[:200]
    paper = {"80": 80, "58": 58}.get(request.form.get("paper_mm", ""))
    try:
        with services.db().session() as s:
            kiosk = kiosks.set_printer(s, name, spec, paper)
            shown = f"{kiosk.printer}, {kiosk.paper_mm} mm" if kiosk.printer else "none"
            audit.record(s, actor(), "kiosk_printer", detail=f"{kiosk.name}: {shown}")
    except kiosks.KioskError as error:
        field = {"kiosk_unknown": "kiosk", "kiosk_paper_invalid": "paper_mm"}.get(error.code, "printer")
        return _kiosk_page([(field, _message(error))], status=400)
    return redirect(url_for("staff.kiosk_list"), code=303)


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
        listed = venues.listed(s)
        s.expunge_all()
    return render_template("staff/venues.html", venues=listed, texts=services.texts())


@bp.route("/venues/<slug>", methods=["GET", "POST"])
@admin_only
def venue(slug: str):
    with services.db().session() as s:
        place = venues.by_slug(s, slug)
        if place is None:
            abort(404)
        page = {"venue": place, "statuses": STATUSES, "texts": services.texts()}
        if request.method == "GET":
            s.expunge_all()
            return render_template("staff/venue.html", errors=[], form=None, **page)
        try:
            venues.set_policy(place, request.form)
        except venues.PolicyProblems as problems:
            s.expunge_all()
            lang = preferences.language()
            errors = [(field, services.texts().error(code, lang)) for field, code in problems.fields]
            return render_template("staff/venue.html", errors=errors, form=request.form, **page), 400
        audit.record(
            s,
            actor(),
            "venue_edit",
            detail=f"{slug}: allowed {place.allowed_statuses}, test "
            f"{place.max_test_age_hours or '-'} h, doses {place.min_vaccine_doses or '-'}, private listening "
            f"{place.private_listening}, face search {place.face_search}, face with card {place.face_with_card}, "
            f"print referrals {place.print_referrals}",
        )
    return redirect(url_for("staff.venue_list"), code=303)


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
        field = "role-staff" if error.code == "role_invalid" else "username"
        field = "password" if error.code.startswith("password_") else field
        return _accounts_page([(field, _message(error))], 400)
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


@bp.post("/accounts/<username>/sessions/end")
@admin_only
def end_sessions(username: str):
    try:
        with services.db().session() as s:
            ended = accounts.end_sessions(s, username)
            audit.record(s, actor(), "staff_sessions_end", detail=f"{username}: {ended}")
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
