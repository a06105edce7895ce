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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..records.bounded_read import read_bounded
from ..records.errors import UnreadableFileError
from ..returns.parse import MAX_RETURN_BYTES
from .discovery import content_skip_reason
from .worker import from_bytes, note

__all__ = ["FINGERPRINT", "HEAD_BYTES", "REFUSED", "fingerprint", "fingerprint_and_parse", "skipped"]

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
    return _read_and_fingerprint(path, needs_a_look)[0]


def _read_and_fingerprint(path: str, needs_a_look: bool) -> tuple[dict[str, Any], bytes]:
    """The fingerprint, and the bytes it was taken from (empty if the file was not read or not a return)."""
    try:
        data = read_bounded(Path(path), MAX_RETURN_BYTES, "forms", follow_links=False)
    except UnreadableFileError as exc:
        return _unreadable(exc.reason), b""
    if needs_a_look and (reason := content_skip_reason(Path(path).name, data[:HEAD_BYTES])):
        return {**skipped(reason), "size": len(data)}, b""
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}, data


#: Where :func:`fingerprint_and_parse` puts the fingerprint beside the parse's outcome.
FINGERPRINT = "fingerprint"
#: Where it puts a fingerprint that refused the file, so it is told from a failure of the worker.
REFUSED = "refused"


def fingerprint_and_parse(
    path: str, needs_a_look: bool, parse: Callable[[str, Any], dict[str, Any]], today: Any
) -> dict[str, Any]:
    """The file's parse with its fingerprint under :data:`FINGERPRINT`; ``{REFUSED: fingerprint}`` if not a return.

    For a batch whose register knows nothing yet, so every content is to be read: one
    visit of the worker instead of two. The outcome stays at the top, so the worker's
    memory check sees its status as it sees any parse's; a failure of the parse carries
    the fingerprint under :data:`.worker.NOTED`. A parser with a form that takes bytes (the
    default's, see :func:`.worker.from_bytes`) is given the bytes just hashed rather than
    reading the file again: a file is read once, and what is parsed is exactly what was hashed.
    """
    facts, data = _read_and_fingerprint(path, needs_a_look)
    if "sha256" not in facts:
        return {REFUSED: facts}
    note(facts)  # should the parse fail (time, memory, a crash), its failure still has the file's hash
    if (parse_read := from_bytes(parse)) is not None:
        outcome = parse_read(data, facts["sha256"], path, today)
    else:
        del data  # another parser reads the file itself: the bytes are not held meanwhile
        outcome = parse(path, today)
    return {**outcome, FINGERPRINT: facts}
