"""Every untrusted or mangled return ends with a clear message and the right exit code."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pytest

from generator.cli import main
from generator.ooxml.safety import PackageError, open_package
from generator.records.loading import load_data_file
from generator.returns.parse import parse_return

from .conftest import EXAMPLES, FIXTURES, TODAY

RETURNS = FIXTURES / "returns"
SAMPLES = EXAMPLES / "returns"

#: fixture -> (exit code, words the first error's message must contain)
REFUSED = {
    "empty.docx": (3, "empty (0 bytes)"),
    "not-a-zip.docx": (3, "not a Word (.docx) or PDF form"),
    "truncated-zip.docx": (3, "damaged or cut short"),
    "zip-bomb.docx": (3, "zip bomb"),
    "entity-bomb.docx": (3, "docProps/core.xml declares a DOCTYPE"),
    "external-entity.docx": (3, "word/document.xml declares a DOCTYPE"),
    "doctype-in-part.docx": (3, "word/styles.xml declares a DOCTYPE"),
    "macros.docm": (3, "macros are never run"),
    "encrypted.docx": (3, "password-protected"),
    "legacy-doc-renamed.docx": (3, "old-style Word (.doc)"),
    "rtf-renamed.docx": (3, "Rich Text (RTF)"),
    "not-our-form.docx": (3, "not one of our forms"),
    "newer-version.docx": (3, "version 9.0.0, which this toolkit does not know"),
    "strict-ooxml.docx": (3, "Strict Open XML"),
    "thousands-of-entries.docx": (3, "3,018 parts"),
    "overlapping-parts.docx": (3, "its parts overlap inside the zip (a 'zip bomb' trick"),
    "duplicated-controls.docx": (1, "more than one box with different answers"),
    "altchunk.docx": (1, "embedded content (altChunk)"),
    "control-deleted-answer-lost.docx": (1, "must be filled in"),
    "macros-typed-by-default.docm": (3, "macros are never run"),
    "bad-checksum-in-unread-part.docx": (
        3,
        "the file is damaged: its part word/stylesWithEffects.xml cannot be unpacked (its content does not match",
    ),
    "bad-deflate-in-unread-part.docx": (3, "the file is damaged: its part docProps/thumbnail.jpeg cannot be unpacked"),
}


def _envelope(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["parse", str(path), "--today", TODAY.isoformat()])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_or_flagged_with_message_and_exit_code(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code_wanted, words = REFUSED[name]
    started = time.perf_counter()
    code, envelope = _envelope(RETURNS / name, capsys)
    assert time.perf_counter() - started < 5
    assert code == code_wanted
    assert envelope["status"] == {1: "invalid", 3: "unreadable"}[code_wanted]
    assert any(words in error["message"] for error in envelope["errors"]), envelope["errors"]
    assert envelope["file"].endswith(name)


def test_overlapping_parts_are_refused_before_any_part_is_read() -> None:
    """Its 400 parts share one run of bytes: read, they would feed zlib hundreds of times the file's size."""
    data = (RETURNS / "overlapping-parts.docx").read_bytes()
    declared = sum(info.compress_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert declared > 300 * len(data)
    with pytest.raises(PackageError, match="zip bomb"):
        open_package(data)


def _dartford() -> dict:
    return load_data_file(EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml")


@pytest.mark.parametrize(
    ("name", "flag"),
    [
        ("tags-stripped.docx", "untagged_controls"),
        ("tracked-changes.docx", "tracked_changes"),
        ("control-deleted-answer-kept.docx", "recovered"),
    ],
)
def test_mangled_returns_still_read_and_say_what_happened(name: str, flag: str) -> None:
    envelope = parse_return(RETURNS / name, today=TODAY)
    assert envelope.status == "valid", envelope.errors
    assert envelope.flags[flag]
    assert envelope.warnings
    assert "lines_run_together" not in envelope.flags  # the line breaks are still inside the answers
    expected = _dartford()
    if name == "tracked-changes.docx":
        expected["proposal_title"] += " and care"
    assert envelope.record == expected


@pytest.mark.parametrize("name", ["bad-checksum-in-unread-part.docx", "bad-deflate-in-unread-part.docx"])
def test_damage_in_a_part_never_read_asks_for_the_file_again(name: str) -> None:
    """A broken download is damage wherever it lands: not 'valid', not 'not one of our forms'."""
    envelope = parse_return(RETURNS / name, today=TODAY)
    assert envelope.status == "unreadable"
    assert [e.message.endswith("please save the form again and send it again") for e in envelope.errors] == [True]
    assert envelope.flags["detail"], "what zlib or zipfile said is kept apart, for the officer"


@pytest.mark.parametrize("name", ["main-part-typed-by-default.docx", "padded-after-eof.pdf"])
def test_real_world_packaging_quirks_read_as_the_form(name: str) -> None:
    """A main part typed by a Default content type; zero bytes and whitespace after a PDF's %%EOF."""
    envelope = parse_return(RETURNS / name, today=TODAY)
    assert (envelope.status, envelope.kind) == ("valid", "growth-bid"), envelope.errors
    assert envelope.record == _dartford()
    assert envelope.warnings == []


def test_altchunk_is_never_an_empty_answer() -> None:
    envelope = parse_return(RETURNS / "altchunk.docx", today=TODAY)
    review = [e for e in envelope.errors if e.rule == "manual_review"]
    assert [e.path for e in review] == ["/summary"]
    assert review[0].field == "Summary of the proposal"


def test_deleted_control_without_answer_is_named() -> None:
    envelope = parse_return(RETURNS / "control-deleted-answer-lost.docx", today=TODAY)
    assert any(w.path == "/applicant/organisation" and "missing" in w.message for w in envelope.warnings)
    assert [e.path for e in envelope.errors] == ["/applicant/organisation"]


@pytest.mark.parametrize(
    ("name", "code"), [("growth-bid-valid.docx", 0), ("growth-bid-invalid.docx", 1), ("growth-bid-broken.docx", 3)]
)
def test_sample_returns(name: str, code: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "envelope.json"
    assert main(["parse", str(SAMPLES / name), "--out", str(out), "--today", TODAY.isoformat()]) == code
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == json.loads(capsys.readouterr().out)
    assert len(written["sha256"]) == 64
    if code == 1:
        assert sorted(e["path"] for e in written["errors"]) == ["/annual_amount", "/applicant/email"]
        assert written["raw"]["/applicant/email"] == "jo.bloggs at example"


def test_fixtures_are_made_by_the_committed_script() -> None:
    from .fixtures import make_returns

    older = make_returns.older_versions()
    assert older, "a version of the form has been released before the current one"
    assert sorted(p.name for p in make_returns.RELEASED.iterdir()) == sorted(older), "one folder per older version"
    released = [(make_returns.RELEASED / v, make_returns.released_returns(v)) for v in older]
    for folder, makers in ((RETURNS, make_returns.FIXTURES), (SAMPLES, make_returns.SAMPLE_RETURNS), *released):
        # PDF fixtures live in their own subfolder, made by their own script.
        assert sorted(makers) == sorted(p.name for p in folder.iterdir() if p.is_file()), folder
        for name, make in makers.items():
            assert make() == (folder / name).read_bytes(), f"{name}: run python tests/fixtures/make_returns.py"
