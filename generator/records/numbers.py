"""Numbers too large to be a real answer stay the text they were written as, never Infinity.

Python reads ``1e400`` as ``inf`` and refuses integers of more than 4,300
digits (and takes seconds on a million); JSON has no NaN or Infinity and Excel
shows them as empty cells. No form needs a number of more than
:data:`MAX_DIGITS` digits, so a longer one (or NaN, or Infinity) becomes an
:class:`OutOfRange` string: the schema then reports the field as not a number,
and validation says why, so no output ever holds NaN or Infinity.
"""

from __future__ import annotations

import math
import re

__all__ = ["MAX_DIGITS", "OutOfRange", "bounded_float", "bounded_int", "in_range", "too_many_digits"]

#: Digits before the decimal point: pounds to the penny up to £999 trillion, exactly, as a float.
MAX_DIGITS = 15
_SHOWN = 40


class OutOfRange(str):
    """The text of a number no form could mean (shortened when long), kept so the bidder sees what they wrote."""

    digits: int

    def __new__(cls, text: str) -> OutOfRange:
        digits = sum(ch.isdigit() for ch in text)
        size = f"{digits:,} digits" if digits == len(text.lstrip("+-")) else f"{len(text):,} characters"
        shown = text if len(text) <= _SHOWN else f"{text[:_SHOWN]}… ({size})"
        made = super().__new__(cls, shown)
        made.digits = digits
        return made


_INTEGER_PART = re.compile(r"[+-]?0*(\d*)")


def too_many_digits(text: str) -> bool:
    """More integer digits than any answer needs (cheap: no conversion of the number itself)."""
    match = _INTEGER_PART.match(text.strip())
    return match is not None and len(match.group(1)) > MAX_DIGITS


def bounded_int(text: str) -> int | OutOfRange:
    """An integer literal as an int, or :class:`OutOfRange` when it has too many digits."""
    return OutOfRange(text) if too_many_digits(text) else int(text)


def bounded_float(text: str) -> float | OutOfRange:
    """A decimal or exponent literal as a float, or :class:`OutOfRange` when it is not a finite, sane number."""
    if too_many_digits(text.split("e")[0].split("E")[0]):
        return OutOfRange(text)
    try:
        value = float(text)
    except (ValueError, OverflowError):
        return OutOfRange(text)
    return value if in_range(value) else OutOfRange(text)


def in_range(value: float) -> bool:
    """Finite and of no more than :data:`MAX_DIGITS` integer digits (an int is compared as an int: no overflow)."""
    if isinstance(value, int):
        return abs(value) < 10**MAX_DIGITS
    return math.isfinite(value) and abs(value) < 10**MAX_DIGITS
