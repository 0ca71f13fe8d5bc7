"""Residents at the staff desk: find, add, edit (with history), delete; their pass and their face enrolment."""

from __future__ import annotations

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ... import identity, images, inputs
from ...clock import SHANGHAI
from ...faces import FaceProblem, enrolment
from ...models import Resident
from ...passes import card as pass_card
from ...passes import office as pass_office
from ...residents import settings as saved_settings
from ...staff import audit, records
from .. import preferences, services
from . import actor, bp

PASS_DAYS = (30, 90, 180, 365)
RELATIONS = ("son", "daughter", "spouse", "grandchild", "other_relative", "carer", "friend")


def field_messages() -> dict[str, str]:
    """What to do about each field of the resident form, in the staff member's language."""
    when = _("Enter a date and time, for example 2026-11-29T09:30, or leave it empty")
    return {
        "exists": _("There is already a resident with this ID number. Find them instead."),
        "name": _("Enter the resident's name, up to 200 characters"),
        "quarantine_until": when,
        "last_test_at": when,
        "risk_area_visit_at": when,
        "last_test_result": _("A test needs both a time and a result: give both, or neither"),
        "risk_area_level": _("A risk-area visit needs both a level and a time: give both, or neither"),
        "vaccine_doses": _("Enter a whole number of doses, from 0 to 19"),
        "language": _("Choose Chinese or English"),
    }


def relation_names() -> dict[str, str]:
    return {
        "son": _("Son"),
        "daughter": _("Daughter"),
        "spouse": _("Husband or wife"),
        "grandchild": _("Grandchild"),
        "other_relative": _("Another relative"),
        "carer": _("Carer"),
        "friend": _("Friend or neighbour"),
    }


def _resident_or_404(session, resident_id: int) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None:
        abort(404)
    return resident


def _id_error(error: identity.IdNumberError) -> str:
    return services.texts().error(error.code, preferences.language())


@bp.get("/residents")
def residents():
    return render_template("staff/residents.html", errors=[], found=None, name="")


@bp.post("/residents")
def find_resident():
    """Find by the full number (it goes in a form, never an address) or by name."""
    number, name = request.form.get("number", "").strip()[:64], request.form.get("name", "").strip()[:100]
    if not number and not name:
        errors = [("number", _("Enter an ID number or a name"))]
        return render_template("staff/residents.html", errors=errors, found=None, name=""), 400
    with services.db().session() as s:
        if number:
            try:
                resident = records.find_by_number(s, number, services.hash_key())
            except identity.IdNumberError as error:
                return render_template(
                    "staff/residents.html", errors=[("number", _id_error(error))], found=None, name=""
                ), 400
            audit.record(s, actor(), "lookup", identity.mask(identity.parse(number).number), "by full ID number")
            if resident is not None:
                return redirect(url_for("staff.resident", resident_id=resident.id), code=303)
            found = []
        else:
            found = [(r.id, r.name, r.masked_id) for r in records.find_by_name(s, name)]
    return render_template("staff/residents.html", errors=[], found=found, name=name, by_number=bool(number))


@bp.get("/residents/<int:resident_id>")
def resident(resident_id: int):
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        live = records.live_pass(s, person)
        history = records.history(s, resident_id)
        face = person.face
        s.expunge_all()
    return render_template(
        "staff/resident.html",
        resident=person,
        live_pass=live,
        history=history,
        face=face,
        values=records.form_values(person),
        relations=relation_names(),
        added=request.args.get("added"),
        setting_options=preferences.choice_options(),
        kept_settings=saved_settings.parse(person.settings),
    )


def _form_page(template_values: dict, errors: list, status: int):
    return render_template("staff/resident_form.html", errors=errors, **template_values), status


@bp.route("/residents/new", methods=["GET", "POST"])
def new_resident():
    values = records.form_values(None) | ({} if request.method == "GET" else request.form.to_dict())
    if request.method == "GET":
        return _form_page({"resident": None, "values": values}, [], 200)
    number = request.form.get("id_number", "")
    errors = []  # every field's problem at once, the number's first
    try:
        identity.parse(number)
    except identity.IdNumberError as error:
        errors.append(("id_number", _id_error(error)))
    try:
        records.checked(request.form)
    except records.RecordProblems as problems:
        errors += _errors(problems)
    if errors:
        return _form_page({"resident": None, "values": _without_number(values)}, errors, 400)
    with services.db().session() as s:
        try:
            person = records.add(s, number, request.form, services.hash_key(), actor())
        except records.RecordProblems as problems:
            return _form_page({"resident": None, "values": _without_number(values)}, _errors(problems), 400)
        audit.record(s, actor(), "resident_add", person.masked_id)
        resident_id = person.id
    return redirect(url_for("staff.resident", resident_id=resident_id, added="1"), code=303)


def _without_number(values: dict) -> dict:
    """A form shown again never carries the full number back into the page: it is typed again."""
    return {**values, "id_number": ""}


def _errors(problems: records.RecordProblems) -> list:
    messages = field_messages()
    return [
        (field, messages["exists"] if detail == "exists" else messages.get(field, messages["name"]))
        for field, detail in problems.problems.items()
    ]


@bp.route("/residents/<int:resident_id>/edit", methods=["GET", "POST"])
def edit_resident(resident_id: int):
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        if request.method == "GET":
            return _form_page({"resident": person, "values": records.form_values(person)}, [], 200)
        try:
            changed = records.edit(s, person, request.form, actor())
        except records.RecordProblems as problems:
            values = records.form_values(None) | request.form.to_dict()
            return _form_page({"resident": person, "values": values}, _errors(problems), 400)
        if changed:
            audit.record(s, actor(), "resident_edit", person.masked_id, "changed " + ", ".join(changed))
    return redirect(url_for("staff.resident", resident_id=resident_id), code=303)


@bp.route("/residents/<int:resident_id>/delete", methods=["GET", "POST"])
def delete_resident(resident_id: int):
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        if request.method == "GET":
            return render_template("staff/resident_delete.html", resident=person, errors=[])
        if request.form.get("confirm") != "yes":
            errors = [("confirm", _("Tick the box to confirm, or go back"))]
            return render_template("staff/resident_delete.html", resident=person, errors=errors), 400
        masked = person.masked_id
        revoked = records.delete(s, person, actor())
        audit.record(s, actor(), "resident_delete", masked, f"{revoked} pass(es) revoked, face data removed")
    return render_template("staff/resident_deleted.html", masked_id=masked)


@bp.post("/residents/<int:resident_id>/pass")
def issue_pass(resident_id: int):
    requested_by = request.form.get("requested_by", "").strip()[:100]
    relation = request.form.get("relation", "")
    days = request.form.get("days", "")
    errors = []
    if inputs.whole_number(days) not in PASS_DAYS:
        errors.append(("days", _("Choose how long the pass lasts")))
    if requested_by and relation not in RELATIONS:
        errors.append(("relation", _("Choose how the person asking is related to the resident")))
    if relation and not requested_by:
        errors.append(("requested_by", _("Enter the name of the person asking, or choose nobody")))
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        if errors:
            s.expunge_all()
            return render_template(
                "staff/pass.html",
                resident=person,
                errors=errors,
                relations=relation_names(),
                days=PASS_DAYS,
                form=request.form,
            ), 400
        _token, record = pass_office.issue_for(
            s,
            services.pass_keys(),
            person,
            days=int(days),
            today=_today(),
            requested_by=requested_by or None,
            relation=relation or None,
            issued_by=actor(),
        )
        detail = f"pass {record.pass_id}" + (f", asked by a {relation}" if requested_by else "")
        audit.record(s, actor(), "pass_issue", person.masked_id, detail)
    return redirect(url_for("staff.print_pass", resident_id=resident_id), code=303)


def _with_live_pass(resident_id: int):
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        live = records.live_pass(s, person)
        s.expunge_all()
    return person, live


@bp.get("/residents/<int:resident_id>/pass")
def pass_form(resident_id: int):
    person, live = _with_live_pass(resident_id)
    return render_template(
        "staff/pass.html",
        resident=person,
        live_pass=live,
        errors=[],
        relations=relation_names(),
        days=PASS_DAYS,
        form={},
    )


@bp.post("/residents/<int:resident_id>/pass/revoke")
def revoke_pass(resident_id: int):
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        revoked = pass_office.revoke_all(s, person.id_hash)
        audit.record(s, actor(), "pass_revoke", person.masked_id, f"{revoked} pass(es)")
    return redirect(url_for("staff.resident", resident_id=resident_id), code=303)


@bp.get("/residents/<int:resident_id>/pass/print")
def print_pass(resident_id: int):
    person, live = _with_live_pass(resident_id)
    if live is None:
        return redirect(url_for("staff.pass_form", resident_id=resident_id), code=303)
    return render_template("staff/pass_print.html", resident=person, live_pass=live)


@bp.get("/residents/<int:resident_id>/pass.pdf")
def pass_pdf(resident_id: int):
    """The live pass as the card PDF, shown inline so the browser's own viewer prints it; made again from the
    registry's record each time (nothing printable is kept)."""
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        live = records.live_pass(s, person)
        if live is None:
            abort(404)
        token = pass_office.token_of(services.pass_keys(), live)
        audit.record(s, actor(), "pass_print", person.masked_id, f"pass {live.pass_id}")
        name, expires = person.name, live.expires_on
    pdf = pass_card.pdf_bytes(token, name, expires)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'inline; filename="pass.pdf"'
    # Shown inside the print page (same site only); every other page keeps frame-ancestors 'none'.
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    return response


@bp.get("/residents/<int:resident_id>/face")
def face(resident_id: int):
    return _face_page(resident_id, [], 200)


def _face_page(resident_id: int, errors: list, status: int):
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        enrolled = person.face
        s.expunge_all()
    keep = current_app.config["KEEP_FACE_PHOTOS"]
    page = render_template(
        "staff/face.html", resident=person, face=enrolled, errors=errors, form=request.form, keep_photos=keep
    )
    return page, status


@bp.post("/residents/<int:resident_id>/face")
def enrol_face(resident_id: int):
    upload = request.files.get("picture")
    photo = upload.stream.read(images.MAX_BYTES + 1) if upload and upload.filename else b""
    requested_by = request.form.get("requested_by", "").strip()[:100]
    errors = []
    if request.form.get("consent") != "yes":
        errors.append(
            ("consent", _("The resident must agree before their face is enrolled. Ask them, then tick the box"))
        )
    if not requested_by:
        errors.append(("requested_by", _("Enter who asked: the resident, or the relative by name")))
    if not photo:
        errors.append(("picture", _("Take a picture with the camera, or choose a photo")))
    if errors:
        return _face_page(resident_id, errors, 400)
    recogniser = services.faces()
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        try:
            enrolment.enroll_resident(
                s,
                recogniser.matcher,
                person,
                photo=photo,
                consent=True,
                consent_by=actor(),
                requested_by=requested_by,
                keep_photo=current_app.config["KEEP_FACE_PHOTOS"],
            )
        except (images.ImageProblem, FaceProblem) as problem:
            s.rollback()
            message = services.texts().error(problem.code, preferences.language())
            return _face_page(resident_id, [("picture", message)], 400)
        audit.record(s, actor(), "face_enrol", person.masked_id, "consent recorded")
    return redirect(url_for("staff.resident", resident_id=resident_id), code=303)


@bp.post("/residents/<int:resident_id>/face/forget")
def forget_face(resident_id: int):
    with services.db().session() as s:
        person = _resident_or_404(s, resident_id)
        if enrolment.forget_resident(s, person):
            audit.record(s, actor(), "face_forget", person.masked_id)
    return redirect(url_for("staff.resident", resident_id=resident_id), code=303)


def _today():
    return services.now().astimezone(SHANGHAI).date()
