"""One root for every error the toolkit raises; each says where and what to do.

Content problems in a document (a missing answer, a bad date) are not
exceptions: they are collected as :class:`generator.records.issues.Issue` values.
Exceptions are for things that stop a command: a file that cannot be read, a
kind nobody knows, a template that will not render.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

__all__ = [
    "EXIT_INVALID",
    "EXIT_TOOLKIT_FAILURE",
    "EXIT_UNAVAILABLE",
    "EXIT_UNREADABLE",
    "EXIT_USAGE",
    "CommissionError",
    "TemplateFaultError",
    "ToolUnavailableError",
    "UnknownKindError",
    "UnreadableFileError",
    "entry_named",
]

T = TypeVar("T")

EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
#: Another program the command needs is missing or failed (sysexits.h's EX_UNAVAILABLE).
EXIT_UNAVAILABLE = 69
#: A failure of the toolkit itself, never of a file (sysexits.h's EX_SOFTWARE).
EXIT_TOOLKIT_FAILURE = 70


class CommissionError(Exception):
    """Base class: the message is written for the person running the command."""

    exit_code = EXIT_USAGE


class UnknownKindError(CommissionError):
    """A document kind (or template) name that the toolkit does not have."""

    def __init__(self, name: str, known: list[str]) -> None:
        from difflib import get_close_matches

        hint = get_close_matches(name, known, n=1)
        suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
        super().__init__(f"'{name}' is not a document kind we know.{suggestion} Known kinds: {', '.join(known)}.")


def entry_named(entries: Mapping[str, T], name: str, what: str, source: str) -> T:
    """``entries[name]``, or an error naming the data file and the names it does have."""
    try:
        return entries[name]
    except KeyError:
        known = ", ".join(entries)
        raise CommissionError(f"There is no {what} called '{name}' in {source} (known: {known}).") from None


class BrokenSchemaError(CommissionError):
    """A kind (or the shared definitions) whose schema file cannot be used: the message names the file and why.

    The project is at fault, not a return of that kind: a batch records such a return as waiting for the
    schema to be mended and reads it again on its next run.
    """

    def __init__(self, kind: str, problem: str) -> None:
        self.kind = kind
        self.problem = problem
        super().__init__(problem)


class UnreadableFileError(CommissionError):
    """A file that cannot be opened or decoded at all."""

    exit_code = EXIT_UNREADABLE

    def __init__(self, path: Path | str, reason: str, detail: str = "") -> None:
        self.path = str(path)
        self.reason = reason
        #: What a library or the system said, for an officer or a bug report; never shown to a bidder.
        self.detail = detail
        super().__init__(f"{path}: {reason}")


class TemplateFaultError(CommissionError):
    """A Word template that cannot be compiled or filled in; says which template, where and why."""

    exit_code = EXIT_UNREADABLE

    def __init__(self, template: str, where: str, problem: str) -> None:
        self.template = template
        self.where = where
        self.problem = problem
        super().__init__(f"{template}: {where}: {problem}" if where else f"{template}: {problem}")


class ToolUnavailableError(CommissionError):
    """Another program the command needs (LibreOffice, for a PDF) is not installed or did not do its job.

    Neither a usage error (the command was right) nor an unreadable file, so its own code:
    sysexits.h's EX_UNAVAILABLE, as EXIT_TOOLKIT_FAILURE is its EX_SOFTWARE.
    """

    exit_code = EXIT_UNAVAILABLE


def os_reason(exc: OSError) -> str:
    """Why the system refused a file, in our words rather than the system's (its text is in English only)."""
    if isinstance(exc, FileNotFoundError):
        return "there is no such file or folder"
    if isinstance(exc, PermissionError):
        return "you do not have permission to use it"
    if isinstance(exc, IsADirectoryError):
        return "this is a folder, not a file"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk can only be read, not written"
    return "the system could not use it"
