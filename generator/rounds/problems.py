"""Problems found while reading a round, each tagged with the file it is about.

A round touches many files (the round file, every bid, every report), so each
problem keeps its file beside the field's JSON Pointer and label; the error
that stops the round lists them grouped by file, every one at once.
"""

from __future__ import annotations

import os
from dataclasses import replace
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


def _name(file: Path | str) -> str:
    return file if isinstance(file, str) else shown(file)


class Problems:
    """Errors and warnings in the order they were found."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(
        self, file: Path | str, pointer: str, label: str, message: str, value: Any = None, *, warn: bool = False
    ) -> None:
        """A problem in ``file`` (a path, or a name already as shown, such as a return's in a register)."""
        severity = "warning" if warn else "error"
        self.items.append(Issue(pointer, label, message, value, "round-file", severity, {"file": _name(file)}))

    def extend(self, file: Path | str, issues: list[Issue] | tuple[Issue, ...]) -> None:
        """Issues from validating one record, tagged with its file (the question's number kept)."""
        for i in issues:
            self.items.append(replace(i, extra={"file": _name(file)}))

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
            lines.extend(f"    {p.path or '/'}  {p.line()}" for p in problems if p.extra["file"] == name)
        super().__init__("\n".join(lines))
