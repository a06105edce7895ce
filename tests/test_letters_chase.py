"""``commission batch`` writes letters/ and chase.csv: one Word letter for each bid whose current return needs action."""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest

from generator.cli import main
from generator.documents.display import long_date
from generator.documents.pdf_export import export_pdf
from generator.forms.layout import load_layout
from generator.letters.writing import FileNames, safe_stem
from generator.ooxml.fill import fill_form
from generator.projects.new import new_project
from generator.projects.switch import switch_project
from generator.records.loading import load_data_file
from generator.records.project import project_settings
from generator.records.validation import validate_record
from generator.returns.parse import parse_return
from tests.conftest import EXAMPLES, FIXTURES, ROOT, TODAY

FORMULA = '=HYPERLINK("http://evil.example","Click")'


def _letter_text(path: Path) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(str(path)).paragraphs)


def _rows(out: Path) -> list[dict[str, str]]:
    with open(out / "chase.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _bid(name: str) -> dict[str, Any]:
    return copy.deepcopy(load_data_file(EXAMPLES / "growth-bid" / name))


def _fill(target: Path, record: dict[str, Any]) -> Path:
    blank = (ROOT / "forms" / "growth-bid.docx").read_bytes()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(fill_form(blank, load_layout("growth-bid"), record))
    return target


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """An inbox of returns batched once: what needs a letter, what does not, and the printed summary."""
    folder = tmp_path_factory.mktemp("chase")
    inbox = folder / "in"
    shutil.copytree(EXAMPLES / "returns", inbox)
    # The two sample Word returns are the same Dartford bid; the valid one came last: the invalid one is superseded.
    for age, name in enumerate(["growth-bid-valid.docx", "growth-bid-invalid.docx"]):
        os.utime(inbox / name, (1_700_000_000 - age * 60, 1_700_000_000 - age * 60))
    canterbury = _bid("canterbury-rough-sleepers.yaml")
    del canterbury["annual_amount"], canterbury["summary"]
    _fill(inbox / "canterbury.docx", canterbury)
    shutil.copy(inbox / "canterbury.docx", inbox / "copy of canterbury.docx")  # the same file twice: one letter
    formula = _bid("swale-teenage-parents.yaml")
    formula["applicant"]["organisation"] = FORMULA
    del formula["start_date"]
    _fill(inbox / "sub" / "swale.docx", formula)
    shutil.copy(FIXTURES / "returns" / "formats" / "growth-bid.doc", inbox / "old.doc")
    out = folder / "out"
    code = main(["batch", str(inbox), "--out", str(out), "--jobs", "2", "--today", TODAY.isoformat()])
    assert code == 1
    return inbox, out, ""


def test_a_letter_for_each_bid_needing_action_and_none_for_the_others(batch) -> None:
    _, out, _ = batch
    letters = sorted(path.name for path in (out / "letters").iterdir())
    assert letters == [
        "canterbury-city-council.docx",
        "growth-bid-broken-docx.docx",
        "hyperlink-http-evil-example-click.docx",
        "old-doc.docx",
    ]
    chased = {row["Return file"] for row in _rows(out)}
    assert chased == {"canterbury.docx", "growth-bid-broken.docx", "old.doc", "sub/swale.docx"}
    # The superseded invalid return, the valid one and the second name of the same file are not chased.
    assert not chased & {"growth-bid-invalid.docx", "growth-bid-valid.docx", "copy of canterbury.docx"}


def test_each_letter_names_the_bidder_every_problem_and_the_closing_date(batch) -> None:
    inbox, out, _ = batch
    closing = project_settings().closing_date
    assert closing is not None
    record = _bid("canterbury-rough-sleepers.yaml")
    text = _letter_text(out / "letters" / "canterbury-city-council.docx")
    assert record["applicant"]["organisation"] in text
    assert record["applicant"]["contact_names"] in text and record["applicant"]["email"] in text
    problems = parse_return(inbox / "canterbury.docx", today=TODAY).errors
    assert len(problems) >= 2
    lines = [issue.line() for issue in problems]
    assert all(line in text for line in lines)
    assert [text.index(line) for line in lines] == sorted(text.index(line) for line in lines), "in the issues' order"
    assert long_date(closing) in text
    settings = project_settings()
    assert settings.partnership in text and str(settings.returns.email) in text


def test_an_unreadable_file_s_letter_says_what_to_send_instead(batch) -> None:
    _, out, _ = batch
    text = _letter_text(out / "letters" / "growth-bid-broken-docx.docx")
    assert "growth-bid-broken.docx" in text and "could not read it" in text
    assert "fresh copy of the Growth bid application (growth-bid.docx or growth-bid.pdf)" in text
    assert "Dear applicant," in text
    old = _letter_text(out / "letters" / "old-doc.docx")
    assert "could not read it: this is an old-style Word (.doc) file." in old
    assert "ask for" not in old, "what the batch tells the officer to ask for is not said to the bidder"


def test_chase_csv_is_ready_for_a_mail_merge_and_formula_safe(batch) -> None:
    _, out, _ = batch
    assert (out / "chase.csv").read_bytes().startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel and Word"
    rows = _rows(out)
    assert list(rows[0]) == ["Organisation", "Contact name", "Email", "Subject", "Body", "Letter", "Return file"]
    by_file = {row["Return file"]: row for row in rows}
    canterbury = _bid("canterbury-rough-sleepers.yaml")["applicant"]
    row = by_file["canterbury.docx"]
    assert (row["Organisation"], row["Contact name"], row["Email"]) == (
        canterbury["organisation"],
        canterbury["contact_names"],
        canterbury["email"],
    )
    problems = [issue.line() for issue in parse_return(out.parent / "in" / "canterbury.docx", today=TODAY).errors]
    assert row["Subject"] == f"Your Growth bid application: {len(problems)} things to put right"
    assert row["Body"].startswith(f"Dear {canterbury['contact_names']},")
    assert all(f"- {line}" in row["Body"] for line in problems)
    assert row["Letter"] == "canterbury-city-council.docx"
    swale = by_file["sub/swale.docx"]
    assert swale["Organisation"] == "'" + FORMULA, "a formula is shown as text, never run"
    assert "1 thing to put right" in swale["Subject"]
    assert FORMULA in _letter_text(out / "letters" / swale["Letter"]), "the letter shows it as typed"
    broken = by_file["growth-bid-broken.docx"]
    assert (broken["Organisation"], broken["Contact name"], broken["Email"]) == ("", "", "")


def test_the_summary_counts_the_letters_and_those_without_an_email(batch, capsys) -> None:
    inbox, _, _ = batch
    out = inbox.parent / "again"
    assert main(["batch", str(inbox), "--out", str(out), "--jobs", "1", "--today", TODAY.isoformat()]) == 1
    shown = capsys.readouterr().out
    assert f"Letters: 4 letters to bidders in {out / 'letters'} (2 with no email address known" in shown
    assert f"For a mail merge (Word or Outlook): {(out / 'chase.csv').resolve()}" in shown


def test_letters_are_written_afresh_so_a_bid_no_longer_chased_has_none(batch, tmp_path: Path) -> None:
    inbox, _, _ = batch
    mine = tmp_path / "in"
    shutil.copytree(inbox, mine)
    out = tmp_path / "out"
    assert main(["batch", str(mine), "--out", str(out), "--jobs", "1"]) == 1
    assert (out / "letters" / "growth-bid-broken-docx.docx").is_file()
    (mine / "growth-bid-broken.docx").unlink()  # gone from the folder: kept in the register, not chased
    assert main(["batch", str(mine), "--out", str(out), "--jobs", "1"]) == 1
    assert not (out / "letters" / "growth-bid-broken-docx.docx").exists()
    assert "growth-bid-broken.docx" not in {row["Return file"] for row in _rows(out)}
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [], "no temporary folder left behind"
    assert main(["batch", str(mine), "--out", str(tmp_path / "quiet"), "--jobs", "1", "--no-letters"]) == 1
    assert not (tmp_path / "quiet" / "letters").exists() and not (tmp_path / "quiet" / "chase.csv").exists()


def test_a_letter_that_cannot_be_made_is_reported_and_the_others_are_written(batch, tmp_path, monkeypatch, capsys):
    from generator.letters import chase

    inbox, _, _ = batch
    real = chase.render_letter

    def failing(name, context, **kwargs):
        if context["file"] == "growth-bid-broken.docx":
            return None, [chase.Issue(path="/file", field="File received", message="made to fail by this test")]
        return real(name, context, **kwargs)

    monkeypatch.setattr(chase, "render_letter", failing)
    out = tmp_path / "out"
    assert main(["batch", str(inbox), "--out", str(out), "--jobs", "1"]) == 1
    shown = capsys.readouterr().out
    assert (
        "no letter for growth-bid-broken.docx: its data does not fit the letter: File received: made to fail" in shown
    )
    assert sorted(p.name for p in (out / "letters").iterdir()) == [
        "canterbury-city-council.docx",
        "hyperlink-http-evil-example-click.docx",
        "old-doc.docx",
    ]
    assert {row["Return file"]: row["Letter"] for row in _rows(out)}["growth-bid-broken.docx"] == ""


def test_libreoffice_converts_a_letter_to_pdf(batch, tmp_path: Path) -> None:
    _, out, _ = batch
    made = export_pdf(out / "letters" / "canterbury-city-council.docx", tmp_path / "letter.pdf")
    assert made.read_bytes().startswith(b"%PDF-")
    import subprocess

    text = subprocess.run(["pdftotext", str(made), "-"], capture_output=True, text=True, check=True).stdout
    assert "Canterbury City Council" in text and long_date(project_settings().closing_date) in text


def test_the_letter_data_fits_the_letter_s_schema(batch) -> None:
    """What the batch fills the template from is a valid chase-letter record (the schema documents the names)."""
    from generator.batch.register import Register
    from generator.letters.chase import letter_context, needs_letter
    from generator.letters.writing import without_empty

    _, out, _ = batch
    with Register(out / "register.sqlite") as register:
        rows = [row for row in register.versions(current=True) if needs_letter(row)]
    assert len(rows) == 4
    for row in rows:
        context = letter_context(row, ("Org", None, None), ("Growth bid application", []), project_settings(), TODAY)
        assert validate_record(without_empty(context), "chase-letter", today=TODAY) == []


@pytest.mark.parametrize(
    ("typed", "stem"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Windows\\System32", "c-windows-system32"),
        ("Café Ōsaka & Co.", "cafe-osaka-co"),
        ("CON", "con-letter"),
        ("...", "fallback"),
        ("x" * 300, "x" * 60),
    ],
)
def test_letter_file_names_are_safe_whatever_the_organisation(typed: str, stem: str) -> None:
    assert safe_stem(typed, "fallback") == stem


def test_letter_file_names_never_repeat_whatever_the_case() -> None:
    names = FileNames()
    assert [names.take(s) for s in ("acme", "ACME", "acme", "acme-2")] == [
        "acme.docx",
        "ACME-2.docx",
        "acme-3.docx",
        "acme-2-2.docx",
    ]


def test_a_minimal_project_s_letter_finds_its_contact_from_the_schema(tmp_path: Path) -> None:
    """The starter has no round: the form's one organisation, person-name and email question say whom to write to."""
    project = new_project(tmp_path / "small", minimal=True, name="Hythe Town Council").folder
    switch_project(project)
    try:
        record = {
            "organisation": "Hythe Larder",
            "contact_name": "Sam Okafor",
            "email": "sam@larder.example.org",
            "project_title": "Community larder",
            "summary": "A weekly larder.",
            "project_start": "2027-05-01",
            "project_end": "2027-04-01",  # before the start: the form's rule says so
            "amount_requested": 1500,
        }
        assert validate_record(record, "community-grant", today=TODAY) != []
        inbox = tmp_path / "in"
        inbox.mkdir()
        layout = load_layout("community-grant")
        blank = (project / "forms" / "community-grant.docx").read_bytes()
        (inbox / "larder.docx").write_bytes(fill_form(blank, layout, record))
        out = tmp_path / "out"
        assert main(["batch", str(inbox), "--out", str(out), "--jobs", "1", "--today", TODAY.isoformat()]) == 1
        (row,) = _rows(out)
        assert (row["Organisation"], row["Contact name"], row["Email"]) == (
            "Hythe Larder",
            "Sam Okafor",
            "sam@larder.example.org",
        )
        text = _letter_text(out / "letters" / row["Letter"])
        assert "Hythe Larder" in text and "Hythe Town Council" in text and "Community grant application" in text
        assert "closing date" not in text, "the starter sets no closing date"
    finally:
        switch_project(None)


def test_the_round_s_contact_fields_are_checked_and_a_wrong_one_is_said(shipped_copy: Path, tmp_path: Path, capsys):
    """A misspelt or mistyped contact field leaves letters without that contact, and the batch says why."""
    from generator.records.project import forget_settings
    from generator.rounds.definition import project_bid_fields

    settings = load_data_file(ROOT / "commission.yaml")
    settings["round"]["fields"] |= {"contact_name": "/applicant/contact_nmes", "contact_email": "/proposal_title"}
    (shipped_copy / "commission.yaml").write_text(json.dumps(settings, default=str), encoding="utf-8")
    forget_settings()
    try:
        kind, fields, problems = project_bid_fields()
        assert kind == "growth-bid" and "contact_name" not in fields and "contact_email" not in fields
        said = {issue.path: issue.message for issue in problems}
        assert said["/round/fields/contact_name"] == "the growth-bid form has no field /applicant/contact_nmes"
        assert said["/round/fields/contact_email"] == "/proposal_title in the growth-bid form is not an email address"
        inbox = tmp_path / "in"
        canterbury = _bid("canterbury-rough-sleepers.yaml")
        del canterbury["annual_amount"]
        _fill(inbox / "canterbury.docx", canterbury)
        assert main(["batch", str(inbox), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 1
        shown = capsys.readouterr().out
        assert "no email address known" not in shown
        assert "commission.yaml, round: fields: contact_email: /proposal_title in the growth-bid form is not" in shown
        (row,) = _rows(tmp_path / "out")
        # The round's fields are wrong, and said so; the form's one email question still says whom to write to.
        applicant = canterbury["applicant"]
        assert (row["Organisation"], row["Contact name"], row["Email"]) == (
            applicant["organisation"],
            "",
            applicant["email"],
        )
    finally:
        forget_settings()
