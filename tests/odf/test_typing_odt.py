"""Forms typed into in LibreOffice 25.2 and saved as .odt (filter writer8) parse to the typed record.

The same macro as the DOCX typing test (tests/ooxml/macros/fill_by_typing.py)
types each answer into its box inside soffice, pressing Enter between
paragraphs, and saves as OpenDocument Text. The growth bid is typed with
Edit > Track Changes > Record on, so LibreOffice writes ``text:tracked-changes``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from generator.forms.layout import load_layout
from generator.returns.parse import parse_return

from ..conftest import ROOT, TODAY
from ..ooxml.test_libreoffice_typing import MACRO, RECORDS, _keystrokes, _office_environment, _record

RECORDING = {"growth-bid": True, "evaluation-report": False}


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed for this test; CI installs it with .ci/install-system"
    folder = tmp_path_factory.mktemp("typing-odt")
    scripts = folder / "profile" / "user" / "Scripts" / "python"
    scripts.mkdir(parents=True)
    shutil.copy(MACRO, scripts / MACRO.name)
    jobs = [
        {
            "in": str(ROOT / "forms" / f"{kind}.docx"),
            "out": str(folder / f"{kind}.odt"),
            "answers": _keystrokes(load_layout(kind), _record(kind)),
            "filter": "writer8",
            "record_changes": RECORDING[kind],
        }
        for kind in RECORDS
    ]
    (folder / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
    env = _office_environment() | {"FILL_JOBS": str(folder / "jobs.json"), "FILL_LOG": str(folder / "log.txt")}
    subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         f"vnd.sun.star.script:{MACRO.name}$fill?language=Python&location=user"],
        check=True, capture_output=True, timeout=180, env=env,
    )  # fmt: skip
    assert (folder / "log.txt").read_text(encoding="utf-8") == "done\n"
    return {kind: folder / f"{kind}.odt" for kind in RECORDS}


@pytest.mark.parametrize("kind", list(RECORDS))
def test_form_typed_in_libreoffice_and_saved_as_odt_parses_to_the_typed_record(
    kind: str, typed: dict[str, Path]
) -> None:
    assert zipfile.ZipFile(typed[kind]).read("mimetype") == b"application/vnd.oasis.opendocument.text"
    envelope = parse_return(typed[kind], today=TODAY)
    assert (envelope.status, envelope.kind) == ("valid", kind), envelope.errors
    assert envelope.record == _record(kind)


def test_paragraphs_typed_with_enter_are_kept(typed: dict[str, Path]) -> None:
    summary = parse_return(typed["growth-bid"], today=TODAY).record["summary"]
    assert "\n\nA paragraph typed after pressing Enter twice, costing £1,250 – “quoted”." in summary


def test_changes_tracked_while_typing_are_read_as_accepted_and_flagged(typed: dict[str, Path]) -> None:
    content = zipfile.ZipFile(typed["growth-bid"]).read("content.xml").decode()
    assert "<text:tracked-changes" in content and "<text:insertion>" in content
    envelope = parse_return(typed["growth-bid"], today=TODAY)
    assert envelope.flags["tracked_changes"] is True
    assert envelope.warnings[0].message.startswith("it has tracked changes; they were read as if accepted")
    untracked = parse_return(typed["evaluation-report"], today=TODAY)
    assert "tracked_changes" not in untracked.flags
