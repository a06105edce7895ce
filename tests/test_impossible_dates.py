"""A date that is no day of the calendar is told so, whether typed on a form or written in a record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.pdf.fill import fill_pdf
from generator.records.coerce import to_date, why_not_a_date
from generator.records.validation import validate_record

from .conftest import TODAY

ROOT = Path(__file__).resolve().parent.parent

SAID = {
    "31/02/2027": "31 February 2027 is not a date: February has 28 days in 2027",
    "29 Feb 2027": "29 February 2027 is not a date: February has 28 days in 2027",
    "31 April 2027": "31 April 2027 is not a date: April has 30 days",
    "1/13/2027": "1/13/2027 is not a date: there is no month 13",
}


@pytest.mark.parametrize("typed", sorted(SAID))
def test_a_typed_date_that_does_not_exist_is_kept_as_typed_and_explained(typed: str) -> None:
    assert to_date(typed) == typed
    assert why_not_a_date(typed) == SAID[typed]


def test_real_dates_and_non_dates_get_no_explanation() -> None:
    assert why_not_a_date("29/02/2028") is None
    assert to_date("29/02/2028") == "2028-02-29"
    assert why_not_a_date("next Tuesday") is None


def test_a_pdf_return_with_31_february_says_it_is_not_a_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bid.pdf"
    path.write_bytes(fill_pdf((ROOT / "forms" / "growth-bid.pdf").read_bytes(), {"start_date": "31/02/2027"}))
    main(["parse", str(path), "--today", TODAY.isoformat()])
    errors = json.loads(capsys.readouterr().out)["errors"]
    start = next(error for error in errors if error["path"] == "/start_date")
    assert start["message"].startswith("31 February 2027 is not a date: February has 28 days in 2027; enter a date")


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("2027-02-31", "31 February 2027 is not a date: February has 28 days in 2027"),
        ("2027-04-31", "31 April 2027 is not a date: April has 30 days"),
        ("2027-13-01", "2027-13-01 is not a date: there is no month 13"),
    ],
)
def test_a_record_with_a_date_that_does_not_exist_says_so(written: str, said: str, tmp_path: Path) -> None:
    issues = [issue for issue in validate_record({"start_date": written}, "growth-bid") if issue.path == "/start_date"]
    assert [issue.message.split(";")[0] for issue in issues] == [said]


def test_validate_prints_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bid.yaml"
    path.write_text("start_date: '2027-02-29'\n", encoding="utf-8")
    assert main(["validate", str(path), "--kind", "growth-bid"]) == 1
    assert "29 February 2027 is not a date: February has 28 days in 2027" in capsys.readouterr().out
