"""Rows a bidder adds to a form's table, and the examples and extra rows the tests add.

Word's Insert Rows Above/Below (Layout tab, or right-click > Insert) and Tab in
the last cell copy the row's look, not its content controls: the new row gets
the row's ``w:trPr`` and each cell's ``w:tcPr`` and paragraph properties, and
what is typed goes in as plain ``w:p``/``w:r``/``w:t``, one paragraph per
line, with Word's revision ids (``rsid``) on them. ``word_row`` writes that.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from generator.forms.layout import FormLayout, Question, load_layout
from generator.ooxml.fill import display_text, fill_form
from generator.ooxml.namespaces import qn
from generator.records.loading import load_data_file
from tests.fixtures.make_returns import edit_body

from ..conftest import EXAMPLES, ROOT

#: One example per kind whose every repeating table has at least two rows.
EXAMPLES_BY_KIND = {
    "growth-bid": "dartford-young-people-leaving-care.yaml",
    "service-specification": "floating-support-young-people.yaml",
    "evaluation-report": "ashford-mental-health-first-evaluator.yaml",
}
#: The rows a bidder adds to each repeating table (kind -> table pointer -> rows), typed as plain text.
ADDED: dict[str, dict[str, list[dict[str, Any]]]] = {
    "growth-bid": {
        "/outcomes": [
            {"description": "Young people take up training or work.\nChecked at exit", "measure": "Number at exit"},
            {"description": "Young people feel safer at home.", "measure": "Survey at six months"},
        ],
        "/supporting_partners": [
            {"organisation": "Dartford Borough Council", "contact_name": "Amira Shah", "support_confirmed": True},
        ],
    },
    "service-specification": {
        "/outcomes": [{"description": "Fewer young people become homeless.", "indicator": "Repeat presentations"}],
        "/performance_measures": [
            {"measure": "Complaints answered in time", "target": "100%", "frequency": "Half-yearly"}
        ],
    },
    "evaluation-report": {
        "/weighted_scores/scores": [{"criterion": 6, "score": 3, "justification": "A sound plan to\nbuild capacity."}],
    },
}
_RSID = "00C71D2A"


def example(kind: str) -> dict[str, Any]:
    """The kind's example record, its ticked options in the form's order (the order a return lists them in)."""
    record = load_data_file(EXAMPLES / kind / EXAMPLES_BY_KIND[kind])
    for question in load_layout(kind).questions():
        if question.widget == "checkboxes":
            *parents, leaf = question.pointer.split("/")[1:]
            target = record
            for part in parents:
                target = target.get(part, {})
            if leaf in target:
                target[leaf] = [option for option in question.options if option in target[leaf]]
    return record


def tables(kind: str) -> list[Question]:
    return [question for question in load_layout(kind).questions() if question.columns]


def rows_of(record: Mapping[str, Any], pointer: str) -> list[dict[str, Any]]:
    target: Any = record
    for part in pointer.split("/")[1:]:
        target = target[part]
    return target


def with_rows(record: dict[str, Any], pointer: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of ``record`` whose table at ``pointer`` holds ``rows``."""
    changed = copy.deepcopy(record)
    *parents, leaf = pointer.split("/")[1:]
    target = changed
    for part in parents:
        target = target[part]
    target[leaf] = rows
    return changed


def typed(column: Question, value: Any) -> str:
    """What a bidder types into a plain cell for ``value``: words for a tick."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return display_text(column, value)


def cell_texts(table: Question, row: Mapping[str, Any]) -> list[str]:
    return [typed(column, row.get(column.field.name)) for column in table.columns]


def word_row(beside: etree._Element, texts: Sequence[str]) -> etree._Element:
    """The row Word inserts next to ``beside``, with ``texts`` typed into its cells (Enter between lines)."""
    row = etree.Element(qn("w:tr"), {qn("w:rsidR"): _RSID, qn("w:rsidTr"): _RSID})
    if (props := beside.find(qn("w:trPr"))) is not None:
        row.append(copy.deepcopy(props))
    for cell, text in zip(beside.findall(qn("w:tc")), texts, strict=True):
        new = etree.SubElement(row, qn("w:tc"))
        if (cell_props := cell.find(qn("w:tcPr"))) is not None:
            new.append(copy.deepcopy(cell_props))
        paragraph_props = next(cell.iter(qn("w:pPr")), None)
        for line in text.split("\n"):
            paragraph = etree.SubElement(new, qn("w:p"), {qn("w:rsidR"): _RSID, qn("w:rsidRDefault"): _RSID})
            if paragraph_props is not None:
                paragraph.append(copy.deepcopy(paragraph_props))
            if line:
                run = etree.SubElement(paragraph, qn("w:r"), {qn("w:rsidR"): _RSID})
                etree.SubElement(
                    run, qn("w:t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}
                ).text = line
    return row


def data_rows(body: etree._Element, table: Question) -> list[etree._Element]:
    """The rows under the header of the form's table for ``table`` (found by its first column's tag)."""
    tag = table.columns[0].pointer
    sdt = next(s for s in body.iter(qn("w:sdt")) if s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == tag)
    element = next(a for a in sdt.iterancestors(qn("w:tbl")))
    return element.findall(qn("w:tr"))[1:]


def insert_word_rows(data: bytes, table: Question, texts: Sequence[Sequence[str]], position: int) -> bytes:
    """``data`` with rows inserted as Word does, so that ``position`` of the table's rows stand above them."""

    def edit(body: etree._Element) -> None:
        rows = data_rows(body, table)
        beside = rows[max(position - 1, 0)]
        anchor = rows[position - 1] if position else None
        for cells in texts:
            new = word_row(beside, cells)
            if anchor is None:
                rows[0].addprevious(new)
            else:
                anchor.addnext(new)
            anchor = new

    return edit_body(data, edit)


def filled(layout: FormLayout, record: Mapping[str, Any]) -> bytes:
    return fill_form((ROOT / "forms" / f"{layout.kind}.docx").read_bytes(), layout, record)
