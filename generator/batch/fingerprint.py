"""What a worker reads of each file before any parse: its hash and size, under the batch's limits.

The batch's own process never reads a file: a named pipe, a hung network
share or a file swapped while the batch runs could hold it up. A worker reads
the file (refusing anything but an ordinary file, and anything over the size
a return can be, without reading it), and says what the register needs: the
sha256 and size, or why the file cannot be read, or, for a file whose name
says nothing, that its first bytes do not look like a return either.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..records.bounded_read import read_bounded
from ..records.errors import UnreadableFileError
from ..returns.parse import MAX_RETURN_BYTES
from .discovery import content_skip_reason

__all__ = ["HEAD_BYTES", "fingerprint", "skipped"]

#: How much of a file is looked at to tell whether it starts like a return.
HEAD_BYTES = 1024


def skipped(reason: str) -> dict[str, Any]:
    """The result of a file left out, with why."""
    issue = {"path": "", "field": "File", "message": reason, "value": None, "rule": "skipped"}
    return {"status": "skipped", "errors": [issue]}


def _unreadable(reason: str) -> dict[str, Any]:
    issue = {"path": "", "field": "File", "message": reason, "value": None, "rule": "unreadable"}
    return {"status": "unreadable", "errors": [issue]}


def fingerprint(path: str, needs_a_look: bool) -> dict[str, Any]:
    """``{"sha256", "size"}`` of the file at ``path``, or a result saying why it is not read further."""
    try:
        data = read_bounded(Path(path), MAX_RETURN_BYTES, "forms", follow_links=False)
    except UnreadableFileError as exc:
        return _unreadable(exc.reason)
    if needs_a_look and (reason := content_skip_reason(Path(path).name, data[:HEAD_BYTES])):
        return {**skipped(reason), "size": len(data)}
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
