"""What ``commission evaluate`` gives an officer beyond the JSON: ``round.xlsx`` and a letter to each bidder.

The example round (examples/rounds/kent-2027.yaml, worked by hand in
tests/test_cli_evaluate.py) is decided once; the workbook and the letters are
read back with openpyxl and python-docx and checked against the round's own
JSON results, and LibreOffice converts the workbook and a letter to PDF.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml

from generator.cli import main
from generator.records.criteria import criteria_set
from generator.records.loading import load_data_file
from generator.records.project import project_settings
from tests.conftest import EXAMPLES, FIXTURES, reread_project
from tests.round_builder import build_round
from tests.template_factory import make_template

ROUND = EXAMPLES / "rounds" / "kent-2027.yaml"
LETTER_DAY = dt.date(2026, 9, 25)
#: The opening sentence of the letter for each outcome, as the shipped template words it.
OPENING = {
    "funded": "We are pleased to tell you that your bid is funded. We offer {amount} a year.",
    "reserve": "Your bid is not funded for now, but it is held in reserve",
    "not funded": "We are sorry to tell you that your bid is not funded in this round.",
    "not fundable": "We are sorry to tell you that your bid cannot be funded as it stands.",
    "not ranked": "Your bid was not ranked in this round, so it is not funded.",
}


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> tuple[Path, dict, dict]:
    out = tmp_path_factory.mktemp("round")
    argv = ["evaluate", str(ROUND), "--within", str(EXAMPLES), "--out", str(out), "--today", LETTER_DAY.isoformat()]
    assert main(argv) == 0
    summary = json.loads((out / "round-summary.json").read_text(encoding="utf-8"))
    workings = json.loads((out / "round-workings.json").read_text(encoding="utf-8"))
    return out, summary, workings


def _letter_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _money(value: float) -> str:
    return f"£{Decimal(str(value)):,.2f}"


def _everyone(summary: dict) -> list[tuple[dict, str, str]]:
    """Each bid of the round with its outcome and the reason a bidder is told (no note for the panel)."""
    ranked = [(bid, bid["decision"], bid["reason"].split(" Flagged for moderation:")[0]) for bid in summary["bids"]]
    return ranked + [(bid, "not ranked", bid["reason"]) for bid in summary["unevaluated"]]


def test_each_bidder_gets_one_letter_saying_its_outcome_and_why(decided):
    out, summary, _ = decided
    everyone = _everyone(summary)
    assert sorted(p.name for p in (out / "letters").glob("*.docx")) == sorted(
        f"{b['reference']}.docx" for b, _, _ in everyone
    )
    assert {outcome for _, outcome, _ in everyone} == set(OPENING)  # the example has every outcome
    settings = project_settings()
    for bid, outcome, reason in everyone:
        text = _letter_text(out / "letters" / f"{bid['reference']}.docx")
        opening = OPENING[outcome].format(amount=_money(bid.get("annual_amount", 0)))
        assert opening in text, bid["reference"]
        assert [o for o, words in OPENING.items() if words.split("{")[0] in text] == [outcome]
        assert reason in text and "Flagged for moderation" not in text
        assert bid["organisation"] in text and bid["reference"] in text
        assert settings.partnership in text and settings.contact.email in text
        assert "25 September 2026" in text and "24 September 2026" in text  # the letter's day, the decision's
        if outcome == "not ranked":
            assert "Your bid is ranked" not in text
        else:
            assert f"Your bid is ranked {bid['rank']} of {len(summary['bids'])} bids." in text
            assert f"It meets {bid['criteria_met']} of the 7 criteria in full." in text


def test_the_flagged_bid_is_told_its_reason_without_the_panels_note(decided):
    out, summary, _ = decided
    flagged = [bid for bid in summary["bids"] if "Flagged for moderation" in bid["reason"]]
    assert [bid["reference"] for bid in flagged] == ["GB-2026-002"]
    text = _letter_text(out / "letters" / "GB-2026-002.docx")
    assert "Held in reserve: £74,000.00 did not fit in the £59,500.00 left at its turn" in text
    assert "weighted scores range" not in text


def test_the_letters_are_listed_as_a_folder_in_what_was_written(tmp_path, capsys):
    assert main(["evaluate", str(ROUND), "--within", str(EXAMPLES), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{tmp_path / 'letters'}/  (8 outcome letters)" in out
    assert str(tmp_path / "round.xlsx") in out


# -- round.xlsx ------------------------------------------------------------------------------------------------


def _sheet(path: Path, title: str) -> tuple[list[str], list[dict[str, object]]]:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[title]
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [str(h) for h in header], [dict(zip(header, row, strict=True)) for row in rows]


def test_the_workbook_ranks_the_bids_as_the_json_does(decided):
    out, summary, workings = decided
    workbook = openpyxl.load_workbook(out / "round.xlsx")
    assert workbook.sheetnames == ["Growth bid application ranking", "Moderation"]
    header, rows = _sheet(out / "round.xlsx", "Growth bid application ranking")
    ranked, left_out = rows[: len(summary["bids"])], rows[len(summary["bids"]) :]
    assert [row["Bid reference"] for row in ranked] == [bid["reference"] for bid in summary["bids"]]
    assert [row["Rank"] for row in ranked] == [bid["rank"] for bid in summary["bids"]]
    kent, herefordshire = criteria_set("kent").criteria, criteria_set("herefordshire").criteria
    for column in ["Organisation", "Name of the proposal", "Annual amount", "Date of submission", "Criteria met"]:
        assert column in header
    for criterion in kent:
        assert f"({criterion.id}) {criterion.title}" in header
        for slot in (1, 2, 3):  # GB-2026-004 has three reports: two evaluators and the moderated one
            assert f"Evaluator {slot} – ({criterion.id}) {criterion.title}" in header
    assert "Evaluator 4" not in header
    for row, bid, working in zip(ranked, summary["bids"], workings["bids"], strict=True):
        assert row["Weighted score"] == bid["weighted_score"]
        assert row["Decision"] == bid["decision"] and row["Reason"] == bid["reason"]
        assert row["Annual amount"] == bid["annual_amount"]
        assert row["Date of submission"].date().isoformat() == working["submission_date"]
        assert row["Criteria met"] == bid["criteria_met"]
        for criterion in kent:
            assert row[f"({criterion.id}) {criterion.title}"] == working["answers"][criterion.id]
        for slot, evaluation in enumerate(working["evaluations"], start=1):
            moderated = " (moderated)" if evaluation["moderated"] else ""
            assert row[f"Evaluator {slot}"] == evaluation["evaluator"] + moderated
            assert row[f"Evaluator {slot} – weighted score"] == evaluation["weighted_score"]
            for criterion in kent:
                answer = row[f"Evaluator {slot} – ({criterion.id}) {criterion.title}"]
                assert answer == evaluation["answers"][criterion.id]
            report = load_data_file(Path(evaluation["file"]))
            given = {str(s["criterion"]): s["score"] for s in (report.get("weighted_scores") or {}).get("scores", [])}
            for criterion in herefordshire:
                assert row[f"Evaluator {slot} – score {criterion.id}: {criterion.title}"] == given.get(criterion.id)
    assert [(row["Bid reference"], row["Rank"], row["Decision"], row["Reason"]) for row in left_out] == [
        (bid["reference"], None, "not ranked", bid["reason"]) for bid in summary["unevaluated"]
    ]


def test_the_moderation_sheet_lists_each_reason_a_bid_is_flagged(decided):
    out, _, workings = decided
    _, rows = _sheet(out / "round.xlsx", "Moderation")
    flagged = [(w["reference"], flag) for w in workings["bids"] for flag in w["flagged_for_moderation"]]
    assert [(row["Bid reference"], row["Why flagged"]) for row in rows] == flagged
    (row,) = rows
    assert row["Evaluators"] == "Ute Vann; Claire Martin" and row["Criteria met by each"] == "6; 6"
    assert row["Weighted score of each"] == "62.50; 37.50" and row["Decision"] == "reserve"


def test_the_sheets_are_ready_to_use_typed_with_a_frozen_filtered_header(decided):
    out = decided[0]
    workbook = openpyxl.load_workbook(out / "round.xlsx")
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
        assert all(cell.font.bold for cell in sheet[1])
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    amount, submitted = (
        sheet.cell(2, header.index("Annual amount") + 1),
        sheet.cell(2, header.index("Date of submission") + 1),
    )
    assert amount.number_format == "£#,##0.00" and isinstance(amount.value, int | float)
    assert submitted.number_format == "dd/mm/yyyy" and isinstance(submitted.value, dt.datetime)


def test_a_bid_flagged_twice_has_two_rows_with_every_evaluator(tmp_path):
    fixture = yaml.safe_load((FIXTURES / "rounds" / "several-evaluators.yaml").read_text(encoding="utf-8"))
    round_path = build_round(fixture, tmp_path / "round")
    assert main(["evaluate", str(round_path), "--out", str(tmp_path / "out")]) == 0
    _, rows = _sheet(tmp_path / "out" / "round.xlsx", "Moderation")
    assert [row["Bid reference"] for row in rows] == ["S-THREE", "S-THREE"]
    assert "a spread of more than 1" in rows[0]["Why flagged"]
    assert "a spread of 47.50 points" in rows[1]["Why flagged"]
    for row in rows:
        assert row["Evaluators"] == "Evaluator 1; Evaluator 2; Evaluator 3"
        assert row["Criteria met by each"] == "6; 4; 6"
        assert row["Decision"] == "funded"
    _, ranked = _sheet(tmp_path / "out" / "round.xlsx", "Growth bid application ranking")
    moderated = next(row for row in ranked if row["Bid reference"] == "S-MOD")
    assert moderated["Evaluator 3"] == "Evaluator 3 (moderated)"
    assert moderated["Combined by"] == "moderated report by Evaluator 3 overrides the others"


def test_libreoffice_converts_the_workbook_and_a_letter_to_pdf(decided, tmp_path):
    out = decided[0]
    sources = [out / "round.xlsx", out / "letters" / "GB-2026-001.docx"]
    profile = tmp_path / "libreoffice-profile"
    converted = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *map(str, sources)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    texts = {}
    for source in sources:
        pdf = tmp_path / f"{source.stem}.pdf"
        assert pdf.is_file(), f"LibreOffice did not convert {source.name}: {converted.stdout} {converted.stderr}"
        result = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
        texts[source.stem] = re.sub(r"\s+", " ", result.stdout)
    assert "GB-2026-001" in texts["round"] and "£52,000.00" in texts["round"]
    assert "We offer £52,000.00 a year." in texts["GB-2026-001"]


def test_text_a_spreadsheet_would_run_is_kept_as_text_and_each_letter_gets_a_safe_name(tmp_path):
    fixture = {
        "round": {"money_available": 100000.00},
        "bids": [
            {"reference": ref, "amount": 1000.00, "submitted": "2026-08-01", "evaluations": [{"met": "abcdefg"}]}
            for ref in ("=HYPERLINK(1)", "GB:1", "GB 1")
        ],
    }
    round_path = build_round(fixture, tmp_path / "round")
    assert main(["evaluate", str(round_path), "--out", str(tmp_path / "out")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "out" / "round.xlsx").worksheets[0]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type != "f" for cell in cells)
    assert any("HYPERLINK(1)" in str(cell.value) for cell in cells)
    names = sorted(p.name for p in (tmp_path / "out" / "letters").glob("*.docx"))
    assert names == ["GB-1-2.docx", "GB-1.docx", "HYPERLINK-1.docx"]


def test_an_officers_own_wording_and_partnership_are_used(shipped_copy: Path, tmp_path: Path):
    make_template(
        shipped_copy / "templates" / "outcome-letter.docx",
        [["From ", "{{ partnership.name }}", " to ", "{{ bid.organisation }}", ": ", "{{ bid.reference }}", " is ",
          "{{ outcome }}", ". ", "{{ reason }}"]],
        identifier="urn:commission:schema:outcome-letter:1.0.0",
    )  # fmt: skip
    (shipped_copy / "commission.yaml").write_text(
        "partnership: Borough Partnership\ncontact: {name: Grants team, email: grants@borough.example.gov.uk}\n",
        encoding="utf-8",
    )
    reread_project()
    assert main(["templates", "check"]) == 0
    out = tmp_path / "out"
    assert main(["evaluate", str(ROUND), "--within", str(EXAMPLES), "--out", str(out)]) == 0
    text = _letter_text(out / "letters" / "GB-2026-005.docx")
    assert text.startswith("From Borough Partnership to Thanet District Council: GB-2026-005 is not fundable. Cannot")


def test_a_letter_from_an_earlier_run_for_a_bid_no_longer_in_the_round_is_removed(tmp_path):
    fixture = yaml.safe_load((FIXTURES / "rounds" / "several-evaluators.yaml").read_text(encoding="utf-8"))
    round_path = build_round(fixture, tmp_path / "round")
    out = tmp_path / "out"
    (out / "letters").mkdir(parents=True)
    (out / "letters" / "WITHDRAWN.docx").write_bytes(b"an earlier run's letter")
    assert main(["evaluate", str(round_path), "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "letters").iterdir()) == ["S-EVEN.docx", "S-MOD.docx", "S-THREE.docx"]
