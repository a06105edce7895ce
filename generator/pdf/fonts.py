"""Embed DejaVu Sans, whole, as the fonts of the fields' appearances.

The whole font is embedded, not a subset, because the text a bidder types is
not known when the blank form is built. One copy of the font file serves
three font dictionaries, because each kind of filler can use only some kinds:

* ``/DejaVu`` in the form's default resources (/DR), the font every field's
  /DA names: a simple TrueType font whose encoding is WinAnsi plus 32 letters
  (:mod:`.encoding`), with a one-byte ToUnicode map (PDF/UA asks for one, as
  the 32 letters' names are not standard Latin ones). pdftk writes one byte per character with the /DA font,
  and a Type0 font there makes it draw .notdef boxes for every character,
  Latin ones included.
* ``/DejaVu`` in each blank appearance's own resources: the same font with a
  plain ``/WinAnsiEncoding``, the only kind qpdf's appearance generator
  (pikepdf, PyPDFForm's ``generate_appearance_streams``) can encode for; it
  looks there before /DR.
* ``/DejaVuUni`` in /DR: a Type0 font (Identity-H, identity CID-to-glyph map,
  full /W widths and ToUnicode map) that draws every character the font has.
  Our own filler (:mod:`.fill`) draws with it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

from .cmap import to_unicode_cmap
from .encoding import differences, field_encoding, win_ansi

__all__ = [
    "DEJAVU_SANS",
    "FONT_RESOURCE",
    "UNICODE_FONT_RESOURCE",
    "FieldFonts",
    "FontFacts",
    "add_field_fonts",
    "font_facts",
]

DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
#: The resource name fields use in their /DA strings.
FONT_RESOURCE = "DejaVu"
#: The resource name of the Type0 font that draws every character the font has.
UNICODE_FONT_RESOURCE = "DejaVuUni"


@dataclass(frozen=True)
class FontFacts:
    """What PDF font dictionaries and appearance streams need from a TrueType file (sizes in 1/1000 em)."""

    name: str
    glyphs: dict[int, int]  # code point -> glyph id
    widths: tuple[int, ...]  # by glyph id
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int

    def to_unicode(self) -> dict[int, int]:
        """Glyph id -> the lowest code point drawn with it."""
        out: dict[int, int] = {}
        for code, glyph in sorted(self.glyphs.items()):
            out.setdefault(glyph, code)
        return out


@lru_cache(maxsize=4)
def font_facts(data: bytes) -> FontFacts:
    """Read the facts once per font file (a few kept: forms built with different copies of the font)."""
    font = TTFont(io.BytesIO(data))
    scale = 1000 / font["head"].unitsPerEm
    order = font.getGlyphOrder()
    gid = {name: index for index, name in enumerate(order)}
    head = font["head"]
    return FontFacts(
        name=font["name"].getDebugName(6) or "DejaVuSans",
        glyphs={code: gid[name] for code, name in font.getBestCmap().items()},
        widths=tuple(round(font["hmtx"][name][0] * scale) for name in order),
        bbox=(round(head.xMin * scale), round(head.yMin * scale), round(head.xMax * scale), round(head.yMax * scale)),
        ascent=round(font["hhea"].ascent * scale),
        descent=round(font["hhea"].descent * scale),
        cap_height=round(getattr(font["OS/2"], "sCapHeight", 0) * scale) or 729,
    )


def _descriptor(pdf: pikepdf.Pdf, facts: FontFacts, base: pikepdf.Name, data: bytes) -> pikepdf.Object:
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=base,
            Flags=32,  # non-symbolic: glyphs are found by the character each code stands for
            FontBBox=list(facts.bbox),
            ItalicAngle=0,
            Ascent=facts.ascent,
            Descent=facts.descent,
            CapHeight=facts.cap_height,
            StemV=80,
            FontFile2=pdf.make_stream(data, Length1=len(data)),
        )
    )


def _simple_font(
    pdf: pikepdf.Pdf,
    facts: FontFacts,
    base: pikepdf.Name,
    descriptor: pikepdf.Object,
    table: dict[int, str],
    encoding: pikepdf.Object,
) -> pikepdf.Object:
    widths = [facts.widths[facts.glyphs.get(ord(table[code]), 0)] if code in table else 0 for code in range(256)]
    characters = {code: ord(char) for code, char in table.items()}
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.TrueType,
            BaseFont=base,
            FirstChar=0,
            LastChar=255,
            Widths=widths,
            Encoding=encoding,
            FontDescriptor=descriptor,
            ToUnicode=pdf.make_stream(to_unicode_cmap(characters, code_bytes=1)),
        )
    )


def _composite_font(
    pdf: pikepdf.Pdf, facts: FontFacts, base: pikepdf.Name, descriptor: pikepdf.Object
) -> pikepdf.Object:
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=base,
        CIDSystemInfo=pikepdf.Dictionary(
            Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
        ),
        FontDescriptor=descriptor,
        DW=facts.widths[0],
        W=[0, list(facts.widths)],
        CIDToGIDMap=pikepdf.Name.Identity,
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=base,
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[pdf.make_indirect(cid_font)],
            ToUnicode=pdf.make_stream(to_unicode_cmap(facts.to_unicode())),
        )
    )


@dataclass(frozen=True)
class FieldFonts:
    """The three font dictionaries of a form's fields (see the module docstring for why three)."""

    default: pikepdf.Object  # /DR /DejaVu: WinAnsi plus 32 letters
    win_ansi: pikepdf.Object  # /DejaVu of the blank appearances: plain WinAnsi, for qpdf
    unicode: pikepdf.Object  # /DR /DejaVuUni: Type0, every character


def add_field_fonts(pdf: pikepdf.Pdf, path: Path = DEJAVU_SANS) -> FieldFonts:
    """Add the fields' fonts to ``pdf``, sharing one embedded copy of the font file."""
    data = path.read_bytes()
    facts = font_facts(data)
    base = pikepdf.Name("/" + facts.name.replace(" ", ""))
    descriptor = _descriptor(pdf, facts, base, data)
    extended = pikepdf.Dictionary(
        Type=pikepdf.Name.Encoding,
        BaseEncoding=pikepdf.Name.WinAnsiEncoding,
        Differences=[item if isinstance(item, int) else pikepdf.Name("/" + item) for item in differences()],
    )
    return FieldFonts(
        default=_simple_font(pdf, facts, base, descriptor, field_encoding(), extended),
        win_ansi=_simple_font(pdf, facts, base, descriptor, win_ansi(), pikepdf.Name.WinAnsiEncoding),
        unicode=_composite_font(pdf, facts, base, descriptor),
    )
