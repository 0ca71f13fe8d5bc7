"""The `assistant` command as a terminal user or a script runs it."""

import json

import pytest

from tests.support.app import CARDS, NOT_FOUND, run_cli

# What each demo card gives at the metro, the hospital and the community centre at the demo's anchor time.
EXPECTED = {
    "310101194803120245": ("green", "admit", "admit", "admit"),
    "310104195107020316": ("red", "refer", "refer", "refer"),
    "310115194411200180": ("red", "refer", "refer", "refer"),
    "31010619530108042X": ("red", "refer", "refer", "refer"),
    "310107194605300278": ("yellow", "refer", "refer", "refer"),
    "310110195009150632": ("green", "admit", "refer", "refer"),
    "310112194202140856": ("green", "admit", "refer", "admit"),
    "310113195512010169": ("red", "refer", "refer", "refer"),
    "31010519490422038X": ("green", "admit", "refer", "admit"),  # its last test (positive) is 20 days old
    "310101194006060198": ("yellow", "refer", "refer", "refer"),
    NOT_FOUND: ("unknown", "refer", "refer", "refer"),
}


def test_every_demo_card_is_covered():
    assert set(EXPECTED) == {c.number for c in CARDS}


@pytest.mark.parametrize("number", list(EXPECTED))
def test_check_json_for_each_demo_resident(cli_env, number):
    status, *decisions = EXPECTED[number]
    for venue, decision in zip(("metro", "hospital", "community-centre"), decisions, strict=True):
        result = run_cli(["check", "--id", number, "--venue", venue, "--json"], cli_env)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert (data["status"], data["decision"]) == (status, decision), venue
        assert all(set(r) >= {"code", "text"} for r in data["reasons"])
        assert data["speech"]["text"].startswith(data["decision_text"])
        assert number not in result.stdout and number not in result.stderr
        if status == "unknown":
            assert data["subject"] is None
        else:
            assert data["subject"]["id"] == number[:4] + "*" * 10 + number[-4:]
            assert data["subject"]["name"].count("*") == 1


def test_the_resident_language_is_used_unless_one_is_asked_for(cli_env):
    english = run_cli(["check", "--id", "310110195009150632", "--json"], cli_env)
    assert json.loads(english.stdout)["lang"] == "en"
    chinese = run_cli(["check", "--id", "310110195009150632", "--lang", "zh", "--json"], cli_env)
    assert json.loads(chinese.stdout)["status_text"] == "绿码"


def test_plain_output_reads_as_lines(cli_env):
    result = run_cli(["check", "--id", "310113195512010169", "--lang", "en"], cli_env)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == ["RED", "Please wait here.", "A staff member will come and help you."]
    assert "1. You are in quarantine" in lines and "\x1b" not in result.stdout


def test_the_number_can_come_from_standard_input(cli_env):
    result = run_cli(["check", "--id", "-", "--json"], cli_env, stdin="310101194803120245\n")
    assert json.loads(result.stdout)["status"] == "green"


def test_the_at_option_moves_the_clock(cli_env):
    # The quarantine (ending 3 December 12:00 Shanghai time) is over a second later.
    args = ["check", "--id", "310104195107020316", "--json", "--at"]
    assert json.loads(run_cli([*args, "2026-12-03T11:59:59"], cli_env).stdout)["status"] == "red"
    assert json.loads(run_cli([*args, "2026-12-03T12:00:01+08:00"], cli_env).stdout)["status"] == "green"


@pytest.mark.parametrize(
    "number, code",
    [
        ("3101011948031202", "id_invalid_length"),
        ("31010119480312024A", "id_invalid_characters"),
        ("310101194803120246", "id_invalid_checksum"),
        ("310101194802300241", "id_invalid_birth_date"),
    ],
)
def test_invalid_input_exits_2_with_the_code(cli_env, number, code):
    from assistant.identity import check_character

    if code == "id_invalid_birth_date":  # 30 February with a correct check character
        number = number[:17] + check_character(number[:17])
    result = run_cli(["check", "--id", number, "--json"], cli_env)
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["code"] == code
    assert f"({code})" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args, code", [(["--venue", "moon"], "venue_unknown"), (["--at", "yesterday"], "at_invalid")])
def test_other_bad_options_exit_2(cli_env, args, code):
    result = run_cli(["check", "--id", "310101194803120245", *args], cli_env)
    assert result.returncode == 2 and f"({code})" in result.stderr and "Traceback" not in result.stderr


def test_seed_if_empty_leaves_a_seeded_database_alone(cli_env):
    result = run_cli(["seed", "--if-empty"], cli_env)
    assert result.returncode == 0 and "nothing seeded" in result.stdout
