"""The streaming import (`assistant import residents`): any size, all rows or none, checks answered meanwhile.

Runs on the test's own database: SQLite here, PostgreSQL in `make test-postgres`.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from assistant.identity import keyed_hash
from assistant.models import Resident
from assistant.residents import COLUMNS, ImportRejected, importing
from bench.registry import number, row, write_csv
from tests.support.app import run_cli

ROWS = 2 * importing.BATCH + 345  # more than one staging and switch-over batch


def residents(app) -> dict[str, tuple]:
    """The registry: each resident's facts by keyed hash."""
    with app.extensions["assistant"]["db"].session() as s:
        rows = s.execute(select(Resident.id_hash, Resident.vaccine_doses, Resident.last_test_at, Resident.language))
        return {r.id_hash: tuple(r[1:]) for r in rows}


def import_into(app, path, progress=importing._quiet):
    return importing.import_file(app.extensions["assistant"]["db"], path, app.config["ID_HASH_KEY"].encode(), progress)


def test_a_large_file_is_added_then_updated_row_by_row(app, tmp_path):
    before = len(residents(app))
    three_doses_before = sum(1 for facts in residents(app).values() if facts[0] == 3)  # the demo's residents
    assert import_into(app, write_csv(tmp_path / "a.csv", ROWS, doses=1)) == (ROWS, 0)
    registry = residents(app)
    last = keyed_hash(number(ROWS - 1), app.config["ID_HASH_KEY"].encode())
    assert len(registry) == before + ROWS and registry[last][0] == 1
    # Half of them again with new facts, and some new people: updated in place, added, never duplicated.
    assert import_into(app, write_csv(tmp_path / "b.csv", ROWS, start=ROWS // 2, doses=3)) == (
        ROWS // 2,
        ROWS - ROWS // 2,
    )
    registry = residents(app)
    assert len(registry) == before + ROWS + ROWS // 2
    assert sum(1 for facts in registry.values() if facts[0] == 3) == three_doses_before + ROWS


def test_a_number_repeated_across_batches_is_found_and_nothing_is_imported(app, tmp_path):
    path = write_csv(tmp_path / "a.csv", ROWS)
    with path.open("a", encoding="utf-8") as f:
        f.write(row(5) + "\n")  # line ROWS + 2 repeats line 7 (the header is line 1)
    before = residents(app)
    with pytest.raises(ImportRejected) as rejected:
        import_into(app, path)
    assert [str(p) for p in rejected.value.problems] == [f"line {ROWS + 2}, id_number: the same ID number as line 7"]
    assert residents(app) == before


def test_a_file_with_thousands_of_bad_rows_lists_the_first_and_counts_the_rest(app, tmp_path):
    path = tmp_path / "bad.csv"
    bad = [f"{number(i)},,,,,,,0,zh" for i in range(importing.MAX_PROBLEMS + 250)]  # every name missing
    path.write_text(",".join(COLUMNS) + "\n" + "\n".join(bad) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_into(app, path)
    assert len(rejected.value.problems) == importing.MAX_PROBLEMS and rejected.value.unlisted == 250
    assert str(rejected.value.problems[0]) == "line 2, name: empty"


def test_a_failure_during_the_switch_over_undoes_every_batch_before_it(app, tmp_path):
    import_into(app, write_csv(tmp_path / "a.csv", 100, doses=1))
    before = residents(app)
    calls = []

    def fail_midway(stage, done, total):
        calls.append(stage)
        if stage == "applying" and (done >= importing.BATCH or app.config["DATABASE_URL"].startswith("postgres")):
            raise RuntimeError("the disk is full")  # after the first batch committed (SQLite), or before (one go)

    with pytest.raises(RuntimeError):
        import_into(app, write_csv(tmp_path / "b.csv", ROWS, doses=2), fail_midway)
    assert residents(app) == before, "the rows added were removed and the rows replaced were put back"
    assert "checking" in calls


def test_kiosk_checks_are_answered_while_a_large_import_runs(app, client, tmp_path):
    path = write_csv(tmp_path / "big.csv", 30_000)
    done, answered, failed = threading.Event(), [], []

    def importer():
        try:
            import_into(app, path)
        finally:
            done.set()

    thread = threading.Thread(target=importer)
    thread.start()
    while not done.is_set():
        response = client.post("/api/v1/checks", json={"method": "id_card", "id_number": "310101194803120245"})
        (answered if response.status_code == 200 else failed).append(response.status_code)
    thread.join()
    assert failed == [] and len(answered) > 10
    assert len(residents(app)) >= 30_000


def test_the_command_shows_progress_and_reports_problems_by_line(cli_env, tmp_path):
    good = run_cli(["import", "residents", str(write_csv(tmp_path / "a.csv", 3000))], cli_env)
    assert good.returncode == 0, good.stderr
    assert "Imported 3000 residents (3000 new, 0 updated)." in good.stdout
    assert "Checking: 100%" in good.stderr and "Applying: 100%" in good.stderr
    path = tmp_path / "b.csv"
    path.write_text(",".join(COLUMNS) + "\n" + row(1) + "\n" + row(2).replace(",zh", ",fr") + "\n", encoding="utf-8")
    bad = run_cli(["import", "residents", "--quiet", str(path)], cli_env)
    assert bad.returncode == 2 and "b.csv: line 3, language: must be zh or en, not 'fr'" in bad.stderr
    assert "nothing was imported" in bad.stderr and number(1) not in bad.stderr + bad.stdout
