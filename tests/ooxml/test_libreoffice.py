"""Real office software: a filled form re-saved by LibreOffice headless parses to the same record."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.forms.layout import layout_kinds, load_layout
from generator.ooxml.fill import fill_form
from generator.records.loading import load_data_file
from generator.returns.parse import parse_return

from ..conftest import EXAMPLES, ROOT, TODAY

#: Every kind of the project that has a form.
KINDS = layout_kinds()
#: The example each shipped kind is filled with (any other kind: its first example).
SAMPLES = {
    "growth-bid": "dartford-young-people-leaving-care.yaml",
    "service-specification": "floating-support-young-people.yaml",
    "evaluation-report": "dartford-young-people-leaving-care.yaml",
}


def _sample(kind: str) -> Path:
    return EXAMPLES / kind / SAMPLES[kind] if kind in SAMPLES else sorted((EXAMPLES / kind).glob("*.yaml"))[0]


def _record(kind: str) -> dict[str, Any]:
    record = load_data_file(_sample(kind))
    for question in load_layout(kind).questions():
        parent, leaf = question.pointer.rsplit("/", 1)
        target = record
        for part in parent.split("/")[1:]:
            target = target.get(part, {})
        if question.widget == "checkboxes" and leaf in target:
            target[leaf] = [o for o in question.options if o in target[leaf]]  # a form lists ticks in its own order
    if kind == "growth-bid":
        record["summary"] += "\n\nA second paragraph, costing £1,250 – with “quotes” and ünïcode.\nA third line."
        record["outcomes"] += [
            {"description": f"Extra outcome {n}\nover two lines", "measure": "Count"} for n in range(4)
        ]
    return record


@pytest.fixture(scope="module")
def resaved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed for this test; CI installs it with .ci/install-system"
    folder = tmp_path_factory.mktemp("libreoffice")
    (folder / "in").mkdir()
    originals = {}
    for kind in KINDS:
        path = folder / "in" / f"{kind}.docx"
        path.write_bytes(fill_form((ROOT / "forms" / f"{kind}.docx").read_bytes(), load_layout(kind), _record(kind)))
        originals[kind] = path
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx", "--outdir",
         str(folder / "out"), *map(str, originals.values())],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return {kind: (path, folder / "out" / path.name) for kind, path in originals.items()}


@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_resave_parses_unchanged(kind: str, resaved: dict[str, tuple[Path, Path]]) -> None:
    original, again = resaved[kind]
    assert again.read_bytes() != original.read_bytes()
    before, after = parse_return(original, today=TODAY), parse_return(again, today=TODAY)
    assert before.status == "valid", before.errors
    assert (after.status, after.kind, after.version) == ("valid", kind, before.version)
    assert after.record == before.record == _record(kind)
