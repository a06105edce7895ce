"""Make any value safe to put in a spreadsheet cell (XLSX or CSV).

Returns come from outside, so a bidder's answer must never run as a formula
when an officer opens the export: text starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return gets a leading apostrophe (the OWASP advice),
numbers stay numbers. Characters XLSX forbids are removed, and text longer
than Excel's cell limit is cut with a marker saying where the full text is.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["CELL_LIMIT", "CUT_MARKER", "cell_value"]

#: Excel's limit on the characters in one cell.
CELL_LIMIT = 32_767
CUT_MARKER = " [cut: {total:,} characters in full in returns.jsonl]"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Control characters (other than tab, line feed, carriage return), surrogates and non-characters.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    # Every forbidden character is unprintable (a control, a surrogate or a non-character), so printable text,
    # most answers, holds none and is not searched for them.
    text = value if value.isprintable() else _FORBIDDEN.sub("", value)
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    if len(text) > CELL_LIMIT:
        marker = CUT_MARKER.format(total=len(text))
        text = text[: CELL_LIMIT - len(marker)] + marker
    return text


def cell_value(value: Any) -> str | int | float | None:
    """The value as it should be written to a cell: a safe string, a number or empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return _text("; ".join(str(item) for item in value))
    return _text(str(value))
