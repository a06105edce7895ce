"""Fill the blank forms through LibreOffice itself, as a person typing, and read back the same record.

A Python macro runs inside soffice (tests/ooxml/macros/fill_by_typing.py): it
types each answer into its content control, picks drop-down items and ticks
boxes, then saves as .docx. That file must parse to the record typed in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.forms.layout import FormLayout, load_layout
from generator.ooxml.fill import display_text
from generator.records.loading import load_data_file
from generator.returns.parse import parse_return

from ..conftest import EXAMPLES, ROOT, TODAY

MACRO = Path(__file__).resolve().parent / "macros" / "fill_by_typing.py"
RECORDS = {
    "growth-bid": "dartford-young-people-leaving-care.yaml",
    "evaluation-report": "dartford-young-people-leaving-care.yaml",
}


def _record(kind: str) -> dict[str, Any]:
    record = load_data_file(EXAMPLES / kind / RECORDS[kind])
    if kind == "growth-bid":
        record["summary"] += "\n\nA paragraph typed after pressing Enter twice, costing £1,250 – “quoted”."
    return record


def _get(record: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:]:
        if not isinstance(record, dict) or part not in record:
            return None
        record = record[part]
    return record


def _keystrokes(layout: FormLayout, record: dict[str, Any]) -> dict[str, Any]:
    """What a person would type or tick, keyed 'tag|n' for the n-th control with that tag."""
    answers: dict[str, Any] = {}
    for question in layout.questions():
        value = _get(record, question.pointer)
        if question.columns:
            assert len(value or []) <= question.rows, "the macro fills the rows the blank form has"
            for index, row in enumerate(value or []):
                for column in question.columns:
                    if column.field.name in row:
                        cell = row[column.field.name]
                        answers[f"{column.pointer}|{index}"] = (
                            cell if column.widget == "checkbox" else display_text(column, cell)
                        )
        elif question.widget == "checkboxes":
            for index, option in enumerate(question.options):
                answers[f"{question.pointer}|{index}"] = option in (value or [])
        elif value is not None:
            answers[f"{question.pointer}|0"] = value if question.widget == "checkbox" else display_text(question, value)
    return answers


def _office_environment() -> dict[str, str]:
    """Our environment without a private Python's settings: under pyenv, soffice's own Python aborts (bad_alloc)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYENV", "_PYENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if "pyenv" not in p)
    return env


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed for this test; CI installs it with .ci/install-system"
    folder = tmp_path_factory.mktemp("typing")
    scripts = folder / "profile" / "user" / "Scripts" / "python"
    scripts.mkdir(parents=True)
    shutil.copy(MACRO, scripts / MACRO.name)
    jobs = [
        {
            "in": str(ROOT / "forms" / f"{kind}.docx"),
            "out": str(folder / f"{kind}.docx"),
            "answers": _keystrokes(load_layout(kind), _record(kind)),
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
    return {kind: folder / f"{kind}.docx" for kind in RECORDS}


@pytest.mark.parametrize("kind", list(RECORDS))
def test_form_typed_in_libreoffice_parses_to_the_typed_record(kind: str, typed: dict[str, Path]) -> None:
    envelope = parse_return(typed[kind], today=TODAY)
    assert (envelope.status, envelope.kind) == ("valid", kind), envelope.errors
    assert envelope.record == _record(kind)
