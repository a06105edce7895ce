"""Every file under the folder is found; returns by extension in any case, the rest skipped with a reason."""

from __future__ import annotations

from pathlib import Path

from generator.batch.discovery import find_returns


def test_returns_are_found_recursively_in_any_case_and_others_skipped_with_a_reason(tmp_path: Path) -> None:
    for name in ("a.docx", "sub/B.PDF", "sub/deeper/c.Docx", "notes.txt", "sub/~$a.docx", "README"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "link.docx").symlink_to(tmp_path / "a.docx")
    found = find_returns(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found.returns] == ["a.docx", "sub/B.PDF", "sub/deeper/c.Docx"]
    reasons = {p.relative_to(tmp_path).as_posix(): reason for p, reason in found.skipped}
    assert set(reasons) == {"notes.txt", "sub/~$a.docx", "README", "link.docx"}
    assert "only .docx and .pdf" in reasons["notes.txt"] and "(.txt)" in reasons["notes.txt"]
    assert "(no extension)" in reasons["README"]
    assert "lock file" in reasons["sub/~$a.docx"]
    assert "symbolic link" in reasons["link.docx"]
