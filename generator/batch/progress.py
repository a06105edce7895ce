"""Show a batch's progress: a bar on a terminal, one plain line per file otherwise."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["Reporter", "reporter"]


class Reporter(Protocol):
    def done(self, path: str, status: str) -> None: ...


class _Lines:
    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.count, self.stream = total, 0, stream

    def done(self, path: str, status: str) -> None:
        self.count += 1
        print(f"[{self.count}/{self.total}] {status}: {path}", file=self.stream, flush=True)


class _Bar:
    def __init__(self, progress: Progress, total: int) -> None:
        self.progress = progress
        self.task = progress.add_task("Reading returns", total=total)

    def done(self, path: str, status: str) -> None:
        self.progress.advance(self.task)


#: Settings with which rich draws a bar even where the output is not a terminal.
_RICH_FORCES_A_TERMINAL = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def _may_be_a_terminal(out: TextIO) -> bool:
    """Whether rich might draw a bar here; if not, rich (a thirtieth of a second to import) is not loaded."""
    try:
        if out.isatty():
            return True
    except (AttributeError, ValueError, OSError):  # no such method, or a closed stream
        pass
    return any(os.environ.get(name) for name in _RICH_FORCES_A_TERMINAL)


@contextlib.contextmanager
def reporter(total: int, stream: TextIO | None = None) -> Iterator[Reporter]:
    """A progress reporter suited to where the output goes."""
    out = stream or sys.stderr
    if not _may_be_a_terminal(out):
        yield _Lines(total, out)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=out)
    if not console.is_terminal:
        yield _Lines(total, out)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        yield _Bar(progress, total)
