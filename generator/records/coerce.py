"""Turn what people really type into typed values: one module for DOCX and PDF alike.

Each function takes the raw answer and returns the typed value, or the raw
text unchanged when it cannot be read, so the schema then reports it with the
field's label and an example of what is expected. Nothing is guessed: a date
like 04/05/2027 is read in UK order (4 May), as the form says.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .numbers import OutOfRange, in_range, too_many_digits

__all__ = [
    "EMPTY",
    "date_parts",
    "to_boolean",
    "to_choice",
    "to_choices",
    "to_date",
    "to_integer",
    "to_money",
    "to_number",
    "to_text",
    "why_not_a_date",
]

EMPTY = None

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (dt.date(2000, number, 1).strftime("%B").lower(), dt.date(2000, number, 1).strftime("%b").lower())
}
_MONTHS["sept"] = 9
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_TRUE = {"yes", "y", "true", "1", "x", "☒", "☑", "✓", "✔", "ticked", "checked", "on"}
_FALSE = {"no", "n", "false", "0", "☐", "unticked", "unchecked", "off", ""}


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return text.strip() or None


def to_text(value: Any) -> str | None:
    """Text as typed, with Windows line breaks made plain and outer spaces trimmed."""
    text = _clean(value)
    if text is None:
        return None
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def to_money(value: Any) -> float | str | None:
    """'£12,500', '12500.00', '12,500', 'GBP 12 500' -> 12500.0; pence rounded half up."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) if in_range(value) else OutOfRange(repr(value))
    text = _clean(value)
    if text is None:
        return None
    compact = re.sub(r"(?i)^(gbp|£)\s*|\s*(gbp|pounds?)$", "", text.replace("£", "£ ").strip()).strip()
    compact = re.sub(r"(?<=\d)[,\s](?=\d{3}\b)", "", compact.lstrip("£ ").strip())
    if not re.fullmatch(r"\d+(\.\d{1,2})?", compact):
        return text
    if too_many_digits(compact):
        return OutOfRange(text)
    number = _decimal(compact)
    return float(number) if number is not None else text


def to_number(value: Any, *, integer: bool = False) -> float | int | str | None:
    """'4.5', '4.5 hours', '1,200' -> a number; anything else stays as typed."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not in_range(value):
            return OutOfRange(repr(value))
        return int(value) if integer and float(value).is_integer() else value
    text = _clean(value)
    if text is None:
        return None
    match = re.fullmatch(
        r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(hours?|hrs?|h|people|persons?|users?|months?)?", text, re.I
    )
    if not match:
        return text
    if too_many_digits(match.group(1).replace(",", "")):
        return OutOfRange(text)
    number = _decimal(match.group(1).replace(",", "") + (match.group(2) or ""))
    if number is None:
        return text
    if integer:
        return int(number) if number == number.to_integral_value() else text
    return int(number) if number == number.to_integral_value() and "." not in text else float(number)


def to_integer(value: Any) -> int | str | None:
    return to_number(value, integer=True)  # type: ignore[return-value]


def date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) as written in a date a person typed, whether or not that day exists; None if not a date."""
    plain = _ORDINAL.sub(r"\1", text).replace(",", " ").strip()
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:T.*)?", plain):
        return int(match[1]), int(match[2]), int(match[3])
    if match := re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})", plain):
        return _year(match[3]), int(match[2]), int(match[1])
    if match := re.fullmatch(r"(?:[A-Za-z]+day\s+)?(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{2}|\d{4})", plain):
        month = _MONTHS.get(match[2].lower())
        return (_year(match[3]), month, int(match[1])) if month else None
    if match := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2})\s+(\d{4})", plain):
        month = _MONTHS.get(match[1].lower())
        return (int(match[3]), month, int(match[2])) if month else None
    return None


def why_not_a_date(value: Any) -> str | None:
    """Why a date as typed is no day of the calendar ("31 February 2027 is not a date: February has 28 days
    in 2027"), or None if it is one or does not look like a date at all (the schema says what is expected)."""
    text = _clean(value) if isinstance(value, str) else None
    parts = date_parts(text) if text else None
    if parts is None:
        return None
    year, month, day = parts
    if not 1 <= month <= 12:
        return f"{text} is not a date: there is no month {month}"
    name = dt.date(2000, month, 1).strftime("%B")
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return f"{text} is not a date: there is no year {year}"
    days = calendar.monthrange(year, month)[1]
    if day < 1:
        return f"{text} is not a date: there is no day {day}"
    if day > days:
        in_year = f" in {year}" if month == 2 else ""
        return f"{day} {name} {year} is not a date: {name} has {days} days{in_year}"
    return None


def to_date(value: Any) -> str | None:
    """'1 April 2027', '1st Apr 2027', '01/04/2027', '1.4.27', '2027-04-01' -> '2027-04-01'."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _clean(value)
    if text is None:
        return None
    parts = date_parts(text)
    if parts is None:
        return text
    try:
        return dt.date(*parts).isoformat()
    except ValueError:
        return text


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def to_boolean(value: Any) -> bool | str | None:
    """Ticks, 'Yes'/'No', 'X', '☒' -> True/False; an empty box is False."""
    if isinstance(value, bool):
        return value
    text = _clean(value)
    if text is None:
        return False
    lowered = text.lower().rstrip(".")
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return text


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", unicodedata.normalize("NFKD", text).lower()).strip()


def to_choice(value: Any, options: Sequence[Any]) -> Any:
    """The listed option a person meant, ignoring case, spacing and punctuation."""
    text = _clean(value)
    if text is None:
        return None
    try:
        # Typed, so options that compare equal (1, True, 1.0) never share an entry.
        by_key = _options_by_key_once(tuple((type(option), option) for option in options))
    except TypeError:  # options that cannot be hashed (objects, lists) are not cached
        by_key = _options_by_key(options)
    return by_key.get(_key(text), text)


def _options_by_key(options: Iterable[Any]) -> dict[str, Any]:
    return {_key(str(option)): option for option in options}


@lru_cache(maxsize=256)
def _options_by_key_once(typed_options: tuple[tuple[type, Any], ...]) -> dict[str, Any]:
    """Worked out once per list of options (they come from the schemas), not once per answer."""
    return _options_by_key(option for _, option in typed_options)


def to_choices(values: Iterable[Any] | str | None, options: Sequence[Any]) -> list[Any]:
    """Ticked boxes (or 'Dartford, Gravesham' typed as text) -> the options, in list order."""
    if values is None:
        return []
    items = re.split(r"[,;\n]+", values) if isinstance(values, str) else list(values)
    chosen = [to_choice(item, options) for item in items]
    known = [option for option in options if option in chosen]
    unknown = [item for item in chosen if item is not None and item not in options]
    return known + unknown
