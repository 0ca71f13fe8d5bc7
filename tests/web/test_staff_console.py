"""What staff do at the desk: answer the help queue, keep residents, passes and faces, register kiosks, set venue
policy, read, chart and export the check log, import residents; every action audited."""

import csv
import io
import time

from sqlalchemy import func, select

from assistant import passes
from assistant.clock import SHANGHAI
from assistant.models import AuditEntry, FaceEnrolment, HelpRequest, Kiosk, PassRecord, Resident, ResidentChange, Venue
from assistant.passes.office import token_of
from tests.support.app import ADMIN, ANCHOR, DEMO_NUMBERS, SEEDS, bearer, signed_in


def db(app):
    return app.extensions["assistant"]["db"]


def actions(app) -> list[str]:
    with db(app).session() as s:
        return s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def requests(app) -> list[HelpRequest]:
    with db(app).session() as s:
        found = s.scalars(select(HelpRequest).order_by(HelpRequest.id)).all()
        s.expunge_all()
        return found


def test_call_staff_and_a_referral_reach_the_help_queue_and_i_am_coming_reaches_the_kiosk(staff_app):
    kiosk = staff_app.test_client()
    kiosk.post("/kiosk/metro/check", data={"id_number": DEMO_NUMBERS[1]})  # red: in quarantine, so refer
    assert kiosk.post("/kiosk/metro/help", data={"screen": "kiosk.result"}).status_code == 303
    refer, press = requests(staff_app)
    assert (refer.kind, refer.kiosk, refer.venue, refer.reason_codes) == (
        "refer",
        "demo-metro",
        "metro",
        "quarantine status_not_allowed",
    )
    assert (press.kind, press.screen, press.masked_name, press.reason_codes) == (
        "call_staff",
        "result",
        "李*",
        refer.reason_codes,
    )
    assert DEMO_NUMBERS[1] not in press.masked_id and press.masked_id == refer.masked_id
    desk = signed_in(staff_app)
    page = desk.get("/staff/help?lang=en").get_data(as_text=True)
    assert "2 requests open" in page and "Pressed Call staff on the result screen." in page
    assert "You are in quarantine" in page and "Waiting 0 minutes." in page
    assert kiosk.get("/kiosk/metro/help/state").get_json() == {"state": "waiting"}
    assert desk.post(f"/staff/help/{press.id}/coming").status_code == 303
    assert kiosk.get("/kiosk/metro/help/state").get_json() == {"state": "coming"}
    shown = kiosk.get("/kiosk/metro/help?lang=en").get_data(as_text=True)
    assert '<div class="staff-coming-words">' in shown and "A staff member is on the way" in shown
    assert "desk is on the way." in desk.get("/staff/help?lang=en").get_data(as_text=True)
    desk.post(f"/staff/help/{press.id}/done")
    desk.post(f"/staff/help/{refer.id}/done")
    assert "Nobody is waiting for help." in desk.get("/staff/help?lang=en").get_data(as_text=True)
    assert [r.state for r in requests(staff_app)] == ["done", "done"]
    assert actions(staff_app)[-3:] == ["help_coming", "help_done", "help_done"]


def test_an_api_referral_is_a_help_request_too_and_an_admission_is_not(staff_app):
    api = staff_app.test_client()
    api.post("/api/v1/checks", json={"id_number": DEMO_NUMBERS[0]}, headers=bearer(staff_app))
    api.post("/api/v1/checks", json={"id_number": DEMO_NUMBERS[3]}, headers=bearer(staff_app, "demo-hospital"))
    assert [(r.kind, r.kiosk, r.reason_codes) for r in requests(staff_app)] == [
        ("refer", "demo-hospital", "high_risk_area status_not_allowed")
    ]


def test_the_queue_streams_to_the_staff_page_without_a_reload(staff_app):
    """Each answer of the stream comes at once and ends; the page comes back after `retry` with the id of the queue
    it has, and gets the queue again only when it has changed: a new request reaches it within about a second."""
    desk = signed_in(staff_app)
    first = desk.get("/staff/help/events?lang=en")
    assert first.mimetype == "text/event-stream" and first.headers["Cache-Control"] == "no-store"
    body = first.get_data(as_text=True)
    assert body.startswith("retry: 1000\n\n") and "event: queue" in body and "Nobody is waiting for help." in body
    shown = body.split("id: ")[1].split("\n")[0]
    again = desk.get("/staff/help/events?lang=en", headers={"Last-Event-ID": shown}).get_data(as_text=True)
    assert again == "retry: 1000\n\n"  # nothing new: nothing sent
    staff_app.test_client().post("/kiosk/metro/help", data={"screen": "kiosk.card"})
    event = desk.get("/staff/help/events?lang=en", headers={"Last-Event-ID": shown}).get_data(as_text=True)
    assert "1 request open" in event and "Pressed Call staff on the ID card screen." in event


def test_residents_are_found_added_edited_with_history_and_deleted(staff_app):
    desk = signed_in(staff_app)
    found = desk.post("/staff/residents", data={"number": DEMO_NUMBERS[0]})
    resident_path = found.headers["Location"]
    assert "王秀英" in desk.get(resident_path).get_data(as_text=True)
    by_name = desk.post("/staff/residents?lang=en", data={"name": "秀"}).get_data(as_text=True)
    assert "1 resident found" in by_name and "3101**********0245" in by_name
    bad = desk.post("/staff/residents?lang=en", data={"number": "12345"})
    assert bad.status_code == 400 and '<a href="#number">' in bad.get_data(as_text=True)
    number = "11010519491231002X"
    refused = desk.post(
        "/staff/residents/new?lang=en",
        data={
            "id_number": number,
            "name": "钱桂兰",
            "quarantine_until": "soon",
            "vaccine_doses": "x",
            "language": "zh",
        },
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and '<a href="#quarantine_until">' in page and '<a href="#vaccine_doses">' in page
    assert number not in page
    added = desk.post(
        "/staff/residents/new", data={"id_number": number, "name": "钱桂兰", "vaccine_doses": "2", "language": "zh"}
    )
    path = added.headers["Location"].split("?")[0]
    again = desk.post("/staff/residents/new?lang=en", data={"id_number": number, "name": "x", "vaccine_doses": "0"})
    assert "There is already a resident with this ID number" in again.get_data(as_text=True)
    form = {
        "name": "钱桂兰",
        "vaccine_doses": "3",
        "language": "en",
        "last_test_at": "2026-11-28T09:30",
        "last_test_result": "negative",
    }
    assert desk.post(f"{path}/edit", data=form).status_code == 303
    resident_id = int(path.rsplit("/", 1)[1])
    with db(staff_app).session() as s:
        person = s.get(Resident, resident_id)
        assert (person.vaccine_doses, person.language, person.last_test_result) == (3, "en", "negative")
        history = s.execute(
            select(ResidentChange.field, ResidentChange.old, ResidentChange.new, ResidentChange.actor)
            .where(ResidentChange.resident_id == resident_id)
            .order_by(ResidentChange.id)
        ).all()
    assert [tuple(h) for h in history] == [
        ("added", None, "1101**********002X", "desk"),
        ("last_test_at", None, "2026-11-28T09:30", "desk"),
        ("last_test_result", None, "negative", "desk"),
        ("vaccine_doses", "2", "3", "desk"),
        ("language", "zh", "en", "desk"),
    ]
    assert desk.post(f"{path}/delete", data={}).status_code == 400  # not confirmed
    assert desk.post(f"{path}/delete", data={"confirm": "yes"}).status_code == 200
    assert desk.get(path).status_code == 404
    assert actions(staff_app) == ["login", "lookup", "resident_add", "resident_edit", "resident_delete"]


def test_a_pass_is_issued_for_a_relative_printed_reissued_and_revoked(staff_app):
    desk = signed_in(staff_app)
    path = desk.post("/staff/residents", data={"number": DEMO_NUMBERS[0]}).headers["Location"]
    missing = desk.post(f"{path}/pass?lang=en", data={"days": "180", "requested_by": "王明"})
    assert missing.status_code == 400 and '<a href="#relation">' in missing.get_data(as_text=True)
    issued = desk.post(f"{path}/pass", data={"days": "180", "requested_by": "王明", "relation": "son"})
    assert issued.headers["Location"] == f"{path}/pass/print"
    assert "pass.pdf" in desk.get(f"{path}/pass/print").get_data(as_text=True)
    pdf = desk.get(f"{path}/pass.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert (
        "inline" in pdf.headers["Content-Disposition"]
        and "frame-ancestors 'self'" in pdf.headers["Content-Security-Policy"]
    )
    keys = passes.Keys(staff_app.config["PASS_KEYS"])
    with db(staff_app).session() as s:
        first = s.scalar(select(PassRecord))
        assert (first.requested_by, first.relation, first.issued_by) == ("王明", "son", "desk")
        token = token_of(keys, first)
    today = ANCHOR.astimezone(SHANGHAI).date()
    assert passes.verify(keys, token, today).pass_id == first.pass_id  # the reprint is the same pass
    desk.post(f"{path}/pass", data={"days": "30"})
    with db(staff_app).session() as s:
        live = s.scalars(select(PassRecord).where(PassRecord.revoked_at.is_(None))).all()
        assert len(live) == 1 and live[0].pass_id != first.pass_id and live[0].requested_by is None
    kiosk = staff_app.test_client()
    assert kiosk.post("/kiosk/metro/pass", data={"token": token}).status_code == 400  # the old card stopped working
    desk.post(f"{path}/pass/revoke")
    with db(staff_app).session() as s:
        assert s.scalar(select(func.count()).select_from(PassRecord).where(PassRecord.revoked_at.is_(None))) == 0
    assert actions(staff_app)[1:] == ["lookup", "pass_issue", "pass_print", "pass_issue", "pass_revoke"]


def test_a_face_is_enrolled_only_with_consent_and_can_be_forgotten(staff_app):
    desk = signed_in(staff_app)
    path = desk.post("/staff/residents", data={"number": DEMO_NUMBERS[4]}).headers["Location"]
    resident_id = int(path.rsplit("/", 1)[1])
    photo = (SEEDS / "faces" / "hopper.jpg").read_bytes()
    refused = desk.post(
        f"{path}/face?lang=en",
        data={"picture": (io.BytesIO(photo), "me.jpg"), "requested_by": "her"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and '<a href="#consent">' in refused.get_data(as_text=True)
    two = (SEEDS / "faces" / "two-people.jpg").read_bytes()
    several = desk.post(
        f"{path}/face?lang=en",
        content_type="multipart/form-data",
        data={"picture": (io.BytesIO(two), "x.jpg"), "consent": "yes", "requested_by": "her"},
    )
    assert several.status_code == 400 and '<a href="#picture">' in several.get_data(as_text=True)
    enrolled = desk.post(
        f"{path}/face",
        content_type="multipart/form-data",
        data={"picture": (io.BytesIO(photo), "me.jpg"), "consent": "yes", "requested_by": "her son"},
    )
    assert enrolled.status_code == 303
    with db(staff_app).session() as s:
        face = s.get(FaceEnrolment, resident_id)
        assert (face.consent_by, face.requested_by, face.photo) == ("desk", "her son", None)
    assert "Enrolled on" in desk.get(f"{path}?lang=en").get_data(as_text=True)
    desk.post(f"{path}/face/forget")
    with db(staff_app).session() as s:
        assert s.get(FaceEnrolment, resident_id) is None
    assert actions(staff_app)[-2:] == ["face_enrol", "face_forget"]


def test_an_admin_registers_a_kiosk_once_and_revokes_it_at_once(staff_app):
    admin = signed_in(staff_app, ADMIN)
    bad = admin.post("/staff/kiosks?lang=en", data={"name": "Bad Name", "venue": "metro"})
    assert bad.status_code == 400 and '<a href="#name">' in bad.get_data(as_text=True)
    made = admin.post("/staff/kiosks", data={"name": "metro-door-9", "venue": "metro"}).get_data(as_text=True)
    token = made.split('<p class="token"><code>')[1].split("<")[0]
    api = staff_app.test_client()
    check = {"id_number": DEMO_NUMBERS[0]}
    assert api.post("/api/v1/checks", json=check, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = admin.get("/staff/kiosks?lang=en").get_data(as_text=True)
    assert "metro-door-9" in listed and token not in listed
    admin.post("/staff/kiosks/metro-door-9/revoke")
    assert api.post("/api/v1/checks", json=check, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    with db(staff_app).session() as s:
        assert s.scalar(select(Kiosk.revoked_at).where(Kiosk.name == "metro-door-9")) is not None


def test_an_admin_sets_a_venues_entry_policy(staff_app):
    admin = signed_in(staff_app, ADMIN)
    none = admin.post("/staff/venues/metro?lang=en", data={"max_test_age_hours": "0"})
    page = none.get_data(as_text=True)
    assert none.status_code == 400 and '<a href="#allowed-green">' in page and '<a href="#max_test_age_hours">' in page
    saved = admin.post(
        "/staff/venues/metro",
        data={
            "allowed": ["green", "yellow"],
            "max_test_age_hours": "48",
            "min_vaccine_doses": "",
            "private_listening": "yes",
        },
    )
    assert saved.status_code == 303
    with db(staff_app).session() as s:
        metro = s.get(Venue, "metro")
        assert (metro.allowed_statuses, metro.max_test_age_hours, metro.min_vaccine_doses) == ("green,yellow", 48, None)
        assert metro.private_listening is True and metro.face_search is False
    assert actions(staff_app)[-1] == "venue_edit"


def test_the_check_log_filters_charts_and_exports_masked(staff_app):
    kiosk = staff_app.test_client()
    for number in DEMO_NUMBERS[:5]:
        kiosk.post("/kiosk/metro/check", data={"id_number": number})
    desk = signed_in(staff_app)
    page = desk.get("/staff/checks?lang=en&decision=refer").get_data(as_text=True)
    assert page.count("Referred to staff</td>") == 4 and "Went in</td>" not in page
    assert '<svg viewBox="0 0 720 240" role="img"' in page and 'class="bar-red"' in page
    assert "You are in quarantine</th><td>1</td>" in page
    exported = desk.get("/staff/checks.csv?status=red")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert len(rows) == 3 and {r["status"] for r in rows} == {"red"} and rows[0]["kiosk"] == "demo-metro"
    assert all(number not in exported.get_data(as_text=True) for number in DEMO_NUMBERS)
    assert "attachment" in exported.headers["Content-Disposition"]
    # The pictures cover a period (the last 24 hours unless one is chosen), and say which.
    before = desk.get("/staff/checks?lang=en&until=2020-01-01T00:00").get_data(as_text=True)
    assert "No referrals in these checks." in before and "to 2020-01-01 00:00, Beijing time." in before
    bad = desk.get("/staff/checks?lang=en&since=yesterday")
    assert bad.status_code == 400 and '<a href="#since">' in bad.get_data(as_text=True)
    assert actions(staff_app)[-1] == "export"


def test_an_import_from_the_desk_shows_progress_and_lists_problems_by_line_and_column(staff_app, tmp_path):
    desk = signed_in(staff_app)
    header = (SEEDS / "demo_residents.csv").read_text(encoding="utf-8").splitlines()[0]
    good = header + "\n110105195003070019,赵淑芬,,,,,,3,zh\n"
    started = desk.post(
        "/staff/import", data={"file": (io.BytesIO(good.encode()), "r.csv")}, content_type="multipart/form-data"
    )
    job = started.headers["Location"]
    progress = _finished(desk, job)
    assert progress["outcome"] == "imported"
    assert "Imported: 1 new residents, 0 updated." in desk.get(job + "?lang=en").get_data(as_text=True)
    bad = header + "\n110105195003070019,赵淑芬,,,,,,many,zh\n"
    job = desk.post(
        "/staff/import", data={"file": (io.BytesIO(bad.encode()), "r.csv")}, content_type="multipart/form-data"
    ).headers["Location"]
    assert _finished(desk, job)["outcome"] == "rejected"
    page = desk.get(job + "?lang=en").get_data(as_text=True)
    assert "Nothing was imported" in page and "<td>2</td><td>vaccine_doses</td>" in page
    assert actions(staff_app)[-2:] == ["import", "import"]
    assert desk.post("/staff/import?lang=en", data={}).status_code == 400


def _finished(client, job: str) -> dict:
    for _ in range(200):
        progress = client.get(job + "/progress").get_json()
        if progress["outcome"]:
            return progress
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_a_referral_and_its_help_request_are_written_together_or_not_at_all(staff_app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from assistant import help_requests
    from assistant.models import CheckRecord

    def gone(*_args, **_kwargs):
        raise OperationalError("INSERT INTO help_request", {}, Exception("the database went away"))

    monkeypatch.setattr(help_requests, "refer_row", gone)
    client = staff_app.test_client()
    api = client.post("/api/v1/checks", json={"id_number": DEMO_NUMBERS[1]}, headers=bearer(staff_app))
    page = client.post("/kiosk/metro/check", data={"id_number": DEMO_NUMBERS[1]})
    assert api.status_code == 503 and page.status_code == 503
    with db(staff_app).session() as s:
        assert s.scalar(select(func.count()).select_from(CheckRecord)) == 0
        assert s.scalar(select(func.count()).select_from(HelpRequest)) == 0
    monkeypatch.undo()
    assert (
        client.post("/api/v1/checks", json={"id_number": DEMO_NUMBERS[1]}, headers=bearer(staff_app)).status_code == 200
    )
    with db(staff_app).session() as s:
        assert s.scalar(select(func.count()).select_from(CheckRecord)) == 1
        assert s.scalar(select(func.count()).select_from(HelpRequest)) == 1


def test_the_queue_stream_ends_quietly_while_the_registry_is_away(staff_app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from assistant import help_requests

    desk = signed_in(staff_app)

    def away(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("the database went away"))

    monkeypatch.setattr(help_requests, "fingerprint", away)
    stream = desk.get("/staff/help/events")
    assert stream.status_code == 200 and stream.get_data(as_text=True) == "retry: 1000\n\n"  # then it asks again
