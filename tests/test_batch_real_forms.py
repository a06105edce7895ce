"""A batch over real filled forms: Word and PDF returns land in the same sheet, typed, with errors to chase."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

from openpyxl import load_workbook

from generator.batch.run import run_batch
from generator.forms.layout import load_layout
from generator.ooxml.fill import fill_form
from generator.records.loading import load_data_file
from tests.conftest import EXAMPLES, ROOT
from tests.pdf_clients import field_values, fill_pypdf


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "in"
    shutil.copytree(EXAMPLES / "returns", inbox)
    layout = load_layout("growth-bid")
    thanet = load_data_file(EXAMPLES / "growth-bid" / "thanet-domestic-abuse-outreach.json")
    blank = (ROOT / "forms" / "growth-bid.docx").read_bytes()
    (inbox / "word" / "thanet.DOCX").parent.mkdir()
    (inbox / "word" / "thanet.DOCX").write_bytes(fill_form(blank, layout, thanet))
    ashford = load_data_file(EXAMPLES / "growth-bid" / "ashford-mental-health-floating-support.yaml")
    fill_pypdf(ROOT / "forms" / "growth-bid.pdf", field_values(layout, ashford), inbox / "ashford.pdf")
    # The two sample Word returns are the same Dartford bid; the invalid one arrived last, so it is the one to chase.
    for age, name in enumerate(["growth-bid-invalid.docx", "growth-bid-valid.docx"]):
        os.utime(inbox / name, (1_700_000_000 - age * 60, 1_700_000_000 - age * 60))
    return inbox


def test_word_and_pdf_returns_are_read_into_one_sheet_with_errors_to_chase(tmp_path: Path, today) -> None:
    inbox = _inbox(tmp_path)
    result = run_batch(inbox, tmp_path / "out", jobs=2, today=today)
    assert result.counts == {"valid": 2, "invalid": 1, "unreadable": 1, "superseded": 1}
    thanet = load_data_file(EXAMPLES / "growth-bid" / "thanet-domestic-abuse-outreach.json")
    sheet = load_workbook(tmp_path / "out" / "returns.xlsx")[load_layout("growth-bid").title]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    by_file = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_file) == {"ashford.pdf", "growth-bid-invalid.docx", "word/thanet.DOCX"}, "one row per bid"
    assert by_file["growth-bid-invalid.docx"]["Earlier versions"] == 1
    history = load_workbook(tmp_path / "out" / "returns.xlsx")["Every version received"]
    superseded = {row[0]: row[10] for row in history.iter_rows(values_only=True)}
    assert superseded["growth-bid-valid.docx"] == "growth-bid-invalid.docx"
    files = load_workbook(tmp_path / "out" / "returns.xlsx")["Files"]
    assert ["growth-bid-broken.docx", "unreadable"] in [[c.value for c in row][:2] for row in files.iter_rows()]
    amount = next(q.label for q in load_layout("growth-bid").questions() if q.pointer == "/annual_amount")
    assert by_file["word/thanet.DOCX"][amount] == thanet["annual_amount"]
    assert by_file["word/thanet.DOCX"]["Organisation"] == thanet["applicant"]["organisation"]
    assert by_file["ashford.pdf"]["Status"] == "valid"
    with open(tmp_path / "out" / "csv" / "errors.csv", encoding="utf-8-sig", newline="") as handle:
        errors = list(csv.DictReader(handle))
    invalid = [e for e in errors if e["File"] == "growth-bid-invalid.docx"]
    assert {e["Field"] for e in invalid} >= {"Annual amount"}
    assert all(e["Organisation"] for e in invalid)
    broken = [e for e in errors if e["File"] == "growth-bid-broken.docx"]
    assert len(broken) == 1 and "damaged" in broken[0]["Problem"]
