"""Whether an XML part declares a DOCTYPE, read from its prolog alone.

A DOCTYPE can only stand in the prolog: after the XML declaration, comments
and processing instructions, before the root element. So the first few hundred
bytes of a part answer the question, whatever its size, in the encodings an
XML parser recognises without a declaration (UTF-8 and the unmarked
ASCII-compatible ones, UTF-16 and UTF-32 with or without a byte order mark).
When the head ends inside the prolog, or is in an encoding we do not
recognise, the answer is None and the caller must look at the whole part.
"""

from __future__ import annotations

import re

__all__ = ["declares_doctype", "mentions_doctype"]

#: Byte order marks and the unmarked first bytes of ``<``, as XML 1.0 Appendix F lists them.
_ENCODINGS = (
    (b"\xef\xbb\xbf", "latin-1", 3, 1),
    (b"\xff\xfe\x00\x00", "utf-32-le", 4, 4),
    (b"\x00\x00\xfe\xff", "utf-32-be", 4, 4),
    (b"\xff\xfe", "utf-16-le", 2, 2),
    (b"\xfe\xff", "utf-16-be", 2, 2),
    (b"<\x00\x00\x00", "utf-32-le", 0, 4),
    (b"\x00\x00\x00<", "utf-32-be", 0, 4),
    (b"<\x00", "utf-16-le", 0, 2),
    (b"\x00<", "utf-16-be", 0, 2),
)
_PROLOG_ITEMS = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_DOCTYPE = "<!DOCTYPE"
#: What nearly every part starts with: an XML declaration, then the root element's start tag.
_PLAIN_START = re.compile(rb"<\?xml[^<>]*\?>[ \t\r\n]*<[A-Za-z_:\x80-\xff]")
#: Unfinished prolog items: the head stopped inside one of them.
_UNFINISHED = ("<?", "<!--")


def _text(head: bytes) -> str | None:
    """The head as text, or None for an encoding we do not recognise."""
    for mark, codec, skip, unit in _ENCODINGS:
        if head.startswith(mark):
            body = head[skip:]
            return body[: len(body) - len(body) % unit].decode(codec, errors="replace")
    if head[:1].isspace() or head[:1] == b"<" or not head:
        return head.decode("latin-1")  # markup is ASCII; other bytes cannot open a prolog item
    return None


def declares_doctype(head: bytes) -> bool | None:
    """True or False from the prolog at the start of ``head``; None when the head cannot tell."""
    if _PLAIN_START.match(head):
        return False
    text = _text(head)
    if text is None:
        return None
    rest = text[_PROLOG_ITEMS.match(text).end() :]  # type: ignore[union-attr]  # "*" always matches
    if rest.startswith(_DOCTYPE):
        return True
    if not rest or rest.startswith(_UNFINISHED) or _DOCTYPE.startswith(rest) or "<!--".startswith(rest):
        return None
    return False


def mentions_doctype(data: bytes) -> bool:
    """The whole-part fallback: ``<!DOCTYPE`` anywhere, spelled in bytes, UTF-16 or UTF-32."""
    return any(spelling in data for spelling in _SPELLINGS)


#: Little-endian spellings without their last zero bytes match big-endian text too.
_SPELLINGS = tuple(_DOCTYPE.encode(codec).rstrip(b"\0") for codec in ("ascii", "utf-16-le", "utf-32-le"))
