"""Property-based tests (hypothesis): the ID parser, the pass token decoder and the CSV import, on any input."""

import csv
import io
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import identity, passes, residents
from assistant.problems import codes
from tests.support.app import SEEDS

KEY = b"property-test-key"
TODAY = date(2026, 11, 28)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

areas = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@FUZZ
@given(st.text(max_size=40))
def test_any_text_is_a_number_or_one_of_the_four_codes(text):
    try:
        parsed = identity.parse(text, today=TODAY)
    except identity.IdNumberError as error:
        assert error.code in codes("id")
        # The message is the code itself, never the text typed (hypothesis once typed "id_i", which is in the code).
        assert str(error) == error.code and error.args == (error.code,)
    else:
        assert len(parsed.number) == 18 and parsed.number not in repr(parsed) and parsed.number not in str(parsed)


@FUZZ
@given(areas, births, sequences)
def test_every_well_made_number_parses_and_masks(area, born, sequence):
    number = identity.make_number(area, born, sequence)
    parsed = identity.parse(number, today=TODAY)
    assert parsed.number == number and parsed.birth_date == born
    assert parsed.masked == number[:4] + "*" * 10 + number[-4:]
    # Full-width digits (a Chinese keyboard) and spaces read the same.
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    assert identity.parse(f" {wide[:6]} {wide[6:]} ", today=TODAY).number == number


@FUZZ
@given(areas, births, sequences, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_one_wrong_character_is_always_caught(area, born, sequence, position, replacement):
    number = identity.make_number(area, born, sequence)
    if number[position] == replacement or (position < 17 and replacement == "X"):
        return
    changed = number[:position] + replacement + number[position + 1 :]
    try:
        identity.parse(changed, today=TODAY)
    except identity.IdNumberError as error:
        assert error.code in ("id_invalid_checksum", "id_invalid_birth_date")
    else:
        raise AssertionError("MOD 11-2 catches every single substitution")


def _keys(tmp_path_factory):
    keys = passes.Keys(tmp_path_factory.mktemp("pass-keys"))
    keys.rotate()
    return keys


@FUZZ
@given(
    text=st.one_of(st.text(max_size=300), st.text(alphabet=passes.ALPHABET, max_size=300).map(passes.PREFIX.__add__))
)
def test_any_token_is_a_pass_or_one_of_the_pass_codes(tmp_path_factory, text):
    keys = _keys(tmp_path_factory)
    try:
        passes.verify(keys, text, TODAY)
    except passes.PassError as error:
        assert error.code in codes("pass")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0), character=st.sampled_from(passes.ALPHABET))
def test_a_changed_character_in_a_real_token_is_never_accepted(tmp_path, position, character):
    keys = passes.Keys(tmp_path / "keys")
    token, _ = passes.issue(keys, TODAY, 180)
    body = token[len(passes.PREFIX) :]
    position %= len(body)
    if body[position] == character:
        return
    changed = passes.PREFIX + body[:position] + character + body[position + 1 :]
    try:
        passes.verify(keys, changed, TODAY)
    except passes.PassError as error:
        assert error.code in ("pass_signature_invalid", "pass_not_recognised", "pass_unknown_key", "pass_expired")
    else:
        raise AssertionError("an altered token verified")


HEADER = SEEDS.joinpath("demo_residents.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "negative", "positive", "medium", "high", "zh", "en", "3", "2026-11-28T09:00:00+08:00"]),
    st.builds(identity.make_number, areas, births, sequences),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(cells, min_size=len(HEADER), max_size=len(HEADER) + 1), max_size=6))
def test_any_csv_is_imported_whole_or_rejected_with_lines_and_columns(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    try:
        read = residents.read_rows(out.getvalue(), KEY)
    except residents.ImportRejected as rejected:
        assert rejected.problems
        for problem in rejected.problems:
            assert problem.line >= 2 and problem.column in (*HEADER, "row")
            text = str(problem)
            assert text.startswith(f"line {problem.line}, {problem.column}")
            for row in rows:  # a number someone typed, in any column, is never echoed back whole
                for cell in row:
                    assert not (len(cell) == 18 and cell[:17].isdigit() and cell.strip() in text), text
    else:
        assert len(read) == len(rows)
        assert all(len(r["id_hash"]) == 64 and "*" in r["masked_id"] for r in read)


def test_the_expiry_is_checked_against_the_day(tmp_path):
    keys = passes.Keys(tmp_path / "keys")
    token, found = passes.issue(keys, TODAY, 1)
    assert passes.verify(keys, token, TODAY + timedelta(days=1)).expires == found.expires
