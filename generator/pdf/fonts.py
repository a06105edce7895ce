"""Embed DejaVu Sans as a Unicode (Type0, Identity-H) font for field appearances.

The whole font is embedded, not a subset, because the text a bidder types is
not known when the blank form is built: £, accents and other scripts must
all have glyphs. Codes are glyph ids, and a ToUnicode map lets readers and
fillers map text to glyphs and back.
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


def _to_unicode(cmap: dict[int, int]) -> bytes:
    seen: dict[int, int] = {}
    for code, gid in sorted(cmap.items()):
        if code <= 0xFFFF and gid not in seen:
            seen[gid] = code
    lines = [f"<{gid:04X}> <{code:04X}>" for gid, code in sorted(seen.items())]
    chunks = [lines[i : i + 100] for i in range(0, len(lines), 100)]
    body = "".join(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n" for chunk in chunks)
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def add_unicode_font(pdf: pikepdf.Pdf, path: Path = DEJAVU_SANS) -> pikepdf.Object:
    """Add the font to ``pdf`` and return its (indirect) font dictionary."""
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
    width_array = pikepdf.Array()
    for gid in sorted(widths):
        width_array.append(gid)
        width_array.append(pikepdf.Array([widths[gid]]))
    cid_font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.CIDFontType2,
            BaseFont=base,
            CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
            FontDescriptor=descriptor,
            DW=600,
            W=width_array,
            CIDToGIDMap=pikepdf.Name.Identity,
        )
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=base,
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[cid_font],
            ToUnicode=pdf.make_stream(_to_unicode(cmap)),
        )
    )
