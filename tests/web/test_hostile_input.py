"""Whatever comes in (integers of any size, Unicode digits, the ends of the calendar, control characters), every
route answers calmly: a 404 for an address that names nothing, a field's message for a form, never a 500."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import inputs
from assistant.clock import parse_time
from tests.support.app import ADMIN, add_staff, bearer, signed_in

ROOT = Path(__file__).resolve().parents[2]
# Every field name a handler reads from a query or a form, and every one a template's form sends.
CODE = "".join(p.read_text() for p in (ROOT / "assistant").rglob("*.py"))
FORMS = "".join(p.read_text() for p in (ROOT / "templates").rglob("*.html"))
FIELDS = sorted(
    (set(re.findall(r"request\.(?:args|form)\.get\(\"(\w+)\"", CODE)) | set(re.findall(r'name="(\w+)"', FORMS)))
    - {"csrf_token"}
)
STREAMS = {"staff.help_events", "staff.import_progress", "static"}  # held open by design; tested apart
SIGNS_OUT = {"staff.logout"}
ODD_NUMBERS = ["9" * 20, str(2**63), str(2**31), str(2**31 - 1), "²", "٣", "１２", "-1", "1e3", " 7 ", "0x10", ""]
EDGES_OF_TIME = [
    "0001-01-01T00:00",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31",
    "1899-12-31T23:59",
    "2200-01-01T00:00+00:00",
]
CONTROLS = ["/staff/help\r\nSet-Cookie: x=1", "a\x00b", "\n", "\x7f", "\u0085", "line\rbreak"]
NUMBERS = st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str), st.sampled_from(ODD_NUMBERS))
MOMENTS = st.one_of(st.datetimes().map(lambda d: d.isoformat()), st.sampled_from(EDGES_OF_TIME))
VALUES = st.one_of(NUMBERS, MOMENTS, st.sampled_from(CONTROLS), st.text(max_size=30))


@pytest.fixture
def visitor(app):
    """An admin signed in, whose requests also carry the metro kiosk's token: every door is open to it."""
    add_staff(app)
    client = signed_in(app, ADMIN)
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(app)["Authorization"]
    return client


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in STREAMS | SIGNS_OUT), key=lambda r: r.rule)


def _address(rule, values: dict) -> str:
    def part(match):
        name = match.group(2)
        if name == "venue":
            return "metro"
        return quote(values.get(name, "1"), safe="")

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", part, rule.rule)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_route_answers_500_to_odd_parameters(app, visitor, data):
    rule = data.draw(st.sampled_from(_rules(app)), label="route")
    values = {name: data.draw(VALUES, label=name) for name in rule.arguments}
    fields = data.draw(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5), label="fields")
    address = _address(rule, values)
    method = "POST" if "POST" in rule.methods else "GET"
    if method == "GET":
        answer = visitor.get(address, query_string=fields)
    else:
        answer = visitor.post(address, data=fields)
    with answer:  # a file's answer (the service worker, a picture) holds the file until closed
        assert answer.status_code < 500, (method, address, fields, answer.status_code)
        assert b"Traceback" not in answer.get_data()


@pytest.mark.parametrize("number", ["9" * 20, "²", "٣"])
@pytest.mark.parametrize(
    "method, address",
    [
        ("GET", "/staff/residents/{}"),
        ("GET", "/staff/residents/{}/pass"),
        ("GET", "/staff/residents/{}/pass.pdf"),
        ("GET", "/staff/import/{}"),
        ("POST", "/staff/help/{}/coming"),
        ("GET", "/kiosk/metro/reads/{}"),
        ("GET", "/policy/health-code/speech/{}"),
    ],
)
def test_an_address_with_an_id_that_is_no_row_is_not_found(visitor, method, address, number):
    answer = visitor.open(address.format(quote(number)), method=method)
    assert answer.status_code == 404


@pytest.mark.parametrize("odd", ["²", "٣", "9" * 20])
def test_odd_digits_in_a_form_or_query_get_a_calm_answer(app, visitor, odd):
    assert visitor.get(f"/staff/checks?before={quote(odd)}").status_code == 200  # the first page, as if absent
    issued = visitor.post("/staff/residents/1/pass?lang=en", data={"days": odd})
    assert issued.status_code == 400 and "Choose how long the pass lasts" in issued.get_data(as_text=True)
    assert visitor.post("/kiosk/metro/card", data={"card": odd}).status_code == 400  # no such demo card
    visitor.post("/kiosk/metro/card", data={"card": "7"})
    assert visitor.get(f"/kiosk/metro/speech/reason?n={quote(odd)}").status_code == 404


@pytest.mark.parametrize("moment", EDGES_OF_TIME[:3])
@pytest.mark.parametrize("listing", ["/staff/checks", "/staff/audit", "/staff/checks.csv"])
def test_a_filter_at_the_ends_of_the_calendar_gets_the_fields_message(visitor, listing, moment):
    answer = visitor.get(listing, query_string={"since": moment, "until": moment, "lang": "en"})
    assert answer.status_code == 400 or (answer.status_code == 200 and listing.endswith(".csv")), answer.status_code
    if answer.status_code == 400:
        assert "Enter a date and time" in answer.get_data(as_text=True)


def test_a_sign_in_with_a_line_break_in_next_lands_on_the_help_queue(app):
    add_staff(app)
    answer = app.test_client().post(
        "/staff/login",
        query_string={"next": "/staff/checks\r\nSet-Cookie: x=1"},
        data={"username": ADMIN[0], "password": ADMIN[1]},
    )
    assert answer.status_code == 303 and answer.headers["Location"] == "/staff/help"
    assert "x=1" not in str(answer.headers)


def test_whole_numbers_are_ascii_digits_within_their_range():
    assert inputs.whole_number("42") == 42 and inputs.whole_number(" 7 ") == 7
    assert inputs.whole_number(str(2**31 - 1)) == 2**31 - 1  # PostgreSQL's INTEGER, the narrower of the two
    for odd in [str(2**63), str(2**31), "²", "٣", "１２", "", "+1", "1_000"]:
        assert inputs.whole_number(odd) is None, odd
    assert inputs.whole_number(str(2**31)) is None and inputs.whole_number("20", high=19) is None
    assert inputs.whole_number("0", low=1) is None


def test_moments_outside_1900_to_2199_are_refused():
    assert parse_time("2026-11-29T09:30").isoformat() == "2026-11-29T09:30:00+08:00"
    for moment in EDGES_OF_TIME:
        with pytest.raises(ValueError):
            parse_time(moment)
    assert inputs.has_control("a\r\nb") and inputs.has_control("\u0085") and not inputs.has_control("王秀英 Brown")
