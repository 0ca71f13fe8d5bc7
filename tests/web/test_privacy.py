"""The full ID number never reaches a page, a URL, a JSON answer, the check log or a log line."""

import base64
import logging
import zlib

from sqlalchemy import select

from assistant.models import CheckRecord
from tests.support.app import DEMO_NUMBERS, no_full_number


def test_no_full_number_anywhere_after_every_demo_check(client, app, caplog):
    seen = []
    with caplog.at_level(logging.DEBUG):
        for lang in ("zh", "en"):
            for number in DEMO_NUMBERS:
                for spelling in (number, number.lower(), " ".join([number[:6], number[6:14], number[14:]])):
                    client.get(f"/kiosk/hospital/card?lang={lang}")
                    posted = client.post("/kiosk/hospital/check", data={"id_number": spelling})
                    seen += [posted.get_data(as_text=True), posted.headers.get("Location", "")]
                    page = client.get(posted.headers["Location"])
                    seen.append(page.get_data(as_text=True))
                    seen.append(str(page.headers))
                    api = client.post("/api/v1/checks", json={"method": "id_card", "id_number": spelling, "lang": lang})
                    seen.append(api.get_data(as_text=True))
                    client.post("/kiosk/hospital/done")
    assert all(no_full_number(text) for text in seen)
    assert no_full_number(caplog.text)
    with app.extensions["assistant"]["db"].session() as s:
        rows = list(s.scalars(select(CheckRecord)))
    assert len(rows) == 2 * 2 * 3 * len(DEMO_NUMBERS), "every check logged exactly once"
    assert all(no_full_number(" ".join(str(v) for v in vars(r).values())) for r in rows)


def test_the_session_cookie_holds_nothing_personal(client):
    client.post("/kiosk/metro/check", data={"id_number": DEMO_NUMBERS[0]})
    cookie = client.get_cookie("session")
    assert cookie is not None
    # The cookie is signed, not encrypted, so read its text as anyone could.
    payload = cookie.value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = zlib.decompress(raw).decode() if cookie.value.startswith(".") else raw.decode()
    assert no_full_number(text) and "3101" not in text and "*" not in text
