"""Blank PDF forms: the shipped files match a fresh build, and real clients fill them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from generator.forms.layout import layout_kinds, load_layout
from generator.pdf.builder import build_pdf_form
from generator.pdf.names import IDENTITY_FIELD, field_name, option_field_name, split_field_name
from generator.returns.parse import parse_return
from tests.conftest import EXAMPLES, ROOT
from tests.pdf_clients import field_values, fill_own, fill_pdftk, fill_pypdf, fill_pypdfform, fill_qpdf

#: Every kind of the project that has a form.
KINDS = layout_kinds()
#: The example each shipped kind is filled with (any other kind: its first example).
EXAMPLE_OF = {
    "growth-bid": "dartford-young-people-leaving-care.yaml",
    "service-specification": "floating-support-young-people.yaml",
    "evaluation-report": "dartford-young-people-leaving-care.yaml",
}


def example_of(kind: str) -> Path:
    """The example a kind's form is filled with."""
    return EXAMPLES / kind / EXAMPLE_OF[kind] if kind in EXAMPLE_OF else sorted((EXAMPLES / kind).glob("*.yaml"))[0]


def _fields(path: Path) -> dict[str, tuple[Any, ...]]:
    reader = PdfReader(path)
    return {
        name: (field.get("/FT"), field.get("/TU"), field.get("/Ff"), tuple(field.get("/Opt", ())))
        for name, field in reader.get_fields().items()
    }


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_form_matches_a_fresh_build(kind: str, tmp_path: Path) -> None:
    fresh = tmp_path / f"{kind}.pdf"
    build_pdf_form(load_layout(kind), fresh)
    shipped = ROOT / "forms" / f"{kind}.pdf"
    assert _fields(shipped) == _fields(fresh)
    assert PdfReader(shipped).metadata == PdfReader(fresh).metadata
    assert len(PdfReader(shipped).pages) == len(PdfReader(fresh).pages)


@pytest.mark.parametrize("kind", KINDS)
def test_every_answer_box_has_a_field_named_by_its_pointer(kind: str) -> None:
    layout = load_layout(kind)
    fields = _fields(ROOT / "forms" / f"{kind}.pdf")
    expected = {IDENTITY_FIELD}
    for question in layout.questions():
        if question.columns:
            expected |= {
                field_name(c.pointer.replace("/*/", f"/{row}/"))
                for c in question.columns
                for row in range(question.rows)
            }
        elif question.widget == "checkboxes":
            expected |= {option_field_name(question.pointer, i) for i in range(len(question.options))}
        else:
            expected.add(field_name(question.pointer))
    assert set(fields) == expected
    assert not any("." in name for name in fields)
    assert all(tooltip for name, (_, tooltip, _, _) in fields.items())
    info = PdfReader(ROOT / "forms" / f"{kind}.pdf").metadata
    assert info["/CommissionKind"] == kind
    assert info["/CommissionSchemaVersion"] == layout.version


def test_field_names_map_back_to_pointers() -> None:
    assert split_field_name(field_name("/outcomes/0/description")) == ("/outcomes/0/description", None)
    assert split_field_name(option_field_name("/districts", 3)) == ("/districts", 3)
    with pytest.raises(ValueError, match="cannot name a PDF field"):
        field_name("/a.b")


def _normal(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """JSON-shaped record with sets of check boxes in the schema's order (a PDF keeps no tick order)."""
    data = json.loads(json.dumps(record, default=str))
    for question in load_layout(kind).questions():
        if question.widget == "checkboxes":
            key = question.pointer.strip("/")
            data[key] = [o for o in question.options if o in data.get(key, [])]
    return data


FILLERS = {"pdftk": fill_pdftk, "pypdf": fill_pypdf, "PyPDFForm": fill_pypdfform, "qpdf": fill_qpdf, "ours": fill_own}


@pytest.mark.parametrize("client", sorted(FILLERS))
@pytest.mark.parametrize("kind", KINDS)
def test_filled_by_a_real_client_parses_to_the_same_record(kind: str, client: str, tmp_path: Path, today) -> None:
    record = yaml.safe_load(example_of(kind).read_text(encoding="utf-8"))
    filled = tmp_path / "filled.pdf"
    FILLERS[client](ROOT / "forms" / f"{kind}.pdf", field_values(load_layout(kind), record), filled)
    envelope = parse_return(filled, today=today)
    assert envelope.kind == kind
    assert envelope.status == "valid", [str(e) for e in envelope.errors]
    assert _normal(kind, envelope.record) == _normal(kind, record)


def test_unicode_newlines_and_pounds_survive_and_are_visible(tmp_path: Path, today) -> None:
    record = yaml.safe_load(example_of("growth-bid").read_text(encoding="utf-8"))
    record["applicant"]["contact_names"] = "Zoë Ångström, Façade £5 Ltd"
    record["summary"] = "First line\nSecond line costs £12,500"
    values = field_values(load_layout("growth-bid"), record)
    for client, fill in FILLERS.items():
        filled = tmp_path / f"{client}.pdf"
        fill(ROOT / "forms" / "growth-bid.pdf", values, filled)
        envelope = parse_return(filled, today=today)
        assert envelope.record["applicant"]["contact_names"] == "Zoë Ångström, Façade £5 Ltd", client
        assert envelope.record["summary"] == "First line\nSecond line costs £12,500", client
    for client in ("pdftk", "pypdf", "qpdf", "ours"):  # PyPDFForm draws nothing itself: see test_pdf_scripts
        text = _rendered_text(tmp_path / f"{client}.pdf", tmp_path / client)
        assert "Zoë Ångström, Façade £5 Ltd" in text, client


def _rendered_text(pdf: Path, work: Path) -> str:
    """Flatten what mupdf draws (appearance streams included) into a PDF, then read its text."""
    work.mkdir()
    flat = work / "flat.pdf"
    subprocess.run(
        ["mutool", "draw", "-q", "-F", "pdf", "-o", str(flat), str(pdf), "1"], check=True, capture_output=True
    )
    return subprocess.run(["pdftotext", "-layout", str(flat), "-"], check=True, capture_output=True, text=True).stdout
