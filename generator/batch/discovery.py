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
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


#: The parts of a listing, as :class:`Found` keeps them.
_TO_READ, _SKIPPED, _UNREADABLE = 0, 1, 2
#: Entries written to the listing at a time.
_WRITE_EVERY = 1000
#: SQLite's page cache for the listing, which is only ever walked in order (its default is 2,000 KB).
_CACHE_KB = 256


class _Part:
    """One part of a :class:`Found`, read back from its database in order of the entries' bytes each time it is walked."""

    def __init__(self, found: Found, part: int) -> None:
        self._found = found
        self._part = part

    def __iter__(self) -> Iterator[Any]:
        self._found.flush()
        rows = self._found.db.execute(
            "SELECT raw, name, modified, size, needs_a_look, reason FROM entries WHERE part = ? ORDER BY raw, id",
            (self._part,),
        )
        for raw, name, modified, size, needs_a_look, reason in rows:
            entry = Entry(raw, name, modified, size, bool(needs_a_look))
            yield entry if self._part == _TO_READ else (entry, reason)

    def __len__(self) -> int:
        self._found.flush()
        return int(self._found.db.execute("SELECT COUNT(*) FROM entries WHERE part = ?", (self._part,)).fetchone()[0])


class Found:
    """Every entry under the folder: files for a worker to read, the rest with a reason.

    Kept in a private temporary SQLite database, not in this process's memory, so
    a folder of ten thousand returns costs the batch no more memory than one of
    ten: SQLite holds a small cache and spills the rest to a file it deletes when
    the listing is closed. Each part is read back in order of the entries' bytes
    (SQLite compares blobs as Python compares bytes), as often as it is walked.
    A later run keeps here too the contents new to the register, until they are read.
    """

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)  # "": a private database, deleted when closed
        self.db.execute(f"PRAGMA cache_size = -{_CACHE_KB}")
        self.db.execute(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, part INTEGER NOT NULL, raw BLOB NOT NULL, name TEXT NOT NULL,"
            " modified TEXT, size INTEGER, needs_a_look INTEGER NOT NULL, reason TEXT)"
        )
        self.db.execute("CREATE INDEX in_order ON entries (part, raw, id)")
        #: On a later run, the contents new to the register, each with the first file found to hold it.
        self.db.execute(
            "CREATE TABLE to_parse (queued INTEGER PRIMARY KEY, content INTEGER UNIQUE NOT NULL,"
            " path TEXT UNIQUE NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL)"
        )
        self._waiting: list[tuple[Any, ...]] = []
        self.to_read = _Part(self, _TO_READ)
        self.skipped = _Part(self, _SKIPPED)
        #: Entries that could not be looked at (a folder that cannot be listed): returns may be missing.
        self.unreadable = _Part(self, _UNREADABLE)

    def __enter__(self) -> Found:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def add(self, entry: Entry, reason: str | None = None, *, unreadable: bool = False) -> None:
        """A file to read (no ``reason``), or an entry left out with why."""
        part = _UNREADABLE if unreadable else _TO_READ if reason is None else _SKIPPED
        self._waiting.append((part, entry.raw, entry.name, entry.modified, entry.size, int(entry.needs_a_look), reason))
        if len(self._waiting) >= _WRITE_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the entries added since the last flush."""
        if self._waiting:
            self.db.executemany(
                "INSERT INTO entries (part, raw, name, modified, size, needs_a_look, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                self._waiting,
            )
            self._waiting = []

    def forget_skipped(self, raw: bytes) -> None:
        """Take back an entry noted as left out (a folder that then turned out to be unreadable)."""
        self.flush()
        self.db.execute("DELETE FROM entries WHERE part = ? AND raw = ?", (_SKIPPED, raw))

    def to_parse(self, content: int, path: str, sha256: str, name: str) -> bool:
        """Mark a content to be read from ``path``; False if it is marked already (the same content under another name)."""
        done = self.db.execute(
            "INSERT OR IGNORE INTO to_parse (content, path, sha256, name) VALUES (?, ?, ?, ?)",
            (content, path, sha256, name),
        )
        return done.rowcount == 1

    def marked_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM to_parse").fetchone()[0])

    def parsing(self) -> Iterator[tuple[str]]:
        """The paths marked to be read, in the order they were marked."""
        yield from self.db.execute("SELECT path FROM to_parse ORDER BY queued")  # each row a one-item tuple

    def marked(self, path: str) -> tuple[int, str, str]:
        """(content, sha256, name) of a path marked to be read."""
        content, sha256, name = self.db.execute(
            "SELECT content, sha256, name FROM to_parse WHERE path = ?", (path,)
        ).fetchone()
        return int(content), sha256, name

    def names(self) -> Iterator[str]:
        """Every entry's name as shown, once each, in no particular order: what the register is told is present."""
        self.flush()
        for (name,) in self.db.execute("SELECT DISTINCT name FROM entries"):
            yield name


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
        found.add(
            Entry(relative, shown_name(relative)), f"it could not be looked at ({os_reason(exc)})", unreadable=True
        )
        return
    seen = Entry(relative, shown_name(relative), _modified(facts), facts.st_size)
    if stat.S_ISLNK(facts.st_mode):
        found.add(seen, _link_reason(path))
    elif stat.S_ISDIR(facts.st_mode):
        pending.append(relative)
        if _suffix(name).lower() in RETURN_SUFFIXES:
            folder = Entry(relative + b"/", seen.name + "/", seen.modified)
            reason = f"a folder, not a file, though its name ends {_suffix(name)}; the files in it are read as usual"
            found.add(folder, reason)
    elif stat.S_ISREG(facts.st_mode):
        reason = _name_skip_reason(name)
        if reason is not None:
            found.add(seen, reason)
        else:
            needs_a_look = _suffix(name).lower() not in RETURN_SUFFIXES
            found.add(Entry(relative, seen.name, seen.modified, seen.size, needs_a_look))
    else:
        what = next((what for test, what in _SPECIAL if test(facts.st_mode)), "not an ordinary file")
        found.add(seen, f"{what}, not a file; it was not read")


def find_returns(root: Path) -> Found:
    """Every entry under ``root``, recursively, each part in order of its bytes; symbolic links are not followed.

    The caller closes what it is given (it is a context manager).
    """
    found = Found()
    try:
        top = os.fsencode(root)
        pending: list[bytes] = [b""]
        found.db.execute("BEGIN")
        while pending:
            relative_dir = pending.pop()
            directory = os.path.join(top, relative_dir) if relative_dir else top
            try:
                with os.scandir(directory) as listing:  # in the listing's own order: the database sorts
                    for entry in listing:
                        relative = os.path.join(relative_dir, entry.name) if relative_dir else entry.name
                        _look(found, entry.path, relative, entry, pending)
            except OSError as exc:
                folder = relative_dir + b"/" if relative_dir else b"."
                # A folder named like a return that cannot be listed is told once, as unreadable: that says more than
                # "a folder, not a file", and one name recorded twice would read as the first having left the folder.
                found.forget_skipped(folder)
                found.add(Entry(folder, shown_name(folder)), _unlistable(exc), unreadable=True)
        found.flush()
        found.db.execute("COMMIT")
    except BaseException:  # nothing of a listing cut short is kept, not even its file
        found.close()
        raise
    return found
