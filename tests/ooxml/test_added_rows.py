"""Rows a bidder adds to a table with Word's Insert Rows (no content controls in them) are read, and flagged.

Every repeating table of every kind gets rows written as Word writes them
(tests/ooxml/added_rows.py): after the last row, between the first two and
above the first. The return must parse to the example record with the added
rows where they stand, a warning naming the table, and their pointers in the
``rows_without_controls`` flag.
"""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from generator.forms.layout import layout_kinds, load_layout
from generator.ooxml.namespaces import qn
from generator.returns.parse import parse_bytes
from tests.fixtures.make_returns import edit_body

from ..conftest import TODAY
from .added_rows import ADDED, cell_texts, data_rows, example, filled, insert_word_rows, rows_of, tables, with_rows

CASES = [(kind, table.pointer) for kind in ADDED for table in tables(kind)]
#: Where the added rows go: how many of the table's rows stand above them.
PLACES = {
    "after the last row": lambda table: table.rows,
    "between the first two": lambda _: 1,
    "above the first": lambda _: 0,
}


def test_every_repeating_table_of_every_kind_is_covered() -> None:
    assert sorted(CASES) == sorted((kind, table.pointer) for kind in layout_kinds() for table in tables(kind))
    assert {kind for kind, _ in CASES} == {kind for kind in layout_kinds() if tables(kind)}
    assert all(ADDED[kind].get(pointer) for kind, pointer in CASES)


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize(("kind", "pointer"), CASES)
def test_rows_added_in_word_are_read_where_they_stand(kind: str, pointer: str, place: str) -> None:
    layout, record = load_layout(kind), example(kind)
    table = next(t for t in tables(kind) if t.pointer == pointer)
    added, position = ADDED[kind][pointer], PLACES[place](table)
    data = insert_word_rows(filled(layout, record), table, [cell_texts(table, row) for row in added], position)

    envelope = parse_bytes(data, f"{kind}.docx", today=TODAY)

    rows = rows_of(record, pointer)
    kept_above = min(position, len(rows))  # the form's empty rows are dropped from the record
    assert envelope.status == "valid", envelope.errors
    assert envelope.record == with_rows(record, pointer, rows[:kept_above] + added + rows[kept_above:])
    assert envelope.flags["rows_without_controls"] == [f"{pointer}/{position + n}" for n in range(len(added))]
    numbers = [position + 1 + n for n in range(len(added))]
    (warning,) = [w for w in envelope.warnings if w.path == pointer]
    assert warning.field == f"{table.number} {table.label}"
    wanted = f"row {numbers[0]} was" if len(numbers) == 1 else f"rows {' and '.join(map(str, numbers))} were"
    assert warning.message.startswith(f"{wanted} added without answer boxes")


def _record_and_form(kind: str) -> tuple[dict, bytes]:
    record = example(kind)
    return record, filled(load_layout(kind), record)


@pytest.mark.parametrize("kind", list(ADDED))
def test_an_added_row_left_empty_is_no_answer(kind: str) -> None:
    record, data = _record_and_form(kind)
    for table in tables(kind):
        data = insert_word_rows(data, table, [[""] * len(table.columns), [" "] * len(table.columns)], table.rows)
    envelope = parse_bytes(data, f"{kind}.docx", today=TODAY)
    assert (envelope.status, envelope.record) == ("valid", record), envelope.errors
    assert "rows_without_controls" not in envelope.flags
    assert envelope.warnings == []


def test_a_row_copied_with_its_controls_is_read_as_before() -> None:
    """Copy and paste of a whole row keeps its controls: no flag, the copy is one more row."""
    kind = "growth-bid"
    record, data = _record_and_form(kind)
    table = tables(kind)[0]

    def paste(body: etree._Element) -> None:
        rows = data_rows(body, table)
        rows[0].addnext(copy.deepcopy(rows[0]))

    envelope = parse_bytes(edit_body(data, paste), f"{kind}.docx", today=TODAY)
    rows = rows_of(record, table.pointer)
    assert envelope.record == with_rows(record, table.pointer, [rows[0], *rows])
    assert "rows_without_controls" not in envelope.flags


def test_a_row_deleted_with_tracked_changes_is_not_read() -> None:
    kind = "growth-bid"
    record, data = _record_and_form(kind)
    table = tables(kind)[0]
    data = insert_word_rows(data, table, [cell_texts(table, ADDED[kind][table.pointer][0])], table.rows)

    def delete(body: etree._Element) -> None:
        added = data_rows(body, table)[-1]
        props = added.find(qn("w:trPr"))
        if props is None:
            props = etree.Element(qn("w:trPr"))
            added.insert(0, props)
        etree.SubElement(props, qn("w:del"), {qn("w:id"): "9", qn("w:author"): "Bidder"})

    envelope = parse_bytes(edit_body(data, delete), f"{kind}.docx", today=TODAY)
    assert envelope.record == record
    assert "rows_without_controls" not in envelope.flags


def test_text_in_more_cells_than_columns_is_not_lost() -> None:
    kind = "growth-bid"
    _, data = _record_and_form(kind)
    table = tables(kind)[0]

    def widen(body: etree._Element) -> None:
        added = data_rows(body, table)[-1]
        extra = copy.deepcopy(added.findall(qn("w:tc"))[-1])
        next(extra.iter(qn("w:t"))).text = "A note in a cell of its own"
        added.append(extra)

    data = insert_word_rows(data, table, [cell_texts(table, ADDED[kind][table.pointer][0])], table.rows)
    envelope = parse_bytes(edit_body(data, widen), f"{kind}.docx", today=TODAY)
    assert any("A note in a cell of its own" in w.message and w.path == table.pointer for w in envelope.warnings)


def test_more_rows_than_the_schema_allows_are_named_clearly() -> None:
    """The evaluation form has a row per weighted criterion; a twelfth row is one too many."""
    kind = "evaluation-report"
    table = tables(kind)[0]
    scores = [{"criterion": n, "score": 1, "justification": f"Reason {n}"} for n in range(1, table.rows + 1)]
    record = with_rows(example(kind), table.pointer, scores)
    data = insert_word_rows(filled(load_layout(kind), record), table, [["3", "2", "One more"]], table.rows)
    envelope = parse_bytes(data, f"{kind}.docx", today=TODAY)
    assert envelope.status == "invalid"
    assert envelope.flags["rows_without_controls"] == [f"{table.pointer}/{table.rows}"]
    errors = [e for e in envelope.errors if e.path == table.pointer]
    assert errors, envelope.errors
    assert (
        errors[0].message == f"give no more than {table.field.schema['maxItems']} entries (there are {table.rows + 1})"
    )
    assert errors[0].field == table.label


@pytest.mark.parametrize("kind", list(ADDED))
def test_a_copy_of_the_header_row_is_not_an_answer(kind: str) -> None:
    """A heading row copied under the header (to keep headings on each page by hand) is no answer."""
    record, data = _record_and_form(kind)
    for table in tables(kind):
        data = insert_word_rows(data, table, [[column.label for column in table.columns]], 0)
    envelope = parse_bytes(data, f"{kind}.docx", today=TODAY)
    assert (envelope.status, envelope.record) == ("valid", record), envelope.errors
    assert "rows_without_controls" not in envelope.flags
