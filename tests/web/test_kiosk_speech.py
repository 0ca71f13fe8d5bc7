"""The kiosk's speech through the Flask client: every screen can be heard, and says what it shows."""

import re
from html import unescape

import pytest

from assistant import create_app
from assistant.web.kiosk.spoken import fixed_prompts
from tests.support.app import run_cli

SCREENS = {
    "home": "/kiosk/metro/",
    "card": "/kiosk/metro/card",
    "result": "/kiosk/metro/result",
    "settings": "/kiosk/metro/settings",
    "help": "/kiosk/metro/help",
}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|template|audio)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def spoken_text(app, screen, lang, **kwargs):
    from assistant.web.kiosk import spoken

    with app.test_request_context(), __import__("flask_babel").force_locale(lang):
        return spoken.script(screen, lang, **kwargs)


def fetch(client, url):
    """Audio answers are files: close them, as a browser would."""
    with client.get(url) as response:
        return response.status_code, response.mimetype, response.get_data()


def sentences(text, lang):
    return [s for s in re.split(r"(?<=[.!?。！？])\s*", text) if s.strip()]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_kiosk_screen_speaks_the_words_it_shows(client, app, screen, lang):
    client.get(f"/kiosk/metro/card?lang={lang}")
    client.post("/kiosk/metro/card", data={"card": 7})
    page = client.get(SCREENS[screen])
    html = page.get_data(as_text=True)
    src = f'src="/kiosk/metro/speech/{screen}"'
    assert src in html and "autoplay" in html and 'data-speech-action="slower"' in html
    status, mimetype, audio = fetch(client, f"/kiosk/metro/speech/{screen}")
    assert status == 200 and mimetype in ("audio/ogg", "audio/wav")
    status, _, slow = fetch(client, f"/kiosk/metro/speech/{screen}?pace=slow")
    assert status == 200 and slow != audio
    text = visible_text(html)
    result = described_result(app, lang) if screen == "result" else None
    said = spoken_text(app, screen, lang, result=result)
    for sentence in sentences(said, lang):
        assert sentence.rstrip(".。") in text, (sentence, screen)
    speech = app.extensions["assistant"]["speech"]
    assert audio == speech.path(speech.key(said, lang)).read_bytes(), "the audio is of those words"


def described_result(app, lang, record=1):
    from assistant import checks

    with app.extensions["assistant"]["db"].session() as s:
        return checks.describe(checks.load(s, record), app.extensions["assistant"]["texts"], lang)


def test_in_public_the_result_speech_keeps_the_reasons_back(client, app):
    client.get("/kiosk/metro/card?lang=en")
    client.post("/kiosk/metro/card", data={"card": 1})
    result = described_result(app, "en")
    speech = app.extensions["assistant"]["speech"]
    public = spoken_text(app, "result", "en", result=result)
    assert public == "Please wait here. A staff member will come and help you."
    assert fetch(client, "/kiosk/metro/speech/result")[2] == speech.path(speech.key(public, "en")).read_bytes()
    why = spoken_text(app, "why", "en", result=result)
    assert why.startswith("You are in quarantine. Your quarantine ends on 3 December 2026, 12:00. What you can do:")
    assert fetch(client, "/kiosk/metro/speech/why")[2] == speech.path(speech.key(why, "en")).read_bytes()
    assert 'data-speech-action="why"' in client.get("/kiosk/metro/result").get_data(as_text=True)


def test_with_private_listening_the_reasons_are_spoken_with_the_result(tmp_path):
    from tests.support.app import seeded_app

    app = seeded_app({"INSTANCE_PATH": tmp_path, "PRIVATE_LISTENING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.get("/kiosk/metro/card?lang=en")
    client.post("/kiosk/metro/card", data={"card": 1})
    result = described_result(app, "en")
    private = spoken_text(app, "result", "en", result=result, private=True)
    assert private.startswith("Please wait here. A staff member will come and help you. You are in quarantine.")
    speech = app.extensions["assistant"]["speech"]
    assert fetch(client, "/kiosk/metro/speech/result")[2] == speech.path(speech.key(private, "en")).read_bytes()
    assert 'data-speech-action="why"' not in client.get("/kiosk/metro/result").get_data(as_text=True)


def test_an_error_is_spoken_as_well_as_shown(client, app):
    client.get("/kiosk/metro/card?lang=en")
    page = client.post("/kiosk/metro/check", data={"id_number": "123"}).get_data(as_text=True)
    assert 'src="/kiosk/metro/speech/card?error=id_invalid_length"' in page
    audio = fetch(client, "/kiosk/metro/speech/card?error=id_invalid_length")[2]
    message = app.extensions["assistant"]["texts"].error("id_invalid_length", "en")
    said = spoken_text(app, "card", "en", error=message)
    assert said.startswith(message)
    speech = app.extensions["assistant"]["speech"]
    assert audio == speech.path(speech.key(said, "en")).read_bytes()


@pytest.mark.parametrize(
    "path, status",
    [
        ("/kiosk/metro/speech/result", 404),
        ("/kiosk/metro/speech/why", 404),
        ("/kiosk/metro/speech/nothing", 404),
        ("/kiosk/moon/speech/home", 404),
        ("/kiosk/metro/speech/card?error=<script>", 200),
    ],
)
def test_speech_addresses_that_do_not_exist(client, path, status):
    assert fetch(client, path)[0] == status


def test_without_an_engine_the_kiosk_works_in_text_with_a_note_for_staff(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path, "SPEECH_ENGINE": "none"})
    client = app.test_client()
    page = client.get("/kiosk/metro/?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code in (200, 404)  # no venues seeded in this app: the page is calm either way
    from assistant.seeding import seed_venues
    from tests.support.app import SEEDS

    with app.extensions["assistant"]["db"].session() as s:
        seed_venues(s, SEEDS)
    html = client.get("/kiosk/metro/?lang=en").get_data(as_text=True)
    assert "For staff: speech is off on this kiosk" in html and "<audio" not in html
    status, _, body = fetch(client, "/kiosk/metro/speech/home")
    assert status == 503 and b"Traceback" not in body


def test_policy_topics_are_read_aloud_paragraph_by_paragraph(client, app):
    texts = app.extensions["assistant"]["texts"]
    for name, topic in texts.topics.items():
        for lang in ("zh", "en"):
            html = client.get(f"/policy/{name}?lang={lang}").get_data(as_text=True)
            for number, paragraph in enumerate(topic["paragraphs"][lang]):
                assert paragraph in html
                assert f'data-speak-src="/policy/{name}/speech/{number}"' in html
                assert fetch(client, f"/policy/{name}/speech/{number}")[0] == 200
    assert client.get("/policy/health-code/speech/99").status_code == 404
    assert client.get("/policy/nothing").status_code == 404


def test_prerender_covers_every_fixed_prompt(cli_env, tmp_path):
    done = run_cli(["speech", "prerender"], cli_env)
    assert done.returncode == 0, done.stderr
    assert "prompts ready" in done.stdout
    app = create_app({"INSTANCE_PATH": tmp_path / "cli-instance"})
    speech = app.extensions["assistant"]["speech"]
    from flask_babel import force_locale

    with app.test_request_context():
        for lang in ("zh", "en"):
            with force_locale(lang):
                prompts = fixed_prompts(app.extensions["assistant"]["texts"], lang)
            for text in prompts:
                speech.audio(text, lang)
                speech.audio(text, lang, slow=True)
    assert len(prompts) > 30 and speech.synthesised == 0, "every fixed prompt was already made"
