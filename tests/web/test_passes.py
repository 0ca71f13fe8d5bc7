"""The printed pass: tokens, keys, forgery, revocation, the card read back from pixels, and bad pictures."""

import base64
import io
import random
from datetime import timedelta

import pytest
from PIL import Image, ImageFilter

from assistant import checks, images, passes
from assistant.passes import ALPHABET, PREFIX, Keys, PassError
from assistant.passes import card as pass_card
from assistant.passes import office as pass_office
from tests.support.app import ANCHOR
from tests.support.portraits import huge_png_header

TODAY = ANCHOR.date()
RED_RESIDENT = "310104195107020316"


@pytest.fixture
def keys(tmp_path):
    return Keys(tmp_path / "keys")


@pytest.fixture
def issued(app):
    """A pass issued to a demo resident (red: in quarantine) in the app's registry, and its card."""
    keys = Keys(app.config["PASS_KEYS"])
    with app.extensions["assistant"]["db"].session() as s:
        token, record, resident = pass_office.issue(
            s, keys, id_text=RED_RESIDENT, days=180, today=TODAY, hash_key=app.config["ID_HASH_KEY"].encode()
        )
        card = pass_card.render(token, resident.name, record.expires_on)
    return token, card, keys


def png_bytes(image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=options.pop("format", "PNG"), **options)
    return out.getvalue()


def test_a_token_is_short_alphanumeric_and_names_no_one(keys):
    token, found = passes.issue(keys, TODAY, 180)
    assert token.startswith(PREFIX) and len(token) == 122
    assert all(c in ALPHABET for c in token)
    assert found.expires == TODAY + timedelta(days=180)
    assert passes.verify(keys, token, TODAY) == found
    code = pass_card.qr_image(token)
    assert code.width == (37 + 8) * pass_card.MODULE, "QR version 5 (37 modules) with its quiet zone"


def test_base45_matches_rfc_9285():
    assert passes.b45encode(b"AB") == "BB8" and passes.b45encode(b"Hello!!") == "%69 VD92EX0"
    assert passes.b45decode("QED8WEX0") == b"ietf!"
    for bad in ("GGW", "a", "ZZZZ"):
        with pytest.raises(ValueError):
            passes.b45decode(bad)


def test_every_single_character_change_is_rejected(keys):
    token, _ = passes.issue(keys, TODAY, 180)
    rejected = 0
    for position in range(len(token)):
        for replacement in ALPHABET:
            if replacement == token[position]:
                continue
            forged = token[:position] + replacement + token[position + 1 :]
            with pytest.raises(PassError):
                passes.verify(keys, forged, TODAY)
            rejected += 1
    assert rejected == len(token) * (len(ALPHABET) - 1)


@pytest.mark.parametrize("text", ["", "hello", "HC1:" + "A" * 100, "https://example.org/", "hca1:abc"])
def test_anything_not_ours_is_not_recognised(keys, text):
    with pytest.raises(PassError) as raised:
        passes.verify(keys, text, TODAY)
    assert raised.value.code == "pass_not_recognised"


def test_a_token_from_an_unknown_key(keys, tmp_path):
    stranger = Keys(tmp_path / "stranger")
    stranger.rotate()
    stranger.rotate()
    keys.rotate()
    same_id, _ = passes.issue(Keys(tmp_path / "impostor"), TODAY, 180)  # key id 1, but not our key 1
    other_id, _ = passes.issue(stranger, TODAY, 180)  # key id 2, which we do not have
    with pytest.raises(PassError) as raised:
        passes.verify(keys, same_id, TODAY)
    assert raised.value.code == "pass_signature_invalid"
    with pytest.raises(PassError) as raised:
        passes.verify(keys, other_id, TODAY)
    assert raised.value.code == "pass_unknown_key"


def test_expiry_is_checked_with_its_date(keys):
    token, found = passes.issue(keys, TODAY, 30)
    assert passes.verify(keys, token, TODAY + timedelta(days=30))
    with pytest.raises(PassError) as raised:
        passes.verify(keys, token, TODAY + timedelta(days=31))
    assert raised.value.code == "pass_expired" and raised.value.details == {"date": found.expires}


def test_rotating_keys_keeps_old_passes_working(keys):
    old, _ = passes.issue(keys, TODAY, 180)
    assert keys.rotate() == 2
    new, found = passes.issue(keys, TODAY, 180)
    assert found.key_id == 2
    assert passes.verify(keys, old, TODAY).key_id == 1 and passes.verify(keys, new, TODAY).key_id == 2
    assert sorted(p.name for p in keys.folder.iterdir()) == ["1.key", "1.pub", "2.key", "2.pub"]
    assert (keys.folder / "1.key").stat().st_mode & 0o077 == 0, "private keys are readable by their owner only"


def test_round_trip_from_the_printed_card_to_a_check(app, issued):
    token, card, keys = issued
    read = images.read_qr(png_bytes(card))
    assert read == token
    with app.extensions["assistant"]["db"].session() as s:
        result = checks.run_pass(s, token=read, venue="metro", at=ANCHOR, keys=keys)
    assert (result.outcome.status, result.method, result.subject["id"]) == ("red", "pass", "3101**********0316")


def photo_like(card: Image.Image, rng: random.Random) -> bytes:
    """The card as a cheap camera sees it: about 5 pixels a module, a little turned, soft, JPEG-compressed."""
    scale = rng.uniform(4.6, 5.6) / pass_card.MODULE
    image = card.resize((int(card.width * scale), int(card.height * scale)), Image.BILINEAR)
    image = image.rotate(rng.uniform(-4, 4), resample=Image.BILINEAR, expand=True, fillcolor=200)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.9)))
    return png_bytes(image, format="JPEG", quality=rng.randint(55, 80))


def test_photo_like_copies_decode(issued):
    token, card, _ = issued
    rng = random.Random(11)
    decoded = sum(images.read_qr(photo_like(card, rng)) == token for _ in range(20))
    assert decoded >= 19, decoded


def test_a_new_pass_revokes_the_old_one_and_revoke_stops_it(app, issued):
    token, _, keys = issued
    db, key = app.extensions["assistant"]["db"], app.config["ID_HASH_KEY"].encode()
    with db.session() as s:
        newer, _, _ = pass_office.issue(s, keys, id_text=RED_RESIDENT, days=180, today=TODAY, hash_key=key)
    with db.session() as s, pytest.raises(PassError) as raised:
        checks.run_pass(s, token=token, venue="metro", at=ANCHOR, keys=keys)
    assert raised.value.code == "pass_revoked"
    with db.session() as s:
        assert checks.run_pass(s, token=newer, venue="metro", at=ANCHOR, keys=keys).method == "pass"
        assert pass_office.revoke(s, id_text=RED_RESIDENT, hash_key=key, today=TODAY) == 1
    with db.session() as s, pytest.raises(PassError):
        checks.run_pass(s, token=newer, venue="metro", at=ANCHOR, keys=keys)


def test_a_pass_only_for_someone_in_the_registry(app, keys):
    with app.extensions["assistant"]["db"].session() as s, pytest.raises(pass_office.PassOfficeError) as raised:
        pass_office.issue(
            s, keys, id_text="310109194708090712", days=180, today=TODAY, hash_key=app.config["ID_HASH_KEY"].encode()
        )
    assert raised.value.code == "resident_unknown"


def bad_pictures(card) -> dict:
    whole = png_bytes(card)
    return {
        "not an image": (b"%PDF-1.4 this is not a picture", "image_invalid"),
        "truncated PNG": (whole[: len(whole) // 2], "image_invalid"),
        "20000 x 20000": (huge_png_header(20000, 20000), "image_too_large"),
        "30 MB": (b"\x89PNG" + b"\0" * (30 * 1024 * 1024), "image_too_large"),
        "no code in it": (png_bytes(Image.new("L", (640, 480), 255)), None),
    }


def test_bad_pictures_get_a_clear_code(issued):
    _, card, _ = issued
    for name, (data, code) in bad_pictures(card).items():
        if code is None:
            assert images.read_qr(data) is None, name
            continue
        with pytest.raises(images.ImageProblem) as raised:
            images.read_qr(data)
        assert raised.value.code == code, name


def test_the_api_takes_a_token_or_a_camera_frame(client, issued):
    token, card, _ = issued
    by_token = client.post("/api/v1/checks", json={"method": "pass", "token": token, "lang": "en"})
    assert by_token.status_code == 200 and by_token.get_json()["method"] == "pass"
    frame = base64.b64encode(photo_like(card, random.Random(3))).decode()
    by_image = client.post("/api/v1/checks", json={"method": "pass", "image": frame})
    assert by_image.status_code == 200 and by_image.get_json()["status"] == "red"
    for name, (data, code) in bad_pictures(card).items():
        if len(data) > 10 * 1024 * 1024:
            continue  # larger than any request the API accepts: a calm 413, tested in test_api.py
        answer = client.post("/api/v1/checks", json={"method": "pass", "image": base64.b64encode(data).decode()})
        assert answer.status_code == 400, name
        assert answer.get_json()["error"]["code"] == (code or "pass_unreadable"), name


def test_the_kiosk_pass_screen_by_scanner_and_by_picture(client, issued):
    token, card, _ = issued
    client.get("/kiosk/metro/pass?lang=en")
    scanned = client.post("/kiosk/metro/pass", data={"token": token + "\r\n"})
    assert scanned.status_code == 303 and scanned.headers["Location"] == "/kiosk/metro/result"
    assert "Red" in client.get("/kiosk/metro/result").get_data(as_text=True)
    picture = client.post(
        "/kiosk/metro/pass",
        data={"picture": (io.BytesIO(png_bytes(card)), "card.png")},
        content_type="multipart/form-data",
    )
    assert picture.status_code == 303


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_pass_failure_is_shown_and_spoken_calmly(client, app, issued, lang):
    token, card, keys = issued
    texts = app.extensions["assistant"]["texts"]
    client.get(f"/kiosk/metro/pass?lang={lang}")
    cases = {
        "pass_not_recognised": {"token": "HELLO"},
        "pass_signature_invalid": {"token": token[:-1] + ("A" if token[-1] != "A" else "B")},
        "pass_unreadable": {"picture": (io.BytesIO(png_bytes(Image.new("L", (300, 300), 255))), "blank.png")},
        "image_invalid": {"picture": (io.BytesIO(b"not a picture"), "x.png")},
    }
    for code, form in cases.items():
        page = client.post("/kiosk/metro/pass", data=form, content_type="multipart/form-data")
        html = page.get_data(as_text=True)
        assert page.status_code == 400, code
        assert texts.error(code, lang) in html and 'class="error-summary"' in html
        assert f"/kiosk/metro/speech/pass?error={code}" in html
    expired = client.post("/kiosk/metro/pass", data={"token": passes.issue(keys, TODAY - timedelta(days=400), 180)[0]})
    html = expired.get_data(as_text=True)
    # The address names the code only; the date the speech says comes from the signed session.
    assert expired.status_code == 400 and "speech/pass?error=pass_expired&#34;" not in html
    assert "/kiosk/metro/speech/pass?error=pass_expired" in html and "date=" not in html
    with client.get("/kiosk/metro/speech/pass?error=pass_expired") as audio:
        assert audio.status_code == 200


def test_the_command_line_issues_verifies_and_checks(cli_env, tmp_path):
    from tests.support.app import run_cli

    out = tmp_path / "card"
    issued = run_cli(["pass", "issue", "--id", RED_RESIDENT, "--out", str(out)], cli_env)
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    assert token.startswith(PREFIX) and RED_RESIDENT not in issued.stdout + issued.stderr
    assert (out / "pass.png").stat().st_size > 5000 and (out / "pass.pdf").read_bytes().startswith(b"%PDF")
    with Image.open(out / "pass.png") as card:
        assert card.size == pass_card.SIZE and round(card.info["dpi"][0]) == 300
    for argument in (token, str(out / "pass.png")):
        verified = run_cli(["pass", "verify", argument, "--json"], cli_env)
        assert verified.returncode == 0 and '"valid": true' in verified.stdout
    checked = run_cli(["check", "--pass", str(out / "pass.png"), "--json"], cli_env)
    assert checked.returncode == 0 and '"method": "pass"' in checked.stdout
    assert run_cli(["pass", "revoke", "--id", RED_RESIDENT], cli_env).returncode == 0
    revoked = run_cli(["pass", "verify", token, "--json"], cli_env)
    assert revoked.returncode == 2 and '"pass_revoked"' in revoked.stdout
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"not a picture")
    for argument, code in ((str(garbage), "image_invalid"), ("HELLO", "pass_not_recognised")):
        refused = run_cli(["pass", "verify", argument], cli_env)
        assert refused.returncode == 2 and f"({code})" in refused.stderr and "Traceback" not in refused.stderr
    assert run_cli(["keys", "rotate"], cli_env).stdout.strip() == "New signing key 2."


def test_a_30_mb_upload_at_the_kiosk_is_refused_calmly(client):
    client.get("/kiosk/metro/pass?lang=en")
    # The body is built here, in memory, as a browser would send it (the test client would spool it to a file).
    huge = b"\x89PNG" + b"\0" * (30 * 1024 * 1024)
    head = b'--edge\r\nContent-Disposition: form-data; name="picture"; filename="huge.png"\r\n\r\n'
    body = head + huge + b"\r\n--edge--\r\n"
    page = client.post("/kiosk/metro/pass", data=body, content_type="multipart/form-data; boundary=edge")
    assert page.status_code == 413
    assert "That was too much to read" in page.get_data(as_text=True)
