"""Read a whole file we were handed, refusing one too big before reading it.

Records, rounds and returned forms all arrive from other people; each reader
sets its own ceiling, and every one of them words the common failures the
same way (no such file, a folder, a pipe or device, too big, unreadable).

The file is opened without waiting (``O_NONBLOCK``, so a named pipe with no
writer cannot hold the reader up) and then judged by what was opened
(``fstat`` on the open file), so nothing swapped in between a look and the
read (a pipe for a file, say) is ever read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from .errors import UnreadableFileError, os_reason

__all__ = ["FileTooLargeError", "read_bounded"]


class FileTooLargeError(UnreadableFileError):
    """The file is over the reader's ceiling; nothing of it was read."""


_NOT_ORDINARY = "this is not an ordinary file (a pipe, socket or device), so it was not read"


def _open(path: Path, follow_links: bool) -> int:
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= os.O_NOFOLLOW
    try:
        return os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a device with nothing behind it
            raise UnreadableFileError(path, _NOT_ORDINARY) from None
        if exc.errno == errno.ELOOP and not follow_links:
            raise UnreadableFileError(path, "this is a symbolic link, which is not followed") from None
        raise


def _read_up_to(stream: BinaryIO, size: int, limit: int) -> bytes:
    """The file's bytes, at most ``limit + 1`` of them (one more says it grew past the limit since ``fstat``).

    Asking for ``size + 1`` first, not ``limit + 1``: Python sets aside a buffer of the size asked
    for, and one of 50 MB for every small return made reading one seven times slower.
    """
    wanted = size + 1
    data = stream.read(wanted)
    if len(data) == wanted:  # it grew since fstat(): read on, up to one byte past the limit
        data += stream.read(max(0, limit + 1 - len(data)))
    return data


def read_bounded(path: Path, limit: int, what: str, *, follow_links: bool = True) -> bytes:
    """The bytes of ``path``, or an :class:`UnreadableFileError` that says why not.

    ``what`` names the files this reader expects ("records", "forms") for the
    size message. With ``follow_links=False`` a symbolic link is refused, not read.
    """
    try:
        handle = _open(path, follow_links)
        try:
            facts = os.fstat(handle)
            if stat.S_ISDIR(facts.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(facts.st_mode):  # a pipe or a device could feed us bytes for ever
                raise UnreadableFileError(path, _NOT_ORDINARY)
            if facts.st_size > limit:
                raise FileTooLargeError(
                    path, f"the file is {facts.st_size:,} bytes; {what} larger than {limit:,} bytes are refused"
                )
            with os.fdopen(handle, "rb", closefd=False) as stream:
                data = _read_up_to(stream, facts.st_size, limit)
        finally:
            os.close(handle)
        if len(data) > limit:
            raise FileTooLargeError(path, f"the file grew past {limit:,} bytes while it was read, so it was refused")
        return data
    except FileNotFoundError:
        raise UnreadableFileError(path, "there is no such file") from None
    except IsADirectoryError:
        raise UnreadableFileError(path, "this is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableFileError(path, f"the file cannot be read: {os_reason(exc)}", str(exc)) from exc
