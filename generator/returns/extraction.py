"""What a format reader hands back: the raw answers it found, or its refusal.

The readers in ``generator.ooxml`` and ``generator.pdf`` fill an
:class:`Extraction` (or raise :class:`UnreadableReturn`); ``generator.returns.parse``
turns it into an envelope. This module imports nothing of the readers or the
dispatcher, so the readers can use it without an import loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..records.errors import UnreadableFileError
from ..records.issues import Issue

__all__ = ["Extraction", "UnreadableReturn"]


class UnreadableReturn(UnreadableFileError):
    """A reader's refusal: the file is not a form we can read, and why."""


@dataclass
class Extraction:
    """What a format reader found in a file, before any interpretation.

    ``answers`` maps concrete JSON Pointers (``/outcomes/0/description``) to the
    raw value: text as typed, ``True``/``False`` for a box, a list of ticked
    options for a set of check boxes. ``flags`` records facts about the file
    worth an officer's attention (tracked changes, JavaScript, attachments).
    """

    kind: str | None
    version: str | None
    answers: dict[str, Any]
    warnings: list[Issue] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)
