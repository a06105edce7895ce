"""A PDF box shows all it accepts: filled to its limit by pdftk or by our filler, nothing is cut off.

A PDF's boxes do not grow, so each text box takes no more characters than it
can show (/MaxLen, never more than the schema allows), and the blank form says
how much that is. Filled with prose of that length, poppler's drawing of the
page shows every word inside the box, and our redraw never goes below 8 pt.
The PDF form's instructions are its own, not the Word form's.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from generator.forms.layout import FormLayout, layout_kinds, load_layout
from generator.pdf.builder import build_pdf_bytes
from generator.pdf.names import field_name
from generator.records.errors import CommissionError
from tests.conftest import reread_project
from tests.pdf_clients import fill_own, fill_pdftk
from tests.pdf_seen import seen

KINDS = layout_kinds()
ROOT = Path(__file__).resolve().parent.parent


def _limits(pdf: Path) -> dict[str, int]:
    """Field name -> /MaxLen, for every text box that has one."""
    with pikepdf.open(pdf) as document:
        return {str(f.T): int(f.MaxLen) for f in document.Root.AcroForm.Fields if "/MaxLen" in f}


def _prose(layout: FormLayout, length: int, salt: int) -> str:
    """``length`` characters of the form's own help text, starting at a different place for each box, with a
    new paragraph every few sentences (a bidder's answer, not one long line)."""
    words = " ".join(q.help for q in layout.answer_boxes() if q.help).split()
    words = words[salt % len(words) :] + words
    text, count = "", 0
    while len(text) < length:
        word = words[count % len(words)]
        count += 1
        text += word + ("\n" if count % 45 == 0 else " ")
    return text[:length].rstrip()


def _normal(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module", params=KINDS)
def blank(request, tmp_path_factory) -> tuple[FormLayout, Path]:
    layout = load_layout(request.param)
    path = tmp_path_factory.mktemp(request.param) / f"{request.param}.pdf"
    path.write_bytes(build_pdf_bytes(layout))
    return layout, path


def test_every_text_box_takes_no_more_than_the_schema_allows(blank) -> None:
    layout, pdf = blank
    limits = _limits(pdf)
    boxes = {field_name(q.pointer): q for q in layout.answer_boxes() if q.widget in ("text", "textarea")}
    long_answers = [name for name, q in boxes.items() if q.widget == "textarea"]
    assert long_answers and set(long_answers) <= {re.sub(r"/\d+/", "/*/", n) for n in limits} | set(limits)
    for name, limit in limits.items():
        question = boxes[re.sub(r"/\d+/", "/*/", name)]
        assert 0 < limit <= (question.max_length or limit), name


@pytest.mark.parametrize("filler", [fill_pdftk, fill_own], ids=["pdftk", "ours"])
def test_a_box_filled_to_its_limit_shows_every_word(blank, filler, tmp_path: Path) -> None:
    layout, pdf = blank
    limits = _limits(pdf)
    values = {name: _prose(layout, limit, salt) for salt, (name, limit) in enumerate(sorted(limits.items()))}
    filled = tmp_path / "filled.pdf"
    filler(pdf, values, filled)
    drawn = seen(filled, "pdftoppm", list(values), tmp_path / "seen")
    cut = [name for name, value in values.items() if _normal(drawn[name].text) != _normal(value)]
    assert not cut, f"{len(cut)} of {len(values)} boxes do not show all of their text, e.g. {cut[:3]}"


def test_our_redraw_never_shrinks_below_8_pt(blank, tmp_path: Path) -> None:
    layout, pdf = blank
    limits = _limits(pdf)
    # Twice what each box takes, as another program that ignores /MaxLen could write.
    values = {name: _prose(layout, 2 * limit, salt) for salt, (name, limit) in enumerate(sorted(limits.items()))}
    filled = tmp_path / "filled.pdf"
    fill_own(pdf, values, filled)
    with pikepdf.open(filled) as document:
        sizes = set()
        for field in document.Root.AcroForm.Fields:
            if str(field.T) in values:
                operators = pikepdf.parse_content_stream(field.AP.N)
                sizes |= {float(operands[1]) for operands, op in operators if str(op) == "Tf"}
    assert sizes and min(sizes) >= 8


def _page_text(pdf: Path) -> str:
    return _normal(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)


def test_the_pdf_prints_its_own_instructions_not_the_word_forms(blank) -> None:
    layout, pdf = blank
    text = _page_text(pdf)
    assert layout.pdf_instructions, "every shipped form has instructions for its PDF"
    for line in layout.pdf_instructions.splitlines():
        assert _normal(line) in text
    for line in layout.word_instructions.splitlines():
        assert _normal(line) not in text
    assert "save the PDF" in text


@pytest.fixture
def project(shipped_copy: Path) -> Path:
    """A copy of the built-in schemas and forms that the toolkit reads instead (``COMMISSION_PROJECT``)."""
    return shipped_copy


def _set_characters(project: Path, kind: str, pointer: str, characters: object) -> None:
    path = project / "forms" / f"{kind}.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"      - {pointer}\n" in text
    path.write_text(text.replace(f"      - {pointer}\n", f"      - {{pointer: {pointer}, characters: {characters}}}\n"))


def test_the_layout_sets_how_much_a_box_holds(project: Path, tmp_path: Path) -> None:
    kind = "growth-bid"
    pointer = next(q.pointer for q in load_layout(kind).questions() if q.widget == "textarea")
    _set_characters(project, kind, pointer, 300)
    reread_project()
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(build_pdf_bytes(load_layout(kind)))
    assert _limits(pdf)[field_name(pointer)] == 300
    assert "The box holds up to 300 characters (about 50 words)." in _page_text(pdf)


def test_a_layout_asking_for_a_box_of_no_size_is_refused_by_name(project: Path) -> None:
    kind = "growth-bid"
    pointer = next(q.pointer for q in load_layout(kind).questions() if q.widget == "textarea")
    _set_characters(project, kind, pointer, '"lots"')
    reread_project()
    with pytest.raises(CommissionError, match=f"'characters' for {pointer} is a whole number"):
        load_layout(kind)
