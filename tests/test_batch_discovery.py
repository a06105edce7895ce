"""Every file under the folder is found: anything that may be a return goes to the parser, the rest skipped with why."""

from __future__ import annotations

from pathlib import Path

from generator.batch.discovery import find_returns

from .conftest import FIXTURES


def test_returns_are_found_recursively_in_any_case_and_others_skipped_with_a_reason(tmp_path: Path) -> None:
    for name in ("a.docx", "sub/B.PDF", "sub/deeper/c.Docx", "notes.txt", "sub/~$a.docx", "README"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "link.docx").symlink_to(tmp_path / "a.docx")
    found = find_returns(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found.returns] == ["a.docx", "sub/B.PDF", "sub/deeper/c.Docx"]
    reasons = {p.relative_to(tmp_path).as_posix(): reason for p, reason in found.skipped}
    assert set(reasons) == {"notes.txt", "sub/~$a.docx", "README", "link.docx"}
    assert "not a return (.txt, a text file)" in reasons["notes.txt"]
    assert "(no extension)" in reasons["README"] and "first bytes" in reasons["README"]
    assert "lock file" in reasons["sub/~$a.docx"]
    assert "symbolic link" in reasons["link.docx"]


def test_every_format_a_bidder_may_send_goes_to_the_parser(tmp_path: Path) -> None:
    formats = sorted(p.name for p in (FIXTURES / "returns" / "formats").iterdir())
    for name in formats:
        (tmp_path / name).write_bytes((FIXTURES / "returns" / "formats" / name).read_bytes())
    found = find_returns(tmp_path)
    assert [p.name for p in found.returns] == formats and not found.skipped


def test_a_file_of_any_name_that_starts_like_a_return_goes_to_the_parser(tmp_path: Path) -> None:
    (tmp_path / "attachment").write_bytes((FIXTURES / "returns" / "formats" / "scan.jpg").read_bytes())
    (tmp_path / "bid.final").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "bid.bak").write_bytes(b"just some text")
    found = find_returns(tmp_path)
    assert [p.name for p in found.returns] == ["attachment", "bid.final"]
    assert [p.name for p, _ in found.skipped] == ["bid.bak"]


def test_the_officers_and_the_computers_own_files_are_skipped_saying_what_they_are(tmp_path: Path) -> None:
    names = ["budget.xlsx", "list.csv", "read me.md", ".DS_Store", "Thumbs.db", "desktop.ini", "._bid.docx"]
    for name in names:
        (tmp_path / name).write_bytes(b"PK\x03\x04 even if it starts like a zip")
    found = find_returns(tmp_path)
    assert not found.returns
    reasons = {p.name: reason for p, reason in found.skipped}
    assert set(reasons) == set(names)
    assert "spreadsheet" in reasons["budget.xlsx"] and "macOS" in reasons[".DS_Store"]
    assert "Windows" in reasons["Thumbs.db"] and "Windows" in reasons["desktop.ini"]
    assert "macOS resource file" in reasons["._bid.docx"]
