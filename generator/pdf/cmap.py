"""ToUnicode CMaps (PDF 32000-1, 9.10.3): which character each code of a font draws.

Two-byte codes for the Type0 font; one-byte codes for the simple fonts, whose
encodings name letters outside the Adobe standard Latin set (``Aogonek``), so
PDF/UA-1 (7.21.7) asks them for a map too.

Text extraction uses the map to read drawn text back; fillers that work from
characters (pdftk's iText, poppler) use it the other way, to find a code for a
character. Consecutive codes for consecutive characters are written as one
``bfrange``, each range within one high byte of ids and of characters, at most 100 to a block, as the
CMap format requires.
"""

from __future__ import annotations

__all__ = ["to_unicode_cmap"]

_BLOCK = 100


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


def to_unicode_cmap(to_unicode: dict[int, int], code_bytes: int = 2) -> bytes:
    """A ToUnicode CMap from codes (two-byte glyph ids by default) to characters, as ranges of consecutive codes."""
    digits = 2 * code_bytes
    ranges: list[tuple[int, int, int]] = []
    for glyph, code in sorted(to_unicode.items()):
        if ranges:
            first, last, start = ranges[-1]
            follows = glyph == last + 1 and code == start + glyph - first and code <= 0xFFFF
            # The spec lets only the last byte vary within a range, of the glyph ids and the characters alike.
            if follows and glyph >> 8 == first >> 8 and code >> 8 == start >> 8:
                ranges[-1] = (first, glyph, start)
                continue
        ranges.append((glyph, glyph, code))
    body = []
    for index in range(0, len(ranges), _BLOCK):
        block = ranges[index : index + _BLOCK]
        body.append(f"{len(block)} beginbfrange")
        body.extend(f"<{first:0{digits}X}> <{last:0{digits}X}> <{_utf16_hex(code)}>" for first, last, code in block)
        body.append("endbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        f"1 begincodespacerange\n<{0:0{digits}X}> <{(1 << 8 * code_bytes) - 1:0{digits}X}>\nendcodespacerange\n"
        + "\n".join(body)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")
