"""Every list of problems is told in the order of the form, each with its question's number."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.forms.layout import load_layout
from generator.forms.order import in_form_order
from generator.ooxml.fill import fill_form
from generator.pdf.fill import fill_pdf
from generator.records.issues import Issue
from generator.records.loading import load_data_file

from .conftest import EXAMPLES, TODAY

ROOT = Path(__file__).resolve().parent.parent
KIND = "growth-bid"


def _numbers(issues: list[dict]) -> list[tuple[int, ...]]:
    return [tuple(int(part) for part in issue["question"].split(".")) for issue in issues]


def _parsed(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    main(["parse", str(path), "--today", TODAY.isoformat()])
    return json.loads(capsys.readouterr().out)


def _section_numbers(layout_kind: str = KIND) -> dict[str, str]:
    return {question.pointer: question.number for question in load_layout(layout_kind).questions()}


def test_a_word_return_with_problems_in_several_sections_is_told_in_form_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = copy.deepcopy(load_data_file(EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml"))
    record["strategic_context"]["c"] = ""
    record["supporting_partners"][0]["organisation"] = ""
    record["annual_amount"] = -5
    record["applicant"]["email"] = "not-an-email"
    del record["proposal_title"]
    path = tmp_path / "invalid.docx"
    path.write_bytes(fill_form((ROOT / "forms" / f"{KIND}.docx").read_bytes(), load_layout(KIND), record))
    envelope = _parsed(path, capsys)
    assert envelope["status"] == "invalid"
    numbers = _numbers(envelope["errors"])
    assert numbers == sorted(numbers)
    assert len({number[0] for number in numbers}) >= 4, "problems in several sections"
    by_path = {error["path"]: error["question"] for error in envelope["errors"]}
    questions = _section_numbers()
    assert by_path["/annual_amount"] == questions["/annual_amount"]
    assert by_path["/supporting_partners/0/organisation"] == questions["/supporting_partners"]


def test_a_pdf_return_with_problems_in_several_sections_is_told_in_form_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = {"applicant/email": "nope", "annual_amount": "lots", "supporting_partners/1/organisation": "X"}
    path = tmp_path / "invalid.pdf"
    path.write_bytes(fill_pdf((ROOT / "forms" / f"{KIND}.pdf").read_bytes(), values))
    envelope = _parsed(path, capsys)
    numbers = _numbers(envelope["errors"])
    assert numbers == sorted(numbers)
    assert len({number[0] for number in numbers}) >= 4
    assert all(error["question"] for error in envelope["errors"] if error["path"])


def test_validate_prints_each_problem_with_its_number_in_form_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = copy.deepcopy(load_data_file(EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml"))
    record["strategic_context"]["g"] = ""
    record["applicant"]["email"] = "not-an-email"
    record["annual_amount"] = "lots"
    path = tmp_path / "bid.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    assert main(["validate", str(path), "--kind", KIND, "--json", "--today", TODAY.isoformat()]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    questions = _section_numbers()
    assert [error["question"] for error in errors] == [
        questions["/applicant/email"],
        questions["/annual_amount"],
        questions["/strategic_context/g"],
    ]
    assert main(["validate", str(path), "--kind", KIND, "--today", TODAY.isoformat()]) == 1
    text = capsys.readouterr().out
    assert "3 problems found" in text
    assert f"{questions['/annual_amount']} Annual amount: enter an amount in pounds" in text


def test_whole_file_problems_come_first_and_unknown_answers_last() -> None:
    layout = load_layout(KIND)
    issues = [
        Issue("/nonsense", "nonsense", "not a question"),
        Issue("/summary", "Summary", "fill in"),
        Issue("", "File", "older version", severity="warning"),
        Issue("/proposal_title", "Name", "fill in"),
    ]
    ordered = in_form_order(issues, layout)
    assert [issue.path for issue in ordered] == ["", "/proposal_title", "/summary", "/nonsense"]
    questions = _section_numbers()
    assert [issue.question for issue in ordered] == ["", questions["/proposal_title"], questions["/summary"], ""]
