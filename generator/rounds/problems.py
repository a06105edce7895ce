"""Problems found while reading a round, each tagged with the file it is about.

A round touches many files (the round file, every bid, every report), so each
problem keeps its file beside the field's JSON Pointer and label; the error
that stops the round lists them grouped by file, every one at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..records.errors import EXIT_INVALID, CommissionError
from ..records.issues import Issue

__all__ = ["Problems", "RoundFileError", "shown"]


def shown(path: Path) -> str:
    """A path as a person would type it: relative to here when it is below here."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return os.path.normpath(path)
    return os.path.normpath(path if relative.startswith("..") else relative)


class Problems:
    """Errors and warnings in the order they were found."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(self, file: Path, pointer: str, label: str, message: str, value: Any = None, *, warn: bool = False) -> None:
        severity = "warning" if warn else "error"
        self.items.append(Issue(pointer, label, message, value, "round-file", severity, {"file": shown(file)}))

    def extend(self, file: Path, issues: list[Issue]) -> None:
        """Issues from validating one record, tagged with its file."""
        for i in issues:
            self.items.append(Issue(i.path, i.field, i.message, i.value, i.rule, i.severity, {"file": shown(file)}))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.items if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.items if i.severity != "error"]


def _count(n: int, word: str) -> str:
    return f"{n} {word} is" if n == 1 else f"{n} {word}s are"


class RoundFileError(CommissionError):
    """The round cannot be decided until these problems are put right."""

    exit_code = EXIT_INVALID

    def __init__(self, round_path: Path, problems: list[Issue]) -> None:
        self.problems = problems
        lines = [f"{round_path}: the round cannot be decided until {_count(len(problems), 'problem')} put right."]
        for name in dict.fromkeys(p.extra["file"] for p in problems):
            lines.append(f"  {name}")
            lines.extend(f"    {p.path or '/'}  {p.field}: {p.message}" for p in problems if p.extra["file"] == name)
        super().__init__("\n".join(lines))
