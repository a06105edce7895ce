"""What people really type, turned into typed values (one module for DOCX and PDF)."""

from __future__ import annotations

import pytest

from generator.records import coerce

DISTRICTS = ["Ashford", "Dartford", "Gravesham", "Tunbridge Wells"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("£12,500", 12500.0),
        ("12500.00", 12500.0),
        ("12,500", 12500.0),
        ("£ 12,500.50", 12500.5),
        ("GBP 12 500", 12500.0),
        ("12500", 12500.0),
        (12500, 12500.0),
        ("  £68,500.00 ", 68500.0),
    ],
)
def test_money_as_people_type_it(typed, expected):
    assert coerce.to_money(typed) == expected


@pytest.mark.parametrize("typed", ["twelve thousand", "12.555", "£12,50", "1,2345", "-5"])
def test_money_that_cannot_be_read_is_kept_as_typed(typed):
    assert coerce.to_money(typed) == typed


@pytest.mark.parametrize(
    "typed",
    [
        "1 April 2027",
        "1st April 2027",
        "01/04/2027",
        "1/4/27",
        "2027-04-01",
        "01.04.2027",
        "1 Apr 2027",
        "Thursday 1 April 2027",
        "April 1, 2027",
        "01-04-2027",
    ],
)
def test_dates_in_uk_order(typed):
    assert coerce.to_date(typed) == "2027-04-01"


def test_day_first_is_not_guessed_away():
    assert coerce.to_date("04/05/2027") == "2027-05-04"


@pytest.mark.parametrize("typed", ["31/06/2027", "next spring", "2027/13/01", "32 March 2027"])
def test_impossible_or_vague_dates_are_kept_as_typed(typed):
    assert coerce.to_date(typed) == typed


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Yes", True), ("no", False), ("☒", True), ("☐", False), ("", False), (True, True), ("X", True)],
)
def test_booleans_from_words_and_ticks(typed, expected):
    assert coerce.to_boolean(typed) is expected


def test_numbers_with_units_and_integers():
    assert coerce.to_number("4.5 hours") == 4.5
    assert coerce.to_integer("16") == 16
    assert coerce.to_integer("1,200") == 1200
    assert coerce.to_integer("16.5") == "16.5"


def test_text_keeps_paragraphs_and_normalises_line_breaks():
    assert coerce.to_text("First line\r\n\r\nSecond  \r\n") == "First line\n\nSecond"
    assert coerce.to_text("   ") is None


def test_choices_match_despite_case_and_spacing():
    assert coerce.to_choice("tunbridge  wells", DISTRICTS) == "Tunbridge Wells"
    assert coerce.to_choice("Croydon", DISTRICTS) == "Croydon"
    assert coerce.to_choices("gravesham, Dartford", DISTRICTS) == ["Dartford", "Gravesham"]
    assert coerce.to_choices(["Ashford"], DISTRICTS) == ["Ashford"]


def test_choices_read_alike_whatever_sequence_holds_the_options() -> None:
    """Option keys are cached per list of options; a list, a tuple or unhashable options read the same."""
    assert coerce.to_choice("dartford", list(DISTRICTS)) == coerce.to_choice("dartford", tuple(DISTRICTS)) == "Dartford"
    assert coerce.to_choice("other", [{"not": "hashable"}, "Other"]) == "Other"


def test_option_lists_that_compare_equal_but_differ_in_type_are_kept_apart() -> None:
    assert coerce.to_choice("1", [1, 2]) == 1
    assert coerce.to_choice("true", [True, 2]) is True  # not the cached list [1, 2]
    assert coerce.to_choice("1.0", [1.0, 2]) == 1.0 and isinstance(coerce.to_choice("1.0", [1.0, 2]), float)
