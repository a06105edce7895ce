"""Outputs are replaced in one step, and progress suits where it is shown."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from generator.batch.atomic import atomic_path
from generator.batch.progress import reporter


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary_behind(tmp_path: Path) -> None:
    target = tmp_path / "returns.xlsx"
    target.write_bytes(b"the old, complete spreadsheet")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_bytes(b"half of a new one")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"the old, complete spreadsheet"
    assert [p.name for p in tmp_path.iterdir()] == ["returns.xlsx"]


def test_a_finished_write_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "returns.jsonl"
    with atomic_path(target) as temporary:
        temporary.write_text("{}\n", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert [p.name for p in target.parent.iterdir()] == ["returns.jsonl"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_on_a_terminal() -> None:
    stream = io.StringIO()
    with reporter(2, stream) as report:
        report.done("a.docx", "valid")
        report.done("b.pdf", "invalid")
    assert stream.getvalue().splitlines() == ["[1/2] valid: a.docx", "[2/2] invalid: b.pdf"]


def test_a_progress_bar_on_a_terminal() -> None:
    stream = _Terminal()
    with reporter(2, stream) as report:
        report.done("a.docx", "valid")
        report.done("b.pdf", "invalid")
    shown = stream.getvalue()
    assert "Reading returns" in shown
    assert "[1/2]" not in shown
