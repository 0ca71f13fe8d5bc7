"""Importing residents from CSV: all rows or none, bad rows reported by line number."""

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from assistant.identity import make_number
from assistant.models import Resident
from assistant.residents import COLUMNS, ImportRejected, read_rows, store
from tests.support.app import run_cli

HEADER = ",".join(COLUMNS)
GOOD = [
    f"{make_number('310101', date(1945, 1, 2), 11)},吴芳,,2026-11-27T10:00:00,negative,,,2,zh",
    f"{make_number('310104', date(1952, 6, 3), 12)},Ann Lee,,,,medium,2026-11-25 09:00,0,en",
    f"{make_number('310115', date(1939, 9, 9), 13)},郑强,2026-12-01T00:00:00+08:00,,,,,3,",
]


def write(tmp_path, lines):
    path = tmp_path / "residents.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def status_of_first_good_row(env):
    result = run_cli(["check", "--id", GOOD[0].split(",")[0], "--venue", "metro", "--json"], env)
    return json.loads(result.stdout)["status"]


def test_a_good_file_imports_every_row_and_reads_times_as_shanghai_time():
    rows = read_rows("\n".join([HEADER, *GOOD]), b"k")
    assert len(rows) == 3
    assert rows[0]["last_test_at"].utcoffset().total_seconds() == 8 * 3600
    assert rows[1]["risk_area_level"] == "medium" and rows[1]["language"] == "en"
    assert rows[2]["language"] == "zh"  # empty means the default
    assert all("id_number" not in r for r in rows), "only the keyed hash and masked form are kept"


@pytest.mark.parametrize(
    "bad_row, column",
    [
        ("123,名字,,,,,,0,zh", "id_number"),
        (f"{make_number('310101', date(1950, 1, 1), 1)},,,,,,,0,zh", "name"),
        (f"{make_number('310101', date(1950, 1, 1), 1)},李,tomorrow,,,,,0,zh", "quarantine_until"),
        (f"{make_number('310101', date(1950, 1, 1), 1)},李,,2026-11-01T00:00:00,unclear,,,0,zh", "last_test_result"),
        (f"{make_number('310101', date(1950, 1, 1), 1)},李,,2026-11-01T00:00:00,,,,0,zh", "last_test_result"),
        (f"{make_number('310101', date(1950, 1, 1), 1)},李,,,,low,2026-11-01T00:00:00,0,zh", "risk_area_level"),
        (f"{make_number('310101', date(1950, 1, 1), 1)},李,,,,high,,0,zh", "risk_area_level"),
        (f"{make_number('310101', date(1950, 1, 1), 1)},李,,,,,,-1,zh", "vaccine_doses"),
        (f"{make_number('310101', date(1950, 1, 1), 1)},李,,,,,,two,zh", "vaccine_doses"),
        (f"{make_number('310101', date(1950, 1, 1), 1)},李,,,,,,1,fr", "language"),
        (f"{make_number('310101', date(1950, 1, 1), 1)},李,,,,,,1,zh,extra", "row"),
        (GOOD[0], "id_number"),  # the same person twice
    ],
)
def test_each_bad_row_is_reported_with_its_line_and_column(bad_row, column):
    with pytest.raises(ImportRejected) as rejected:
        read_rows("\n".join([HEADER, *GOOD, bad_row]), b"k")
    assert [(p.line, p.column) for p in rejected.value.problems] == [(5, column)]


def test_a_wrong_header_is_reported():
    with pytest.raises(ImportRejected) as rejected:
        read_rows("id,name\n1,2\n", b"k")
    assert "missing column(s)" in str(rejected.value.problems[0])


def test_bad_number_is_reported_by_code_not_echoed():
    with pytest.raises(ImportRejected) as rejected:
        read_rows("\n".join([HEADER, "310101194803120246,王,,,,,,0,zh"]), b"k")
    assert str(rejected.value.problems[0]) == "line 2, id_number: id_invalid_checksum"


def test_import_updates_a_known_resident(app):
    db = app.extensions["assistant"]["db"]
    rows = read_rows("\n".join([HEADER, *GOOD]), b"k")
    with db.session() as s:
        assert store(s, rows) == (3, 0)
    changed = read_rows("\n".join([HEADER, GOOD[0].replace(",2,zh", ",4,zh")]), b"k")
    with db.session() as s:
        assert store(s, changed) == (0, 1)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Resident).where(Resident.vaccine_doses == 4)) == 1


def test_cli_import_with_a_bad_row_imports_nothing(cli_env, tmp_path):
    path = write(tmp_path, [*GOOD[:2], "310101194803120246,王,,,,,,0,zh", GOOD[2]])
    result = run_cli(["import", "residents", str(path)], cli_env)
    assert result.returncode == 2
    assert "line 4, id_number: id_invalid_checksum" in result.stderr
    assert "nothing was imported" in result.stderr
    assert status_of_first_good_row(cli_env) == "unknown", "the good rows before the bad one were not imported either"


def test_cli_import_of_a_good_file(cli_env, tmp_path):
    result = run_cli(["import", "residents", str(write(tmp_path, GOOD))], cli_env)
    assert result.returncode == 0, result.stderr
    assert "Imported 3 residents (3 new, 0 updated)" in result.stdout
    assert status_of_first_good_row(cli_env) == "green"


def test_cli_import_of_a_file_that_is_not_utf8(cli_env, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\n").encode() + "310101194803120245,Jos\xe9,,,,,,0,en\n".encode("latin-1"))
    result = run_cli(["import", "residents", str(path)], cli_env)
    assert result.returncode == 2 and "not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_a_dose_count_in_other_digits_is_a_problem_not_a_crash():
    # Found by hypothesis: "²" is a digit to str.isdigit() but not a number to int().
    for doses in ("²", "٣"):
        with pytest.raises(ImportRejected) as rejected:
            read_rows("\n".join([HEADER, GOOD[0].replace(",2,zh", f",{doses},zh")]), b"k")
        assert [p.column for p in rejected.value.problems] == ["vaccine_doses"]
