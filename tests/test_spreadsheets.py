"""Officer-ready sheets: typed cells, bold frozen filtered headers, fitted widths, safe names, atomic writes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from generator.spreadsheets.workbook import (
    DATE_FORMAT,
    MONEY_FORMAT,
    SHEET_NAME_LIMIT,
    WIDTH_CAP,
    Column,
    Table,
    fits,
    sheet_names,
    write_workbook,
)
from tests.conftest import shown_width

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = [
    Column("Organisation"),
    Column("Closing date", "date"),
    Column("Amount requested", "money"),
    Column("Registered charity", "yes-no"),
    Column("Service users", "integer"),
    Column("Score", "number"),
    Column("Match funding share", "percent"),
    Column("Summary"),
]
LONG = "word " * 40


def _rows() -> Iterator[list[Any]]:
    """A generator, as callers stream them: typed values, then values that failed their type."""
    yield ["Acme", "2026-08-14", 12500.5, True, 30, 4.5, 10, LONG]
    yield ["Beta", dt.date(2027, 4, 1), Decimal("99.99"), False, 7.0, 3, 12.5, "short"]
    yield ["=HYPERLINK(1)", "31/02/2027", "twelve thousand", "maybe", "lots", "n/a", "half", None]
    yield ["Delta", "2027-02-31", None, None, None, None, None, "line one\nline two"]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "book.xlsx"
    write_workbook(target, [Table("Growth bid: partners [2027]?", COLUMNS, _rows()), Table("Empty", COLUMNS[:2], [])])
    return target


def test_every_sheet_has_a_bold_frozen_filtered_header(book: Path) -> None:
    workbook = load_workbook(book)
    assert len(workbook.worksheets) == 2
    for sheet in workbook.worksheets:
        header = next(sheet.iter_rows(max_row=1))
        assert [cell.value for cell in header] == [c.label for c in COLUMNS[: len(header)]]
        assert all(cell.font.b for cell in header)
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{header[-1].column_letter}{sheet.max_row}"
        for row in sheet.iter_rows(min_row=2):
            assert not any(cell.font.b for cell in row)


def test_a_label_longer_than_a_column_is_wide_wraps_and_stays_bold(tmp_path: Path) -> None:
    """Header cells share their looks: a long label's wrapping does not spill onto the short ones, nor onto answers."""
    long_label = "How many people will the service support in its first year, and how was that counted? " * 2
    target = tmp_path / "long.xlsx"
    columns = [Column("Organisation"), Column(long_label), Column("Closing date", "date")]
    write_workbook(target, [Table("Bids", columns, [["Acme", "short", "2026-08-14"]])])
    sheet = load_workbook(target).worksheets[0]
    short, long, date = next(sheet.iter_rows(max_row=1))
    assert (long.value, long.font.b, long.alignment.wrap_text) == (long_label, True, True)
    assert all(cell.font.b and not cell.alignment.wrap_text for cell in (short, date))
    assert not any(cell.font.b or cell.alignment.wrap_text for cell in sheet[2])
    assert sheet["C2"].number_format == DATE_FORMAT and not sheet["C2"].font.b


def test_widths_fit_the_labels_and_answers_up_to_a_cap_and_long_answers_wrap(book: Path) -> None:
    sheet = load_workbook(book).worksheets[0]
    widths = {chr(ord("A") + index): shown_width(sheet, index + 1) for index in range(len(COLUMNS))}
    for index, column in enumerate(COLUMNS):
        letter = chr(ord("A") + index)
        shown = [len(str(c.value)) for c in sheet[letter][1:] if isinstance(c.value, str) and "\n" not in c.value]
        widest = max([len(column.label), *(s for s in shown if s <= WIDTH_CAP)])
        assert widest <= widths[letter] <= WIDTH_CAP + 2, column.label
    assert widths["H"] == WIDTH_CAP + 2
    assert sheet["H2"].value == LONG and sheet["H2"].alignment.wrap_text
    assert sheet["H5"].alignment.wrap_text  # a line break wraps too
    assert not sheet["H3"].alignment.wrap_text


def test_values_are_typed_by_their_column(book: Path) -> None:
    sheet = load_workbook(book).worksheets[0]
    assert sheet["B2"].value == dt.datetime(2026, 8, 14) and sheet["B2"].is_date
    assert sheet["B3"].value == dt.datetime(2027, 4, 1) and sheet["B3"].number_format == DATE_FORMAT
    assert sheet["B2"].number_format == DATE_FORMAT
    assert (sheet["C2"].value, sheet["C2"].number_format) == (12500.5, MONEY_FORMAT)
    assert (sheet["C3"].value, sheet["C3"].number_format) == (99.99, MONEY_FORMAT)
    assert [sheet["D2"].value, sheet["D3"].value] == ["Yes", "No"]
    assert sheet["E2"].value == 30 and sheet["E3"].value == 7 and sheet["E3"].data_type == "n"
    assert sheet["F2"].value == 4.5
    assert sheet["G2"].value == 10 and sheet["G2"].number_format == '0"%"'
    assert sheet["G3"].value == 12.5 and sheet["G3"].number_format.endswith('"%"')


def test_a_value_that_is_not_of_its_columns_type_stays_as_typed(book: Path) -> None:
    sheet = load_workbook(book).worksheets[0]
    as_typed = [sheet.cell(row=4, column=c).value for c in range(1, 8)]
    assert as_typed == ["'=HYPERLINK(1)", "31/02/2027", "twelve thousand", "maybe", "lots", "n/a", "half"]
    assert all(sheet.cell(row=4, column=c).data_type == "s" for c in range(1, 8))
    assert sheet["B5"].value == "2027-02-31"  # looks like a date, is not one
    assert [sheet.cell(row=5, column=c).value for c in range(3, 8)] == [None] * 5


def test_sheet_names_are_what_excel_accepts_and_all_different() -> None:
    titles = ["Growth bid: partners [2027]?", "a/b\\c*d", "x" * 40, "x" * 40, "X" * 40, "'quoted'", "", "History"]
    names = sheet_names(titles)
    assert names[0] == "Growth bid partners 2027"
    assert names[1] == "a b c d"
    assert all(0 < len(name) <= SHEET_NAME_LIMIT for name in names)
    assert len({name.casefold() for name in names}) == len(names)
    assert names[2] == "x" * 31 and names[3].endswith(" (2)") and names[4].endswith(" (3)")
    assert (
        names[5] == "quoted" and names[6] == "Sheet" and names[7] == "History (sheet)"
    )  # Excel keeps "History" for itself
    assert not any(c in name for name in names for c in "[]:*?/\\")


def test_the_workbook_uses_the_same_names(book: Path) -> None:
    assert load_workbook(book).sheetnames == sheet_names(["Growth bid: partners [2027]?", "Empty"])


def test_a_failed_write_leaves_the_old_workbook_and_no_temporary_file(book: Path) -> None:
    before = book.read_bytes()

    def broken() -> Iterator[list[Any]]:
        yield ["Acme", None, None, None, None, None, None, None]
        raise RuntimeError("the register went away")

    with pytest.raises(RuntimeError):
        write_workbook(book, [Table("Broken", COLUMNS, broken())])
    assert book.read_bytes() == before
    assert [p.name for p in book.parent.iterdir()] == [book.name]


def test_a_column_kind_must_be_known() -> None:
    with pytest.raises(ValueError, match="kind 'currency'"):
        Column("Amount", "currency")


def test_the_workbook_writer_is_imported_only_when_a_workbook_is_written() -> None:
    """A batch's workers import the batch but never write a workbook: XlsxWriter stays out of their start-up."""
    code = (
        "import sys; import generator.batch.run, generator.batch.exports, generator.spreadsheets.workbook; "
        "print('xlsxwriter' in sys.modules or 'openpyxl' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


def test_a_number_no_cell_can_hold_is_written_as_it_was_typed(tmp_path: Path) -> None:
    """A double cannot hold 1E+400: the cell shows the number's text (made safe as any text is), never infinity."""
    target = tmp_path / "huge.xlsx"
    columns = [Column("Amount", "money"), Column("Score", "number")]
    write_workbook(target, [Table("Bids", columns, [[Decimal("1E+400"), Decimal("12.5")], [Decimal("-1E+999"), 3]])])
    sheet = load_workbook(target).worksheets[0]
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)] == [["1E+400", 12.5], ["'-1E+999", 3]]


def test_a_date_before_the_first_a_spreadsheet_can_show_is_kept_as_typed(tmp_path: Path) -> None:
    """Excel shows a date before 1 January 1900 as an error, so such a date is written as the text it was."""
    target = tmp_path / "dates.xlsx"
    given = ["0001-01-01", "1899-12-31", dt.date(1066, 10, 14), "1900-01-01", "9999-12-31"]
    write_workbook(target, [Table("Dates", [Column("Closing date", "date")], [[day] for day in given])])
    cells = [row[0] for row in load_workbook(target).worksheets[0].iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == [
        "0001-01-01", "1899-12-31", "1066-10-14", dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31)
    ]  # fmt: skip
    assert [cell.is_date for cell in cells] == [False, False, False, True, True]
    assert [fits(day, "date") for day in given] == [False, False, False, True, True]
