"""The kiosk's face screen and the API's face check, through Flask's test client, in both languages."""

import base64
import io

import pytest
from PIL import Image
from sqlalchemy import select

from assistant.models import CheckRecord
from tests.support.app import bearer, check_page, no_full_number
from tests.support.portraits import ASTRONAUT, COFFEE, HOPPER, huge_png_header, jpeg, open_rgb, side_by_side

LANGS = ["zh", "en"]
ENROLLED, NOT_ENROLLED, NO_FACE, TWO_PEOPLE = range(4)  # the demo faces, in seeds/demo.toml's order


def texts(app):
    return app.extensions["assistant"]["texts"]


def upload(data: bytes, name="frame.jpg") -> dict:
    return {"picture": (io.BytesIO(data), name)}


def records(app):
    with app.extensions["assistant"]["db"].session() as s:
        return list(s.scalars(select(CheckRecord)))


@pytest.mark.parametrize("lang", LANGS)
def test_the_face_screen_offers_the_camera_the_simulated_camera_and_the_id_card(client, lang):
    response = client.get(f"/kiosk/metro/face?lang={lang}")
    assert response.status_code == 200
    check_page(response, lang)
    html = response.get_data(as_text=True)
    assert "data-live-camera" in html and "data-simulated-camera" in html
    assert html.count('name="demo_face"') == 4 and 'href="/kiosk/metro/card"' in html
    assert ("dlib" in html) and ("staff-note" in html)
    assert "/kiosk/metro/speech/face" in html


def test_the_home_screen_offers_the_face_check(client):
    html = client.get("/kiosk/metro/?lang=en").get_data(as_text=True)
    assert 'href="/kiosk/metro/face"' in html and "Look at the camera" in html


@pytest.mark.parametrize("lang", LANGS)
def test_the_enrolled_demo_face_leads_to_the_result(client, app, lang):
    client.get(f"/kiosk/metro/face?lang={lang}")
    response = client.post("/kiosk/metro/face", data={"demo_face": str(ENROLLED)})
    assert response.status_code == 303 and response.headers["Location"] == "/kiosk/metro/result"
    page = client.get("/kiosk/metro/result")
    check_page(page, lang)
    html = page.get_data(as_text=True)
    assert ("绿码" if lang == "zh" else "Green") in html
    assert ("已通过刷脸查验。" if lang == "zh" else "Checked by face.") in html
    assert no_full_number(html)
    assert [(r.method, r.matcher, r.status) for r in records(app)] == [("face", "dlib", "green")]


def test_an_uploaded_photo_of_the_enrolled_face_is_matched(client):
    client.get("/kiosk/metro/face?lang=en")
    photo = jpeg(open_rgb(ASTRONAUT).rotate(5, fillcolor=(128, 128, 128)), quality=75)
    response = client.post("/kiosk/metro/face", data=upload(photo), content_type="multipart/form-data")
    assert response.status_code == 303


@pytest.mark.parametrize("lang", LANGS)
def test_each_face_failure_is_shown_and_spoken_calmly_with_the_id_card_first(client, app, lang):
    client.get(f"/kiosk/metro/face?lang={lang}")
    cases = {
        "face_no_match": {"demo_face": str(NOT_ENROLLED)},
        "face_none": {"demo_face": str(NO_FACE)},
        "face_several": {"demo_face": str(TWO_PEOPLE)},
        "image_invalid": upload(b"this is not a picture", "notes.txt"),
    }
    for code, form in cases.items():
        page = client.post("/kiosk/metro/face", data=form, content_type="multipart/form-data")
        html = page.get_data(as_text=True)
        assert page.status_code == 400, code
        check_page(page, lang)
        assert texts(app).error(code, lang) in html and 'class="error-summary"' in html
        assert f"/kiosk/metro/speech/face?error={code}" in html
        # The first action after the message is the ID card.
        assert html.index('id="use-card"') < html.index("data-live-camera")
        assert 'href="#use-card"' in html
    assert records(app) == []


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("truncated", jpeg(open_rgb(ASTRONAUT))[:2500], "image_invalid"),
        ("20000 x 20000", huge_png_header(20000, 20000), "image_too_large"),
        ("empty", b"", "image_invalid"),
        ("blank", jpeg(Image.new("RGB", (640, 480), (40, 40, 40))), "face_none"),
    ],
)
def test_bad_pictures_at_the_kiosk_get_a_calm_message(client, app, name, data, code):
    client.get("/kiosk/metro/face?lang=en")
    page = client.post("/kiosk/metro/face", data=upload(data, name), content_type="multipart/form-data")
    assert page.status_code == 400, name
    assert texts(app).error(code, "en") in page.get_data(as_text=True)
    assert records(app) == []


def test_a_9_mb_frame_is_refused_by_its_size(client, app):
    client.get("/kiosk/metro/face?lang=en")
    body = b'--edge\r\nContent-Disposition: form-data; name="picture"; filename="big.jpg"\r\n\r\n'
    body += b"\xff\xd8" + b"\0" * (9 * 1024 * 1024) + b"\r\n--edge--\r\n"
    page = client.post("/kiosk/metro/face", data=body, content_type="multipart/form-data; boundary=edge")
    assert page.status_code == 400
    assert texts(app).error("image_too_large", "en") in page.get_data(as_text=True)


@pytest.mark.parametrize("form", [{"demo_face": "9"}, {"demo_face": "-1"}, {"demo_face": "x"}, {}])
def test_a_made_up_form_is_a_calm_400(client, form):
    assert client.post("/kiosk/metro/face", data=form).status_code == 400


def test_a_refused_camera_is_explained_and_other_codes_in_the_address_are_ignored(client, app):
    refused = client.get("/kiosk/metro/face?lang=en&error=camera_refused").get_data(as_text=True)
    assert texts(app).error("camera_refused", "en") in refused and 'id="use-card"' in refused
    assert 'data-error="camera_refused"' in refused  # so the page does not ask for the camera again at once
    made_up = client.get("/kiosk/metro/face?lang=en&error=face_no_match").get_data(as_text=True)
    assert "error-summary" not in made_up


def test_the_demo_face_pictures_are_small_thumbnails(client):
    response = client.get("/kiosk/metro/face/demo/0.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert len(response.data) < 10_000
    with Image.open(io.BytesIO(response.data)) as picture:
        assert max(picture.size) <= 240 and picture.height <= 120
    assert client.get("/kiosk/metro/face/demo/9.jpg").status_code == 404


@pytest.mark.parametrize("code", ["face_none", "face_several", "face_no_match", "camera_refused"])
def test_each_face_message_is_spoken(client, code):
    client.get("/kiosk/metro/face?lang=zh")
    with client.get(f"/kiosk/metro/speech/face?error={code}") as audio:
        assert audio.status_code == 200 and audio.mimetype in ("audio/ogg", "audio/wav")
        assert len(audio.data) > 4000


class TestApi:
    def post(self, client, image: bytes | str, headers=None, **extra):
        encoded = image if isinstance(image, str) else base64.b64encode(image).decode()
        body = {"method": "face", "image": encoded, "lang": "en", **extra}
        return client.post("/api/v1/checks", json=body, headers=headers)

    def test_a_face_is_checked_like_a_card(self, client, app):
        hospital = bearer(app, "demo-hospital")
        response = self.post(client, jpeg(open_rgb(ASTRONAUT), quality=60), headers=hospital, venue="hospital")
        body = response.get_json()
        assert response.status_code == 200, body
        assert (body["method"], body["matcher"], body["venue"]["slug"]) == ("face", "dlib", "hospital")
        assert body["subject"]["id"] == "3101**********0245" and no_full_number(response.get_data(as_text=True))

    @pytest.mark.parametrize(
        "picture, code",
        [
            (lambda: jpeg(open_rgb(HOPPER)), "face_no_match"),
            (lambda: jpeg(open_rgb(COFFEE)), "face_none"),
            (lambda: jpeg(side_by_side(open_rgb(ASTRONAUT), open_rgb(HOPPER))), "face_several"),
            (lambda: huge_png_header(30000, 30000), "image_too_large"),
            (lambda: b"\xff\xd8\xff\xe0 broken", "image_invalid"),
            (lambda: "****", "image_invalid"),
        ],
    )
    def test_a_face_check_that_cannot_go_ahead_is_a_400_with_its_code(self, client, app, picture, code):
        response = self.post(client, picture())
        assert response.status_code == 400
        assert response.get_json()["error"] == {"code": code, "message": texts(app).error(code, "en")}
        assert records(app) == []

    def test_the_openapi_document_names_the_face_codes(self, client):
        schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
        codes = schema["Error"]["properties"]["error"]["properties"]["code"]["enum"]
        assert {"face_none", "face_several", "face_no_match"} <= set(codes)
        assert "method_unavailable" not in codes


def test_the_simulated_matcher_says_so_on_the_kiosk_and_the_result(tmp_path):
    from tests.support.app import seeded_app

    app = seeded_app({"INSTANCE_PATH": tmp_path, "FACE_MATCHER": "simulated", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    screen = client.get("/kiosk/metro/face?lang=en").get_data(as_text=True)
    assert "face matching on this kiosk is simulated" in screen
    client.post("/kiosk/metro/face", data={"demo_face": str(ENROLLED)})
    result = client.get("/kiosk/metro/result").get_data(as_text=True)
    assert "Checked by face. Face matching is simulated on this kiosk." in result
    for page in ("/demo?lang=en", "/accessibility?lang=en"):
        assert "Face matching on this kiosk is simulated." in client.get(page).get_data(as_text=True)


def test_damaged_frames_never_cause_a_server_error(client, app):
    """Fuzzed frames (random bytes changed in a real JPEG, or cut short): always 200 or a calm 400, never a 500."""
    import random

    original = (app.config["SEEDS_DIR"] / "faces" / "astronaut.jpg").read_bytes()
    rng = random.Random(7)
    answers = set()
    for _ in range(40):
        frame = bytearray(original[: rng.randint(200, len(original))])
        for _ in range(rng.randint(1, 30)):
            frame[rng.randrange(len(frame))] = rng.randrange(256)
        response = client.post("/api/v1/checks", json={"method": "face", "image": base64.b64encode(frame).decode()})
        assert response.status_code in (200, 400), response.status_code
        answers.add(response.status_code == 200 or response.get_json()["error"]["code"])
    assert answers - {True} <= {"image_invalid", "face_none", "face_several", "face_no_match"}
