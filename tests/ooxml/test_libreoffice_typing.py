"""Fill the blank forms through LibreOffice itself, as a person typing, and read back the same record.

A Python macro runs inside soffice (tests/ooxml/macros/fill_by_typing.py): it
types each answer into its content control, picks drop-down items and ticks
boxes, then saves as .docx (and as .odt). That file must parse to the record
typed in, and what was typed must not be grey: the prompt's grey is Word's
Placeholder Text style, and LibreOffice gives text typed over a selection the
formatting of its first character, which is the prompt's plain leading space.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from generator.forms.layout import FormLayout, load_layout
from generator.odf.controls import CONTROL_TAGS
from generator.odf.controls import read_control as read_odf_control
from generator.ooxml.controls import read_control
from generator.ooxml.fill import display_text
from generator.ooxml.namespaces import qn
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
            "out": str(folder / f"{kind}{suffix}"),
            "answers": _keystrokes(load_layout(kind), _record(kind)),
            "filter": filter_name,
        }
        for kind in RECORDS
        for suffix, filter_name in ((".docx", "MS Word 2007 XML"), (".odt", "writer8"))
    ]
    (folder / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
    env = _office_environment() | {"FILL_JOBS": str(folder / "jobs.json"), "FILL_LOG": str(folder / "log.txt")}
    subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         f"vnd.sun.star.script:{MACRO.name}$fill?language=Python&location=user"],
        check=True, capture_output=True, timeout=180, env=env,
    )  # fmt: skip
    assert (folder / "log.txt").read_text(encoding="utf-8") == "done\n"
    return {kind: folder / f"{kind}.docx" for kind in RECORDS} | {
        f"{kind}.odt": folder / f"{kind}.odt" for kind in RECORDS
    }


@pytest.mark.parametrize("kind", list(RECORDS))
def test_form_typed_in_libreoffice_parses_to_the_typed_record(kind: str, typed: dict[str, Path]) -> None:
    envelope = parse_return(typed[kind], today=TODAY)
    assert (envelope.status, envelope.kind) == ("valid", kind), envelope.errors
    assert envelope.record == _record(kind)


def _grey(colour: str | None) -> bool:
    """Any colour but automatic or black: typed text in these forms has no colour of its own."""
    return colour is not None and colour.lower().lstrip("#") not in ("auto", "000000")


def _docx_part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


@pytest.mark.parametrize("kind", list(RECORDS))
def test_text_typed_in_libreoffice_is_not_grey_in_the_saved_docx(kind: str, typed: dict[str, Path]) -> None:
    """No typed run has a direct colour, or a character style with one (LibreOffice used to keep #808080)."""
    styles = _docx_part(typed[kind], "word/styles.xml")
    coloured_styles = set()
    for style in styles.iter(qn("w:style")):
        colour = style.find(f"{qn('w:rPr')}/{qn('w:color')}")
        if colour is not None and _grey(colour.get(qn("w:val"))):
            coloured_styles.add(style.get(qn("w:styleId")))
    assert "PlaceholderText" in coloured_styles, "the prompts are still grey"
    typed_runs = 0
    for sdt in _docx_part(typed[kind], "word/document.xml").iter(qn("w:sdt")):
        control = read_control(sdt)
        if control.kind == "checkbox" or control.placeholder or not str(control.value).strip():
            continue
        for run in sdt.find(qn("w:sdtContent")).iter(qn("w:r")):
            if not "".join(t.text or "" for t in run.iter(qn("w:t"))).strip():
                continue
            props = run.find(qn("w:rPr"))
            colour = props.find(qn("w:color")) if props is not None else None
            style = props.find(qn("w:rStyle")) if props is not None else None
            assert not _grey(colour.get(qn("w:val")) if colour is not None else None), control.tag
            assert style is None or style.get(qn("w:val")) not in coloured_styles, control.tag
            typed_runs += 1
    assert typed_runs > 10


_ODF_SPAN = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}span"
_ODF_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}style-name"
_ODF_COLOUR = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}color"
_ODF_NAME = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}name"


@pytest.mark.parametrize("kind", list(RECORDS))
def test_text_typed_in_libreoffice_is_not_grey_in_the_saved_odt(kind: str, typed: dict[str, Path]) -> None:
    """The same in OpenDocument: no span around typed text names a style with a colour."""
    with zipfile.ZipFile(typed[f"{kind}.odt"]) as package:
        content, styles = (etree.fromstring(package.read(name)) for name in ("content.xml", "styles.xml"))
    coloured = {
        style.get(_ODF_NAME)
        for root in (content, styles)
        for style in root.iter("{urn:oasis:names:tc:opendocument:xmlns:style:1.0}style")
        if any(_grey(props.get(_ODF_COLOUR)) for props in style)
    }
    checked = 0
    for element in content.iter(*CONTROL_TAGS):
        control = read_odf_control(element)
        if control.kind == "checkbox" or control.placeholder or not str(control.value).strip():
            continue
        for span in element.iter(_ODF_SPAN):
            if not (span.text or "").strip():
                continue  # LibreOffice may leave the prompt's style behind as an empty span
            names = {s.get(_ODF_STYLE) for s in (span, *span.iterancestors(_ODF_SPAN))}
            assert not names & coloured, (control.tag, span.text, names & coloured)
        checked += 1
    assert checked > 10
