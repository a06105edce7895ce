"""The blank forms' fonts: one embedded copy of DejaVu Sans, seen three ways (see generator/pdf/fonts.py)."""

from __future__ import annotations

import re

import pikepdf
import pytest

from generator.forms.layout import layout_kinds
from generator.pdf.cmap import to_unicode_cmap
from generator.pdf.drawn_text import FontCache, parse_to_unicode
from generator.pdf.encoding import EXTRA_LETTERS, MISSING, differences, field_encoding, win_ansi
from generator.pdf.fonts import DEJAVU_SANS, FONT_RESOURCE, UNICODE_FONT_RESOURCE, font_facts
from tests.conftest import ROOT


def _fonts(kind: str) -> tuple[pikepdf.Pdf, pikepdf.Dictionary, pikepdf.Dictionary]:
    pdf = pikepdf.open(ROOT / "forms" / f"{kind}.pdf")
    default_resources = pdf.Root.AcroForm.DR.Font
    widget = next(a for a in pdf.pages[0].Annots if a.get("/FT") == pikepdf.Name.Tx and "/AP" in a)
    return pdf, default_resources, widget.AP.N.Resources.Font


@pytest.mark.parametrize("kind", layout_kinds())
def test_one_font_file_three_font_dictionaries(kind: str) -> None:
    pdf, default_resources, blank_resources = _fonts(kind)
    default, unicode = default_resources["/" + FONT_RESOURCE], default_resources["/" + UNICODE_FONT_RESOURCE]
    blank = blank_resources["/" + FONT_RESOURCE]
    assert default.Subtype == blank.Subtype == pikepdf.Name.TrueType
    assert default.Encoding.BaseEncoding == pikepdf.Name.WinAnsiEncoding and "/Differences" in default.Encoding
    assert blank.Encoding == pikepdf.Name.WinAnsiEncoding  # the only kind qpdf encodes for
    assert unicode.Subtype == pikepdf.Name.Type0 and unicode.Encoding == pikepdf.Name("/Identity-H")
    cid_font = unicode.DescendantFonts[0]
    assert cid_font.CIDToGIDMap == pikepdf.Name.Identity
    descriptors = {font.FontDescriptor.objgen for font in (default, blank, cid_font)}
    assert len(descriptors) == 1
    assert default.FontDescriptor.FontFile2.read_bytes() == DEJAVU_SANS.read_bytes()
    assert str(pdf.Root.AcroForm.DA).startswith(f"/{FONT_RESOURCE} ")
    assert "/NeedAppearances" not in pdf.Root.AcroForm


def test_the_type0_font_maps_every_glyph_to_its_character_and_width() -> None:
    facts = font_facts(DEJAVU_SANS.read_bytes())
    cmap = to_unicode_cmap(facts.to_unicode()).decode("ascii")
    mapped = {}
    for first, last, target in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})> <([0-9A-F]+)>", cmap):
        start = ord(bytes.fromhex(target).decode("utf-16-be"))
        for offset, glyph in enumerate(range(int(first, 16), int(last, 16) + 1)):
            mapped[glyph] = start + offset
    assert mapped == facts.to_unicode()
    assert set(facts.to_unicode().values()) == set(facts.glyphs)  # no two characters share a glyph in DejaVu Sans
    assert all(count <= 100 for count in map(int, re.findall(r"(\d+) beginbfrange", cmap)))
    for first, last, target in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})> <([0-9A-F]{4})>", cmap):
        span = int(last, 16) - int(first, 16)  # PDF 32000-1 9.10.3: only the last byte varies, on both sides
        assert first[:2] == last[:2] and int(target[2:], 16) + span <= 0xFF, (first, last, target)
    pdf = pikepdf.open(ROOT / "forms" / "growth-bid.pdf")
    widths = pdf.Root.AcroForm.DR.Font["/" + UNICODE_FONT_RESOURCE].DescendantFonts[0].W
    assert [int(w) for w in widths[1]] == list(facts.widths)


def test_the_default_encoding_is_win_ansi_plus_32_letters_in_codes_a_string_carries_safely() -> None:
    table = field_encoding()
    assert len(EXTRA_LETTERS) == 32 and set(EXTRA_LETTERS).isdisjoint(win_ansi().values())
    assert {code: char for code, char in table.items() if code in win_ansi()} == win_ansi()
    assert len(set(table.values())) == len(table)  # one code per character
    assert table[0] == MISSING
    assert not {8, 9, 10, 12, 13} & set(table)  # backspace, tab, line ends, form feed
    assert differences()[:2] == [0, "uniFFFD"]
    assert sum(isinstance(item, str) for item in differences()) == 33


def test_the_reader_decodes_the_default_font_by_its_glyph_names_as_the_encoding_module_defines_it() -> None:
    """The /DA font's /Differences, read through the Adobe Glyph List, give back every letter encoding.py put there."""
    pdf = pikepdf.open(ROOT / "forms" / "growth-bid.pdf")
    font = pdf.Root.AcroForm.DR.Font.DejaVu
    decode = FontCache().decoder(font)
    assert decode is not None
    assert {code: decode(bytes([code])) for code in field_encoding()} == field_encoding()


def test_the_reader_reads_the_type0_fonts_to_unicode_map_back_as_cmap_py_wrote_it() -> None:
    facts = font_facts(DEJAVU_SANS.read_bytes())
    wanted = {glyph: chr(code) for glyph, code in facts.to_unicode().items()}
    assert parse_to_unicode(to_unicode_cmap(facts.to_unicode())) == wanted


@pytest.mark.parametrize("resource", [FONT_RESOURCE, UNICODE_FONT_RESOURCE])
def test_the_reader_decodes_a_whole_string_as_it_decodes_each_code_in_it(resource: str) -> None:
    """A string shown at once reads as its codes read one by one; a code the font lacks, or half a code, as U+FFFD."""
    pdf = pikepdf.open(ROOT / "forms" / "growth-bid.pdf")
    font = pdf.Root.AcroForm.DR.Font[f"/{resource}"]
    decode = FontCache().decoder(font)
    assert decode is not None
    width = 2 if resource == UNICODE_FONT_RESOURCE else 1
    codes = [code.to_bytes(width, "big") for code in range(0, 256**width, 1 if width == 1 else 37)]
    assert decode(b"".join(codes)) == "".join(decode(code) for code in codes)
    if width == 2:
        assert decode(b"\xff\xff") == MISSING  # no glyph has this code
        assert decode(codes[5] + b"\x00") == decode(codes[5]) + MISSING
