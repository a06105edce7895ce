"""Which scripts each filler draws, read back from what poppler and mupdf actually draw.

One name per script goes into its own field of the growth-bid form. For every
filler and both renderers the text drawn in each field must read exactly as
that filler's rule predicts (below), with ink where there is text and none
where there is not; the reader must return every value exactly as typed,
whatever was drawn, and send to an officer exactly the boxes that show something
else than their value. README.md's table of PDF fillers is this test, in words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
import yaml

from generator.forms.layout import load_layout
from generator.pdf.encoding import MISSING, field_encoding, win_ansi
from generator.pdf.fonts import DEJAVU_SANS, UNICODE_FONT_RESOURCE, font_facts
from generator.pdf.names import split_field_name
from generator.pdf.reader import read_pdf
from tests.conftest import EXAMPLES, ROOT
from tests.pdf_clients import (
    field_values,
    fill_own,
    fill_pdftk,
    fill_pdftk_replacement_font,
    fill_pypdf,
    fill_pypdfform,
    fill_qpdf,
)
from tests.pdf_seen import RENDERERS, seen

#: Field -> a name in one script (the table cells on page 3 are narrower).
SAMPLES = {
    "proposal_title": "Zoë Ångström £5 €3",  # Windows-1252
    "applicant/organisation": "Dvořák, Nguyễn Thị Hương, Țurcan",  # Latin beyond the 32 extra letters
    "applicant/contact_names": "Αθηνά Παπαδοπούλου",
    "applicant/email": "Ольга Петрова",
    "applicant/phone": "ნინო ბერიძე",  # Georgian
    "submission_date": "王芳",  # not in DejaVu Sans
    "supporting_partners/0/organisation": "Łukasz Wróbel-Żak",
    "supporting_partners/0/contact_name": "Ștefan Bălan",
    "supporting_partners/1/organisation": "Şule İpek Ağaoğlu",
    "supporting_partners/1/contact_name": "Čapek, Erdős Győző",
    "supporting_partners/2/organisation": "שרה כהן",
    "supporting_partners/2/contact_name": "ليلى حسن",
}
_IN_FONT = set(map(chr, font_facts(DEJAVU_SANS.read_bytes()).glyphs))
_FIELD_FONT = set(field_encoding().values())
_WIN_ANSI = set(win_ansi().values())


def _each(keep: set[str], otherwise: str) -> Callable[[str], str]:
    """Characters in ``keep`` drawn as typed, every other one as ``otherwise`` ('' for not at all)."""
    return lambda text: "".join(char if char in keep or char == " " else otherwise for char in text)


def _reads_reversed(rule: Callable[[str], str]) -> Callable[[str], str]:
    """A right-to-left name that reads back reversed.

    pypdf draws its letters left to right in the order typed, so a reader takes them
    as mirrored; pdftk lays them out right to left, but as replacement marks, which
    read left to right.
    """

    def drawn(text: str) -> str:
        rtl = any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)
        return rule(text)[::-1] if rtl else rule(text)

    return drawn


def _nothing(text: str) -> str:
    return ""


#: Filler -> renderer -> what a typed value reads as once drawn.
DRAWN: dict[str, tuple[Callable, dict[str, Callable[[str], str]]]] = {
    "ours": (fill_own, dict.fromkeys(RENDERERS, _each(_IN_FONT, MISSING))),
    "pypdf": (fill_pypdf, dict.fromkeys(RENDERERS, _reads_reversed(_each(_IN_FONT, "")))),
    "pdftk": (fill_pdftk, dict.fromkeys(RENDERERS, _reads_reversed(_each(_FIELD_FONT, MISSING)))),
    "pdftk replacement_font": (fill_pdftk_replacement_font, dict.fromkeys(RENDERERS, _each(_IN_FONT, ""))),
    "qpdf": (fill_qpdf, dict.fromkeys(RENDERERS, _each(_WIN_ANSI, "?"))),
    # PyPDFForm writes no appearance: it replaces /AP with a string. poppler draws one itself from
    # /DA and /DR (dropping what the 8-bit font lacks); mupdf gives up on the broken /AP.
    "PyPDFForm": (fill_pypdfform, {"pdftoppm": _each(_FIELD_FONT, ""), "mutool": _nothing}),
}


#: Boxes whose stream holds a code no renderer draws a glyph for: pypdf writes code 0x3F3F ('??') for letters
#: its font lacks. The reader cannot tell that the code draws nothing, and the value is not shown: reviewed.
UNDRAWN_CODES = {"pypdf": {"submission_date"}}


def _shows_otherwise(value: str, drawn: str) -> bool:
    """Whether a box drawing ``drawn`` shows an officer other letters than ``value`` (order and spacing aside)."""
    squeezed = "".join(value.split())
    return bool(drawn) and "".join(drawn.split()) not in (squeezed, squeezed[::-1])


@pytest.mark.parametrize("client", sorted(DRAWN))
def test_each_filler_draws_the_scripts_it_can_and_the_reader_reads_them_all(client: str, tmp_path: Path) -> None:
    fill, rules = DRAWN[client]
    filled = tmp_path / "filled.pdf"
    fill(ROOT / "forms" / "growth-bid.pdf", SAMPLES, filled)
    extraction = read_pdf(filled.read_bytes(), filled.name)
    answers = extraction.answers
    assert {name: answers[split_field_name(name)[0]] for name in SAMPLES} == SAMPLES
    # A box that shows '?', the replacement mark or nothing in place of letters shows the officer something
    # else than the value, so it goes to review; PyPDFForm writes no appearance, so readers draw the value.
    reviewed = {item["path"] for item in extraction.flags.get("manual_review", [])}
    rule = rules["pdftoppm"]
    shown_otherwise = {name for name, value in SAMPLES.items() if _shows_otherwise(value, rule(value).strip())}
    shown_otherwise |= UNDRAWN_CODES.get(client, set())
    assert reviewed == (set() if client == "PyPDFForm" else {split_field_name(name)[0] for name in shown_otherwise})
    for renderer, rule in rules.items():
        drawn = seen(filled, renderer, list(SAMPLES), tmp_path / renderer)
        for name, value in SAMPLES.items():
            expected = rule(value).strip()
            assert drawn[name].text == expected, f"{client}, {renderer}, {name}: {value!r}"
            assert (drawn[name].ink > 0) == bool(expected), f"{client}, {renderer}, {name}: ink {drawn[name].ink}"


#: One example per form, and the one with letters beyond ASCII (Siân Mégane).
EXAMPLE_RECORDS = [
    ("growth-bid", "dartford-young-people-leaving-care.yaml"),
    ("growth-bid", "thanet-domestic-abuse-outreach.json"),
    ("service-specification", "floating-support-young-people.yaml"),
    ("evaluation-report", "dartford-young-people-leaving-care.yaml"),
]


@pytest.mark.parametrize("client", sorted(DRAWN))
@pytest.mark.parametrize(("kind", "example"), EXAMPLE_RECORDS)
def test_every_filler_draws_the_example_records_as_their_values(
    client: str, kind: str, example: str, tmp_path: Path
) -> None:
    """What each filler draws in every box of the examples reads as the value stored there: nothing to review."""
    record = yaml.safe_load((EXAMPLES / kind / example).read_text(encoding="utf-8"))
    filled = tmp_path / "filled.pdf"
    DRAWN[client][0](ROOT / "forms" / f"{kind}.pdf", field_values(load_layout(kind), record), filled)
    extraction = read_pdf(filled.read_bytes(), filled.name)
    assert extraction.kind == kind and extraction.answers
    assert "manual_review" not in extraction.flags, extraction.flags["manual_review"]


def test_a_blank_form_draws_nothing_in_its_fields(tmp_path: Path) -> None:
    for renderer in RENDERERS:
        drawn = seen(ROOT / "forms" / "growth-bid.pdf", renderer, list(SAMPLES), tmp_path / renderer)
        assert all(field.text == "" and field.ink == 0 for field in drawn.values()), renderer


def test_pdftk_cannot_draw_with_a_type0_font_so_it_is_not_the_da_font(tmp_path: Path) -> None:
    """pdftk-java 3.3 reads a /DA font only through /Encoding: with a Type0 font it writes one zero byte a letter.

    That is why /DA names the 8-bit font (WinAnsi plus 32 letters, test above) and the
    Type0 font is left to fillers that can use it.
    """
    blank = tmp_path / "type0-da.pdf"
    with pikepdf.open(ROOT / "forms" / "growth-bid.pdf") as pdf:
        type0_da = pikepdf.String(f"/{UNICODE_FONT_RESOURCE} 9 Tf 0 g")
        pdf.Root.AcroForm.DA = type0_da
        for field in pdf.Root.AcroForm.Fields:
            if field.get("/FT") == pikepdf.Name.Tx:
                field.DA = type0_da
        pdf.save(blank)
    filled = tmp_path / "filled.pdf"
    fill_pdftk(blank, {"proposal_title": "Zoë £5"}, filled)
    with pikepdf.open(filled) as pdf:
        widget = next(a for a in pdf.pages[0].Annots if str(a.get("/T")) == "proposal_title")
        shown = [
            operands[0]
            for operands, operator in pikepdf.parse_content_stream(widget.AP.N)
            if operator == pikepdf.Operator("Tj")
        ]
    assert [bytes(text) for text in shown] == [b"\x00" * len("Zoë £5")]
    for renderer in RENDERERS:
        assert seen(filled, renderer, ["proposal_title"], tmp_path / renderer)["proposal_title"].text != "Zoë £5"
