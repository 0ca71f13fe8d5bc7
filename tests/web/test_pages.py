"""Pages beyond the kiosk, error pages, and what happens when the registry is out of reach."""

import logging

import pytest
from babel.messages.pofile import read_po
from sqlalchemy.exc import OperationalError

from assistant.config import PROJECT_ROOT
from tests.support.app import DEMO_NUMBERS, check_page, no_full_number
from tests.support.plain import too_long


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", ["/", "/policy"])
def test_information_pages_in_both_languages(client, path, lang):
    response = client.get(f"{path}?lang={lang}")
    assert response.status_code == 200
    check_page(response, lang)


def test_landing_page_says_what_this_is_and_links_everywhere(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "without a smartphone" in html and "simulation" in html
    for href in ["/kiosk/metro/", "/kiosk/hospital/", "/kiosk/community-centre/", "/policy", "/api/v1/openapi.json"]:
        assert f'href="{href}"' in html


def test_policy_page_uses_the_seed_texts(client, app):
    html = client.get("/policy?lang=zh").get_data(as_text=True)
    texts = app.extensions["assistant"]["texts"]
    for code in ["quarantine", "medium_risk_area", "no_record", "test_too_old"]:
        assert texts.reason_title(code, "zh") in html and texts.reason_next(code, "zh") in html


def test_the_other_language_is_marked_up_in_its_own_language(client):
    html = client.get("/?lang=zh").get_data(as_text=True)
    assert 'lang="en" hreflang="en">English</a>' in html
    html = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="zh-Hans" hreflang="zh-Hans">中文</a>' in html


def test_a_missing_page_is_calm(client):
    response = client.get("/no/such/page?lang=en")
    assert response.status_code == 404
    check_page(response, "en")


def test_the_database_being_away_gives_please_ask_staff(client, app, monkeypatch, caplog):
    def unavailable(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(app.extensions["assistant"]["db"], "sessions", unavailable)
    monkeypatch.setattr(app.extensions["assistant"]["db"], "_statements", unavailable)  # the checks' own sessions
    monkeypatch.setattr(app.extensions["assistant"]["db"], "link", unavailable)  # the API's prepared statements
    response = client.post("/kiosk/metro/check", data={"id_number": DEMO_NUMBERS[0]}, query_string={"lang": "en"})
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Please ask a staff member" in html and "Traceback" not in html and "OperationalError" not in html
    api = client.post("/api/v1/checks", json={"method": "id_card", "id_number": DEMO_NUMBERS[0]})
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "registry_unavailable"
    assert api.headers["Retry-After"] == "3"
    assert no_full_number(caplog.text)


def test_an_unexpected_error_is_logged_without_what_was_typed(client, app, monkeypatch, caplog):
    from assistant import checks

    def broken(session, *, id_text, **kwargs):
        int(id_text + "?")  # a ValueError whose message quotes the number

    monkeypatch.setattr(checks, "run", broken)
    with caplog.at_level(logging.ERROR):
        response = client.post("/kiosk/metro/check", data={"id_number": DEMO_NUMBERS[0]})
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert "ValueError" in caplog.text and no_full_number(caplog.text)


def test_every_interface_text_has_a_chinese_translation():
    with open(PROJECT_ROOT / "assistant/translations/zh/LC_MESSAGES/messages.po", "rb") as f:
        catalogue = read_po(f)
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    assert untranslated == []
    assert (PROJECT_ROOT / "assistant/translations/zh/LC_MESSAGES/messages.mo").exists(), "run make setup"


def test_every_interface_text_is_in_short_sentences_in_both_languages():
    with open(PROJECT_ROOT / "assistant/translations/zh/LC_MESSAGES/messages.po", "rb") as f:
        catalogue = [m for m in read_po(f) if m.id]

    def forms(text) -> tuple:  # a plural entry has a text for each number form
        return text if isinstance(text, tuple | list) else (text,)

    problems = [
        s
        for m in catalogue
        for s in [p for t in forms(m.id) for p in too_long(t, "en")]
        + [p for t in forms(m.string) for p in too_long(t, "zh")]
    ]
    assert problems == []


def test_every_template_text_is_in_the_catalogue():
    from babel.messages.extract import extract_from_dir

    with open(PROJECT_ROOT / "assistant/translations/zh/LC_MESSAGES/messages.po", "rb") as f:
        known = {m.id for m in read_po(f)}
    method_map = [("templates/**.html", "jinja2"), ("assistant/**.py", "python")]
    found = {m[2] for m in extract_from_dir(str(PROJECT_ROOT), method_map=method_map, keywords={"_": None})}
    assert found - known == set(), "run make update-translations and translate the new texts"
