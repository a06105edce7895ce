"""The text a field's appearance stream draws, read back as characters, so it can be set beside the field's value.

A PDF reader shows a filled field by drawing its normal appearance (/AP /N), not
its value (/V); the two can be made to differ. This module reads the string
operands of the text-showing operators (Tj, TJ, ', ") of an appearance stream,
following form XObjects it paints, and decodes them through the font the
stream's Tf chose (PDF 32000-1, 9.4 and 9.6-9.10):

* simple fonts by their /Encoding: WinAnsi, Standard or MacRoman, with
  /Differences looked up by glyph name in the Adobe Glyph List (which covers
  the 32 extra letters of our own ``/DejaVu`` encoding, :mod:`.encoding`);
* Type0 fonts with the Identity-H encoding by their /ToUnicode CMap.

Any other font (Type3, a Type0 font with another CMap or no ToUnicode, a simple
font with only a built-in encoding) makes the drawing undecodable: ``None``, and
the caller does not guess. Invisible text (render modes 3 and 7) is not counted.
Everything is bounded: stream sizes, tokens, nesting and CMap entries, with
decoded fonts kept per file and ToUnicode maps by their bytes (the 6,000-glyph
map of our Type0 font, the same in every return from one blank form, is read
once per process).

Text drawn as paths or images, or with glyphs whose shapes are other letters
than their codes say, is beyond what reading the stream can tell.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from fontTools import agl
from fontTools.encodings.MacRoman import MacRoman
from fontTools.encodings.StandardEncoding import StandardEncoding

from .encoding import win_ansi
from .guard import stream_bytes
from .objects import entries, is_array, is_dict, is_name, is_stream, object_key

__all__ = ["DrawingTooLarge", "FontCache", "drawn_lines"]

#: No field's appearance needs more than this (our filler writes about 4 bytes a character).
MAX_STREAM_BYTES = 256_000
MAX_TOKENS = 60_000
#: Tokens across every appearance of one file.
MAX_FILE_TOKENS = 1_000_000
MAX_CMAP_BYTES = 2_000_000
MAX_CMAP_ENTRIES = 70_000
_MAX_FORM_DEPTH = 4
_MAX_STACK = 1_000
_MISSING = "\ufffd"
_INVISIBLE = (3, 7)
_LATIN_STANDARD_14 = {
    f"/{family}{style}"
    for family, styles in (
        ("Helvetica", ("", "-Bold", "-Oblique", "-BoldOblique")),
        ("Courier", ("", "-Bold", "-Oblique", "-BoldOblique")),
        ("Times", ("-Roman", "-Bold", "-Italic", "-BoldItalic")),
    )
    for style in styles
}

Decoder = Callable[[bytes], str]


class DrawingTooLarge(Exception):
    """An appearance, or all of a file's appearances together, is far larger than any filler writes."""


def _glyph_char(name: str) -> str:
    """The character a glyph name stands for ('' when the glyph list has none)."""
    return agl.toUnicode(name.lstrip("/"))


#: Codes no base encoding gives a glyph, which fillers write for a line break or tab in the value
#: (qpdf draws a many-line value as one line holding them): read as the whitespace they stand for.
_CONTROL_SPACES = {9: " ", 10: "\n", 12: " ", 13: "\n"}


@cache
def _base_encoding(name: str) -> tuple[str, ...] | None:
    """Code -> character for the base encodings a simple font may name; None for any other."""
    if name == "/WinAnsiEncoding":
        table = win_ansi()
        chars = [table.get(code, _MISSING) for code in range(256)]
    elif name in ("/StandardEncoding", "/MacRomanEncoding"):
        names = StandardEncoding if name == "/StandardEncoding" else MacRoman
        chars = [_glyph_char(glyph) if glyph != ".notdef" else _MISSING for glyph in names]
    else:
        return None
    for code, space in _CONTROL_SPACES.items():
        chars[code] = space if chars[code] == _MISSING else chars[code]
    return tuple(chars)


def _simple_decoder(font: Any) -> Decoder | None:
    encoding = font.get("/Encoding")
    differences: Any = None
    if is_dict(encoding):
        differences = encoding.get("/Differences")
        encoding = encoding.get("/BaseEncoding")
    if encoding is None:
        # Without a base encoding a font uses its built-in one, which only Latin standard fonts make known.
        known = "/StandardEncoding" if str(font.get("/BaseFont")) in _LATIN_STANDARD_14 else ""
        table = _base_encoding(known) if known else None
        if table is None and differences is None:
            return None
        table = table or (_MISSING,) * 256
    else:
        table = _base_encoding(str(encoding)) if is_name(encoding) else None
        if table is None:
            return None
    if is_array(differences):
        chars = list(table)
        code = 0
        for item in entries(differences)[:512]:
            if isinstance(item, int) and not isinstance(item, bool):
                code = int(item)
            elif is_name(item) and 0 <= code < 256:
                chars[code] = _glyph_char(str(item)) or _MISSING
                code += 1
        table = tuple(chars)
    # Each byte read as the character its code stands for: str.translate looks codes up in C.
    return lambda data: data.decode("latin-1").translate(table)


_CMAP_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{1,8})>\s*<([0-9A-Fa-f]*)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]{1,8})>\s*<([0-9A-Fa-f]{1,8})>\s*(?:<([0-9A-Fa-f]*)>|\[([^\]]*)\])")
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")


def _char(code: int) -> str:
    """A code point as text; a lone surrogate (which no text can hold, and no file can store) reads as U+FFFD."""
    return "\ufffd" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)


def _utf16(digits: bytes) -> str:
    if len(digits) == 4:
        return _char(int(digits, 16))
    return bytes.fromhex(digits.decode("ascii")).decode("utf-16-be", "replace") if len(digits) % 4 == 0 else _MISSING


def parse_to_unicode(data: bytes) -> dict[int, str] | None:
    """A ToUnicode CMap's bfchar and bfrange entries as code -> text; None if it is larger than any font needs."""
    if len(data) > MAX_CMAP_BYTES:
        return None
    mapping: dict[int, str] = {}
    for kind, body in _CMAP_BLOCK.findall(data):
        if kind == b"bfchar":
            mapping.update((int(source, 16), _utf16(target)) for source, target in _BFCHAR.findall(body))
        for low, high, target, targets in _BFRANGE.findall(body) if kind == b"bfrange" else ():
            first, last = int(low, 16), int(high, 16)
            if last < first or len(mapping) + last - first >= MAX_CMAP_ENTRIES:
                return None
            if not target:  # one destination per code
                mapping.update(zip(range(first, last + 1), map(_utf16, _HEX.findall(targets)), strict=False))
                continue
            start = _utf16(target)
            head, tail = start[:-1], ord(start[-1]) if start else 0
            ends = (_char(code) for code in range(tail, tail + last - first + 1))
            mapping.update(zip(range(first, last + 1), (head + end for end in ends) if head else ends, strict=False))
        if len(mapping) > MAX_CMAP_ENTRIES:
            return None
    return mapping


#: Maps read from CMaps this small are kept by content: every return our filler drew from one blank
#: form carries the same 20 KB map of 6,000 glyphs, read once per process (callers must not change it).
_KEPT_CMAP_BYTES = 64_000
_kept_to_unicode = lru_cache(maxsize=4)(parse_to_unicode)
#: pypdf's writer embeds a map of the whole font, 87 KB for ours, which took 15 ms to read in each of its
#: returns: two maps this large are kept too (at most 2 x 70,000 entries, some 15 MB).
_KEPT_LARGE_CMAP_BYTES = 256_000
_kept_large_to_unicode = lru_cache(maxsize=2)(parse_to_unicode)


def _to_unicode(data: bytes) -> dict[int, str] | None:
    if len(data) <= _KEPT_CMAP_BYTES:
        return _kept_to_unicode(data)
    return (_kept_large_to_unicode if len(data) <= _KEPT_LARGE_CMAP_BYTES else parse_to_unicode)(data)


def _type0_decoder(font: Any) -> Decoder | None:
    if str(font.get("/Encoding")) not in ("/Identity-H", "/Identity-V"):
        return None
    to_unicode = font.get("/ToUnicode")
    if not is_stream(to_unicode):
        return None
    data = stream_bytes(to_unicode)
    mapping = _to_unicode(data)
    if mapping is None:
        return None

    get = mapping.get

    def decode(data: bytes) -> str:
        pairs = len(data) // 2
        codes = struct.unpack(f">{pairs}H", data[: pairs * 2]) if pairs else ()
        text = "".join([get(code, _MISSING) for code in codes])
        return text + _MISSING if len(data) % 2 else text

    return decode


@dataclass
class FontCache:
    """Decoders for one file's fonts, each worked out once; and how many tokens the file's drawings have used."""

    _decoders: dict[Any, tuple[Any, Decoder | None]] = field(default_factory=dict)
    tokens_left: int = MAX_FILE_TOKENS

    def decoder(self, font: Any) -> Decoder | None:
        if not is_dict(font):
            return None
        # An indirect font by its object number; a direct one by identity (it is kept, so its id is not reused).
        number = object_key(font)
        key = ("object", number) if number else ("direct", id(font))
        known = self._decoders.get(key)
        if known is None or (key[0] == "direct" and known[0] is not font):
            subtype = font.get("/Subtype")
            if subtype in ("/Type1", "/TrueType", "/MMType1"):
                decoder = _simple_decoder(font)
            elif subtype == "/Type0":
                decoder = _type0_decoder(font)
            else:
                decoder = None  # Type3 glyphs are drawings of their own
            known = self._decoders[key] = (font, decoder)
        return known[1]


#: One token, with any whitespace and comments before it; the commonest kinds first. A run of numbers
#: (most of a drawing: coordinates, colours) is matched at once and counted as the tokens it holds.
_TOKEN = re.compile(
    rb"(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*"
    rb"(?:(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[\x00\t\n\x0c\r ]+[+-]?(?:\d+\.?\d*|\.\d+)(?![^\x00\t\n\x0c\r ()<>\[\]{}/%]))*)"
    rb"|(?P<operator>[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)"
    rb"|(?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)"
    rb"|(?P<literal>\()"
    rb"|<(?P<hex>[0-9A-Fa-f\x00\t\n\x0c\r ]*)>"
    rb"|(?P<open>\[)|(?P<close>\])"
    rb"|(?P<other><<|>>|[^\x00\t\n\x0c\r ]))",  # not whitespace: what ends a stream is no token
    re.S,
)
_PAREN = re.compile(rb"[()\\]")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
_END_OF_IMAGE = re.compile(rb"[\x00\t\n\x0c\r ]EI(?=[\x00\t\n\x0c\r ]|$)")


def _literal(data: bytes, at: int) -> tuple[bytes, int]:
    """A literal string's bytes, from just after its '(' to just after its ')'; escapes undone."""
    out = bytearray()
    depth = 1
    while True:
        found = _PAREN.search(data, at)
        if found is None:
            return bytes(out + data[at:]), len(data)
        out += data[at : found.start()]
        char, at = data[found.start()], found.end()
        if char == 0x5C:  # backslash
            if at >= len(data):
                break
            escaped = data[at]
            digits = re.match(rb"[0-7]{1,3}", data[at : at + 3])
            if digits:
                out.append(int(digits.group(0), 8) & 0xFF)
                at += len(digits.group(0))
                continue
            at += 1
            if escaped in (0x0A, 0x0D):  # a line continued
                if escaped == 0x0D and data[at : at + 1] == b"\n":
                    at += 1
                continue
            out += _ESCAPES.get(escaped, bytes([escaped]))
        elif char == 0x28:
            depth += 1
            out.append(char)
        else:
            depth -= 1
            if depth == 0:
                return bytes(out), at
            out.append(char)
    return bytes(out), len(data)


@dataclass
class _State:
    font: Any = None
    mode: int = 0


@dataclass
class _Drawing:
    lines: list[str] = field(default_factory=lambda: [""])
    shown: bool = False  # any non-empty string shown, visibly or not

    def new_line(self) -> None:
        if self.lines[-1]:
            self.lines.append("")


def _show(drawing: _Drawing, state: _State, fonts: FontCache, strings: list[bytes]) -> bool:
    """Add shown strings to the drawing; False when the current font cannot be decoded."""
    strings = [s for s in strings if s]
    if not strings:
        return True
    drawing.shown = True
    if state.mode in _INVISIBLE:
        return True
    decoder = fonts.decoder(state.font)
    if decoder is None:
        return False
    drawing.lines[-1] += "".join(decoder(s) for s in strings)
    return True


def _font_named(resources: list[Any], name: str) -> Any:
    for each in resources:
        table = each.get("/Font")
        if is_dict(table) and name in table:
            return table.get(name)
    return None


def _xobject_named(resources: list[Any], name: str) -> Any:
    for each in resources:
        table = each.get("/XObject")
        if is_dict(table) and name in table:
            return table.get(name)
    return None


def _operands_text(operand: Any) -> list[bytes]:
    if isinstance(operand, bytes):
        return [operand]
    if isinstance(operand, list):
        return [item for item in operand if isinstance(item, bytes)]
    return []


def _run(
    stream: Any,
    resources: list[Any],
    fonts: FontCache,
    drawing: _Drawing,
    state: _State,
    depth: int,
) -> bool:
    """Interpret one content stream's text operators into ``drawing``; False when its text cannot be decoded."""
    data = stream_bytes(stream)
    if len(data) > MAX_STREAM_BYTES:
        raise DrawingTooLarge
    own = stream.get("/Resources")
    resources = [own, *resources] if is_dict(own) else resources
    if (one_line := _one_line(data)) is not None:  # the shape every filler draws a one-line answer in
        return _draw_one_line(one_line, resources, fonts, drawing, state)
    operands: list[Any] = []  # numbers and names as str, strings as bytes, arrays as lists
    arrays: list[list[Any]] = []
    saved: list[_State] = []
    tokens = 0
    at = 0
    end = len(data)
    # Every token takes at least one byte, so a stream of at most _MAX_STACK bytes cannot pass a bound:
    # only a longer one is checked token by token.
    checked = end > _MAX_STACK
    match_at = _TOKEN.match
    while at < end:
        match = match_at(data, at)
        if match is None:  # only whitespace or a comment left
            break
        at = match.end()
        kind = match.lastgroup
        tokens += 1
        if checked and (tokens > MAX_TOKENS or len(operands) > _MAX_STACK or len(arrays) > _MAX_STACK):
            raise DrawingTooLarge
        if kind == "number":
            numbers = match.group(kind).decode("latin-1").split()
            (arrays[-1] if arrays else operands).extend(numbers)
            tokens += len(numbers) - 1
            # As if each number had come on its own: the bounds are checked as each arrives.
            if checked and (tokens > MAX_TOKENS or len(operands) > _MAX_STACK + 1):
                raise DrawingTooLarge
        elif kind == "operator":
            if arrays:  # an operator inside an array: a broken stream; the array ends here
                arrays.clear()
            operator = match.group(kind)
            if operator in _HEEDED and not _operator(
                operator, operands, resources, fonts, drawing, state, saved, depth
            ):
                return False
            if operator == b"ID":
                image_end = _END_OF_IMAGE.search(data, at)
                at = image_end.end() if image_end else end
            operands = []
        elif kind == "name":
            (arrays[-1] if arrays else operands).append(match.group(kind).decode("latin-1"))
        elif kind == "literal":
            text, at = _literal(data, at)
            (arrays[-1] if arrays else operands).append(text)
        elif kind == "hex":
            digits = match.group(kind)
            if len(digits) % 2:
                digits = re.sub(rb"[^0-9A-Fa-f]", b"", digits) + b"0"
            (arrays[-1] if arrays else operands).append(bytes.fromhex(digits.decode("ascii")))
        elif kind == "open":
            arrays.append([])
        elif kind == "close" and arrays:
            done = arrays.pop()
            (arrays[-1] if arrays else operands).append(done)
    fonts.tokens_left -= tokens
    if fonts.tokens_left < 0:
        raise DrawingTooLarge
    return True


#: Whitespace both to a PDF and to ``bytes.split`` (which keeps a NUL inside a piece, and splits at a vertical tab).
_WS = rb"[\t\n\x0c\r ]"
_END = rb"(?=[\t\n\x0c\r ]|\Z)"
_NUMBER = rb"[+-]?(?:\d+\.?\d*|\.\d+)"
_NAME = rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%\x0b]*"
#: Operators that draw no text and change nothing this module follows (and take no string, array or dictionary).
_PASSIVE = (
    b"q Q re f F f* S s B B* b b* n W W* w J j M i ri gs m l c v y h g G rg RG k K cs CS sc SC scn SCN cm "
    b"BMC EMC Tc Tw Tz TL Ts"
).split()


def _alternatives(words: list[bytes]) -> bytes:
    return b"(?:" + b"|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + b")"


#: One piece between spaces that is one token: a number, a name, or an operator of ``words``.
def _pieces(words: list[bytes]) -> bytes:
    return rb"(?:" + _WS + rb"*(?:" + _NUMBER + b"|" + _NAME + b"|" + _alternatives(words) + b")" + _END + rb")*"


_SETUP_WORDS = [word for word in _PASSIVE if word not in (b"q", b"Q")] + [b"Td", b"TD", b"T*", b"Tm"]
#: A stream that draws one string, the way fillers draw a one-line answer: passive operators and their
#: operands, ``BT``, the same with line moves and one ``/Font size Tf`` (no ``q`` or ``Q``), one string and
#: ``Tj``, then passive operators with one ``ET`` among them. Every piece between spaces is one token
#: as the full reading below splits them: no delimiter, escape, comment or vertical tab (which splits
#: pieces in Python but not in a PDF) or NUL (the reverse).
_ONE_LINE = re.compile(
    rb"(?P<before>" + _pieces(_PASSIVE) + rb")" + _WS + rb"*BT" + _END
    + rb"(?P<setup>" + _pieces(_SETUP_WORDS) + _WS + rb"*(?P<font>" + _NAME + rb")" + _WS + rb"+" + _NUMBER
    + _WS + rb"+Tf" + _END + _pieces(_SETUP_WORDS) + rb")" + _WS
    + rb"*(?:\((?P<literal>[^()\\]*)\)|<(?P<hex>(?:[0-9A-Fa-f]{2})*)>)" + _WS + rb"*Tj" + _END
    + rb"(?P<after>" + _pieces(_PASSIVE) + _WS + rb"*ET" + _END + _pieces(_PASSIVE) + rb")" + _WS + rb"*",
    re.S,
)  # fmt: skip


@dataclass
class _OneLine:
    font: str
    shown: bytes
    tokens: int


def _one_line(data: bytes) -> _OneLine | None:
    """The font and string of a stream in the one-line shape, with its token count; None for any other stream.

    What it gives is what the full reading below makes of such a stream, with none of
    its per-token work. A stream long enough to hold a run of operands or saved states
    past the bounds that reading enforces is left to it.
    """
    if len(data) > _MAX_STACK:
        return None
    found = _ONE_LINE.fullmatch(data)
    if found is None:
        return None
    literal = found.group("literal")
    shown = literal if literal is not None else bytes.fromhex(found.group("hex").decode("ascii"))
    pieces = len(found.group("before").split()) + len(found.group("setup").split()) + len(found.group("after").split())
    return _OneLine(found.group("font").decode("latin-1"), shown, pieces + 3)  # and BT, the string, Tj


def _draw_one_line(line: _OneLine, resources: list[Any], fonts: FontCache, drawing: _Drawing, state: _State) -> bool:
    """What the full reading does with a one-line stream: a new line, the font, the string, a new line."""
    drawing.new_line()
    state.font = _font_named(resources, line.font)
    if not _show(drawing, state, fonts, [line.shown]):
        return False
    drawing.new_line()
    fonts.tokens_left -= line.tokens
    if fonts.tokens_left < 0:
        raise DrawingTooLarge
    return True


#: The operators that change what text is drawn, how, or where a line starts; all others are passed over.
_HEEDED = frozenset(
    (b"Tj", b"TJ", b"'", b'"', b"Td", b"TD", b"T*", b"Tm", b"BT", b"ET", b"Tf", b"Tr", b"q", b"Q", b"Do")
)


def _is_name(operand: Any) -> bool:
    return isinstance(operand, str) and operand.startswith("/")


def _operator(
    operator: bytes,
    operands: list[Any],
    resources: list[Any],
    fonts: FontCache,
    drawing: _Drawing,
    state: _State,
    saved: list[_State],
    depth: int,
) -> bool:
    """Apply one operator; False when text it shows cannot be decoded."""
    if operator in (b"Tj", b"TJ", b"'", b'"'):
        if operator != b"Tj" and operator != b"TJ":
            drawing.new_line()
        return _show(drawing, state, fonts, _operands_text(operands[-1]) if operands else [])
    if operator in (b"Td", b"TD", b"T*", b"Tm", b"BT", b"ET"):
        drawing.new_line()
    elif operator == b"Tf" and len(operands) >= 2 and _is_name(operands[-2]):
        state.font = _font_named(resources, operands[-2])
    elif operator == b"Tr" and operands and isinstance(operands[-1], str) and not _is_name(operands[-1]):
        state.mode = int(float(operands[-1]))
    elif operator == b"q":
        if len(saved) >= _MAX_STACK:
            raise DrawingTooLarge
        saved.append(_State(state.font, state.mode))
    elif operator == b"Q" and saved:
        restored = saved.pop()
        state.font, state.mode = restored.font, restored.mode
    elif operator == b"Do" and operands and _is_name(operands[-1]):
        form = _xobject_named(resources, operands[-1])
        if is_stream(form) and form.get("/Subtype") == "/Form":
            if depth >= _MAX_FORM_DEPTH:
                raise DrawingTooLarge
            inner = _State(state.font, state.mode)
            return _run(form, resources, fonts, drawing, inner, depth + 1)
    return True


def drawn_lines(appearance: Any, fallback: Any, fonts: FontCache) -> list[str] | None:
    """The lines of text an appearance stream draws, None when its fonts are undecodable.

    [] when it shows no text at all; [""] when it shows text, but all of it invisibly.

    ``fallback`` is the form's default resources (/DR), used for a font the
    stream's own /Resources lack, as PDF readers do. Raises
    :class:`DrawingTooLarge` past the limits above.
    """
    drawing = _Drawing()
    if not _run(appearance, [fallback] if fallback is not None else [], fonts, drawing, _State(), 0):
        return None
    lines = [line for line in drawing.lines if line]
    return lines or ([""] if drawing.shown else [])
