"""Right-to-left letters in the order they are drawn: the little of the bidirectional algorithm we need.

A PDF draws glyphs left to right, so a Hebrew or Arabic name must be stored in
the content stream back to front. Each run of right-to-left letters (with the
spaces and punctuation between them, and each letter's combining marks kept
after it) is reversed; everything else stays in typed order. That is right for
a name or a line written in one direction; mixed lines with numbers inside
right-to-left text, and Arabic joining (shaping), are not handled.
"""

from __future__ import annotations

import unicodedata

__all__ = ["visual_order"]

_RIGHT_TO_LEFT = ("R", "AL")
_NEUTRAL = ("WS", "ON", "CS", "ES", "ET")


def visual_order(line: str) -> str:
    """The line with each run of right-to-left letters (and the spaces and marks between them) reversed."""
    out: list[str] = []
    run: list[str] = []  # letters, each with any marks that follow it
    for char in line:
        kind = unicodedata.bidirectional(char)
        if run and kind == "NSM":  # a mark stays after its letter
            run[-1] += char
            continue
        if kind in _RIGHT_TO_LEFT or (run and kind in _NEUTRAL):
            run.append(char)
            continue
        out.append(_close(run))
        out.append(char)
    out.append(_close(run))
    return "".join(out)


def _close(run: list[str]) -> str:
    """The run, reversed, less any trailing neutrals (they stay after it, in typed order); empties ``run``."""
    end = len(run)
    while end and unicodedata.bidirectional(run[end - 1][0]) not in _RIGHT_TO_LEFT:
        end -= 1
    text = "".join(reversed(run[:end])) + "".join(run[end:])
    run.clear()
    return text
