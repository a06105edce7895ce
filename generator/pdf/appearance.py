"""Draw a text or choice field's value as the content of its appearance stream.

The text is drawn with the Type0 font (:mod:`.fonts`), two bytes per glyph,
so any character the font has is shown; one it lacks shows as the
replacement character. Lines wrap at spaces (a word wider than the box is
broken), the size steps down from the field's own size until the text fits,
but never below 8 pt, which is as small as text stays readable; our blank
forms' boxes are sized (:mod:`.sizing`) so that what they accept fits at 9 pt.
Anything that still does not fit is clipped at the box's edge.
Text is NFC-normalised for drawing only, so a name typed with combining
accents uses the font's precomposed letters. Runs of right-to-left letters are
drawn right to left (:mod:`.bidi`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .bidi import visual_order
from .fonts import FontFacts

__all__ = ["MIN_SIZE", "PAD", "TextBox", "leading", "text_appearance", "wrap"]

PAD = 2.0
#: The smallest size a redraw shrinks text to.
MIN_SIZE = 8.0
_STEP = 0.5
_REPLACEMENT = 0xFFFD


@dataclass(frozen=True)
class TextBox:
    """The part of a widget the drawing needs: its size, whether it wraps, and its /DA font size."""

    width: float
    height: float
    multiline: bool
    size: float


def _glyphs(text: str, facts: FontFacts) -> list[int]:
    missing = facts.glyphs.get(_REPLACEMENT, 0)
    return [facts.glyphs.get(ord(char), missing) for char in text]


def _width(text: str, facts: FontFacts, size: float) -> float:
    return sum(facts.widths[glyph] for glyph in _glyphs(text, facts)) * size / 1000


def _break_word(word: str, facts: FontFacts, size: float, room: float) -> list[str]:
    """A word wider than the box, in pieces that fit (at least one character each)."""
    pieces: list[str] = []
    piece, used = "", 0.0
    for char in word:
        width = _width(char, facts, size)
        if piece and used + width > room:
            pieces.append(piece)
            piece, used = "", 0.0
        piece, used = piece + char, used + width
    return [*pieces, piece]


def wrap(text: str, facts: FontFacts, size: float, room: float) -> list[str]:
    """``text`` in lines no wider than ``room`` at ``size``: broken at spaces, a word wider than a line in pieces."""
    space = _width(" ", facts, size)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            width = _width(word, facts, size)
            if not line and width <= room:
                line, used = word, width
            elif line and used + space + width <= room:
                line, used = f"{line} {word}", used + space + width
            else:
                if line:
                    lines.append(line)
                *whole, line = _break_word(word, facts, size, room) if width > room else [word]
                lines.extend(whole)
                used = _width(line, facts, size)
        lines.append(line)
    return lines


def _layout(text: str, box: TextBox, facts: FontFacts) -> tuple[float, list[str]]:
    """The largest size, from the field's own down to the minimum, at which the text fits; and its lines."""
    room_x, room_y = box.width - 2 * PAD, box.height - 2 * PAD
    size = box.size
    while True:
        if box.multiline:
            lines = wrap(text, facts, size, room_x)
            fits = len(lines) * leading(facts, size) <= room_y
        else:
            lines = [text.replace("\n", " ")]
            fits = _width(lines[0], facts, size) <= room_x
        if fits or size - _STEP < MIN_SIZE:
            return size, lines
        size -= _STEP


def leading(facts: FontFacts, size: float) -> float:
    """The distance between lines of text at ``size``."""
    return (facts.ascent - facts.descent) * size / 1000


def text_appearance(text: str, box: TextBox, facts: FontFacts, font_name: str) -> bytes:
    """The content stream that shows ``text`` in ``box`` with the Type0 font named ``font_name``."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    size, lines = _layout(text, box, facts)
    line_height = leading(facts, size)
    if box.multiline:
        top = box.height - PAD - facts.ascent * size / 1000
    else:
        top = (box.height - line_height) / 2 - facts.descent * size / 1000
    out = [
        "/Tx BMC q",
        f"1 1 {box.width - 2:.2f} {box.height - 2:.2f} re W n",
        f"BT /{font_name} {size:g} Tf 0 g",
        f"{PAD:g} {top:.2f} Td",
    ]
    for index, line in enumerate(lines):
        if index:
            out.append(f"0 {-line_height:.2f} Td")
        out.append("<" + "".join(f"{glyph:04X}" for glyph in _glyphs(visual_order(line), facts)) + "> Tj")
    out.append("ET Q EMC")
    return "\n".join(out).encode("ascii")
