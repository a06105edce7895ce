"""Every entry under the folder is found: anything that may be a return goes to a worker, the rest skipped with why."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.batch.discovery import Found, find_returns
from generator.batch.fingerprint import fingerprint

from .conftest import FIXTURES


def _listing(folder: Path) -> Found:
    """The folder's listing, closed when the test ends (it holds a database)."""
    found = find_returns(folder)
    _OPEN.append(found)
    return found


_OPEN: list[Found] = []


@pytest.fixture(autouse=True)
def _close_listings() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def test_returns_are_found_recursively_in_any_case_and_others_skipped_with_a_reason(tmp_path: Path) -> None:
    for name in ("a.docx", "sub/B.PDF", "sub/deeper/c.Docx", "notes.txt", "sub/~$a.docx", "README"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "link.docx").symlink_to(tmp_path / "a.docx")
    found = _listing(tmp_path)
    assert [e.name for e in found.to_read] == ["README", "a.docx", "sub/B.PDF", "sub/deeper/c.Docx"]
    assert [e.needs_a_look for e in found.to_read] == [True, False, False, False]
    reasons = {entry.name: reason for entry, reason in found.skipped}
    assert set(reasons) == {"notes.txt", "sub/~$a.docx", "link.docx"}
    assert "not a return (.txt, a text file)" in reasons["notes.txt"]
    readme = fingerprint(str(tmp_path / "README"), True)
    assert readme["status"] == "skipped" and "sha256" not in readme
    assert "(no extension)" in readme["errors"][0]["message"] and "first bytes" in readme["errors"][0]["message"]
    assert "lock file" in reasons["sub/~$a.docx"]
    assert "symbolic link" in reasons["link.docx"]


def test_every_format_a_bidder_may_send_goes_to_the_parser(tmp_path: Path) -> None:
    formats = sorted(p.name for p in (FIXTURES / "returns" / "formats").iterdir())
    for name in formats:
        (tmp_path / name).write_bytes((FIXTURES / "returns" / "formats" / name).read_bytes())
    found = _listing(tmp_path)
    assert [e.name for e in found.to_read] == formats and not found.skipped


def test_a_file_of_any_name_that_starts_like_a_return_goes_to_the_parser(tmp_path: Path) -> None:
    (tmp_path / "attachment").write_bytes((FIXTURES / "returns" / "formats" / "scan.jpg").read_bytes())
    (tmp_path / "bid.final").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "bid.bak").write_bytes(b"just some text")
    found = _listing(tmp_path)
    assert not found.skipped and all(e.needs_a_look for e in found.to_read)
    looked = {e.name: fingerprint(str(tmp_path / e.name), e.needs_a_look) for e in found.to_read}
    assert [name for name, facts in looked.items() if "sha256" in facts] == ["attachment", "bid.final"]
    assert looked["bid.bak"]["status"] == "skipped"


def test_the_officers_and_the_computers_own_files_are_skipped_saying_what_they_are(tmp_path: Path) -> None:
    names = ["budget.xlsx", "list.csv", "read me.md", ".DS_Store", "Thumbs.db", "desktop.ini", "._bid.docx"]
    for name in names:
        (tmp_path / name).write_bytes(b"PK\x03\x04 even if it starts like a zip")
    found = _listing(tmp_path)
    assert not found.to_read
    reasons = {entry.name: reason for entry, reason in found.skipped}
    assert set(reasons) == set(names)
    assert "spreadsheet" in reasons["budget.xlsx"] and "macOS" in reasons[".DS_Store"]
    assert "Windows" in reasons["Thumbs.db"] and "Windows" in reasons["desktop.ini"]
    assert "macOS resource file" in reasons["._bid.docx"]


def test_the_listing_is_in_byte_order_however_large_and_reads_the_same_each_time_it_is_walked(tmp_path: Path) -> None:
    """Kept on disk, not in memory: more entries than are written at a time, in the order ``sorted`` gives bytes."""
    made = [
        b"b.docx",
        b"B.docx",
        b"a.docx",
        b"a/z.docx",
        b"a b.docx",
        b"a-b/c.pdf",
        b"Caf\xe9.docx",
        b"caf\xc3\xa9.docx",
    ]
    made += [f"many/{number}.docx".encode() for number in range(2_500)]
    for raw in made:
        path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + raw))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    (tmp_path / "notes.txt").write_bytes(b"x")
    with find_returns(tmp_path) as found:
        raws = [entry.raw for entry in found.to_read]
        assert raws == sorted(made) and len(found.to_read) == len(made)
        assert [entry.raw for entry in found.to_read] == raws, "a second walk gives the same entries in the same order"
        assert [entry.name for entry, _ in found.skipped] == ["notes.txt"] and not found.unreadable
        assert sorted(found.names()) == sorted({entry.name for entry in found.to_read} | {"notes.txt"})
