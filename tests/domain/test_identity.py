"""The resident ID number: validation with one error code per problem, masking and keyed hashing."""

import random
from datetime import date, timedelta

import pytest

from assistant import identity
from assistant.identity import IdNumberError, check_character, keyed_hash, make_number, mask, parse


def random_valid_numbers(count: int, seed: int = 7):
    rng = random.Random(seed)
    for _ in range(count):
        born = date(1900, 1, 1) + timedelta(days=rng.randrange(0, 45000))
        yield make_number(f"{rng.randrange(110000, 660000)}", born, rng.randrange(0, 1000))


def test_generated_numbers_are_valid():
    numbers = list(random_valid_numbers(2000))
    assert any(n.endswith("X") for n in numbers), "the sample includes X check characters"
    for n in numbers:
        assert parse(n).number == n


def test_known_public_example_number():
    # The specimen number printed in GB 11643-1999 and countless tutorials.
    assert check_character("11010519491231002") == "X"
    assert parse("11010519491231002X").birth_date == date(1949, 12, 31)


def test_lower_case_x_full_width_digits_and_spaces_are_accepted():
    assert parse("11010519491231002x").number == "11010519491231002X"
    assert parse("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"
    assert parse(" 110105 19491231 002X ").number == "11010519491231002X"


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "id_invalid_length"),
        ("1101051949123100", "id_invalid_length"),
        ("11010519491231002X1", "id_invalid_length"),
        ("11010519491231002Y", "id_invalid_characters"),
        ("1101051949123100AX", "id_invalid_characters"),
        ("X10105194912310021", "id_invalid_characters"),
        ("11010519491231002１", "id_invalid_checksum"),  # full-width 1 becomes 1, which is the wrong check character
        ("110105194912310021", "id_invalid_checksum"),
        ("110105194912310020", "id_invalid_checksum"),
    ],
)
def test_each_problem_has_its_own_code(text, code):
    with pytest.raises(IdNumberError) as raised:
        parse(text)
    assert raised.value.code == code


def test_every_single_character_change_is_caught():
    number = "11010519491231002X"
    for position in range(18):
        for replacement in "0123456789X":
            if replacement == number[position] or (position < 17 and replacement == "X"):
                continue
            changed = number[:position] + replacement + number[position + 1 :]
            with pytest.raises(IdNumberError):
                parse(changed)


@pytest.mark.parametrize(
    "first17", ["11010519490230002", "11010519491301002", "11010519490000002", "11010500000101002"]
)
def test_impossible_birth_date_with_a_valid_check_character(first17):
    number = first17 + check_character(first17)
    with pytest.raises(IdNumberError) as raised:
        parse(number)
    assert raised.value.code == "id_invalid_birth_date"


def test_birth_date_in_the_future_is_refused_and_today_is_not():
    today = date(2026, 11, 28)
    assert parse(make_number("310101", today, 1), today=today)
    with pytest.raises(IdNumberError) as raised:
        parse(make_number("310101", today + timedelta(days=1), 1), today=today)
    assert raised.value.code == "id_invalid_birth_date"


def test_masking_shows_first_four_and_last_four():
    assert mask("11010519491231002X") == "1101**********002X"
    resident_id = parse("11010519491231002X")
    assert str(resident_id) == repr(resident_id).removeprefix("ResidentId(").removesuffix(")") == "1101**********002X"
    assert "19491231" not in f"{resident_id} {resident_id!r}"


def test_keyed_hash_is_stable_keyed_and_reveals_nothing():
    number = "11010519491231002X"
    a = keyed_hash(number, b"key-one")
    assert a == keyed_hash("11010519491231002x", b"key-one")
    assert a != keyed_hash(number, b"key-two")
    assert len(a) == 64 and number not in a
    assert identity.keyed_hash(make_number("310101", date(1950, 1, 1), 1), b"key-one") != a
