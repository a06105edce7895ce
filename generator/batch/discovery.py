"""Find the returns in a folder, and say why every other entry was left out.

Only the folder's listing and each entry's own details (``lstat``) are looked
at here, in the batch's own process, so no file can hold it up: every read of
a file's bytes (its hash, its first bytes, its parse) happens in a worker,
under the batch's time and memory limits.

Anything that may be a return goes to a worker: a form, a scan or photo of
one, a zip, an email, an old or foreign word-processor file, or a file of any
name (a worker then looks at its first bytes). Files that are clearly the
officer's own or the computer's (notes, spreadsheets, lock files, folder
settings) are skipped by name, each with why; so is whatever is not a file
(a symbolic link, a named pipe, a socket, a device), and a folder named like
a return is noted (its files are read like any others). A folder that cannot
be listed is unreadable: returns may be inside it.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..records.errors import os_reason
from ..returns.parse import looks_like_a_return
from .names import shown_name

__all__ = [
    "NOT_RETURN_NAMES",
    "NOT_RETURN_SUFFIXES",
    "RETURN_SUFFIXES",
    "Entry",
    "Found",
    "content_skip_reason",
    "find_returns",
]

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
_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


@dataclass(frozen=True)
class Entry:
    """One entry under the folder: its path relative to the folder, as bytes and as shown."""

    raw: bytes
    name: str
    modified: str | None = None
    size: int | None = None
    #: Its name does not say it may be a return, so its first bytes must.
    needs_a_look: bool = False


@dataclass
class Found:
    """Every entry under the folder: files for a worker to read, the rest with a reason."""

    to_read: list[Entry] = field(default_factory=list)
    skipped: list[tuple[Entry, str]] = field(default_factory=list)
    #: Entries that could not be looked at (a folder that cannot be listed): returns may be missing.
    unreadable: list[tuple[Entry, str]] = field(default_factory=list)


def _modified(facts: os.stat_result) -> str:
    return dt.datetime.fromtimestamp(facts.st_mtime_ns / 1e9, dt.UTC).isoformat(timespec="microseconds")


def _suffix(name: str) -> str:
    return Path(name).suffix


def _name_skip_reason(name: str) -> str | None:
    """Why a file is not a return by its name alone, or None if it may be one."""
    for prefix, what in _PREFIXES.items():
        if name.startswith(prefix):
            return f"{what}, not a return"
    if name.lower() in NOT_RETURN_NAMES:
        return f"{NOT_RETURN_NAMES[name.lower()]}, not a return"
    suffix = _suffix(name).lower()
    if suffix in NOT_RETURN_SUFFIXES:
        return f"not a return ({_suffix(name)}, {NOT_RETURN_SUFFIXES[suffix]})"
    return None


def content_skip_reason(name: str, head: bytes) -> str | None:
    """Why a file whose name says nothing is not a return, from its first bytes; None if it may be one."""
    if looks_like_a_return(head):
        return None
    shown = _suffix(name) or "no extension"
    return f"not a return ({shown}): neither its name nor its first bytes look like a form, scan, zip or email"


def _link_reason(path: bytes) -> str:
    try:
        os.stat(path)
    except FileNotFoundError:
        return (
            "a symbolic link to something that is not there; links are not followed, put the file itself in the folder"
        )
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return (
                "a symbolic link that leads round in a loop; links are not followed, put the file itself in the folder"
            )
    return "a symbolic link; links are not followed, put the file itself in the folder"


def _unlistable(exc: OSError) -> str:
    return (
        f"this folder could not be opened ({os_reason(exc)}), so any returns in it have not been read; "
        "give the batch access to it and run it again"
    )


def _look(found: Found, path: bytes, relative: bytes, entry: os.DirEntry[bytes], pending: list[bytes]) -> None:
    """Sort one entry of a listing into what it is."""
    name = os.fsdecode(entry.name)
    try:
        facts = entry.stat(follow_symlinks=False)
    except FileNotFoundError:
        return  # it left the folder while we looked; the register marks a name that has gone
    except OSError as exc:
        found.unreadable.append(
            (Entry(relative, shown_name(relative)), f"it could not be looked at ({os_reason(exc)})")
        )
        return
    seen = Entry(relative, shown_name(relative), _modified(facts), facts.st_size)
    if stat.S_ISLNK(facts.st_mode):
        found.skipped.append((seen, _link_reason(path)))
    elif stat.S_ISDIR(facts.st_mode):
        pending.append(relative)
        if _suffix(name).lower() in RETURN_SUFFIXES:
            folder = Entry(relative + b"/", seen.name + "/", seen.modified)
            reason = f"a folder, not a file, though its name ends {_suffix(name)}; the files in it are read as usual"
            found.skipped.append((folder, reason))
    elif stat.S_ISREG(facts.st_mode):
        reason = _name_skip_reason(name)
        if reason is not None:
            found.skipped.append((seen, reason))
        else:
            needs_a_look = _suffix(name).lower() not in RETURN_SUFFIXES
            found.to_read.append(Entry(relative, seen.name, seen.modified, seen.size, needs_a_look))
    else:
        what = next((what for test, what in _SPECIAL if test(facts.st_mode)), "not an ordinary file")
        found.skipped.append((seen, f"{what}, not a file; it was not read"))


def find_returns(root: Path) -> Found:
    """Every entry under ``root``, recursively, in a stable order; symbolic links are not followed."""
    found = Found()
    top = os.fsencode(root)
    pending: list[bytes] = [b""]
    unlisted: set[bytes] = set()
    while pending:
        relative_dir = pending.pop()
        directory = os.path.join(top, relative_dir) if relative_dir else top
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda item: item.name)
                for entry in entries:
                    relative = os.path.join(relative_dir, entry.name) if relative_dir else entry.name
                    _look(found, entry.path, relative, entry, pending)
        except OSError as exc:
            folder = relative_dir + b"/" if relative_dir else b"."
            found.unreadable.append((Entry(folder, shown_name(folder)), _unlistable(exc)))
            unlisted.add(folder)
    # A folder named like a return that cannot be listed is told once, as unreadable: that says more than
    # "a folder, not a file", and one name recorded twice would read as the first having left the folder.
    found.skipped = [pair for pair in found.skipped if pair[0].raw not in unlisted]
    for items in (found.skipped, found.unreadable):
        items.sort(key=lambda pair: pair[0].raw)
    found.to_read.sort(key=lambda entry: entry.raw)
    return found
