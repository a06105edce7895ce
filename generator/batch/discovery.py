"""Find the returns in a folder, and say why every other file was left out.

Anything that may be a return goes to the parser, which decides by content and
refuses with a plain reason: a form, a scan or photo of one, a zip, an email,
an old or foreign word-processor file, or a file of any name that starts like
one of those. Only files that are clearly the officer's own or the computer's
(notes, spreadsheets, lock files, folder settings) are skipped, each with why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..returns.parse import looks_like_a_return

__all__ = ["NOT_RETURN_NAMES", "NOT_RETURN_SUFFIXES", "RETURN_SUFFIXES", "Found", "find_returns"]

#: Names a return may have; each goes to the parser, which reads it or says what to ask the bidder for.
RETURN_SUFFIXES = (
    *(".docx", ".docm", ".dotx", ".pdf", ".odt", ".fodt", ".doc", ".rtf", ".pages", ".wps"),
    *(".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".gif"),
    *(".zip", ".eml", ".msg"),
)
#: Files an officer keeps beside the returns, never a bidder's form.
NOT_RETURN_SUFFIXES = {
    ".txt": "a text file",
    ".md": "a text file",
    ".csv": "a spreadsheet (CSV)",
    ".tsv": "a spreadsheet (tab-separated)",
    ".xlsx": "a spreadsheet",
    ".xlsm": "a spreadsheet",
    ".xls": "a spreadsheet",
    ".ods": "a spreadsheet",
    ".log": "a log file",
}
#: Files the computer itself leaves in folders (compared in lower case).
NOT_RETURN_NAMES = {
    ".ds_store": "a file macOS keeps about the folder's view",
    "thumbs.db": "a file Windows keeps of picture thumbnails",
    "desktop.ini": "a file Windows keeps about the folder's settings",
}
_PREFIXES = {
    "~$": "a lock file Word leaves while a document is open",
    "._": "a macOS resource file that comes with copied files",
}
_HEAD = 1024


@dataclass(frozen=True)
class Found:
    """Every file under the folder: returns to parse, and the rest with a reason."""

    returns: list[Path]
    skipped: list[tuple[Path, str]]


def _starts_like_a_return(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return looks_like_a_return(handle.read(_HEAD))
    except OSError:
        return True  # the parser's own read then says why it cannot be read


def _skip_reason(path: Path) -> str | None:
    """Why a file is not a return, or None if the parser must look at it."""
    for prefix, what in _PREFIXES.items():
        if path.name.startswith(prefix):
            return f"{what}, not a return"
    if path.name.lower() in NOT_RETURN_NAMES:
        return f"{NOT_RETURN_NAMES[path.name.lower()]}, not a return"
    suffix = path.suffix.lower()
    if suffix in NOT_RETURN_SUFFIXES:
        return f"not a return ({path.suffix}, {NOT_RETURN_SUFFIXES[suffix]})"
    if suffix in RETURN_SUFFIXES or _starts_like_a_return(path):
        return None
    shown = path.suffix or "no extension"
    return f"not a return ({shown}): neither its name nor its first bytes look like a form, scan, zip or email"


def find_returns(root: Path) -> Found:
    """Every file under ``root``, recursively, in a stable order; symbolic links are not followed."""
    returns: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            skipped.append((path, "a symbolic link; links are not followed, put the file itself in the folder"))
            continue
        if not path.is_file():
            continue
        reason = _skip_reason(path)
        if reason is None:
            returns.append(path)
        else:
            skipped.append((path, reason))
    return Found(returns, skipped)
