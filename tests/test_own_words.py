"""No message a bidder or officer reads carries Python's or a library's own words."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.cli import main

from .conftest import TODAY

#: Words only Python, zipfile, pikepdf/qpdf or the system would write.
LIBRARY_WORDS = ("zip file", "Traceback", "PdfError", "Errno", "RuntimeError", "BadZipFile", "XMLSyntaxError")


def _bad_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "not-a-zip.docx": b"this is a letter, not a Word document",
        "cut-short.docx": b"PK\x03\x04" + os.urandom(64),
        "garbage.pdf": os.urandom(4096),
        "broken.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


def _clean(text: str) -> None:
    for words in LIBRARY_WORDS:
        assert words not in text, f"{words!r} in {text!r}"


@pytest.mark.parametrize("index", range(4))
def test_parse_tells_an_unreadable_file_in_our_own_words(
    index: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bad_files(tmp_path / "in")[index]
    assert main(["parse", str(path), "--today", TODAY.isoformat()]) == 3
    captured = capsys.readouterr()
    envelope = json.loads(captured.out)
    told = [issue["message"] for issue in envelope["errors"] + envelope["warnings"]]
    assert told and all(message.strip() for message in told)
    _clean(" ".join(told))
    _clean(captured.err)


def test_a_zip_that_is_not_a_word_file_asks_for_the_form_again(tmp_path: Path, capsys) -> None:
    path = _bad_files(tmp_path / "in")[1]
    main(["parse", str(path)])
    envelope = json.loads(capsys.readouterr().out)
    assert envelope["errors"][0]["message"].startswith("this file cannot be opened as a Word document")
    assert "save the form again as a Word document" in envelope["errors"][0]["message"]
    assert envelope["flags"]["detail"], "the library's own words are kept apart, for an officer"


def test_batch_tells_unreadable_files_in_our_own_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "in"
    _bad_files(inbox)
    out = tmp_path / "out"
    main(["batch", str(inbox), "--out", str(out), "--jobs", "1", "--today", TODAY.isoformat()])
    captured = capsys.readouterr()
    _clean(captured.out + captured.err)
    report = (out / "errors.txt").read_text(encoding="utf-8")
    assert report.count("cannot be read") >= 4
    _clean(report)
    _clean((out / "chase.csv").read_text(encoding="utf-8"))


def test_counts_have_the_right_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One problem is "1 problem", two are "2 problems": never "problem(s)"."""
    path = tmp_path / "bid.yaml"
    path.write_text("start_date: '2027-02-29'\n", encoding="utf-8")
    from generator.records.validation import validate_record

    count = len(validate_record({"start_date": "2027-02-29"}, "growth-bid"))
    main(["validate", str(path), "--kind", "growth-bid"])
    said = capsys.readouterr().out
    assert f"{count} problems found" in said and "(s)" not in said
    from generator.records.wording import plural

    assert plural(1, "problem") == "1 problem" and plural(2, "entry", "entries") == "2 entries"
