"""Bounds on reading an untrusted PDF: decompression limits, a stream-size cap, qpdf's warnings kept, a deadline.

The reader is pikepdf (qpdf, C++). qpdf decompresses a stream only when asked,
and its own limits (set here for the length of a read, then put back: they are
process-wide) stop a Flate, RunLength or predictor stream from inflating past
what a form needs; :func:`stream_bytes` refuses a larger one. qpdf reports each
repair of a damaged file as a warning, which is collected (a looping xref
chain is refused from it).

The deadline is a ``SIGALRM`` (:mod:`generator.records.limits`). It cannot stop
qpdf mid-call: Python runs the handler when the call returns (measured: a 0.3 s
deadline landed after a 5 s rebuild of a 45 MB file's cross-reference table).
qpdf hands control back for every object and stream read, so what bounds the
read is the cost of one call, and :mod:`.reader` keeps each small: a broken
cross-reference table is rebuilt only for a file of at most 8 MB (under a
second here), an object other than a stream spanning more than 1 MB of the
file is refused before qpdf parses it, and a compressed object stream inflates
to at most :data:`STREAM_LIMIT`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pikepdf
from pikepdf.settings import set_qpdf_limits

from ..records.limits import TimeLimitExceeded, deadline

__all__ = [
    "DEADLINE_SECONDS",
    "MAX_LIST_ENTRIES",
    "STREAM_LIMIT",
    "ListTooLong",
    "ReadTimeout",
    "StreamTooLarge",
    "bounded",
    "stream_bytes",
]

#: No stream in a form decompresses to more than this.
STREAM_LIMIT = 8_000_000
DEADLINE_SECONDS = 10.0
#: No list in a form holds more; our own font's /W array, the longest list in any of our forms, has 6,253.
MAX_LIST_ENTRIES = 20_000
#: The most repairs qpdf may make to one file before it gives up: a genuine damaged form needs a few dozen.
_MAX_WARNINGS = 500


class ReadTimeout(TimeLimitExceeded):
    """Reading took longer than any genuine form needs.

    A ``BaseException`` (see :mod:`generator.records.limits`), so no
    ``except Exception`` on the way can swallow it.
    """


class StreamTooLarge(Exception):
    """A stream declares, or decompresses to, more than any form needs."""


class ListTooLong(Exception):
    """A list (array) holds more entries than any form needs."""


#: How qpdf names a file read from memory, which means nothing to the reader of the warning.
_STREAM_NAME = re.compile(r"^stream <[^>]*>[:,]? ?")


#: qpdf's words for a slip it calls common and handles correctly (every signed revision read on its own has it).
_HANDLED = "a common error handled correctly by qpdf"


class _Collect(logging.Handler):
    """Keeps qpdf's warnings (pikepdf logs them), which report repairs such as a looping xref chain."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().strip()
        # qpdf's warning arrives as a header, the text, and a blank line: only the text is kept
        if message and message != "WARNING:" and _HANDLED not in message:
            self.messages.append(_STREAM_NAME.sub("", message.removeprefix("WARNING: ")))


def stream_bytes(stream: Any) -> bytes:
    """A stream's decoded bytes, refused past :data:`STREAM_LIMIT` (declared or decoded).

    Damaged compressed data reads as empty, as a PDF reader would show it;
    data that inflates past qpdf's memory limit is :class:`StreamTooLarge`.
    """
    declared = stream.get("/Length")
    if isinstance(declared, int) and declared > STREAM_LIMIT:
        raise StreamTooLarge
    try:
        data = stream.read_bytes()
    except (pikepdf.PdfError, RuntimeError) as exc:  # qpdf's limit is a QpdfRuntimeError or a DataDecodingError
        if "limit" in str(exc):
            raise StreamTooLarge from None
        if isinstance(exc, pikepdf.DataDecodingError):
            return b""
        raise
    if len(data) > STREAM_LIMIT:
        raise StreamTooLarge
    return data


_LIMITS = {
    "flate_max_memory": STREAM_LIMIT,
    "run_length_max_memory": STREAM_LIMIT,
    "png_max_memory": STREAM_LIMIT,
    "tiff_max_memory": STREAM_LIMIT,
    "dct_max_memory": STREAM_LIMIT,
    "max_stream_filters": 4,
    "parser_max_nesting": 100,
    "doc_max_warnings": _MAX_WARNINGS,
}


@contextmanager
def bounded(seconds: float = DEADLINE_SECONDS) -> Iterator[list[str]]:
    """Run a read under low limits and a deadline; yields the list qpdf's warnings go to."""
    messages: list[str] = []
    logger, handler = logging.getLogger("pikepdf._core"), _Collect(messages)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False  # kept here, not printed
    previous = set_qpdf_limits(**_LIMITS)
    try:
        with deadline(seconds, ReadTimeout):
            yield messages
    finally:
        set_qpdf_limits(**previous)
        logger.removeHandler(handler)
        logger.propagate = propagate
