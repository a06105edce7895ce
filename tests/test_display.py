"""Values as a finished document shows them: money, dates, counts and paragraphs."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.documents.display import long_date, money, months, number, paragraphs, percent, yes_no


@pytest.mark.parametrize(
    ("value", "shown"),
    [(12500, "£12,500.00"), (12500.5, "£12,500.50"), (0, "£0.00"), (0.005, "£0.01"), (1234567.891, "£1,234,567.89")],
)
def test_money_has_a_pound_sign_thousands_commas_and_pence(value, shown):
    assert money(value) == shown


@given(st.decimals(min_value=0, max_value=100_000_000, places=2, allow_nan=False, allow_infinity=False))
def test_money_reads_back_as_the_same_amount(amount):
    shown = money(amount)
    assert re.fullmatch(r"£\d{1,3}(,\d{3})*\.\d\d", shown)
    assert Decimal(shown[1:].replace(",", "")) == amount


@pytest.mark.parametrize(
    ("value", "shown"),
    [("2027-04-01", "1 April 2027"), ("2026-12-25", "25 December 2026"), (dt.date(2030, 2, 9), "9 February 2030")],
)
def test_dates_are_written_out_without_a_leading_zero(value, shown):
    assert long_date(value) == shown


def test_a_bad_date_or_amount_says_what_was_expected():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        long_date("01/04/2027")
    with pytest.raises(ValueError, match="not a number"):
        money("twelve pounds")
    with pytest.raises(ValueError, match="not a number"):
        money(True)


def test_empty_optional_values_show_nothing_rather_than_none():
    for show in (money, long_date, number, percent, months, yes_no):
        assert show(None) == ""
    assert paragraphs(None) == []


def test_numbers_counts_and_ticks():
    assert number(78.5) == "78.5"
    assert number(12000) == "12,000"
    assert number(Decimal("50.00")) == "50"
    assert number(Decimal("37.5"), 2) == "37.50"
    assert percent(12.5) == "12.5%"
    assert months(36) == "36 months"
    assert months(1) == "1 month"
    assert (yes_no(True), yes_no(False)) == ("Yes", "No")


def test_each_non_blank_line_is_a_paragraph():
    text = "First line.\r\n\n  Second, indented.  \rThird.\n\n"
    assert paragraphs(text) == ["First line.", "Second, indented.", "Third."]
