"""Money as ``Decimal`` pounds held to the penny: never a float in arithmetic.

Records store amounts as JSON numbers; they are read through ``str`` so that
41250.5 becomes exactly £41,250.50, and refused if they carry fractions of a
penny. Only on the way out (JSON) does an amount become a number again.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

__all__ = ["PENNY", "MoneyError", "as_json_number", "decimal", "parse_money", "pounds", "to_penny"]

PENNY = Decimal("0.01")


class MoneyError(ValueError):
    """An amount that is not a sum of money; the message says what is expected."""


def decimal(value: Any) -> Decimal:
    """A number as an exact decimal (via its text, so 0.1 stays 0.1)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"{value!r} is not a number")
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def parse_money(value: Any) -> Decimal:
    """A JSON or YAML number (or a plain numeric string) as pounds and pence."""
    try:
        amount = decimal(value)
    except ValueError:
        raise MoneyError(f"expected an amount in pounds, such as 12500.00, not {value!r}") from None
    if amount < 0:
        raise MoneyError(f"expected an amount of 0 or more, not {value!r}")
    if amount != amount.quantize(PENNY, rounding=ROUND_HALF_UP):
        raise MoneyError(f"expected pounds and whole pence (two decimal places at most), not {value!r}")
    return amount.quantize(PENNY)


def to_penny(amount: Decimal) -> Decimal:
    """Round to the nearest penny, halves away from zero (as a person would)."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def pounds(amount: Decimal) -> str:
    """``Decimal('52000')`` -> ``£52,000.00``."""
    return f"£{to_penny(amount):,.2f}"


def as_json_number(amount: Decimal) -> float:
    """Pounds for a JSON file, rounded to the penny; read back with ``Decimal(str(x))``."""
    return float(to_penny(amount))
