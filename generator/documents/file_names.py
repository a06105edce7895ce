"""File names for a folder of documents: each one different, compared without regard to case.

Shared by the round's reports and letters and the batch's chase letters, so every
folder of Word documents we write names its files the same way.
"""

from __future__ import annotations

__all__ = ["FileNames", "unique_names"]


class FileNames:
    """Hands out file names that never repeat, compared without regard to case (as Windows and macOS do)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def take(self, stem: str, suffix: str = ".docx") -> str:
        """``stem`` + ``suffix``, or with ``-2``, ``-3``... when that name (in any case) is taken already."""
        name, number = f"{stem}{suffix}", 1
        while name.lower() in self._used:
            number += 1
            name = f"{stem}-{number}{suffix}"
        self._used.add(name.lower())
        return name


def unique_names(stems: list[str], suffix: str = ".docx") -> list[str]:
    """A file name for each stem; one that would repeat another (ignoring case) gets ``-2``, ``-3``..."""
    names = FileNames()
    return [names.take(stem, suffix) for stem in stems]
