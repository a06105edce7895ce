"""Write an output file so nobody ever opens it half-written.

Everything goes to a temporary file in the same folder, is flushed to disk,
then renamed over the old file in one step (``os.replace``). A run killed
while writing leaves its temporary file (``.NAME.*.tmp``) behind; the next run
removes those before it writes (:func:`remove_leftovers`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["atomic_path", "remove_leftovers", "write_atomically"]


_SUFFIX = ".tmp"


def remove_leftovers(folder: Path, pattern: str) -> int:
    """Delete the temporary files :func:`atomic_path` left in ``folder`` for targets named like ``pattern``.

    Returns how many were removed. Only call this while nothing else writes to the folder.
    """
    removed = 0
    for leftover in folder.glob(f".{pattern}.*{_SUFFIX}"):
        if leftover.is_file() and not leftover.is_symlink():
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path to write to; it replaces ``target`` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=_SUFFIX)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` with a temporary path, then move the result into place."""
    with atomic_path(target) as temporary:
        write(temporary)
