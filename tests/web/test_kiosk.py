"""The kiosk pages through Flask's test client, in both languages."""

import pytest
from sqlalchemy import select

from assistant.models import CheckRecord
from tests.support.app import CARDS, check_page, no_full_number

LANGS = ["zh", "en"]


def card_index(number):
    return [c.number for c in CARDS].index(number)


def records(app):
    with app.extensions["assistant"]["db"].session() as s:
        return list(s.scalars(select(CheckRecord)))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["/kiosk/metro/", "/kiosk/metro/card", "/kiosk/hospital/", "/kiosk/metro/help"])
def test_kiosk_screens_in_both_languages(client, path, lang):
    response = client.get(f"{path}?lang={lang}")
    assert response.status_code == 200
    check_page(response, lang)
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_kiosk_start_goes_to_the_configured_venue(client):
    assert client.get("/kiosk/").headers["Location"].endswith("/kiosk/metro/")


def test_unknown_venue_is_a_calm_404(client):
    response = client.get("/kiosk/moon/?lang=en")
    assert response.status_code == 404
    check_page(response, "en")
    assert "This page is not here" in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGS)
def test_tapping_a_demo_card_shows_the_result(client, app, lang):
    client.get(f"/kiosk/metro/card?lang={lang}")
    response = client.post("/kiosk/metro/card", data={"card": card_index("310104195107020316")})
    assert response.status_code == 303
    assert response.headers["Location"] == "/kiosk/metro/result"
    page = client.get("/kiosk/metro/result")
    assert page.status_code == 200
    check_page(page, lang)
    html = page.get_data(as_text=True)
    word, decision = ("红码", "请在这里稍等。") if lang == "zh" else ("Red", "Please wait here.")
    assert word in html and decision in html
    assert "李*" in html and "3101**********0316" in html
    assert 'class="status-panel status-red" role="status"' in html
    assert 'data-seconds="60"' in html and "data-more-time" in html
    assert no_full_number(html)
    assert [(r.status, r.decision, r.method) for r in records(app)] == [("red", "refer", "id_card")]


def test_typing_a_number_works_too(client, app):
    client.get("/kiosk/metro/card?lang=en")
    response = client.post("/kiosk/metro/check", data={"id_number": "310101 19480312 0245"})
    assert response.status_code == 303
    html = client.get("/kiosk/metro/result").get_data(as_text=True)
    assert "Please go in." in html and "Green" in html
    assert len(records(app)) == 1


def test_the_result_speaks_the_resident_language_unless_the_person_chose(client):
    client.post("/kiosk/metro/card", data={"card": card_index("310110195009150632")})
    assert html_lang(client, "/kiosk/metro/result") == "en"
    client.post("/kiosk/metro/done", data={"why": "timeout"})
    client.get("/kiosk/metro/card?lang=zh")  # chosen by the person this visit
    client.post("/kiosk/metro/card", data={"card": card_index("310110195009150632")})
    assert html_lang(client, "/kiosk/metro/result") == "zh-Hans"


def test_switching_language_on_the_result_does_not_log_again(client, app):
    client.post("/kiosk/metro/card", data={"card": 0})
    assert "Green" in client.get("/kiosk/metro/result?lang=en").get_data(as_text=True)
    assert "绿码" in client.get("/kiosk/metro/result?lang=zh").get_data(as_text=True)
    assert len(records(app)) == 1


def html_lang(client, path="/kiosk/metro/"):
    return client.get(path).get_data(as_text=True).split('<html lang="')[1].split('"')[0]


def test_start_again_forgets_the_result_and_keeps_the_persons_own_choices(client):
    client.get("/kiosk/metro/card?lang=en&size=200&contrast=high")
    client.post("/kiosk/metro/card", data={"card": 0})
    done = client.post("/kiosk/metro/done", data={"why": "start_again"})
    assert done.status_code == 303 and done.headers["Location"] == "/kiosk/metro/"
    again = client.get("/kiosk/metro/result")
    assert again.status_code == 302 and again.headers["Location"] == "/kiosk/metro/"
    assert html_lang(client) == "en"
    assert 'class="size-200 contrast-high kiosk-page"' in client.get("/kiosk/metro/").get_data(as_text=True)


def test_when_the_screen_clears_itself_the_next_person_gets_the_defaults(client):
    client.get("/kiosk/metro/card?lang=en&size=200&contrast=high")
    client.post("/kiosk/metro/card", data={"card": 0})
    client.post("/kiosk/metro/done", data={"why": "timeout"})
    assert client.get("/kiosk/metro/result").status_code == 302
    assert html_lang(client) == "zh-Hans"
    assert 'class="size-100 contrast-standard kiosk-page"' in client.get("/kiosk/metro/").get_data(as_text=True)


def test_the_residents_own_language_does_not_outlast_them(client):
    client.post("/kiosk/metro/card", data={"card": [c.number for c in CARDS].index("310110195009150632")})
    assert html_lang(client, "/kiosk/metro/result") == "en"
    client.post("/kiosk/metro/done", data={"why": "start_again"})
    assert html_lang(client) == "zh-Hans"


def test_a_result_is_not_shown_at_another_venue(client):
    client.post("/kiosk/metro/card", data={"card": 0})
    assert client.get("/kiosk/hospital/result").status_code == 302


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "typed, code",
    [
        ("", "id_invalid_length"),
        ("31010119480312", "id_invalid_length"),
        ("3101011948031202#5", "id_invalid_characters"),
        ("310101194803120246", "id_invalid_checksum"),
        ("310101194802300241", "id_invalid_birth_date"),
    ],
)
def test_bad_numbers_get_the_form_again_with_an_error_summary(client, app, lang, typed, code):
    from assistant.identity import check_character

    if code == "id_invalid_birth_date":
        typed = typed[:17] + check_character(typed[:17])
    client.get(f"/kiosk/metro/card?lang={lang}")
    response = client.post("/kiosk/metro/check", data={"id_number": typed})
    assert response.status_code == 400
    check_page(response, lang)
    html = response.get_data(as_text=True)
    message = app.extensions["assistant"]["texts"].error(code, lang)
    assert 'class="error-summary" role="alert"' in html
    assert f'<a href="#id_number">{message}</a>' in html
    assert 'aria-describedby="id_number-hint id_number-error"' in html and 'aria-invalid="true"' in html
    assert ("<title>错误：" if lang == "zh" else "<title>Error:") in html
    assert (typed not in html) if typed else True, "what was typed is not shown again"
    assert records(app) == []


@pytest.mark.parametrize("card", ["99", "-1", "x", ""])
def test_a_card_that_is_not_on_the_reader(client, app, card):
    response = client.post("/kiosk/metro/card", data={"card": card})
    assert response.status_code == 400 and records(app) == []


def test_a_reload_of_the_check_address_goes_back_to_the_card_screen(client):
    assert client.get("/kiosk/metro/check").headers["Location"] == "/kiosk/metro/card"


def test_call_staff_from_any_screen(client):
    response = client.post("/kiosk/metro/help")
    assert response.status_code == 303
    page = client.get(response.headers["Location"] + "?lang=en")
    assert "A staff member is coming" in page.get_data(as_text=True)


def test_every_kiosk_screen_has_call_staff_in_the_same_place(client):
    client.post("/kiosk/metro/card", data={"card": 0})
    for path in ["/kiosk/metro/", "/kiosk/metro/card", "/kiosk/metro/result", "/kiosk/metro/help"]:
        html = client.get(path).get_data(as_text=True)
        bar = html[html.index('<header class="kiosk-bar"') : html.index("</header>")]
        assert 'action="/kiosk/metro/help"' in bar, path


def test_screens_that_only_show_or_speak_never_send_the_session_back(client, app):
    """A kiosk browser keeps one cookie: a page or a sound asked for before the number was sent, answering after the
    result was stored, would put the old session back and the result screen would go home (CI caught it once).
    So only a request that changes the session sends it."""
    client.get("/kiosk/metro/card?lang=en")
    before = client.get_cookie("session").value
    assert client.post("/kiosk/metro/check", data={"id_number": "310101194803120245"}).status_code == 303
    late = app.test_client()  # the requests in flight, still carrying the cookie from before the number was sent
    late.set_cookie("session", before)
    paths = ["/kiosk/metro/", "/kiosk/metro/card", "/kiosk/metro/pass", "/kiosk/metro/settings", "/kiosk/metro/help"]
    paths += ["/kiosk/metro/speech/card", "/kiosk/metro/help/state", "/kiosk/metro/result", "/kiosk/metro/nowhere"]
    for path in paths:
        with late.get(path) as response:
            assert response.headers.getlist("Set-Cookie") == [], path
    assert "Please go in." in client.get("/kiosk/metro/result").get_data(as_text=True)


def test_the_offline_screen_and_its_worker_hold_nothing_personal(client):
    with client.get("/kiosk/sw.js?venue=metro") as worker:
        assert worker.status_code == 200 and worker.mimetype == "text/javascript"
        assert worker.headers["Service-Worker-Allowed"] == "/kiosk/" and worker.headers["Cache-Control"] == "no-cache"
    client.post("/kiosk/metro/card", data={"card": 0})  # a result in this browser's session: not on these pages
    for lang, words in (("zh", "本机无法连接服务"), ("en", "This kiosk cannot reach the service")):
        page = client.get(f"/kiosk/metro/offline/{lang}").get_data(as_text=True)
        assert f"<h1>{words}</h1>" in page and "310" not in page and "王" not in page
        assert "data-offline-call" in page and 'method="post"' not in page  # it cannot call staff, and says so
        for part in ("said", "call"):
            with client.get(f"/kiosk/metro/offline/{lang}/{part}.audio") as audio:
                assert audio.status_code == 200 and audio.mimetype.startswith("audio/")
    with client.session_transaction() as kept:
        assert kept.get("lang") in (None, "zh")  # showing the screen in both languages chose neither
    assert client.get("/kiosk/metro/offline/fr").status_code == 404
    assert client.get("/kiosk/metro/offline/en/other.audio").status_code == 404
