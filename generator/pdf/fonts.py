"""Embed DejaVu Sans, whole, as the font of the fields' appearances.

The whole font is embedded, not a subset, because the text a bidder types is
not known when the blank form is built.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

__all__ = ["DEJAVU_SANS", "FONT_RESOURCE", "add_unicode_font"]

DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
#: The resource name fields use in their /DA strings.
FONT_RESOURCE = "DejaVu"


@cache
def _font_tables(path: Path) -> tuple[dict[int, int], dict[int, int], bytes]:
    """(unicode -> glyph id, glyph id -> width in 1/1000 em, font bytes)."""
    font = TTFont(str(path))
    scale = 1000 / font["head"].unitsPerEm
    order = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    cmap = {code: order[name] for code, name in font.getBestCmap().items()}
    widths = {order[name]: round(metric[0] * scale) for name, metric in font["hmtx"].metrics.items()}
    return cmap, widths, path.read_bytes()


def _winansi_widths(cmap: dict[int, int], widths: dict[int, int]) -> list[int]:
    out = []
    for code in range(32, 256):
        try:
            char = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            out.append(0)
            continue
        out.append(widths.get(cmap.get(ord(char), 0), 600))
    return out


def add_unicode_font(pdf: pikepdf.Pdf, path: Path = DEJAVU_SANS) -> pikepdf.Object:
    """Add the whole font to ``pdf`` as a WinAnsi TrueType font; return its font dictionary.

    A Type0 (Identity-H) font would reach every script, but pdftk (iText 2)
    writes unreadable appearances with one, so the fields use the encoding every
    filler supports: £, €, accents and Latin-1 names show everywhere.
    """
    cmap, widths, data = _font_tables(path)
    base = pikepdf.Name("/" + path.stem.replace(" ", ""))
    descriptor = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=base,
            Flags=32,
            FontBBox=[-1021, -463, 1793, 1232],
            ItalicAngle=0,
            Ascent=928,
            Descent=-236,
            CapHeight=729,
            StemV=80,
            FontFile2=pdf.make_stream(data),
        )
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.TrueType,
            BaseFont=base,
            FirstChar=32,
            LastChar=255,
            Widths=_winansi_widths(cmap, widths),
            Encoding=pikepdf.Name.WinAnsiEncoding,
            FontDescriptor=descriptor,
        )
    )
