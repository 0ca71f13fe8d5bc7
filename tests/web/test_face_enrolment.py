"""Enrolment only with consent, forgetting that leaves no trace, and face checks that never keep a frame."""

import sqlite3

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select, text

from assistant import checks, faces, images
from assistant.db import Database
from assistant.faces import enrolment
from assistant.identity import IdNumberError
from assistant.models import CheckRecord, FaceEnrolment, FaceGalleryVersion, Resident
from tests.support.app import ANCHOR, CARDS, NOT_FOUND, run_cli
from tests.support.portraits import ASTRONAUT, COFFEE, HOPPER, jpeg, open_rgb, side_by_side

ENROLLED = CARDS[0].number  # the demo seeds enrol the astronaut's face for this resident
OTHER = CARDS[4].number


def key(app) -> bytes:
    return app.config["ID_HASH_KEY"].encode()


def recogniser(app):
    return app.extensions["assistant"]["faces"]


def enroll(app, s, number, photo, **options):
    options = {"consent": True, "consent_by": "test", **options}
    return enrolment.enroll(
        s, recogniser(app).matcher, id_text=number, photo=photo, hash_key=key(app), today=ANCHOR.date(), **options
    )


def face_check(app, s, frame, venue="metro"):
    return checks.run_face(s, frame=frame, venue=venue, at=ANCHOR, recogniser=recogniser(app))


def enrolments(app) -> int:
    with app.extensions["assistant"]["db"].session() as s:
        return s.scalar(select(func.count()).select_from(FaceEnrolment))


def test_the_demo_seed_enrols_one_face_with_consent_recorded(app):
    with app.extensions["assistant"]["db"].session() as s:
        (row,) = s.scalars(select(FaceEnrolment)).all()
        assert row.matcher == "dlib" and row.consent_by == "demo seed" and row.consented_at is not None
        assert row.photo is None  # photos are kept only when configured
        assert len(np.frombuffer(row.encoding, np.float32)) == 128


def test_an_enrolled_resident_is_found_by_face(app):
    frame = jpeg(open_rgb(ASTRONAUT).resize((400, 400)), quality=70)  # not the enrolled photo itself
    with app.extensions["assistant"]["db"].session() as s:
        result = face_check(app, s, frame)
        record = s.get(CheckRecord, result.record_id)
        assert (record.method, record.matcher, record.masked_id) == ("face", "dlib", "3101**********0245")
    assert result.outcome.status == "green" and result.subject["id"] == "3101**********0245"


def test_enrolment_needs_consent_and_writes_nothing_without_it(app):
    with app.extensions["assistant"]["db"].session() as s:
        with pytest.raises(enrolment.EnrolmentError) as raised:
            enroll(app, s, OTHER, jpeg(open_rgb(HOPPER)), consent=False)
    assert raised.value.code == "consent_missing"
    assert enrolments(app) == 1


@pytest.mark.parametrize(
    "number, photo, error, code",
    [
        (NOT_FOUND, lambda: jpeg(open_rgb(HOPPER)), enrolment.EnrolmentError, "resident_unknown"),
        ("12345", lambda: jpeg(open_rgb(HOPPER)), IdNumberError, "id_invalid_length"),
        (OTHER, lambda: jpeg(open_rgb(COFFEE)), faces.FaceProblem, "face_none"),
        (OTHER, lambda: jpeg(side_by_side(open_rgb(ASTRONAUT), open_rgb(HOPPER))), faces.FaceProblem, "face_several"),
        (OTHER, lambda: b"GIF89a broken", images.ImageProblem, "image_invalid"),
    ],
)
def test_an_enrolment_that_cannot_go_ahead_says_why_and_writes_nothing(app, number, photo, error, code):
    with pytest.raises(error) as raised, app.extensions["assistant"]["db"].session() as s:
        enroll(app, s, number, photo())
    assert raised.value.code == code
    assert enrolments(app) == 1


def test_the_photo_is_kept_only_when_configured(app):
    photo = jpeg(open_rgb(HOPPER))
    with app.extensions["assistant"]["db"].session() as s:
        enroll(app, s, OTHER, photo, keep_photo=True)
        assert s.scalars(select(Resident).where(Resident.masked_id == "3101**********0278")).one().face.photo == photo


def test_a_new_enrolment_is_matched_at_once_and_replaces_the_old_one(app):
    with app.extensions["assistant"]["db"].session() as s:
        with pytest.raises(faces.FaceProblem):
            face_check(app, s, jpeg(open_rgb(HOPPER)))  # warms this process's gallery before the change
        enroll(app, s, OTHER, jpeg(open_rgb(HOPPER)))
        enroll(app, s, OTHER, jpeg(open_rgb(HOPPER).resize((400, 470))))  # again: one row, not two
    with app.extensions["assistant"]["db"].session() as s:
        assert face_check(app, s, jpeg(open_rgb(HOPPER), quality=60)).outcome.status == "yellow"
    assert enrolments(app) == 2


def test_forgetting_removes_every_trace_of_the_face(app):
    with app.extensions["assistant"]["db"].session() as s:
        enroll(app, s, ENROLLED, jpeg(open_rgb(ASTRONAUT)), keep_photo=True)
        face_check(app, s, jpeg(open_rgb(ASTRONAUT)))  # the gallery is now cached with this face in it
        version = s.get(FaceGalleryVersion, 1).version
    with app.extensions["assistant"]["db"].session() as s:
        assert enrolment.forget(s, id_text=ENROLLED, hash_key=key(app), today=ANCHOR.date()) is True
    with app.extensions["assistant"]["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(FaceEnrolment)) == 0
        assert s.get(FaceGalleryVersion, 1).version == version + 1
        with pytest.raises(faces.FaceProblem) as raised:
            face_check(app, s, jpeg(open_rgb(ASTRONAUT)))
        assert raised.value.code == "face_no_match"
        assert enrolment.forget(s, id_text=ENROLLED, hash_key=key(app), today=ANCHOR.date()) is False
    # Nothing of the photo or the encoding is left in the database file (nor in its write-ahead log). (PostgreSQL
    # keeps no file in the instance folder: the rows above are what it holds.)
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        return
    database = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute("VACUUM")
    stored = b"".join(p.read_bytes() for p in app.config["INSTANCE_PATH"].glob("assistant.sqlite3*"))
    photo = jpeg(open_rgb(ASTRONAUT))
    assert photo[len(photo) // 2 : len(photo) // 2 + 64] not in stored


def test_deleting_a_resident_deletes_their_face(app):
    with app.extensions["assistant"]["db"].session() as s:
        s.delete(s.scalars(select(Resident).where(Resident.masked_id == "3101**********0245")).one())
    assert enrolments(app) == 0
    with app.extensions["assistant"]["db"].session() as s:  # and the database itself cascades, for other tools
        enroll(app, s, OTHER, jpeg(open_rgb(HOPPER)))
        s.execute(text("DELETE FROM resident WHERE masked_id = '3101**********0278'"))
    assert enrolments(app) == 0


def test_a_face_check_never_stores_the_frame(app):
    instance = app.config["INSTANCE_PATH"]
    before = {p.name for p in instance.rglob("*")}
    picture = open_rgb(ASTRONAUT).resize((420, 420))
    frame = jpeg(picture, quality=83)
    with app.extensions["assistant"]["db"].session() as s:
        result = face_check(app, s, frame)
        row = s.get(CheckRecord, result.record_id)
        assert all(not isinstance(getattr(row, c.key), bytes) for c in CheckRecord.__table__.columns)
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        return  # PostgreSQL keeps nothing in the instance folder; the row above is what it holds of the check
    database = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # SQLite's WAL and its index, and the empty file the check log's writers take turns on (prepared.py).
    files = {"assistant.sqlite3-wal", "assistant.sqlite3-shm", "assistant.sqlite3.writer"}
    assert {p.name for p in instance.rglob("*")} - before <= files
    stored = b"".join(p.read_bytes() for p in instance.rglob("*") if p.is_file())
    for start in range(1000, len(frame) - 64, 4000):
        assert frame[start : start + 64] not in stored


def test_a_face_check_at_an_unknown_venue_logs_nothing(app):
    with app.extensions["assistant"]["db"].session() as s:
        with pytest.raises(checks.CheckError):
            face_check(app, s, jpeg(open_rgb(ASTRONAUT)), venue="moon")
        assert s.scalar(select(func.count()).select_from(CheckRecord)) == 0


def test_the_simulated_matcher_is_labelled_in_the_check_log(tmp_path):
    from assistant import create_app
    from assistant.seeding import seed
    from tests.support.app import SEEDS

    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": tmp_path, "VALIDATION_AT": ANCHOR.isoformat(), "FACE_MATCHER": "simulated"}
    )
    assert recogniser(app).matcher.name == "simulated"
    with app.extensions["assistant"]["db"].session() as s:
        seed(s, SEEDS, key(app), ANCHOR, recogniser(app).matcher)
        result = face_check(app, s, (SEEDS / "faces" / "astronaut.jpg").read_bytes())
        assert s.get(CheckRecord, result.record_id).matcher == "simulated"
        assert result.matcher == "simulated"
        with pytest.raises(faces.FaceProblem):
            face_check(app, s, (SEEDS / "faces" / "hopper.jpg").read_bytes())


def test_an_older_database_gets_the_new_check_log_column(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute(
            "CREATE TABLE check_record (id INTEGER PRIMARY KEY, checked_at DATETIME, validation_at DATETIME, "
            "venue VARCHAR(64), method VARCHAR(16), status VARCHAR(16), decision VARCHAR(16), "
            "reason_codes VARCHAR(400), masked_id VARCHAR(18), id_hash VARCHAR(64))"
        )
        raw.execute(
            "INSERT INTO check_record VALUES (1, '2026-01-01', '2026-01-01', 'metro', 'id_card', 'green', "
            "'admit', '', '3101**********0245', 'x')"
        )
    Database(f"sqlite:///{path}").prepare()
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT method, matcher FROM check_record").fetchall() == [("id_card", None)]


class TestCommandLine:
    def test_enrol_check_and_forget(self, cli_env, tmp_path):
        photo = tmp_path / "hopper.jpg"
        photo.write_bytes(jpeg(open_rgb(HOPPER)))
        refused = run_cli(["face", "enroll", "--id", OTHER, str(photo)], cli_env)
        assert refused.returncode == 2 and "consent_missing" in refused.stderr
        enrolled = run_cli(["face", "enroll", "--id", "-", "--consent", str(photo)], cli_env, stdin=OTHER + "\n")
        assert enrolled.returncode == 0, enrolled.stderr
        assert "3101**********0278" in enrolled.stdout and OTHER not in enrolled.stdout + enrolled.stderr
        checked = run_cli(["check", "--face", str(photo), "--lang", "en"], cli_env)
        assert checked.returncode == 0 and checked.stdout.startswith("YELLOW")
        assert run_cli(["face", "forget", "--id", OTHER], cli_env).stdout.startswith("Face forgotten")
        again = run_cli(["check", "--face", str(photo), "--json"], cli_env)
        assert again.returncode == 2 and '"face_no_match"' in again.stdout

    @pytest.mark.parametrize(
        "content, code",
        [(b"", "image_invalid"), (b"%PDF-1.4 not a photo", "image_invalid"), ("coffee", "face_none")],
    )
    def test_a_check_by_face_that_cannot_go_ahead(self, cli_env, tmp_path, content, code):
        photo = tmp_path / "frame.jpg"
        photo.write_bytes(jpeg(open_rgb(COFFEE)) if content == "coffee" else content)
        result = run_cli(["check", "--face", str(photo), "--json"], cli_env)
        assert result.returncode == 2 and f'"{code}"' in result.stdout and "Traceback" not in result.stderr

    def test_a_huge_picture_file_is_refused_by_its_size(self, cli_env, tmp_path):
        photo = tmp_path / "huge.png"
        Image.new("RGB", (4000, 3000)).save(photo, "PNG")  # small on disk (it compresses), then grown past 8 MB
        with open(photo, "ab") as f:
            f.write(b"\0" * (images.MAX_BYTES + 1))
        result = run_cli(["check", "--face", str(photo), "--json"], cli_env)
        assert result.returncode == 2 and '"image_too_large"' in result.stdout
