"""The shipped blank forms are in step with a fresh build, and look like forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.forms.build import build_forms
from generator.forms.layout import layout_kinds, load_layout
from generator.ooxml.reader import form_signature
from generator.returns.parse import parse_return

from .conftest import ROOT


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("forms")
    build_forms(out)
    return out


@pytest.mark.parametrize("kind", layout_kinds())
def test_shipped_form_matches_fresh_build(kind: str, fresh: Path) -> None:
    shipped = form_signature((ROOT / "forms" / f"{kind}.docx").read_bytes())
    built = form_signature((fresh / f"{kind}.docx").read_bytes())
    assert shipped == built, f"forms/{kind}.docx is out of date: run `commission forms build`"


@pytest.mark.parametrize("kind", layout_kinds())
def test_form_records_kind_version_and_every_answer_box(kind: str, fresh: Path) -> None:
    layout = load_layout(kind)
    signature = form_signature((fresh / f"{kind}.docx").read_bytes())
    assert signature["properties"]["identifier"] == kind
    assert signature["properties"]["version"] == layout.version
    tags = [tag for tag, _, _ in signature["controls"]]
    for box in layout.answer_boxes():
        expected = len(box.options) if box.widget == "checkboxes" else 1
        assert tags.count(box.pointer) >= expected, box.pointer
    assert all("/" in tag and not any(part.isdigit() for part in tag.split("/")) for tag in tags)


@pytest.mark.parametrize("kind", layout_kinds())
def test_blank_form_parses_as_invalid_with_no_answers(kind: str, fresh: Path) -> None:
    envelope = parse_return(fresh / f"{kind}.docx")
    assert envelope.status == "invalid"
    assert envelope.kind == kind
    assert all(value in ("", False, []) for value in envelope.raw.values())
    assert {issue.rule for issue in envelope.errors} >= {"required"}


def test_cli_forms_build_writes_every_kind(tmp_path: Path) -> None:
    assert main(["forms", "build", "--out", str(tmp_path)]) == 0
    assert sorted(p.stem for p in tmp_path.glob("*.docx")) == layout_kinds()
