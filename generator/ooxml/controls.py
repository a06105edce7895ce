"""Content controls (``w:sdt``): make each kind, and read back what one holds.

Controls are inline (one per answer cell), locked against deletion but not
editing, tagged with the field's JSON Pointer and titled with its label.

The grey prompt of an empty box is Word's Placeholder Text character style
(with ``w:showingPlcHdr``), never a direct colour, and the control's
``w:sdtPr/w:rPr`` (ECMA-376 17.5.2.27: what text replacing the placeholder
looks like) says automatic colour, so Word never greys typed text. LibreOffice
ignores that ``w:rPr``: text typed over a selection takes the formatting of
its first character. So the prompt opens with a plain space, outside the grey
style, and LibreOffice 25.2 gives typed text that space's formatting, not
grey (``tests/ooxml/test_libreoffice_typing.py`` types into the forms to show it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lxml import etree

from .namespaces import NS, qn
from .styles import PLACEHOLDER_STYLE

__all__ = ["CHECKED", "DATE_FORMAT", "UNCHECKED", "Control", "make_control", "read_control", "text_of"]

CHECKED, UNCHECKED = "☒", "☐"
#: Word's picture for the date shown in a date control: "1 April 2027".
DATE_FORMAT = "d MMMM yyyy"
_FONT = "MS Gothic"


def _el(name: str, parent: etree._Element | None = None, **attrs: str) -> etree._Element:
    element = etree.Element(qn(name)) if parent is None else etree.SubElement(parent, qn(name))
    for key, value in attrs.items():
        prefix = "w14" if key.startswith("w14_") else "w"
        element.set(qn(f"{prefix}:{key.removeprefix('w14_')}"), value)
    return element


def _run(parent: etree._Element, text: str, *, placeholder: bool = False, font: str | None = None) -> None:
    run = _el("w:r", parent)
    if placeholder or font:
        props = _el("w:rPr", run)
        if placeholder:
            _el("w:rStyle", props, val=PLACEHOLDER_STYLE)
        if font:
            _el("w:rFonts", props, ascii=font, hAnsi=font, eastAsia=font)
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if index:
            _el("w:br", run)
        t = _el("w:t", run)
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def make_control(
    kind: str, tag: str, title: str, placeholder: str, options: tuple[str, ...] = (), checked: bool = False
) -> etree._Element:
    """An inline control: kind is text, textarea, date, choice or checkbox."""
    sdt = _el("w:sdt")
    props = _el("w:sdtPr", sdt)
    if kind != "checkbox":
        _el("w:color", _el("w:rPr", props), val="auto")  # typed text is never grey in Word
    _el("w:alias", props, val=title[:255])
    _el("w:tag", props, val=tag)
    _el("w:lock", props, val="sdtLocked")
    if kind != "checkbox":
        _el("w:showingPlcHdr", props)
    if kind == "checkbox":
        box = _el("w14:checkbox", props)
        _el("w14:checked", box, w14_val="1" if checked else "0")
        _el("w14:checkedState", box, w14_val="2612", w14_font=_FONT)
        _el("w14:uncheckedState", box, w14_val="2610", w14_font=_FONT)
    elif kind == "date":
        date = _el("w:date", props)
        _el("w:dateFormat", date, val=DATE_FORMAT)
        _el("w:lid", date, val="en-GB")
        _el("w:storeMappedDataAs", date, val="dateTime")
        _el("w:calendar", date, val="gregorian")
    elif kind == "choice":
        listing = _el("w:dropDownList", props)
        for option in options:
            _el("w:listItem", listing, displayText=option, value=option)
    else:
        text = _el("w:text", props)
        if kind == "textarea":
            text.set(qn("w:multiLine"), "1")
    content = _el("w:sdtContent", sdt)
    if kind == "checkbox":
        _run(content, CHECKED if checked else UNCHECKED, font=_FONT)
    else:
        _run(content, " ")  # unstyled, so LibreOffice's typed text is not grey (see the module's docstring)
        _run(content, placeholder, placeholder=True)
    return sdt


#: Text, breaks and paragraphs, except those deleted, or inside run properties (where Word shows nothing).
_TEXT_NODES = etree.XPath(
    "(.//w:p | .//w:t | .//w:br | .//w:cr | .//w:tab)[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:rPr)]",
    namespaces={"w": NS["w"]},
)
_P, _T, _TAB, _R, _RPR = qn("w:p"), qn("w:t"), qn("w:tab"), qn("w:r"), qn("w:rPr")
_BR, _CR = qn("w:br"), qn("w:cr")


def text_of(element: etree._Element, *, deletions: bool = True) -> str:
    """Visible text as if tracked changes were accepted: insertions kept, deletions dropped.

    Paragraphs become line breaks, as do ``w:br`` and ``w:cr``; tabs stay tabs.
    ``deletions=False`` is the caller's word that the document has no deleted
    text (no ``w:del`` or ``w:moveFrom``), so content of plain runs, the usual
    answer, is read straight off its runs.
    """
    if not deletions and (plain := _plain_runs_text(element)) is not None:
        return plain
    parts: list[str] = []
    first = True
    for node in _TEXT_NODES(element):
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _P:
            if not first:
                parts.append("\n")
            first = False
        elif tag == _TAB:
            if node.getparent().tag == _R:
                parts.append("\t")
        elif node.get(_TYPE) in (None, "textWrapping"):
            parts.append("\n")
    return "".join(parts)


def _plain_runs_text(element: etree._Element) -> str | None:
    """The text of content made only of runs holding text, breaks and tabs; None for anything else."""
    parts: list[str] = []
    for run in element:
        if run.tag != _R:
            return None
        for child in run:
            tag = child.tag
            if tag == _T:
                parts.append(child.text or "")
            elif tag in (_BR, _CR):
                if child.get(_TYPE) in (None, "textWrapping"):
                    parts.append("\n")
            elif tag == _TAB:
                parts.append("\t")
            elif tag != _RPR:
                return None
    return "".join(parts)


_TYPE = qn("w:type")


@dataclass
class Control:
    """What one control says about itself, and its raw value."""

    element: etree._Element
    tag: str | None
    kind: str
    value: str | bool
    placeholder: bool


def _parts(sdt: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """``w:sdtPr`` and ``w:sdtContent``: the only two children as Word writes them, else looked for."""
    if len(sdt) == 2 and sdt[0].tag == _SDT_PR and sdt[-1].tag == _SDT_CONTENT:
        return sdt[0], sdt[-1]
    props = content = None
    for child in sdt:
        if child.tag == _SDT_PR:
            props = child
        elif child.tag == _SDT_CONTENT:
            content = child
    return props, content


def read_control(sdt: etree._Element, *, deletions: bool = True) -> Control:
    """A control's tag, kind and raw value; a showing placeholder reads as empty.

    ``deletions`` is passed on to :func:`text_of`.
    """
    props, content = _parts(sdt)
    found = {child.tag: child for child in props} if props is not None else {}
    tag_el = found.get(_TAG)
    tag = tag_el.get(_VAL) if tag_el is not None else None
    box = found.get(_CHECKBOX)
    if box is not None:  # w14:checked is the truth; the glyph shown may be stale
        checked = next((child for child in box if child.tag == _CHECKED), None)
        value = checked is not None and checked.get(_W14_VAL, "0") in ("1", "true", "on")
        return Control(sdt, tag, "checkbox", value, False)
    placeholder = _SHOWING_PLACEHOLDER in found
    text = "" if content is None or placeholder else text_of(content, deletions=deletions)
    date = found.get(_DATE)
    if date is not None:
        if not text.strip() and not placeholder and date.get(_FULL_DATE):
            text = _full_date(date.get(_FULL_DATE, ""))
        return Control(sdt, tag, "date", text, placeholder)
    if _DROP_DOWN in found or _COMBO_BOX in found:
        return Control(sdt, tag, "choice", text, placeholder)
    return Control(sdt, tag, "text", text, placeholder)


_SDT_PR, _SDT_CONTENT, _TAG, _VAL = qn("w:sdtPr"), qn("w:sdtContent"), qn("w:tag"), qn("w:val")
_SHOWING_PLACEHOLDER, _CHECKBOX, _CHECKED, _W14_VAL = (
    qn("w:showingPlcHdr"), qn("w14:checkbox"), qn("w14:checked"), qn("w14:val")
)  # fmt: skip
_DATE, _FULL_DATE, _DROP_DOWN, _COMBO_BOX = qn("w:date"), qn("w:fullDate"), qn("w:dropDownList"), qn("w:comboBox")


def _full_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return value
