"""Money in pounds and pence: parsed exactly, refused with the reason, shown as people write it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.records.money import MoneyError, as_json_number, parse_money, pounds, to_penny


@pytest.mark.parametrize(
    ("raw", "pounds_and_pence"),
    [(41250.5, "41250.50"), (68500, "68500.00"), ("0.10", "0.10"), (0.1, "0.10"), (99999999.99, "99999999.99")],
)
def test_amounts_are_read_exactly(raw, pounds_and_pence):
    assert parse_money(raw) == Decimal(pounds_and_pence)


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (12.345, "two decimal places"),
        (-1, "0 or more"),
        ("£12,500", "such as 12500.00"),
        (True, "such as 12500.00"),
        (None, "such as 12500.00"),
        (float("nan"), "such as 12500.00"),
    ],
)
def test_amounts_that_are_not_money_are_refused_with_the_reason(raw, says):
    with pytest.raises(MoneyError, match=says):
        parse_money(raw)


def test_pounds_are_shown_with_commas_and_pence():
    assert pounds(Decimal("165500")) == "£165,500.00"
    assert pounds(Decimal("0.005")) == "£0.01"


def test_rounding_to_the_penny_takes_halves_up():
    assert to_penny(Decimal("1.255")) == Decimal("1.26")
    assert to_penny(Decimal("1.245")) == Decimal("1.25")


def test_json_numbers_read_back_to_the_same_pence():
    for amount in ("41250.50", "0.10", "99999999.99", "165500.00"):
        assert Decimal(str(as_json_number(Decimal(amount)))).quantize(Decimal("0.01")) == Decimal(amount)
