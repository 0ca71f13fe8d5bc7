"""Uploads are never refused for their bytes. Werkzeug reads a multipart body 64 KiB at a time and keeps the bytes
after a trailing CR or LF for the next read (they may begin a boundary); the form's memory limit counts them with the
next read. A limit equal to the read size refused such bodies with 413 (17 of 272 card-and-face decisions). Each
upload is posted here with its bodies' 64 KiB marks falling just after a CR, an LF, or between CR and LF."""

import random
import re
import threading
import time

import pytest

from tests.support.app import ADMIN, add_staff, seeded_app

READ = 64 * 1024  # Werkzeug's multipart read size
ENDINGS = (b"\r", b"\n", b"\r\n")


@pytest.fixture
def protected(tmp_path):
    """CSRF on, as in production: the form is parsed before the view runs, so a 413 shows at once."""
    app = seeded_app({"INSTANCE_PATH": tmp_path / "uploads"})
    add_staff(app)
    return app


def _token(client, page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(as_text=True)).group(1)


def multipart(fields: dict, files: dict[str, bytes], ending: bytes) -> tuple[bytes, str]:
    """A multipart body whose every 64 KiB mark that falls inside a file comes just after `ending`."""
    boundary = "----kioskframes7MA4YWxkTrZu0gW"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    for name, data in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        parts.append(head)
        parts.append(data)
        parts.append(b"\r\n")
    body = bytearray(b"".join(parts) + f"--{boundary}--\r\n".encode())
    starts, at = [], 0
    for part in parts:
        starts.append((at, at + len(part)))
        at += len(part)
    files_at = [starts[i] for i in range(len(fields) + 1, len(parts), 3)]  # the file data parts
    for mark in range(READ, len(body), READ):
        if any(start + len(ending) <= mark <= end - 2 for start, end in files_at):
            body[mark - len(ending) : mark] = ending
    return bytes(body), f"multipart/form-data; boundary={boundary}"


def frames(seed: int, count: int) -> dict[str, bytes]:
    """Camera-sized JPEG-like bytes (a 640x480 frame at JPEG 0.85: about 40-75 KB), no CR or LF of their own."""
    chance = random.Random(seed)
    names = ("look", "turn1", "turn2")[:count] if count > 1 else ("picture",)
    no_breaks = bytes.maketrans(b"\r\n", b"RN")
    return {n: chance.randbytes(chance.randint(40_000, 75_000)).translate(no_breaks) for n in names}


CASES = [(seed, ending) for seed in range(4) for ending in ENDINGS]


@pytest.mark.parametrize("seed, ending", CASES)
def test_the_card_and_face_decision_is_never_refused_for_its_bytes(protected, seed, ending):
    client = protected.test_client()
    body, kind = multipart({"csrf_token": _token(client, "/kiosk/metro/card")}, frames(seed, 3), ending)
    answer = client.post("/kiosk/metro/card/face/check", data=body, content_type=kind)
    assert answer.status_code != 413 and answer.status_code < 500
    assert answer.get_json() == {"go": "/kiosk/metro/"}  # read in full, and no attempt waiting: home


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize(
    "address, form_page, field",
    [
        ("/kiosk/metro/card/face/frame", "/kiosk/metro/card", "picture"),
        ("/kiosk/metro/face", "/kiosk/metro/face", "picture"),
        ("/kiosk/metro/pass", "/kiosk/metro/pass", "picture"),
        ("/staff/residents/1/face", "/staff/residents/1/face", "photo"),
        ("/staff/import", "/staff/import", "file"),
    ],
)
def test_no_other_upload_is_refused_for_its_bytes(protected, address, form_page, field, ending):
    client = protected.test_client()
    if address.startswith("/staff/"):
        signed = client.post(
            "/staff/login",
            data={"username": ADMIN[0], "password": ADMIN[1], "csrf_token": _token(client, "/staff/login")},
        )
        assert signed.status_code == 303
    picture = frames(11, 1)["picture"] * 3  # about 120-225 KB: several 64 KiB marks
    fields = {"csrf_token": _token(client, form_page)}
    if field == "photo":
        fields["consent"] = "yes"
    body, kind = multipart(fields, {field: picture}, ending)
    answer = client.post(address, data=body, content_type=kind)
    assert answer.status_code != 413 and answer.status_code < 500, answer.status_code
    if field == "file":  # the import goes on in a thread of its own: it is over before the registry is dropped
        assert answer.status_code == 303
        _wait_until_finished(protected)


def _wait_until_finished(app) -> None:
    from sqlalchemy import select

    from assistant.models import ImportJob

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with app.extensions["assistant"]["db"].session() as s:
            finished = s.scalar(select(ImportJob.outcome)) is not None
        if finished:  # and its thread gone too, so that nothing of it outlives the registry
            for thread in threading.enumerate():
                if thread.name.startswith("import-"):
                    thread.join(30)
            return
        time.sleep(0.05)
    raise AssertionError("the import did not finish")
