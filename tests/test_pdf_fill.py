"""Our own filler (generator/pdf/fill.py) and its text layout (generator/pdf/appearance.py)."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pikepdf
import pytest

from generator.pdf.appearance import TextBox, text_appearance
from generator.pdf.bidi import visual_order
from generator.pdf.fill import fill_pdf
from generator.pdf.fonts import DEJAVU_SANS, UNICODE_FONT_RESOURCE, font_facts
from generator.pdf.reader import read_pdf
from generator.records.errors import CommissionError
from tests.conftest import ROOT
from tests.pdf_clients import fill_pypdfform
from tests.pdf_seen import seen

BLANK = ROOT / "forms" / "growth-bid.pdf"
FACTS = font_facts(DEJAVU_SANS.read_bytes())


def _lines(content: bytes) -> tuple[float, list[float]]:
    """The font size and the baseline of each line drawn."""
    text = content.decode("ascii")
    size = float(re.search(r"/\S+ ([\d.]+) Tf", text).group(1))
    moves = [float(y) for y in re.findall(r"[-\d.]+ ([-\d.]+) Td", text)]
    baselines = [moves[0]]
    for step in moves[1:]:
        baselines.append(baselines[-1] + step)
    return size, baselines


def test_a_long_answer_wraps_and_shrinks_to_fit_its_box() -> None:
    box = TextBox(width=495, height=72, multiline=True, size=9)
    size, baselines = _lines(text_appearance("Lorem ipsum dolor sit amet. " * 24, box, FACTS, UNICODE_FONT_RESOURCE))
    assert 8 <= size < 9
    assert len(baselines) > 4 and min(baselines) > 0 and max(baselines) < box.height


def test_text_never_shrinks_below_8_pt_however_much_there_is() -> None:
    box = TextBox(width=495, height=72, multiline=True, size=9)
    size, baselines = _lines(text_appearance("Lorem ipsum dolor sit amet. " * 60, box, FACTS, UNICODE_FONT_RESOURCE))
    assert size == 8 and len(baselines) > 6  # what does not fit is clipped; the value itself keeps all of it


def test_a_short_answer_keeps_the_fields_size_and_sits_mid_box() -> None:
    box = TextBox(width=495, height=18, multiline=False, size=9)
    size, baselines = _lines(text_appearance("Zoë", box, FACTS, UNICODE_FONT_RESOURCE))
    assert size == 9 and len(baselines) == 1 and 3 < baselines[0] < 9


def test_a_word_wider_than_the_box_is_broken_not_lost() -> None:
    box = TextBox(width=60, height=72, multiline=True, size=9)
    content = text_appearance("Wolfeschlegelsteinhausenbergerdorff", box, FACTS, UNICODE_FONT_RESOURCE)
    assert len(_lines(content)[1]) > 1


def test_unknown_fields_and_wrong_kinds_of_value_are_refused_by_name() -> None:
    blank = BLANK.read_bytes()
    with pytest.raises(CommissionError, match="no field named 'nope'"):
        fill_pdf(blank, {"nope": "x"})
    with pytest.raises(CommissionError, match="'applicant/is_commissioning_partner' is a check box"):
        fill_pdf(blank, {"applicant/is_commissioning_partner": "yes"})
    with pytest.raises(CommissionError, match="'proposal_title' holds text"):
        fill_pdf(blank, {"proposal_title": True})


def test_a_form_without_the_type0_font_is_refused_with_the_fix(tmp_path: Path) -> None:
    with pikepdf.open(BLANK) as pdf:
        del pdf.Root.AcroForm.DR.Font["/" + UNICODE_FONT_RESOURCE]
        pdf.save(tmp_path / "old.pdf")
    with pytest.raises(CommissionError, match="commission forms build"):
        fill_pdf((tmp_path / "old.pdf").read_bytes(), {})


def test_values_ticks_and_no_need_appearances() -> None:
    filled = fill_pdf(BLANK.read_bytes(), {"proposal_title": "Αθηνά", "applicant/is_commissioning_partner": True})
    with pikepdf.open(io.BytesIO(filled)) as pdf:
        assert "/NeedAppearances" not in pdf.Root.AcroForm
        box = next(a for a in pdf.pages[0].Annots if str(a.get("/T")) == "applicant/is_commissioning_partner")
        assert box.V == box.AS == pikepdf.Name.Yes
    answers = read_pdf(filled, "filled.pdf").answers
    assert answers["/proposal_title"] == "Αθηνά" and answers["/applicant/is_commissioning_partner"] is True


def test_redrawing_makes_another_fillers_values_visible(tmp_path: Path) -> None:
    """PyPDFForm leaves mupdf nothing to draw; fill_pdf(returned, {}) draws every value again, unchanged."""
    values = {"proposal_title": "Ольга Петрова", "applicant/organisation": "Zoë £5"}
    returned = tmp_path / "returned.pdf"
    fill_pypdfform(BLANK, values, returned)
    assert seen(returned, "mutool", list(values), tmp_path / "before")["proposal_title"].text == ""
    redrawn = tmp_path / "redrawn.pdf"
    redrawn.write_bytes(fill_pdf(returned.read_bytes(), {}))
    after = seen(redrawn, "mutool", list(values), tmp_path / "after")
    assert {name: after[name].text for name in values} == values
    assert read_pdf(redrawn.read_bytes(), redrawn.name).answers["/proposal_title"] == "Ольга Петрова"


@pytest.mark.parametrize(
    ("typed", "drawn"),
    [
        ("Zoë Ångström", "Zoë Ångström"),
        ("שרה כהן", "ןהכ הרש"),
        ("Dr שרה כהן, London", "Dr ןהכ הרש, London"),
        ("שָׁלוֹם", "םוֹלשָׁ"),  # each mark stays after its letter
    ],
)
def test_right_to_left_runs_are_stored_back_to_front(typed: str, drawn: str) -> None:
    assert visual_order(typed) == drawn


def test_looping_field_trees_end_with_a_refusal_or_a_redraw(tmp_path: Path) -> None:
    """A crafted return whose /Parent chain or /Kids loop back must not hang the redraw."""
    with pikepdf.open(BLANK) as pdf:
        first = pdf.Root.AcroForm.Fields[0]
        first.Parent = first  # a field that is its own parent
        pdf.save(tmp_path / "parent-loop.pdf")
    assert read_pdf(fill_pdf((tmp_path / "parent-loop.pdf").read_bytes(), {}), "redrawn.pdf").kind == "growth-bid"

    with pikepdf.open(BLANK) as pdf:
        first = pdf.Root.AcroForm.Fields[0]
        kid = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String("x"), Kids=pikepdf.Array([first])))
        first.Kids = pikepdf.Array([kid])  # a kid whose kid is its own parent
        pdf.save(tmp_path / "kids-loop.pdf")
    with pikepdf.open(io.BytesIO(fill_pdf((tmp_path / "kids-loop.pdf").read_bytes(), {}))) as pdf:
        assert len(pdf.Root.AcroForm.Fields) > 1  # the loop was walked once and the rest redrawn


@pytest.mark.parametrize("size", ["nan", "inf", "1e9", "-4"])
def test_a_crafted_font_size_is_drawn_at_a_sane_size_quickly(tmp_path: Path, size: str) -> None:
    with pikepdf.open(BLANK) as pdf:
        field = next(f for f in pdf.Root.AcroForm.Fields if str(f.get("/T")) == "proposal_title")
        field.DA = pikepdf.String(f"/DejaVu {size} Tf 0 g")
        field.V = pikepdf.String("A title long enough to need shrinking if the size were huge " * 3)
        pdf.save(tmp_path / "crafted.pdf")
    started = time.monotonic()
    redrawn = fill_pdf((tmp_path / "crafted.pdf").read_bytes(), {})
    assert time.monotonic() - started < 10
    with pikepdf.open(io.BytesIO(redrawn)) as pdf:
        field = next(f for f in pdf.Root.AcroForm.Fields if str(f.get("/T")) == "proposal_title")
        drawn = float(re.search(rb" ([\d.]+) Tf", field.AP.N.read_bytes()).group(1))
    assert 5 <= drawn <= 72


def test_damaged_fonts_and_fields_end_in_a_plain_refusal(tmp_path: Path) -> None:
    with pikepdf.open(BLANK) as pdf:
        font = pdf.Root.AcroForm.DR.Font["/" + UNICODE_FONT_RESOURCE]
        font.DescendantFonts[0].FontDescriptor.FontFile2.write(b"not a font")
        pdf.save(tmp_path / "bad-font.pdf")
    with pytest.raises(CommissionError, match="font is damaged"):
        fill_pdf((tmp_path / "bad-font.pdf").read_bytes(), {})
    with pikepdf.open(BLANK) as pdf:
        field = next(f for f in pdf.Root.AcroForm.Fields if str(f.get("/T")) == "proposal_title")
        del field.Rect
        pdf.save(tmp_path / "no-rect.pdf")
    with pytest.raises(CommissionError, match="form is damaged"):
        fill_pdf((tmp_path / "no-rect.pdf").read_bytes(), {})


def test_text_beyond_ascii_reads_back_as_typed_by_pypdf_and_pikepdf() -> None:
    """pikepdf's PDFDocEncoding writes U+FFFD as 0x9F, which pypdf reads as U+009F: text goes as UTF-16."""
    from pypdf import PdfReader

    value = "\ufffd- Zoë £5 – ok"
    filled = fill_pdf(BLANK.read_bytes(), {"proposal_title": value})
    assert PdfReader(io.BytesIO(filled)).get_fields()["proposal_title"]["/V"] == value
    with pikepdf.open(io.BytesIO(filled)) as pdf:
        assert next(str(f.V) for f in pdf.Root.AcroForm.Fields if str(f.T) == "proposal_title") == value
