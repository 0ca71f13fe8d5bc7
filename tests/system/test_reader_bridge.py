"""The card reader: the bridge's drivers (simulated, and sdtapi against a fake vendor library built here with the
system C compiler), one read per card placement, POST /api/v1/reads, and the kiosk screen moved by the read."""

from __future__ import annotations

import base64
import io
import itertools
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from assistant.models import CardRead, CheckRecord
from assistant.reader import LIFTED_AFTER, POLL_SECONDS, Fault, Placement
from assistant.reader.bridge import payload
from assistant.reader.sdtapi import BMP_BYTES, FIELDS, DriverUnavailable, SdtapiReader, parse_base_message
from assistant.reader.simulated import SimulatedReader
from tests.support.app import CARDS, NOT_FOUND, SEEDS, bearer, run_cli

FAKE = Path(__file__).parent.parent / "support" / "fakes" / "fake_sdtapi.c"
RARE_NAME = "王䶮𠮷"  # U+4DAE (extension A) and U+20BB7 (outside the BMP: two UTF-16 code units)


def base_message(**fields) -> bytes:
    """SDT_ReadBaseMsg's 256 bytes: each field UTF-16LE, padded with spaces to its fixed length."""
    values = {"name": "", "sex": "2", "nation": "01", "birth": "19480312", "address": "上海市黄浦区",
              "number": CARDS[0].number, "authority": "上海市公安局黄浦分局", "valid_from": "20200101",
              "valid_until": "20400101", "reserved": "", **fields}  # fmt: skip
    out = b""
    for name, units in FIELDS:
        encoded = values[name].encode("utf-16-le")
        assert len(encoded) <= 2 * units, name
        out += encoded + " ".encode("utf-16-le") * (units - len(encoded) // 2)
    assert len(out) == 256
    return out


@pytest.fixture(scope="module")
def fake_library(tmp_path_factory) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "the tests need the system C compiler (make test installs gcc)"
    out = tmp_path_factory.mktemp("sdtapi") / "libsdtapi.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", str(out), str(FAKE)], check=True)
    return out


@pytest.fixture
def reader_files(tmp_path, monkeypatch):
    card, bmp, short = tmp_path / "card.bin", tmp_path / "photo.bmp", tmp_path / "short"
    monkeypatch.setenv("FAKE_SDT_CARD", str(card))
    monkeypatch.setenv("FAKE_SDT_BMP", str(bmp))
    monkeypatch.setenv("FAKE_SDT_SHORT", str(short))
    monkeypatch.delenv("FAKE_SDT_NO_READER", raising=False)
    Image.open(CARDS[0].chip).convert("RGB").save(bmp, "BMP")
    return card, bmp, short


def test_the_base_message_layout_is_parsed_exactly_with_rare_characters_in_the_name():
    fields = parse_base_message(base_message(name=RARE_NAME))
    assert fields["name"] == RARE_NAME and fields["number"] == CARDS[0].number
    assert fields["sex"] == "2" and fields["nation"] == "01" and fields["birth"] == "19480312"
    assert fields["address"] == "上海市黄浦区" and fields["authority"] == "上海市公安局黄浦分局"
    assert (fields["valid_from"], fields["valid_until"]) == ("20200101", "20400101")
    with pytest.raises(ValueError):
        parse_base_message(base_message()[:200])
    with pytest.raises(ValueError):
        parse_base_message(base_message(number="31010119480312024"))  # 17 characters: not a number
    with pytest.raises(ValueError):
        parse_base_message(b"\x00\xd8" + base_message()[2:])  # a lone surrogate: not UTF-16


def test_the_sdtapi_driver_reads_the_fake_vendor_library(fake_library, reader_files):
    card_file, _, short = reader_files
    reader = SdtapiReader(str(fake_library))
    assert reader.poll() is None  # no card on the reader
    card_file.write_bytes(base_message(name=RARE_NAME))
    card = reader.poll()
    assert card.number == CARDS[0].number and card.name == RARE_NAME
    assert len(card.photo) == BMP_BYTES
    assert Image.open(io.BytesIO(card.photo)).size == (102, 126)  # the decoder's bitmap, as the chip's photo
    short.touch()
    assert reader.poll() == Fault("card_removed")
    short.unlink()
    card_file.write_bytes(base_message(number="not a number"))
    assert reader.poll() == Fault("card_unreadable")
    reader.close()


def test_no_reader_plugged_in_is_a_fault_not_a_crash(fake_library, reader_files, monkeypatch):
    monkeypatch.setenv("FAKE_SDT_NO_READER", "1")
    assert SdtapiReader(str(fake_library)).poll() == Fault("reader_missing")


def test_a_missing_vendor_library_is_a_clear_message(tmp_path, cli_env):
    with pytest.raises(DriverUnavailable, match="libsdtapi.so"):
        SdtapiReader(str(tmp_path / "libsdtapi.so"))
    answer = run_cli(["reader", "run", "--server", "http://127.0.0.1:9", "--token", "t", "--library",
                      str(tmp_path / "libsdtapi.so")], cli_env)  # fmt: skip
    assert answer.returncode == 2 and "Traceback" not in answer.stderr
    assert "card reader's library (libsdtapi.so) is not installed" in answer.stderr


def test_one_read_per_card_placement():
    reader = SimulatedReader(SEEDS)
    placement = Placement(lifted_after=3)
    assert placement.see(reader.poll()) is None
    reader.place(1)
    first = placement.see(reader.poll())
    assert first is not None and first.number == CARDS[0].number and first.photo
    assert all(placement.see(reader.poll()) is None for _ in range(20))  # left on the reader: not read again
    reader.lift()
    assert placement.see(reader.poll()) is None and placement.see(reader.poll()) is None
    reader.place(1)  # put back before it counted as lifted (a hand wobbling): still the same placement
    assert placement.see(reader.poll()) is None
    reader.lift()
    assert [placement.see(reader.poll()) for _ in range(3)] == [None, None, None]
    reader.place(1)
    assert placement.see(reader.poll()).number == CARDS[0].number  # lifted and placed again: read again
    assert placement.see(Fault("card_removed")) == Fault("card_removed")
    assert placement.see(Fault("card_removed")) is None  # a fault is said once until something changes


def test_a_card_shows_in_no_repr_or_payload_except_what_the_server_needs():
    card = SimulatedReader(SEEDS).card(1)
    assert CARDS[0].number not in repr(card) and card.name not in repr(card)
    body = payload(card)
    assert body["id_number"] == CARDS[0].number and base64.b64decode(body["photo"]) == CARDS[0].chip.read_bytes()
    assert payload(Fault("card_unreadable")) == {"error": "card_unreadable"}


def _events(client, venue: str, limit: int = 4) -> str:
    response = client.get(f"/kiosk/{venue}/reads/events", buffered=False)
    seen = ""
    for chunk in itertools.islice(response.response, limit):
        seen += chunk if isinstance(chunk, str) else chunk.decode()
        if "event: read" in seen:
            break
    response.close()
    return seen


def test_a_read_is_checked_logged_and_moves_its_own_kiosk_screen_once(app, client):
    photo = base64.b64encode(CARDS[0].chip.read_bytes()).decode()
    answer = client.post("/api/v1/reads", json={"id_number": CARDS[0].number, "name": "王秀英", "photo": photo})
    assert answer.status_code == 201 and answer.get_json()["state"] == "result"
    assert answer.get_json()["result"]["status"] == "green"
    assert CARDS[0].number not in answer.get_data(as_text=True)
    with app.extensions["assistant"]["db"].session() as s:
        logged = s.scalars(select(CheckRecord)).one()
        assert (logged.channel, logged.kiosk, logged.method) == ("reader", "demo-metro", "id_card")
    assert "event: read" not in _events(client, "hospital", 3)  # another kiosk's screen does not move
    events = _events(client, "metro")
    address = next(line[6:] for line in events.splitlines() if line.startswith("data: "))
    shown = client.get(address)
    assert shown.status_code == 303 and shown.location.endswith("/kiosk/metro/result")
    assert "Card holder" in client.get("/kiosk/metro/result?lang=en").get_data(as_text=True)
    again = client.get(address)  # a reload, another tab: the read is shown once
    assert again.status_code == 303 and again.location.endswith("/kiosk/metro/card")
    assert "event: read" not in _events(client, "metro", 3)


def test_an_invalid_token_is_refused_and_nothing_is_logged(app, client):
    body = {"id_number": CARDS[0].number, "name": "王秀英"}
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        refused = app.test_client().post("/api/v1/reads", json=body, headers=headers)
        assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "kiosk_token_invalid"
    with app.extensions["assistant"]["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(CheckRecord)) == 0
        assert s.scalar(select(func.count()).select_from(CardRead)) == 0


@pytest.mark.parametrize("code", ["reader_missing", "card_unreadable", "card_removed"])
def test_a_reader_problem_is_shown_and_spoken_with_the_keypad_beside_it(app, client, code):
    answer = client.post("/api/v1/reads", json={"error": code})
    assert answer.status_code == 201 and answer.get_json() == {"read": answer.get_json()["read"], "state": "error",
                                                               "error": code}  # fmt: skip
    page = client.get(f"/kiosk/metro/reads/{answer.get_json()['read']}?lang=en")
    text = page.get_data(as_text=True)
    message = app.extensions["assistant"]["texts"].error(code, "en")
    assert page.status_code == 400 and message in text and 'id="id_number"' in text
    assert 'href="/kiosk/metro/pass"' in text and 'href="/kiosk/metro/face"' in text  # the other ways in
    assert f"error={code}" in text  # the page's speech says the same message
    with client.get(f"/kiosk/metro/speech/card?error={code}&lang=en") as spoken:
        assert spoken.status_code == 200 and spoken.mimetype.startswith("audio/")
    with app.extensions["assistant"]["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(CheckRecord)) == 0


def test_a_card_with_a_bad_number_is_refused_and_the_screen_says_why(client):
    answer = client.post("/api/v1/reads", json={"id_number": CARDS[0].number[:-1] + "9"})
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "id_invalid_checksum"
    events = _events(client, "metro")
    address = next(line[6:] for line in events.splitlines() if line.startswith("data: "))
    assert client.get(address).status_code == 400


def test_bad_read_bodies_get_a_code_not_a_500(client):
    for body in ({}, {"error": "on_fire"}, {"id_number": 5}, {"id_number": CARDS[0].number, "name": 7},
                 {"id_number": CARDS[0].number, "photo": "***"}, [1], {"id_number": "x" * 500}):  # fmt: skip
        answer = client.post("/api/v1/reads", json=body)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"], body


def test_a_card_not_in_the_registry_goes_straight_to_its_result_even_where_the_face_is_required(app):
    client = app.test_client()
    answer = client.post("/api/v1/reads", json={"id_number": NOT_FOUND}, headers=bearer(app, "demo-community-centre"))
    assert answer.get_json()["state"] == "result" and answer.get_json()["result"]["status"] == "unknown"


def test_the_reads_stream_and_the_read_page_belong_to_a_kiosk(production_app):
    client = production_app.test_client()  # an unbound browser in production: the set-up screen
    assert client.get("/kiosk/metro/reads/events").status_code == 303
    assert client.get("/kiosk/metro/reads/1").status_code == 303


def test_reader_tap_needs_a_server_and_a_real_card_number(cli_env):
    answer = run_cli(["reader", "tap", "--server", "http://127.0.0.1:9", "--token", "t", "--card", "99"], cli_env)
    assert answer.returncode == 2 and "no demo card 99" in answer.stderr
    answer = run_cli(["reader", "tap", "--server", "http://127.0.0.1:9", "--token", "t", "--card", "1"], cli_env)
    assert answer.returncode == 2 and "cannot be reached" in answer.stderr and "Traceback" not in answer.stderr


def test_each_stream_connection_answers_at_once_and_ends_so_no_screen_holds_a_server_thread(client):
    """A held-open stream per kiosk screen would hold a server thread each: four screens stopped a four-thread
    worker. Each connection answers and ends; the browser's EventSource asks again after `retry`."""
    quiet = client.get("/kiosk/metro/reads/events")
    assert quiet.status_code == 200 and quiet.mimetype == "text/event-stream"
    assert quiet.get_data(as_text=True) == "retry: 700\n\n"  # the whole answer: nothing waiting
    client.post("/api/v1/reads", json={"error": "card_unreadable"})
    assert "event: read\ndata: /kiosk/metro/reads/" in client.get("/kiosk/metro/reads/events").get_data(as_text=True)


def test_reader_run_with_the_simulated_driver_reads_a_card_typed_on_its_input(cli_env):
    answer = run_cli(["reader", "run", "--server", "http://127.0.0.1:9", "--token", "t", "--driver", "simulated"],
                     cli_env, stdin="1\n")  # fmt: skip
    assert answer.returncode == 0 and "Simulated reader with 11 demo cards" in answer.stdout
    assert answer.stdout.count("cannot be reached") == 1  # card 1 was read once, and the post was tried


def test_a_card_tapped_on_the_screen_is_never_offered_to_another_screen_of_the_kiosk(app, monkeypatch):
    """The simulated reader's read is taken by the screen that tapped it as it is written: another screen of the
    same kiosk, listening for reads at that very moment, cannot take it first (CI once saw that race)."""
    from assistant.web.kiosk import reads as kiosk_reads

    tapping, listening = app.test_client(), app.test_client()
    heard = []
    receive = kiosk_reads.reads.receive

    def receive_then_listen(*args, **kwargs):
        read = receive(*args, **kwargs)
        with app.app_context():  # another screen asks just as the read is written
            heard.append(listening.get("/kiosk/metro/reads/events").get_data(as_text=True))
        return read

    monkeypatch.setattr(kiosk_reads.reads, "receive", receive_then_listen)
    tapped = tapping.post("/kiosk/metro/card", data={"card": "7"})
    assert tapped.status_code == 303 and tapped.headers["Location"].endswith("/kiosk/metro/result")
    assert tapping.get("/kiosk/metro/result").status_code == 200
    assert heard == ["retry: 700\n\n"]


def _until(condition, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_card_read_while_the_server_is_away_is_refused_and_never_sent_later(app):
    """Nothing personal waits on the kiosk computer: a read the server cannot take is refused at the reader, and the
    same card still lying there when the server is back is not sent; lifted and placed again, it is."""
    from assistant.reader import bridge
    from tests.support.servers import free_port, served

    reader, said, stopped = SimulatedReader(SEEDS), [], threading.Event()
    port = free_port()
    token = bearer(app, "demo-metro")["Authorization"].removeprefix("Bearer ")
    args = (reader, f"http://127.0.0.1:{port}", token, said.append, stopped.is_set)
    running = threading.Thread(target=bridge.run, args=args, daemon=True)
    running.start()
    try:
        reader.place(1)  # the server away
        _until(lambda: said)
        assert reader.refused == 1 and "cannot be reached" in said[0] and "nothing kept" in said[0]
        with served(app, port=port):
            time.sleep(6 * POLL_SECONDS)
            assert len(said) == 1, "the card left on the reader was not sent when the server came back"
            reader.lift()
            time.sleep((LIFTED_AFTER + 2) * POLL_SECONDS)
            reader.place(1)
            _until(lambda: len(said) == 2)
            assert "Read sent" in said[1]
    finally:
        stopped.set()
        running.join(5)
    with app.extensions["assistant"]["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(CardRead)) == 1  # the one read sent, none from the outage
    assert all(CARDS[0].number not in line for line in said)
