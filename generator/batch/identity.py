"""Which bid a return belongs to, so a later return of the same bid supersedes the earlier one.

The layout of each kind names how (``reference``, ``identity``, ``submitted`` in
``forms/<kind>.yaml``): a bid is recognised by its reference when the form has
one and it is filled in, otherwise by all the identity answers together,
compared without regard to case or spacing. A return missing any of them is
not recognised and stands alone. Only typed answers count, so a box still
showing its grey prompt never makes two returns look alike. ``number_bids``
gives a bid that came without a reference the project's next one, kept in the
register under the bid it was recognised as.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from ..forms.layout import every_version_questions, layout_kinds, load_layout
from ..records.references import project_numbering
from .register import Register, Version

__all__ = ["answer_at", "identify", "normalised", "number_bids"]


def answer_at(record: Any, pointer: str) -> Any:
    """The value at a JSON Pointer in a record, or None."""
    value = record
    for part in pointer.split("/")[1:]:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def normalised(value: Any) -> str | None:
    """An answer as it is compared: spacing collapsed, case folded; None when empty."""
    if value is None or isinstance(value, dict | list):
        return None
    text = " ".join(str(value).split()).casefold()
    return text or None


def _date(value: Any) -> str | None:
    try:
        return dt.date.fromisoformat(value).isoformat() if isinstance(value, str) else None
    except ValueError:
        return None


@cache
def _older_names(kind: str) -> dict[str, tuple[str, ...]]:
    """Each current pointer's names in older versions of the form (``renamed:`` in their layouts)."""
    return every_version_questions(kind)[1]


def identify(kind: str, record: dict[str, Any] | None, raw: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """(the bid a return is of, or None if it cannot be told; the form's own date of submission, or None)."""
    if kind not in layout_kinds() or not record:
        return None, None
    layout = load_layout(kind)
    older = _older_names(kind)

    def answer(pointer: str) -> Any:
        """The answer under its current name, or under the name an older version of the form gave it."""
        for name in (pointer, *older.get(pointer, ())):
            if (value := answer_at(record, name)) is not None:
                return value
        return None

    submitted = _date(answer(layout.submitted)) if layout.submitted else None
    if layout.reference and (reference := normalised(answer(layout.reference))):
        return f"reference {reference}", submitted
    parts = [normalised(answer(pointer)) for pointer in layout.identity]
    if parts and all(parts):
        return " | ".join(part for part in parts if part), submitted
    return None, submitted


def number_bids(register: Register) -> dict[str, str]:
    """Give each bid that came without a reference the project's next one (``round: reference:``).

    A form with a reference question of its own (``reference:`` in its layout) keeps what was typed there.
    """
    numbering = project_numbering()
    if numbering is None or numbering[0] not in layout_kinds():
        return {}
    kind, scheme = numbering
    own = load_layout(kind).reference

    def has_own(version: Version) -> bool:
        return bool(own and normalised(answer_at(version.record, own)))

    return register.assign_references(kind, scheme, has_own)
