"""Reading a file someone handed us: refused before it can cost more than its ceiling."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.records.bounded_read import FileTooLargeError, read_bounded
from generator.records.errors import UnreadableFileError
from generator.returns.parse import parse_return


def test_an_ordinary_file_within_the_limit_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "bid.yaml").write_bytes(b"x" * 100)
    assert read_bounded(tmp_path / "bid.yaml", 100, "records") == b"x" * 100


def test_a_file_over_the_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    (tmp_path / "bid.yaml").write_bytes(b"x" * 101)
    with pytest.raises(FileTooLargeError, match="101 bytes; records larger than 100 bytes are refused"):
        read_bounded(tmp_path / "bid.yaml", 100, "records")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: None, "there is no such file"),
        (lambda p: p.mkdir(), "this is a folder, not a file"),
        (lambda p: os.mkfifo(p), "not an ordinary file"),
    ],
)
def test_what_is_not_an_ordinary_file_is_refused_without_reading(
    tmp_path: Path, make: Callable[[Path], object], reason: str
) -> None:
    target = tmp_path / "return.docx"
    make(target)
    with pytest.raises(UnreadableFileError, match=reason):
        read_bounded(target, 100, "forms")  # a pipe with no writer would block for ever if opened


def test_a_device_that_never_ends_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="not an ordinary file"):
        read_bounded(Path("/dev/zero"), 1000, "records")


def test_a_return_too_large_is_an_unreadable_envelope_naming_the_file(tmp_path: Path) -> None:
    big = tmp_path / "huge.docx"
    with big.open("wb") as stream:
        stream.truncate(60 * 1024 * 1024)  # sparse: costs no disk
    envelope = parse_return(big)
    assert envelope.status == "unreadable" and envelope.file == str(big)
    assert "forms larger than 52,428,800 bytes are refused" in envelope.errors[0].message


def _stat_saying_size(real: Callable[[int], os.stat_result], size: int) -> Callable[[int], os.stat_result]:
    """``os.fstat`` as it would answer just before the file grew: the same, but for a smaller size."""

    def fstat(fd: int) -> os.stat_result:
        facts = list(real(fd))
        facts[6] = size  # st_size
        return os.stat_result(facts)

    return fstat


def test_a_file_that_grew_after_its_size_was_taken_is_read_whole_within_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bid.docx").write_bytes(b"y" * 5000)
    monkeypatch.setattr(os, "fstat", _stat_saying_size(os.fstat, 10))
    assert read_bounded(tmp_path / "bid.docx", 8000, "forms") == b"y" * 5000


def test_a_file_that_grew_past_the_limit_after_its_size_was_taken_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bid.docx").write_bytes(b"y" * 5000)
    monkeypatch.setattr(os, "fstat", _stat_saying_size(os.fstat, 10))
    with pytest.raises(FileTooLargeError, match="grew past 4,000 bytes while it was read"):
        read_bounded(tmp_path / "bid.docx", 4000, "forms")
