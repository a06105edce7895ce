"""How a file's name is kept and shown: the exact bytes in the register, an escaped text for people.

A name on disk is any sequence of bytes but ``/`` and NUL: not always UTF-8,
and it may hold a newline or a terminal escape. The register keeps the bytes
as they are; everything written for people (the register's ``path``, the
workbook, CSV, ``errors.txt``) uses :func:`shown_name`, which is printable,
one line, and different for every different name: a backslash is doubled, a
byte that is not UTF-8 is ``\\xNN`` (always 80 to FF), an ASCII control
character ``\\n``, ``\\r``, ``\\t`` or ``\\xNN`` (below 80), and any other
invisible or reordering character ``\\uNNNN``.
"""

from __future__ import annotations

import os
import unicodedata

__all__ = ["printable", "raw_name", "shown_name"]

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
#: Categories shown as escapes: controls, format characters (bidirectional overrides), separators, unassigned.
_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn"}


def _escaped(char: str, *, backslash: bool) -> str:
    if char == "\\":
        return "\\\\" if backslash else char
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80 and unicodedata.category(char) == "Cc":
        return f"\\x{code:02x}"
    if unicodedata.category(char) in _HIDDEN or 0xD800 <= code <= 0xDFFF:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return char


def shown_name(raw: bytes) -> str:
    """A name's bytes as one printable line that no other name is shown as."""
    name = os.fsdecode(raw)
    if name.isprintable() and "\\" not in name:  # nothing to escape (the usual case), so not a character at a time
        return name
    return "".join(_escaped(char, backslash=True) for char in name)


def raw_name(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a name as the operating system holds them."""
    return os.fsencode(path)


def printable(text: str) -> str:
    """Any text for a one-line report: line breaks and invisible characters escaped, backslashes left alone."""
    if text.isprintable():  # no control, format, separator, private, unassigned or surrogate character
        return text
    return "".join(_escaped(char, backslash=False) for char in text)
