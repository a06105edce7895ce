"""Fill a blank form's controls with a record, as Word does when a person types.

Used by tests (round trip) and to make the sample returns. Text replaces the
placeholder (line breaks become ``w:br``), boxes get ``w14:checked`` and their
glyph, dates get ``w:fullDate`` and the text in the control's format, and a
table grows by copying its last row, tags and all, as Word's "add row" does.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from typing import Any

from lxml import etree

from ..forms.layout import FormLayout, Question
from .controls import CHECKED, UNCHECKED, _run
from .namespaces import qn
from .safety import parse_xml

__all__ = ["display_text", "fill_form"]


def display_text(question: Question, value: Any) -> str:
    """How a person would type a value into the box."""
    if question.widget == "money":
        return f"£{value:,.2f}"
    if question.widget == "date":
        day = dt.date.fromisoformat(value)
        return f"{day.day} {day:%B %Y}"
    return str(value)


def _set_text(sdt: etree._Element, text: str) -> None:
    props, content = sdt.find(qn("w:sdtPr")), sdt.find(qn("w:sdtContent"))
    for flag in props.findall(qn("w:showingPlcHdr")):
        props.remove(flag)
    for child in list(content):
        content.remove(child)
    _run(content, text)


def _set_box(sdt: etree._Element, ticked: bool) -> None:
    checked = sdt.find(f"{qn('w:sdtPr')}/{qn('w14:checkbox')}/{qn('w14:checked')}")
    checked.set(qn("w14:val"), "1" if ticked else "0")
    for t in sdt.iter(qn("w:t")):
        t.text = CHECKED if ticked else UNCHECKED


def _set(sdt: etree._Element, question: Question, value: Any) -> None:
    if question.widget == "checkbox":
        _set_box(sdt, bool(value))
        return
    if value is None:
        return
    if question.widget == "date":
        date = sdt.find(f"{qn('w:sdtPr')}/{qn('w:date')}")
        date.set(qn("w:fullDate"), f"{value}T00:00:00Z")
    _set_text(sdt, display_text(question, value))


def _get(record: Mapping[str, Any], pointer: str) -> Any:
    target: Any = record
    for part in pointer.split("/")[1:]:
        if not isinstance(target, Mapping) or part not in target:
            return None
        target = target[part]
    return target


def _tag(sdt: etree._Element) -> str | None:
    tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
    return tag.get(qn("w:val")) if tag is not None else None


def _fill_table(body: etree._Element, table: Question, rows: list[Mapping[str, Any]]) -> None:
    first_tag = table.columns[0].pointer
    sdt = next((s for s in body.iter(qn("w:sdt")) if _tag(s) == first_tag), None)
    if sdt is None:
        return
    row = next(a for a in sdt.iterancestors() if a.tag == qn("w:tr"))
    grid = row.getparent()
    data_rows = [r for r in grid.findall(qn("w:tr")) if any(_tag(s) == first_tag for s in r.iter(qn("w:sdt")))]
    while len(data_rows) < len(rows):
        clone = copy.deepcopy(data_rows[-1])
        data_rows[-1].addnext(clone)
        data_rows.append(clone)
    by_tag = {c.pointer: c for c in table.columns}
    for values, tr in zip(rows, data_rows, strict=False):
        for sdt in tr.iter(qn("w:sdt")):
            column = by_tag.get(_tag(sdt) or "")
            if column is not None:
                _set(sdt, column, values.get(column.field.name))


def _fill(body: etree._Element, layout: FormLayout, record: Mapping[str, Any]) -> None:
    boxes = {q.pointer: q for q in layout.questions() if not q.columns}
    seen: dict[str, int] = {}
    for sdt in list(body.iter(qn("w:sdt"))):
        question = boxes.get(_tag(sdt) or "")
        if question is None:
            continue
        value = _get(record, question.pointer)
        if question.widget == "checkboxes":
            index = seen[question.pointer] = seen.get(question.pointer, -1) + 1
            _set_box(sdt, question.options[index] in (value or []))
        else:
            _set(sdt, question, value)
    for table in (q for q in layout.questions() if q.columns):
        _fill_table(body, table, list(_get(record, table.pointer) or []))


def fill_form(blank: bytes, layout: FormLayout, record: Mapping[str, Any]) -> bytes:
    """A copy of a blank form with every control holding the record's answer."""
    source = zipfile.ZipFile(io.BytesIO(blank))
    root = parse_xml(source.read("word/document.xml"), "word/document.xml")
    _fill(root.find(qn("w:body")), layout, record)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
