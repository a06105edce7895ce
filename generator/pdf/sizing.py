"""How much a PDF answer box holds, and how big it is drawn to show all of it.

A box in a PDF does not grow as a Word one does, so a long answer would be
cut off at the box's edge. Each text box is therefore given the number of
characters it accepts (the schema's limit, or less where a page could not show
that much) and drawn tall enough to show them at the field's own size, wrapped
as :mod:`.appearance` wraps them; its ``/MaxLen`` stops a PDF reader taking
more than it shows. The measure is English prose like the forms' own help
text, with room to spare for short lines and new paragraphs, at the widest
line spacing of the fillers we know.
"""

from __future__ import annotations

import math
from functools import cache

from .appearance import PAD, leading, wrap
from .fonts import DEJAVU_SANS, FontFacts, font_facts

__all__ = ["FIELD_SIZE", "box_height", "capacity", "lines_needed", "words"]

#: The size text is drawn at in every text box (/DA); a redraw shrinks it no further than appearance.MIN_SIZE.
FIELD_SIZE = 9.0
#: Room to spare over an even run of prose: shorter lines before long words, and (in a long answer) new
#: paragraphs. pdftk draws at the field's size without shrinking, so a short answer needs some too.
_SLACK, _SHORT_SLACK = 1.3, 1.15
_SAMPLE = (
    "We will work with people who have no settled home to help them find and keep a tenancy, "
    "manage their money, and get back into training or work. Support workers visit each person "
    "every week, and the service is open to referrals from any partner in the county. "
)


@cache
def _facts() -> FontFacts:
    return font_facts(DEJAVU_SANS.read_bytes())


def _line_height() -> float:
    """The widest line spacing a filler uses: pdftk (iText) spaces lines by the font's bounding box, about 1.7
    times the size, where our own redraw (:mod:`.appearance`) uses the font's ascent and descent."""
    low, high = _facts().bbox[1], _facts().bbox[3]
    return max(leading(_facts(), FIELD_SIZE), (high - low) * FIELD_SIZE / 1000)


@cache
def _characters_per_line(width: float) -> float:
    """How many characters of ordinary prose one line of a box ``width`` wide holds."""
    text = (_SAMPLE * 40).strip()
    lines = wrap(text, _facts(), FIELD_SIZE, width - 2 * PAD)
    return len(text) / max(len(lines), 1)


def lines_needed(characters: int, width: float, paragraphs: bool = True) -> int:
    """Lines a box ``width`` wide needs to show ``characters`` of prose at the field size (with room to spare
    for new paragraphs unless it is a short answer)."""
    slack = _SLACK if paragraphs else _SHORT_SLACK
    return max(1, math.ceil(characters * slack / _characters_per_line(width)))


def box_height(lines: int) -> float:
    """The height of a box showing ``lines`` lines at the field size."""
    return lines * _line_height() + 2 * PAD


def capacity(width: float, height: float) -> int:
    """How many characters a box of this size shows at the field size (the inverse of :func:`lines_needed`)."""
    lines = int((height - 2 * PAD) // _line_height())
    return max(1, int(lines * _characters_per_line(width) / _SLACK))


def words(characters: int) -> int:
    """About how many words of English fit in ``characters`` (six characters a word, with its space)."""
    return max(1, int(round(characters / 6, -1 if characters >= 120 else 0)))
