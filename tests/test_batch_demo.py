"""The demo's batch stage reads the sample returns and says where the spreadsheet is."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import demo


def test_the_demo_batches_the_sample_returns(tmp_path: Path, today, capsys: pytest.CaptureFixture[str]) -> None:
    assert any(title.startswith("Reading every sample return") for title, _ in demo.STAGES)
    demo._batch_returns(tmp_path, today)
    shown = capsys.readouterr().out
    # The two readable sample returns are the same bid, so one supersedes the other.
    assert "1 unreadable, 0 skipped; 1 superseded by a later return" in shown
    assert "1 valid, 0 invalid" in shown or "0 valid, 1 invalid" in shown
    assert f"spreadsheet: {(tmp_path / 'batch' / 'returns.xlsx').resolve()}" in shown
    assert (tmp_path / "batch" / "returns.xlsx").is_file()
    # The broken file is chased, and the invalid return only if it came after the valid one (the files' times).
    invalid_last = "0 valid, 1 invalid" in shown
    letters = sorted(path.name for path in (tmp_path / "batch" / "letters").iterdir())
    assert len(letters) == 1 + invalid_last and "growth-bid-broken-docx.docx" in letters
    assert f"letters: {len(letters)} letter{'s' if invalid_last else ''} to bidders in" in shown
    assert f"for a mail merge: {(tmp_path / 'batch' / 'chase.csv').resolve()}" in shown


def test_the_stage_says_so_when_there_are_no_sample_returns(
    tmp_path: Path, today, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo, "resource_dir", lambda name: tmp_path / name)
    demo._batch_returns(tmp_path / "out", today)
    assert "skipped: there are no sample returns" in capsys.readouterr().out
    assert not (tmp_path / "out" / "batch").exists()
