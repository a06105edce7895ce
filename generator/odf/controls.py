"""Answer boxes as LibreOffice writes them in ODF, and what one holds.

LibreOffice 25.2 keeps a Word content control as ``loext:content-control``,
with ``loext:tag`` (our JSON Pointer) and ``loext:alias`` (the label), and for
its kind ``loext:checkbox``/``loext:checked``, ``loext:date``/``loext:current-date``,
``loext:dropdown`` (items in ``loext:list-item``), ``loext:plain-text``, and
``loext:showing-place-holder`` while the grey prompt shows. LibreOffice 7.4
turns a plain-text control into a ``text:text-input`` field and keeps the
other kinds as untagged content controls. A ``text:drop-down`` field and a
``text:placeholder`` (a prompt, never an answer) are read too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lxml import etree

from .namespaces import qn
from .text import text_of

__all__ = ["CONTROL_TAGS", "Control", "read_control"]

_CONTENT_CONTROL, _TEXT_INPUT, _DROP_DOWN, _PLACEHOLDER = (
    qn("loext:content-control"), qn("text:text-input"), qn("text:drop-down"), qn("text:placeholder")
)  # fmt: skip
#: Every element that is one answer box.
CONTROL_TAGS = (_CONTENT_CONTROL, _TEXT_INPUT, _DROP_DOWN, _PLACEHOLDER)
_TAG, _CHECKBOX, _CHECKED, _DATE, _CURRENT_DATE = (
    qn("loext:tag"), qn("loext:checkbox"), qn("loext:checked"), qn("loext:date"), qn("loext:current-date")
)  # fmt: skip
_DROPDOWN, _COMBOBOX, _SHOWING_PLACEHOLDER = (
    qn("loext:dropdown"),
    qn("loext:combobox"),
    qn("loext:showing-place-holder"),
)


@dataclass
class Control:
    """What one answer box says about itself, and its raw value."""

    element: etree._Element
    tag: str | None
    kind: str
    value: str | bool
    placeholder: bool


def _true(element: etree._Element, name: str) -> bool:
    return element.get(name, "false").strip().lower() in ("true", "1")


def read_control(element: etree._Element) -> Control:
    """A box's tag, kind and raw value; a showing placeholder reads as empty."""
    if element.tag == _TEXT_INPUT:
        return Control(element, None, "text", text_of(element), False)
    if element.tag == _DROP_DOWN:
        return Control(element, None, "choice", text_of(element), False)
    if element.tag == _PLACEHOLDER:
        return Control(element, None, "text", "", True)
    tag = element.get(_TAG) or None
    if _true(element, _CHECKBOX):  # loext:checked is the truth; the glyph shown may be stale
        return Control(element, tag, "checkbox", _true(element, _CHECKED), False)
    placeholder = _true(element, _SHOWING_PLACEHOLDER)
    text = "" if placeholder else text_of(element)
    if _true(element, _DATE):
        if not text.strip() and not placeholder and element.get(_CURRENT_DATE):
            text = _full_date(element.get(_CURRENT_DATE, ""))
        return Control(element, tag, "date", text, placeholder)
    if _true(element, _DROPDOWN) or _true(element, _COMBOBOX):
        return Control(element, tag, "choice", text, placeholder)
    return Control(element, tag, "text", text, placeholder)


def _full_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return value
