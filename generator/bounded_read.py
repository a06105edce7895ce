"""Read a whole file we were handed, refusing one too big before reading it.

Records, rounds and returned forms all arrive from other people; each reader
sets its own ceiling, and every one of them words the common failures the
same way (no such file, a folder, too big, unreadable).
"""

from __future__ import annotations

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
        size = path.stat().st_size
        if size > limit:
            raise FileTooLargeError(path, f"the file is {size:,} bytes; {what} larger than {limit:,} bytes are refused")
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFileError(path, "there is no such file") from None
    except IsADirectoryError:
        raise UnreadableFileError(path, "this is a folder, not a file") from None
    except OSError as exc:
        raise UnreadableFileError(path, f"the file cannot be read ({exc.strerror})") from exc
