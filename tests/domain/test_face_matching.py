"""The real face matcher (dlib) and the labelled simulation, on public-domain portraits and variants of them."""

import io

import numpy as np
import pytest
from PIL import Image

from assistant import faces, images
from assistant.config import DEFAULT_FACE_THRESHOLD
from assistant.faces.dlib_matcher import DlibMatcher
from assistant.faces.gallery import Gallery
from assistant.faces.simulated import SimulatedMatcher
from tests.support.portraits import ASTRONAUT, COFFEE, HOPPER, jpeg, open_rgb, png, side_by_side, variants


@pytest.fixture(scope="module")
def dlib_matcher():
    assert faces.dlib_available(), "dlib and face-recognition-models are missing: run `make test`, which installs them"
    return DlibMatcher.shared()


@pytest.fixture(scope="module")
def astronaut(dlib_matcher):
    return dlib_matcher.encode(open_rgb(ASTRONAUT))


def distance(a, b) -> float:
    return float(np.linalg.norm(a - b))


def test_auto_chooses_the_real_matcher_when_dlib_is_installed(dlib_matcher):
    assert faces.choose("auto") is dlib_matcher
    assert faces.choose(None).name == "dlib"
    assert faces.choose("simulated").name == "simulated"
    with pytest.raises(faces.MatcherUnavailable):
        faces.choose("opencv")


def test_an_encoding_is_128_numbers(astronaut):
    assert astronaut.shape == (128,) and astronaut.dtype == np.float32
    assert 0.5 < np.linalg.norm(astronaut) < 2.0  # dlib's encodings are near unit length, not all zeros


@pytest.mark.parametrize("change", list(variants(open_rgb(ASTRONAUT))))
def test_the_same_person_matches_under_changed_light_crop_rotation_and_compression(dlib_matcher, astronaut, change):
    seen = variants(open_rgb(ASTRONAUT))[change]
    encoding = faces.encode_photo(dlib_matcher, jpeg(seen, quality=92))
    assert distance(encoding, astronaut) < DEFAULT_FACE_THRESHOLD, change


@pytest.mark.parametrize("change", ["original", *variants(open_rgb(HOPPER))])
def test_a_different_person_does_not_match(dlib_matcher, astronaut, change):
    picture = open_rgb(HOPPER) if change == "original" else variants(open_rgb(HOPPER))[change]
    encoding = faces.encode_photo(dlib_matcher, jpeg(picture))
    assert distance(encoding, astronaut) > DEFAULT_FACE_THRESHOLD, change


def test_the_same_person_is_far_closer_to_herself_than_to_someone_else(dlib_matcher, astronaut):
    hopper = dlib_matcher.encode(open_rgb(HOPPER))
    same = [distance(dlib_matcher.encode(v), astronaut) for v in variants(open_rgb(ASTRONAUT)).values()]
    assert max(same) < distance(hopper, astronaut) - 0.15


@pytest.mark.parametrize(
    "picture",
    [
        pytest.param(lambda: open_rgb(COFFEE), id="coffee cup"),
        pytest.param(lambda: Image.new("RGB", (640, 480), (90, 90, 90)), id="blank frame"),
        pytest.param(lambda: open_rgb(ASTRONAUT).resize((64, 64)), id="face too far away"),
    ],
)
def test_no_face_is_reported_as_such(dlib_matcher, picture):
    with pytest.raises(faces.FaceProblem) as raised:
        faces.encode_photo(dlib_matcher, png(picture()))
    assert raised.value.code == "face_none"


def test_two_faces_are_reported_as_such(dlib_matcher):
    both = side_by_side(open_rgb(ASTRONAUT), open_rgb(HOPPER))
    assert len(dlib_matcher.faces(both)) == 2
    with pytest.raises(faces.FaceProblem) as raised:
        faces.encode_photo(dlib_matcher, jpeg(both))
    assert raised.value.code == "face_several"


def test_a_sideways_phone_photo_is_turned_upright_before_looking_for_a_face(dlib_matcher, astronaut):
    sideways = open_rgb(ASTRONAUT).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; viewers rotate 90 degrees clockwise to show it
    out = io.BytesIO()
    sideways.save(out, "JPEG", quality=92, exif=exif)
    assert distance(faces.encode_photo(dlib_matcher, out.getvalue()), astronaut) < DEFAULT_FACE_THRESHOLD


@pytest.mark.parametrize("data", [b"not a picture", jpeg(open_rgb(ASTRONAUT))[:3000]], ids=["text", "truncated"])
def test_what_is_not_a_picture_is_refused_before_any_face_is_sought(dlib_matcher, data):
    with pytest.raises(images.ImageProblem) as raised:
        faces.encode_photo(dlib_matcher, data)
    assert raised.value.code == "image_invalid"


def test_the_gallery_finds_the_nearest_face_among_thousands_at_once(astronaut):
    rng = np.random.default_rng(5)
    others = rng.normal(0, 0.09, size=(5000, 128)).astype(np.float32)
    encodings = np.vstack([others[:3210], astronaut, others[3210:]])
    ids = np.arange(10_000, 10_000 + len(encodings))
    gallery = Gallery(list(ids), encodings)
    query = astronaut + rng.normal(0, 0.01, 128).astype(np.float32)
    found, how_far = gallery.nearest(query)
    brute = np.linalg.norm(encodings - query, axis=1)
    assert found == ids[int(np.argmin(brute))] == 13_210
    assert how_far == pytest.approx(float(brute.min()), abs=1e-4)


def test_an_empty_gallery_matches_nobody(astronaut):
    assert Gallery([], np.empty((0, 128), np.float32)).nearest(astronaut) == (None, float("inf"))


class TestSimulatedMatcher:
    matcher = SimulatedMatcher()

    def test_a_copy_of_the_same_photo_matches_even_resized_and_recompressed(self):
        original = self.matcher.encode(open_rgb(ASTRONAUT))
        copy = faces.encode_photo(self.matcher, jpeg(open_rgb(ASTRONAUT).resize((300, 300)), quality=40))
        assert distance(copy, original) < 0.1

    def test_another_picture_does_not(self):
        original = self.matcher.encode(open_rgb(ASTRONAUT))
        for other in (HOPPER, COFFEE):
            assert distance(self.matcher.encode(open_rgb(other)), original) > DEFAULT_FACE_THRESHOLD

    def test_a_blank_picture_has_no_face(self):
        with pytest.raises(faces.FaceProblem) as raised:
            self.matcher.encode(Image.new("RGB", (320, 240), (30, 30, 30)))
        assert raised.value.code == "face_none"


def test_without_dlib_auto_falls_back_to_the_labelled_simulation(monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if "dlib" in name else real_find_spec(name, *a)
    )
    assert not faces.dlib_available()
    assert faces.choose("auto").name == "simulated"
