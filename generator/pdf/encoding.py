"""The 8-bit encoding of the fields' default font: WinAnsi plus 32 letters.

pdftk can only write one byte per character with the font a field's /DA
names, and it finds that byte from the font's /Encoding and /Differences by
glyph name, using its own copy of the Adobe Glyph List. WinAnsi leaves 32
codes free that a PDF string carries safely (the control codes other than
backspace, tab, line ends and form feed, plus the five codes Windows-1252
leaves undefined). They hold letters of Polish, Romanian, Turkish, Czech and
Hungarian names, each under a name pdftk's glyph list knows (it has none for
Romanian ț, so that letter is left out). Code 0, which pdftk writes for a
character the encoding lacks, draws the replacement character, so a missing
letter shows as a visible mark rather than nothing.
"""

from __future__ import annotations

import unicodedata
from functools import cache

__all__ = ["EXTRA_LETTERS", "MISSING", "differences", "field_encoding", "win_ansi"]

#: Letters beyond Windows-1252 the default font's encoding carries, with their glyph names.
_EXTRA = (
    ("Ą", "Aogonek"),
    ("ą", "aogonek"),
    ("Ć", "Cacute"),
    ("ć", "cacute"),
    ("Ę", "Eogonek"),
    ("ę", "eogonek"),
    ("Ł", "Lslash"),
    ("ł", "lslash"),
    ("Ń", "Nacute"),
    ("ń", "nacute"),
    ("Ś", "Sacute"),
    ("ś", "sacute"),
    ("Ź", "Zacute"),
    ("ź", "zacute"),
    ("Ż", "Zdotaccent"),
    ("ż", "zdotaccent"),
    ("Ă", "Abreve"),
    ("ă", "abreve"),
    ("Ș", "Scommaaccent"),
    ("ș", "scommaaccent"),
    ("Ğ", "Gbreve"),
    ("ğ", "gbreve"),
    ("İ", "Idotaccent"),
    ("ı", "dotlessi"),
    ("Ş", "Scedilla"),
    ("ş", "scedilla"),
    ("Č", "Ccaron"),
    ("č", "ccaron"),
    ("Ő", "Ohungarumlaut"),
    ("ő", "ohungarumlaut"),
    ("Ű", "Uhungarumlaut"),
    ("ű", "uhungarumlaut"),
)
EXTRA_LETTERS = "".join(char for char, _ in _EXTRA)
#: What code 0 draws: pdftk writes it for any character the encoding lacks.
MISSING = "\ufffd"
_FREE_CODES = (*range(1, 8), 11, *range(14, 32), 0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D)


@cache
def win_ansi() -> dict[int, str]:
    """WinAnsiEncoding: code -> character, for the printable codes Windows-1252 defines."""
    table = {}
    for code in range(32, 256):
        try:
            char = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        if unicodedata.category(char) != "Cc":
            table[code] = char
    return table


@cache
def field_encoding() -> dict[int, str]:
    """Every code the default font draws and the character it stands for."""
    return {0: MISSING} | win_ansi() | dict(zip(_FREE_CODES, EXTRA_LETTERS, strict=True))


def differences() -> list[int | str]:
    """The /Differences array: a code, then the glyph names of the run of codes that starts there."""
    out: list[int | str] = [0, "uniFFFD"]
    previous = 0
    for code, (_, name) in zip(_FREE_CODES, _EXTRA, strict=True):
        if code != previous + 1:
            out.append(code)
        out.append(name)
        previous = code
    return out
