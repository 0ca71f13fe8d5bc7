"""Settings kept with a card: a resident's text size, contrast, speech pace, volume and "read out what I touch" arrive
with their card at any kiosk, are put aside with one tap, end with the person, and are kept or forgotten from the
settings screen after a check (with their consent) or by staff on the resident's page."""

from __future__ import annotations

from sqlalchemy import select

from assistant.models import AuditEntry, CheckRecord, Resident, ResidentChange
from assistant.residents import settings as saved
from tests.support.app import DEMO_NUMBERS, NOT_FOUND, add_staff, signed_in

KEPT_CARD = 5  # the demo's card 6 (counted from 1) keeps "size=200 pace=slow" (seeds/demo.toml)


def db(app):
    return app.extensions["assistant"]["db"]


def resident(app, card: int) -> Resident:
    from assistant import identity

    with db(app).session() as s:
        key = app.config["ID_HASH_KEY"].encode()
        person = s.scalar(select(Resident).where(Resident.id_hash == identity.keyed_hash(DEMO_NUMBERS[card], key)))
        s.expunge(person)
        return person


def page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.get_data(as_text=True)


def html_class(text: str) -> str:
    return text.split('<html lang="', 1)[1].split('class="', 1)[1].split('"', 1)[0]


def test_the_stored_text_keeps_only_known_choices_that_differ_from_the_standard_ones():
    assert saved.encode({"size": "200", "pace": "slow", "volume": "3", "contrast": "standard"}) == "size=200 pace=slow"
    assert saved.parse("pace=slow size=200 colour=red volume=9 touch=on") == {
        "size": "200",
        "pace": "slow",
        "touch": "on",
    }
    assert saved.encode({}) is None and saved.parse(None) == {} and saved.parse("size=") == {}
    longest = {key: values[-1] for key, values in saved.CHOICES.items()}
    assert len(saved.encode(longest)) <= 64  # the column's width


def test_a_card_with_saved_settings_arrives_in_them_and_the_log_row_says_so(app, client):
    client.post("/kiosk/metro/card", data={"card": KEPT_CARD})
    result = page(client, "/kiosk/metro/result?lang=en")
    assert "size-200" in html_class(result) and "contrast-standard" in html_class(result)
    assert "Your settings: Largest text, Slower speech" in result
    main_audio = result.split("data-speech-main", 1)[1].split("</audio>", 1)[0]
    assert 'src="/kiosk/metro/speech/result?pace=slow"' in main_audio  # spoken slower from the first word
    assert "Use standard settings" in result
    with db(app).session() as s:
        row = s.scalars(select(CheckRecord).order_by(CheckRecord.id.desc())).first()
    assert row.settings == "size=200 pace=slow" and DEMO_NUMBERS[KEPT_CARD] not in row.settings


def test_use_standard_settings_puts_them_aside_for_this_visit_only(app, client):
    client.post("/kiosk/metro/card", data={"card": KEPT_CARD})
    answer = client.post("/kiosk/metro/settings/standard", data={"back": "/kiosk/metro/result"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/kiosk/metro/result"
    result = page(client, "/kiosk/metro/result?lang=en")
    assert "size-100" in html_class(result) and "Your settings:" not in result
    assert 'src="/kiosk/metro/speech/result"' in result
    assert resident(app, KEPT_CARD).settings == "size=200 pace=slow"  # still kept for the card


def test_saved_settings_end_with_the_person(client):
    for why in ("start_again", "timeout"):
        client.post("/kiosk/metro/card", data={"card": KEPT_CARD})
        client.post("/kiosk/metro/done", data={"why": why})
        home = page(client, "/kiosk/metro/")
        assert "size-100" in html_class(home), why
    # The next person taps their card straight after, with no Start again: the standard settings.
    client.post("/kiosk/metro/card", data={"card": KEPT_CARD})
    client.post("/kiosk/metro/card", data={"card": 0})
    result = page(client, "/kiosk/metro/result?lang=en")
    assert "size-100" in html_class(result) and "Your settings:" not in result


def test_a_persons_own_choices_stay_for_their_next_try_as_before(client):
    client.get("/kiosk/metro/card?size=150")
    client.post("/kiosk/metro/card", data={"card": 0})
    client.post("/kiosk/metro/done", data={"why": "start_again"})
    assert "size-150" in html_class(page(client, "/kiosk/metro/"))


def test_remember_these_for_my_card_then_any_kiosk_uses_them_and_forget_removes_them(app, client):
    client.post("/kiosk/metro/card", data={"card": 0})
    settings = page(client, "/kiosk/metro/settings?lang=en&back=/kiosk/metro/result&size=150&contrast=high&pace=slow")
    assert "Remember these for my card" in settings and "Forget my saved settings" not in settings
    kept = client.post("/kiosk/metro/settings/keep", data={"back": "/kiosk/metro/result", "volume": "2"})
    assert kept.status_code == 303 and "kept=yes" in kept.headers["Location"]
    said = page(client, kept.headers["Location"])
    assert "Your settings are kept for your card." in said and "Forget my saved settings" in said
    assert resident(app, 0).settings == "size=150 contrast=high pace=slow volume=2"
    with db(app).session() as s:
        change = s.scalars(select(ResidentChange).where(ResidentChange.field == "settings")).one()
    assert change.actor == "kiosk demo-metro" and change.old is None

    other = app.test_client()  # another kiosk of the district, another day
    other.post("/kiosk/hospital/card", data={"card": 0})
    result = page(other, "/kiosk/hospital/result?lang=en")
    assert "size-150" in html_class(result) and "contrast-high" in html_class(result)
    assert "Your settings: Large text, Light on black, Slower speech, Volume 2 of 3" in result
    assert 'data-volume="2" data-volume-new' in result

    forgot = other.post("/kiosk/hospital/settings/forget", data={"back": "/kiosk/hospital/result"})
    assert "kept=no" in forgot.headers["Location"]
    assert "Your saved settings are removed." in page(other, forgot.headers["Location"])
    assert resident(app, 0).settings is None


def test_without_script_the_volume_chosen_on_the_settings_screen_is_kept(app, client):
    client.post("/kiosk/metro/card", data={"card": 0})
    client.get("/kiosk/metro/settings?volume=1")
    client.post("/kiosk/metro/settings/keep", data={"back": "/kiosk/metro/result"})  # no volume field filled in
    assert resident(app, 0).settings == "volume=1"


def test_nothing_is_kept_without_a_result_that_names_someone(app, client):
    assert "Remember these for my card" not in page(client, "/kiosk/metro/settings?lang=en")
    answer = client.post("/kiosk/metro/settings/keep", data={"back": "/kiosk/metro/", "volume": "1"})
    assert answer.status_code == 303 and "kept=" not in answer.headers["Location"]
    client.post("/kiosk/metro/card", data={"card": DEMO_NUMBERS.index(NOT_FOUND)})
    assert "Remember these for my card" not in page(client, "/kiosk/metro/settings?lang=en")
    client.post("/kiosk/metro/settings/keep", data={"back": "/kiosk/metro/"})
    with db(app).session() as s:
        assert s.scalars(select(ResidentChange).where(ResidentChange.field == "settings")).all() == []


def test_staff_keep_settings_on_the_residents_page_in_the_history_and_the_audit_log(app):
    add_staff(app)
    person = resident(app, 1)
    client = signed_in(app)
    shown = page(client, f"/staff/residents/{person.id}")
    assert "Kiosk settings" in shown or "查验机设置" in shown
    form = {"setting-size": "200", "setting-contrast": "standard", "setting-pace": "slow", "setting-volume": "1"}
    answer = client.post(f"/staff/residents/{person.id}/settings", data={**form, "setting-touch": "on"})
    assert answer.status_code == 303
    assert resident(app, 1).settings == "size=200 pace=slow volume=1 touch=on"
    cleared = client.post(f"/staff/residents/{person.id}/settings", data={**form, "clear": "yes"})
    assert cleared.status_code == 303 and resident(app, 1).settings is None
    with db(app).session() as s:
        history = [(c.old, c.new) for c in s.scalars(select(ResidentChange).where(ResidentChange.field == "settings"))]
        audit = [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "resident_settings"))]
    assert history == [(None, "size=200 pace=slow volume=1 touch=on"), ("size=200 pace=slow volume=1 touch=on", None)]
    assert audit == ["size=200 pace=slow volume=1 touch=on", "standard settings"]
    assert not any(DEMO_NUMBERS[1] in (d or "") for d in audit)


def test_an_odd_form_keeps_nothing_odd(app):
    add_staff(app)
    person = resident(app, 2)
    client = signed_in(app)
    odd = {"setting-size": "999", "setting-pace": "<script>", "setting-volume": "²"}
    assert client.post(f"/staff/residents/{person.id}/settings", data=odd).status_code == 303
    assert resident(app, 2).settings is None
