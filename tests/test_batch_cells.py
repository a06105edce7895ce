"""Export cells are safe to open: no formulas, no links, no forbidden characters, no overlong cells."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from generator.batch.cells import CELL_LIMIT, cell_value
from generator.batch.run import run_batch
from generator.forms.layout import load_layout
from generator.spreadsheets.cells import _FORBIDDEN
from tests.batch_helpers import scripted_parse, valid_bid, write_script

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x.invalid","click")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_could_run_as_a_formula_is_neutralised(text: str) -> None:
    assert cell_value(text) == "'" + text


@pytest.mark.parametrize("number", [-5, 0, 12500.5, -0.25])
def test_numbers_stay_numbers(number: float) -> None:
    assert cell_value(number) == number


def test_forbidden_characters_are_removed_before_neutralising() -> None:
    assert cell_value("a\x00b\x07c\x1fd\ufffe") == "abcd"
    assert cell_value("\x01=1+1") == "'=1+1"
    assert cell_value("line one\nline two") == "line one\nline two"


@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=40))  # surrogates too
def test_no_forbidden_character_is_left_in_any_text(text: str) -> None:
    """Printable text is let through unsearched: it must hold none of the characters XLSX forbids."""
    made = cell_value(text)
    assert isinstance(made, str)
    assert not _FORBIDDEN.search(made)
    cleaned = _FORBIDDEN.sub("", text)
    assert made == ("'" + cleaned if cleaned.startswith(("=", "+", "-", "@", "\t", "\r")) else cleaned)


def test_overlong_text_is_cut_to_the_cell_limit_with_a_marker() -> None:
    cut = cell_value("x" * 40_000)
    assert isinstance(cut, str)
    assert len(cut) == CELL_LIMIT
    assert cut.endswith("[cut: 40,000 characters in full in returns.jsonl]")


@pytest.fixture
def hostile_batch(tmp_path: Path) -> Path:
    """A batch of one return whose organisation and title are hostile text."""
    bid = valid_bid("=cmd|' /C calc'!A0", title="a\x00b" + "y" * 40_000)
    bid["record"]["service_users"] = -3
    write_script(tmp_path / "in" / "hostile.docx", envelope=bid)
    run_batch(tmp_path / "in", tmp_path / "out", parse=scripted_parse)
    return tmp_path / "out"


def _label(pointer: str) -> str:
    return next(q.label for q in load_layout("growth-bid").questions() if q.pointer == pointer)


def _column(rows: list[list[object]], pointer: str) -> list[object]:
    index = rows[0].index(_label(pointer))
    return [row[index] for row in rows[1:]]


def test_xlsx_cells_are_plain_values_never_formulas_or_links(hostile_batch: Path) -> None:
    workbook = load_workbook(hostile_batch / "returns.xlsx")
    sheet = workbook[load_layout("growth-bid").title]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert cell.hyperlink is None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert _column(rows, "/applicant/organisation") == ["'=cmd|' /C calc'!A0"]
    assert _column(rows, "/service_users") == [-3]
    title = _column(rows, "/proposal_title")[0]
    assert isinstance(title, str) and len(title) == CELL_LIMIT and title.startswith("aby")
    assert "[cut: 40,002 characters" in title


def test_csv_cells_are_neutralised_cleaned_and_cut(hostile_batch: Path) -> None:
    raw = (hostile_batch / "csv" / "growth-bid.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(hostile_batch / "csv" / "growth-bid.csv", encoding="utf-8-sig", newline="") as handle:
        rows: list[list[object]] = list(csv.reader(handle))
    assert _column(rows, "/applicant/organisation") == ["'=cmd|' /C calc'!A0"]
    title = str(_column(rows, "/proposal_title")[0])
    assert "\x00" not in title and len(title) == CELL_LIMIT
    assert _column(rows, "/service_users") == ["-3"]


def test_the_full_text_is_kept_in_the_json_lines(hostile_batch: Path) -> None:
    text = (hostile_batch / "returns.jsonl").read_text(encoding="utf-8")
    assert "y" * 40_000 in text
