"""The printed slip on the kiosk: "Print this for me" on a result that asks the person to wait or gives reasons, the
bytes a receipt printer gets, a printer that fails (a calm message, spoken, and a help request; never an error
page), a venue that prints every referral unasked, the demo's simulated printer, and an admin naming a kiosk's
printer."""

from __future__ import annotations

import socket

import pytest
from flask import g
from flask_babel import force_locale
from PIL import Image
from sqlalchemy import select

from assistant import checks, kiosks, slips
from assistant.models import AuditEntry, CheckRecord, HelpRequest, Kiosk
from assistant.web.kiosk import printer
from tests.domain.test_slips import rasters
from tests.support.app import ADMIN, DEMO_NUMBERS, add_staff, signed_in

GREEN, QUARANTINE, TEST_OLD = 0, 1, 5  # demo cards: let in; red with a reason; at the hospital, a test too old


def db(app):
    return app.extensions["assistant"]["db"]


def name_printer(app, spec: str, paper: int = 80, kiosk: str = "demo-metro") -> None:
    with db(app).session() as s:
        kiosks.set_printer(s, kiosk, spec, paper)


def tap(client, card: int, venue: str = "metro", lang: str = "en") -> str:
    client.get(f"/kiosk/{venue}/card?lang={lang}")
    assert client.post(f"/kiosk/{venue}/card", data={"card": card}).status_code == 303
    return client.get(f"/kiosk/{venue}/result").get_data(as_text=True)


def main_audio(page: str) -> str:
    return page.split("data-speech-main", 1)[1].split("</audio>", 1)[0]


def last_check(app) -> CheckRecord:
    with db(app).session() as s:
        row = s.scalars(select(CheckRecord).order_by(CheckRecord.id.desc())).first()
        s.expunge(row)
        return row


def drawn(app, record_id: int, lang: str, paper: int) -> Image.Image:
    """The slip of a logged check as the kiosk draws it, for comparing with what the printer got."""
    with app.test_request_context(), force_locale(lang), db(app).session() as s:
        described = checks.describe(checks.load(s, record_id), app.extensions["assistant"]["texts"], lang)
        return slips.draw(printer.slip_of(described), paper)


def test_the_button_is_on_results_that_ask_to_wait_or_give_reasons_only(client):
    assert "Print this for me" not in tap(client, GREEN)
    page = tap(client, QUARANTINE)
    assert "Print this for me" in page and 'action="/kiosk/metro/print"' in page


@pytest.mark.parametrize(("lang", "paper"), [("zh", 80), ("en", 58)])
def test_a_device_printer_gets_the_slip_as_drawn_then_a_cut_and_the_screen_says_so(app, client, tmp_path, lang, paper):
    device = tmp_path / "lp0"
    name_printer(app, f"file:{device}", paper)
    tap(client, QUARANTINE, lang=lang)
    answer = client.post("/kiosk/metro/print")
    assert answer.status_code == 303 and answer.headers["Location"] == "/kiosk/metro/result"
    data = device.read_bytes()
    assert data.startswith(b"\x1b@") and b"\x1dV" in data[-8:]  # initialise ... cut
    record = last_check(app)
    got = rasters(data).crop((0, 0, slips.DOTS[paper], drawn(app, record.id, lang, paper).height))
    assert got.tobytes() == drawn(app, record.id, lang, paper).tobytes()
    assert DEMO_NUMBERS[QUARANTINE].encode() not in data and DEMO_NUMBERS[QUARANTINE][-4:].encode() not in data
    page = client.get("/kiosk/metro/result").get_data(as_text=True)
    said = {
        "zh": "您的凭条正在打印。请从打印机取走。",
        "en": "Your slip is printing. Please take it from the printer.",
    }[lang]
    assert said in page
    assert 'src="/kiosk/metro/speech/slip_printed"' in main_audio(page)  # what became of it is spoken
    again = client.get("/kiosk/metro/result").get_data(as_text=True)
    assert said not in again and 'src="/kiosk/metro/speech/result"' in main_audio(again)  # said once


def _refused_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]  # closed again: nothing listens there


@pytest.mark.parametrize("spec", ["network:127.0.0.1:{port}", "file:/nonexistent/usb/lp0"])
def test_a_printer_that_fails_is_a_calm_spoken_message_and_a_help_request(app, client, spec):
    name_printer(app, spec.format(port=_refused_port()))
    tap(client, QUARANTINE)
    answer = client.post("/kiosk/metro/print")
    assert answer.status_code == 303
    page = client.get("/kiosk/metro/result").get_data(as_text=True)
    assert "The printer is not working. A staff member is coming to help you." in page
    assert "Traceback" not in page and "Errno" not in page and "Print this for me" in page  # it may be tried again
    assert 'src="/kiosk/metro/speech/slip_failed"' in main_audio(page)
    with client.get("/kiosk/metro/speech/slip_failed") as audio:
        assert audio.status_code == 200 and audio.mimetype in ("audio/ogg", "audio/wav")
    with db(app).session() as s:
        asked = s.scalars(select(HelpRequest).where(HelpRequest.kind == "printer")).one()
        assert asked.kiosk == "demo-metro" and asked.screen == "result" and asked.check_id == last_check(app).id
        assert asked.masked_name and DEMO_NUMBERS[QUARANTINE] not in (asked.masked_id or "")
    add_staff(app)
    queue = signed_in(app).get("/staff/help?lang=en").get_data(as_text=True)
    assert "The kiosk could not print the person's slip. Please check its printer and paper." in queue
    assert "data-help-state" in page  # the screen watches for staff saying they are coming


def test_the_demo_simulated_printer_shows_the_paper_on_the_screen(app, client):
    tap(client, QUARANTINE)
    client.post("/kiosk/metro/print")
    page = client.get("/kiosk/metro/result").get_data(as_text=True)
    assert "This kiosk&#39;s printer is simulated." in page or "This kiosk's printer is simulated." in page
    assert '<img src="/kiosk/metro/slip.png" alt="Your slip. It has' in page
    paper = client.get("/kiosk/metro/slip.png")
    assert paper.status_code == 200 and paper.mimetype == "image/png" and paper.headers["Cache-Control"] == "no-store"
    from io import BytesIO

    image = Image.open(BytesIO(paper.get_data()))
    assert image.width == 576 and image.convert("1").tobytes() == drawn(app, last_check(app).id, "en", 80).tobytes()
    client.post("/kiosk/metro/done", data={"why": "start_again"})
    assert client.get("/kiosk/metro/slip.png").status_code == 404  # gone with the person


def test_a_venue_that_prints_referrals_prints_them_unasked_and_says_so_after_the_result(client):
    page = tap(client, TEST_OLD, venue="hospital")  # the demo's hospital prints every referral (seeds/venues.toml)
    assert "Here is your slip, as the printer would print it." in page
    # The card keeps slower speech: the result, then what became of the slip, at that pace.
    assert 'src="/kiosk/hospital/speech/result?pace=slow&amp;slip=shown"' in main_audio(page)
    with (
        client.get("/kiosk/hospital/speech/result?slip=shown") as said,
        client.get("/kiosk/hospital/speech/result") as plain,
    ):
        assert said.status_code == 200 and said.get_data() != plain.get_data()
    assert "Here is your slip" not in tap(client, QUARANTINE)  # the metro does not print unasked


def test_the_simulated_printer_and_its_paper_exist_only_in_demo_mode(production_app):
    name_printer(production_app, slips.SIMULATED, kiosk="metro-door-1")
    client = production_app.test_client()
    assert client.get("/kiosk/metro/slip.png").headers["Location"] == "/kiosk/setup"  # unbound: closed
    assert client.post("/kiosk/metro/print").headers["Location"] == "/kiosk/setup"
    csrf = client.get("/kiosk/setup").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/kiosk/setup", data={"token": production_app.config["KIOSK_TOKEN"], "csrf_token": csrf})
    assert client.get("/kiosk/metro/slip.png").status_code == 404
    with production_app.test_request_context():
        g.kiosk = kiosks.Identity(1, "metro-door-1", "metro", False, slips.SIMULATED, 80)
        assert printer.this_kiosk() is None
        g.kiosk = kiosks.Identity(1, "metro-door-1", "metro", False, "file:/dev/usb/lp0", 58)
        assert printer.this_kiosk() == ("file:/dev/usb/lp0", 58)


def test_an_admin_names_a_kiosks_printer_and_staff_cannot(app):
    add_staff(app)
    assert signed_in(app).post("/staff/kiosks/printer", data={"kiosk": "demo-metro"}).status_code == 403
    admin = signed_in(app, ADMIN)
    bad = admin.post("/staff/kiosks/printer?lang=en", data={"kiosk": "demo-metro", "printer": "lpt1", "paper_mm": "80"})
    assert bad.status_code == 400 and "Name the printer as usb:VENDOR:PRODUCT" in bad.get_data(as_text=True)
    form = {"kiosk": "demo-metro", "printer": "network:10.0.0.7:9100", "paper_mm": "58"}
    assert admin.post("/staff/kiosks/printer", data=form).status_code == 303
    assert admin.post("/staff/kiosks/printer", data={**form, "kiosk": "nowhere"}).status_code == 400
    listing = admin.get("/staff/kiosks?lang=en").get_data(as_text=True)
    assert "<code>network:10.0.0.7:9100</code>, 58 mm paper" in listing
    with db(app).session() as s:
        kiosk = s.scalars(select(Kiosk).where(Kiosk.name == "demo-metro")).one()
        assert (kiosk.printer, kiosk.paper_mm) == ("network:10.0.0.7:9100", 58)
        noted = s.scalars(select(AuditEntry).where(AuditEntry.action == "kiosk_printer")).one()
        assert noted.actor == "boss" and noted.detail == "demo-metro: network:10.0.0.7:9100, 58 mm"
    assert admin.post("/staff/kiosks/printer", data={"kiosk": "demo-metro", "printer": ""}).status_code == 303
    with db(app).session() as s:
        assert s.scalar(select(Kiosk.printer).where(Kiosk.name == "demo-metro")) is None


def test_an_admin_chooses_whether_a_venue_prints_referrals(app):
    add_staff(app)
    admin = signed_in(app, ADMIN)
    policy = {"allowed": "green", "print_referrals": "yes"}
    assert admin.post("/staff/venues/metro", data=policy).status_code == 303
    client = app.test_client()
    assert "Here is your slip" in tap(client, QUARANTINE)
    assert admin.post("/staff/venues/metro", data={"allowed": "green"}).status_code == 303
    assert "Here is your slip" not in tap(client, QUARANTINE)


def test_the_check_log_shows_the_settings_each_result_was_shown_in(app, client):
    tap(client, TEST_OLD)
    tap(client, GREEN)
    add_staff(app)
    log = signed_in(app).get("/staff/checks?lang=en").get_data(as_text=True)
    rows = log.split("<tbody>")[-1]
    assert rows.count("Largest text, Slower speech") == 1 and "Standard settings" in rows


def test_the_demo_page_shows_both_with_card_6_and_a_slip(app):
    client = app.test_client()
    page = client.get("/demo?lang=en").get_data(as_text=True)
    section = page.split("Settings kept with a card, and the printed slip", 1)[1].split("<h2>", 1)[0]
    assert "Tap demo card 6 at the Metro station" in section and "Tap demo card 2 at the Metro station" in section
    assert "Tap demo card 6 at the Hospital" in section
    assert client.post("/kiosk/hospital/card", data={"card": 5}).status_code == 303
    result = client.get("/kiosk/hospital/result?lang=en").get_data(as_text=True)
    assert "Your settings: Largest text, Slower speech" in result and "Here is your slip" in result
