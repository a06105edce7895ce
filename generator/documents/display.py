"""Values as an officer reads them in a finished document: "£12,500.00", "1 April 2027".

Records hold plain numbers and ISO dates; documents show them the British way.
These functions are the template filters (``{{ cost.annual_amount|money }}``)
and are used wherever a value is shown, so a sum looks the same everywhere.
Each accepts ``None`` (an optional field left empty) and returns ``""``, so a
template never prints "None".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..records.money import decimal

__all__ = ["FILTERS", "decimal", "long_date", "money", "months", "number", "paragraphs", "percent", "yes_no"]

_PENNY = Decimal("0.01")


def money(value: Any) -> str:
    """``12500`` -> ``£12,500.00``; pennies rounded half up, as accounts do."""
    if value is None:
        return ""
    amount = decimal(value).quantize(_PENNY, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def long_date(value: Any) -> str:
    """``2027-04-01`` (or a date) -> ``1 April 2027``."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD") from None
    return f"{value.day} {value:%B %Y}"


def number(value: Any, places: int | None = None) -> str:
    """``78.5`` -> ``78.5``; ``12000`` -> ``12,000``; with ``places``, fixed decimals."""
    if value is None:
        return ""
    amount = decimal(value)
    if places is not None:
        return f"{amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,}"
    text = f"{amount:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: Any) -> str:
    """``10`` -> ``10%``."""
    return "" if value is None else f"{number(value)}%"


def months(value: Any) -> str:
    """``36`` -> ``36 months``; ``1`` -> ``1 month``."""
    if value is None:
        return ""
    count = number(value)
    return f"{count} month" if count == "1" else f"{count} months"


def yes_no(value: Any) -> str:
    """A tick box as a word; empty when it was not answered."""
    if value is None:
        return ""
    return "Yes" if value else "No"


def paragraphs(value: Any) -> list[str]:
    """Multi-line text as its paragraphs: one per non-blank line, trimmed.

    A template loops over them (``{%p for para in overview|paragraphs %}``) so
    each becomes a real Word paragraph in the template's style, not a line
    break inside one paragraph.
    """
    if value is None:
        return []
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line.strip() for line in lines if line.strip()]


#: The filters every template may use, by the name it uses.
FILTERS: dict[str, Callable[..., Any]] = {
    "money": money,
    "long_date": long_date,
    "number": number,
    "percent": percent,
    "months": months,
    "yes_no": yes_no,
    "paragraphs": paragraphs,
}
