"""returns.xlsx is ready for an officer: typed cells, bold frozen filtered headers, named sheets, a true Summary.

A batch over scripted returns (valid bids, a bid sent twice, an answer that could
not be read as its type, a crash, a copy, a note), then the workbook opened with
openpyxl and checked sheet by sheet, and printed to PDF by LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
import statistics
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from generator.batch import register as register_module
from generator.batch.exports import write_exports
from generator.batch.register import Register
from generator.batch.run import run_batch
from generator.forms.layout import load_layout
from generator.records.project import project_settings
from generator.spreadsheets.workbook import DATE_FORMAT, MONEY_FORMAT, SHEET_NAME_LIMIT, WIDTH_CAP
from tests.batch_helpers import envelope, scripted_parse, valid_bid, write_script
from tests.conftest import shown_width

KIND = "growth-bid"
RECEIVED = dt.datetime(2026, 8, 20, 10, 0, tzinfo=dt.UTC)


def _bid(organisation: str, amount: float, submitted: str, partner: bool, **more: Any) -> dict[str, Any]:
    bid = valid_bid(organisation, title=f"{organisation} outreach")
    bid["record"].update(annual_amount=amount, submission_date=submitted, start_date="2027-04-01", **more)
    bid["record"]["applicant"]["is_commissioning_partner"] = partner
    bid["raw"] = {**bid["raw"], "/annual_amount": f"£{amount:,.2f}", "/submission_date": submitted}
    return bid


def _mistyped() -> dict[str, Any]:
    """A return whose amount and start date could not be read as their types: the record lacks them."""
    record = {"proposal_title": "Delta outreach", "applicant": {"organisation": "Delta Trust"}}
    errors = [
        {"path": "/annual_amount", "field": "Annual amount", "message": "enter an amount in pounds, such as 12500.00",
         "value": "twelve thousand", "rule": "type", "question": "3.6"},
        {"path": "/start_date", "field": "Proposed start date", "message": "enter a date, such as 1 April 2027",
         "value": "31/02/2027", "rule": "format"},
    ]  # fmt: skip
    bid = envelope(KIND, record, errors)
    bid["raw"] = {"/proposal_title": "Delta outreach", "/annual_amount": "twelve thousand", "/start_date": "31/02/2027"}
    return bid


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workbook")
    inbox = root / "in"
    partners = [{"organisation": "Kent County Council", "contact_name": "Sam", "support_confirmed": True},
                {"organisation": "Swale Borough Council", "contact_name": "Kim", "support_confirmed": False}]  # fmt: skip
    write_script(inbox / "acme-first.docx", envelope=_bid("Acme", 99_999.0, "2026-08-01", True))
    write_script(inbox / "acme-second.docx", envelope=_bid("Acme", 12_500.5, "2026-08-14", True,
                                                           supporting_partners=partners))  # fmt: skip
    write_script(inbox / "beta.pdf", envelope=_bid("Beta", 30_000.0, "2026-08-10", False))
    write_script(inbox / "gamma.docx", envelope=_bid("Gamma", 7_000.25, "2026-08-12", True))
    write_script(inbox / "delta.docx", envelope=_mistyped())
    write_script(inbox / "broken.pdf", crash=True)
    shutil.copyfile(inbox / "beta.pdf", inbox / "beta (copy).pdf")
    (inbox / "notes.txt").write_text("a note", encoding="utf-8")
    run_batch(inbox, root / "out", parse=scripted_parse, now=RECEIVED)
    return root / "out"


@pytest.fixture(scope="module")
def book(batch: Path) -> Any:
    return load_workbook(batch / "returns.xlsx")


def _table(sheet: Worksheet) -> list[dict[str, Any]]:
    rows = [[cell for cell in row] for row in sheet.iter_rows()]
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _label(pointer: str) -> str:
    return next(q.label for q in load_layout(KIND).answer_boxes() if q.pointer == pointer)


def test_every_sheet_has_a_bold_frozen_header_a_filter_and_fitted_widths(book: Any) -> None:
    assert len(book.worksheets) == 7
    for sheet in book.worksheets:
        header = next(sheet.iter_rows(max_row=1))
        assert all(cell.font.b for cell in header), sheet.title
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{header[-1].column_letter}{sheet.max_row}", sheet.title
        for cell in header:
            width = shown_width(sheet, cell.column)
            assert min(len(cell.value), WIDTH_CAP) + 2 <= width <= WIDTH_CAP + 2, (sheet.title, cell.value)
            shown = [len(c.value) for (c,) in sheet.iter_rows(min_row=2, min_col=cell.column, max_col=cell.column)
                     if isinstance(c.value, str) and "\n" not in c.value]  # fmt: skip
            assert all(min(length, WIDTH_CAP) + 2 <= width for length in shown), (sheet.title, cell.value)


def test_sheet_names_come_from_labels_within_excels_limit(book: Any) -> None:
    layout = load_layout(KIND)
    labels = [
        "Summary",
        "Files",
        layout.title,
        *(q.label for q in layout.questions() if q.columns),
        "Every version received",
        "Errors",
    ]
    assert len(book.sheetnames) == len(labels) == len({name.casefold() for name in book.sheetnames})
    for name, label in zip(book.sheetnames, labels, strict=True):
        assert len(name) <= SHEET_NAME_LIMIT and label.startswith(name), (name, label)
    assert not any(KIND in name or "_" in name for name in book.sheetnames)


def test_dates_money_and_yes_no_are_typed_cells(book: Any) -> None:
    bids = {row["File"].value: row for row in _table(book[load_layout(KIND).title])}
    assert set(bids) == {"acme-second.docx", "beta.pdf", "delta.docx", "gamma.docx"}
    acme = bids["acme-second.docx"]
    submitted = acme[_label("/submission_date")]
    assert submitted.value == dt.datetime(2026, 8, 14) and submitted.is_date
    assert submitted.number_format == DATE_FORMAT
    amount = acme[_label("/annual_amount")]
    assert (amount.value, amount.data_type, amount.number_format) == (12_500.5, "n", MONEY_FORMAT)
    assert bids["gamma.docx"][_label("/annual_amount")].value == 7_000.25
    partner = _label("/applicant/is_commissioning_partner")
    assert [bids[name][partner].value for name in ("acme-second.docx", "beta.pdf")] == ["Yes", "No"]
    assert acme[_label("/service_users")].value == 40
    partners = _table(book["Supporting commissioning"])
    assert [row["Support confirmed in writing"].value for row in partners] == ["Yes", "No"]
    history = {row["File"].value: row for row in _table(book["Every version received"])}
    assert history["acme-first.docx"]["Date on the form"].value == dt.datetime(2026, 8, 1)
    assert history["acme-first.docx"]["Date on the form"].number_format == DATE_FORMAT


def test_an_answer_that_failed_its_type_stays_as_typed_and_the_status_says_so(book: Any) -> None:
    bids = {row["File"].value: row for row in _table(book[load_layout(KIND).title])}
    delta = bids["delta.docx"]
    assert delta[_label("/annual_amount")].value == "twelve thousand"
    assert delta[_label("/annual_amount")].data_type == "s"
    assert delta[_label("/start_date")].value == "31/02/2027"
    assert delta["Status"].value == f"invalid (kept as typed: {_label('/annual_amount')}, {_label('/start_date')})"
    assert bids["acme-second.docx"]["Status"].value == "valid"


def test_the_csv_keeps_the_plain_status(batch: Path) -> None:
    text = (batch / "csv" / f"{KIND}.csv").read_text(encoding="utf-8-sig")
    assert "kept as typed" not in text and "delta.docx,,1.0.0,invalid," in text  # no reference: it is invalid


def _files_in_folder_now(batch: Path) -> list[tuple[str, str | None, str | None]]:
    """(status or superseded, kind, version) of every name in the folder now, straight from the register."""
    db = sqlite3.connect(batch / "register.sqlite")
    try:
        return db.execute(
            "SELECT CASE WHEN superseded_by IS NULL THEN status ELSE 'superseded' END, kind, version "
            "FROM names JOIN received ON received.id = names.received WHERE names.gone_at IS NULL"
        ).fetchall()
    finally:
        db.close()


def test_the_summary_counts_files_and_what_the_current_valid_bids_ask_for(batch: Path, book: Any) -> None:
    summary = [[cell.value for cell in row] for row in book["Summary"].iter_rows(min_row=2)]
    assert book.sheetnames[0] == "Summary"
    found = _files_in_folder_now(batch)
    by = {(row[0], row[1]): row[2] for row in summary}
    for status in ("valid", "invalid", "unreadable", "skipped", "superseded"):
        assert by["Status", status] == sum(1 for s, _, _ in found if s == status), status
    title = load_layout(KIND).title
    assert by["Form", title] == sum(1 for _, kind, _ in found if kind == KIND)
    assert by["Version", f"{title} 1.0.0"] == sum(1 for _, _, version in found if version == "1.0.0")
    assert by["All", "files in the folder now"] == len(found) == 8

    amount = project_settings().round["fields"]["amount"].strip("/")  # the round's own amount question
    returns = [json.loads(line) for line in (batch / "returns.jsonl").read_text(encoding="utf-8").splitlines()]
    asked = [Decimal(str(r["record"][amount])) for r in returns
             if r["kind"] == KIND and r["status"] == "valid" and r["superseded_by"] is None and r["gone_at"] is None]  # fmt: skip
    assert sorted(asked) == [Decimal("7000.25"), Decimal("12500.5"), Decimal("30000.0")]
    totals = {row[0]: row for row in summary if row[0].endswith("asked for")}
    assert totals["Total asked for"][2:] == [3, float(sum(asked))]
    assert totals["Median asked for"][2:] == [3, float(statistics.median(asked))]
    assert _label(f"/{amount}") in totals["Total asked for"][1]
    money = [row[3] for row in book["Summary"].iter_rows(min_row=2) if row[3].value is not None]
    assert money and all(cell.number_format == MONEY_FORMAT for cell in money)


def test_the_error_report_counts_problems_and_names_each_question_as_on_the_form(batch: Path) -> None:
    report = (batch / "errors.txt").read_text(encoding="utf-8")
    assert "delta.docx  (Delta Trust): 2 problems\n" in report and "problem(s)" not in report
    lines = report.split("delta.docx  (Delta Trust): 2 problems\n")[1].splitlines()[:2]
    assert lines == ["    3.6 Annual amount: enter an amount in pounds, such as 12500.00",
                     "    Proposed start date: enter a date, such as 1 April 2027"], "in the order they came"  # fmt: skip


def test_every_export_comes_from_one_pass_decoding_each_content_once(
    batch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = tmp_path / "again"
    again.mkdir()
    shutil.copyfile(batch / "register.sqlite", again / "register.sqlite")
    decoded: list[int] = []
    scans: list[str] = []
    real_version, real_versions = register_module._version, Register.versions

    def counted_version(values: tuple[Any, ...]) -> Any:
        row = real_version(values)
        decoded.append(row.id)
        return row

    def counted_versions(self: Register, *args: Any, **kwargs: Any) -> Any:
        scans.append("versions")
        return real_versions(self, *args, **kwargs)

    def refused(self: Register) -> Any:
        raise AssertionError("sightings() decodes every content again")

    monkeypatch.setattr(register_module, "_version", counted_version)
    monkeypatch.setattr(Register, "versions", counted_versions)
    monkeypatch.setattr(Register, "sightings", refused)
    with Register(again / "register.sqlite") as register:
        exported = write_exports(register, again)
    assert scans == ["versions"] and sorted(decoded) == sorted(set(decoded)) and len(decoded) == 8 - 1  # one copy
    assert exported.duplicates == [("beta (copy).pdf", "beta.pdf")]
    for name in ("returns.jsonl", "errors.txt", *(f"csv/{p.name}" for p in (batch / "csv").iterdir())):
        assert (again / name).read_bytes() == (batch / name).read_bytes(), name


def test_formulas_stay_text(book: Any) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f" and cell.hyperlink is None


def test_libreoffice_prints_the_workbook_to_pdf(batch: Path, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    converted = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(batch / "returns.xlsx")],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    pdf = tmp_path / "returns.pdf"
    assert pdf.is_file(), converted.stdout + converted.stderr
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)  # fmt: skip
    assert "£12,500.50" in text and "14/08/2026" in text and "twelve thousand" in text
    assert "£49,500.75" in text  # the Summary's total
