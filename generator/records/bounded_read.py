"""Read a whole file we were handed, refusing one too big before reading it.

Records, rounds and returned forms all arrive from other people; each reader
sets its own ceiling, and every one of them words the common failures the
same way (no such file, a folder, too big, unreadable).
"""

from __future__ import annotations

import stat
from pathlib import Path

from .errors import UnreadableFileError

__all__ = ["FileTooLargeError", "read_bounded"]


class FileTooLargeError(UnreadableFileError):
    """The file is over the reader's ceiling; nothing of it was read."""


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, or an :class:`UnreadableFileError` that says why not.

    ``what`` names the files this reader expects ("records", "forms") for the
    size message.
    """
    try:
        facts = path.stat()
        if stat.S_ISDIR(facts.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(facts.st_mode):  # a pipe or a device could feed us bytes for ever
            raise UnreadableFileError(
                path, "this is not an ordinary file (a pipe, socket or device), so it was not read"
            )
        if facts.st_size > limit:
            raise FileTooLargeError(
                path, f"the file is {facts.st_size:,} bytes; {what} larger than {limit:,} bytes are refused"
            )
        with path.open("rb") as stream:
            data = stream.read(limit + 1)  # the file may have grown since stat()
        if len(data) > limit:
            raise FileTooLargeError(path, f"the file grew past {limit:,} bytes while it was read, so it was refused")
        return data
    except FileNotFoundError:
        raise UnreadableFileError(path, "there is no such file") from None
    except IsADirectoryError:
        raise UnreadableFileError(path, "this is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableFileError(path, f"the file cannot be read ({exc.strerror})") from exc
