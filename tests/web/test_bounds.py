"""Bounded everything: what a request can make the server keep, synthesise or read has a limit."""

import multiprocessing
import os
import stat
from pathlib import Path

from assistant import checks, config, passes
from assistant.speech import SpeechService
from tests.support.app import DEMO_NUMBERS


def test_only_known_venues_are_kept_in_memory(app, client):
    checks._venues.clear()
    for n in range(300):
        client.post(f"/kiosk/made-up-{n}/check", data={"id_number": DEMO_NUMBERS[0]})
        with app.extensions["assistant"]["db"].session() as s:
            try:
                checks.run(s, id_text=DEMO_NUMBERS[0], venue=f"nowhere-{n}", at=checks_at(), hash_key=b"k")
            except checks.CheckError as error:
                assert error.code == "venue_unknown"
    client.post("/kiosk/metro/check", data={"id_number": DEMO_NUMBERS[0]})
    assert {slug for _url, slug in checks._venues} <= {"metro", "hospital", "community-centre"}


def checks_at():
    from tests.support.app import ANCHOR

    return ANCHOR


def test_speech_is_made_only_for_sentences_the_product_can_say(app, client):
    speech = app.extensions["assistant"]["speech"]
    client.get("/kiosk/metro/pass")
    for day in range(1, 29):
        with client.get(f"/kiosk/metro/speech/pass?error=pass_expired&date=2031-02-{day:02d}") as audio:
            assert audio.status_code == 200
        with client.get(f"/kiosk/metro/speech/card?error=made_up_{day}&text=hello{day}") as audio:
            assert audio.status_code == 200
    # Every answer was one of the fixed prompts (prerendered or made once): no date or text from the address.
    files = {p.name for p in speech.cache_dir.iterdir() if not p.name.startswith(".")}
    assert len(files) <= 2 and speech.synthesised <= 2


def test_the_speech_cache_stays_under_its_limit(tmp_path):
    speech = SpeechService(tmp_path / "cache", "espeak", max_bytes=40_000)
    made = [speech.audio(f"Sentence number {n} is here.", "en") for n in range(1, 16)]
    total = sum(p.stat().st_size for p in (tmp_path / "cache").iterdir() if p.is_file())
    assert total <= 40_000
    assert made[-1].exists()  # the newest is kept
    assert not made[0].exists()  # the least recently used went first
    assert speech.audio("Sentence number 1 is here.", "en").exists()  # and is made again when asked


def test_a_huge_form_field_is_refused_calmly(client):
    response = client.post("/kiosk/metro/check?lang=en", data={"id_number": "1" * 200_000})
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 413) and "Traceback" not in html and "1" * 100 not in html


def _load_keys(instance: str, queue) -> None:
    os.environ.pop("SECRET_KEY", None)
    os.environ.pop("ID_HASH_KEY", None)
    loaded = config.load({"INSTANCE_PATH": Path(instance)})
    key_id, private = passes.Keys(Path(instance) / "pass-keys").signing()
    queue.put((loaded["SECRET_KEY"], loaded["ID_HASH_KEY"], key_id, private.public_key().public_bytes_raw().hex()))


def test_secrets_are_made_once_and_privately_when_workers_start_together(tmp_path):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_load_keys, args=(str(tmp_path), queue)) for _ in range(12)]
    for worker in workers:
        worker.start()
    answers = {queue.get(timeout=60) for _ in workers}
    for worker in workers:
        worker.join(30)
    assert len(answers) == 1, "every worker read the same secrets and the same signing key"
    for name in ("secret_key", "id_hash_key", "pass-keys/1.key"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    assert sorted(p.name for p in (tmp_path / "pass-keys").iterdir()) == ["1.key", "1.pub"]
