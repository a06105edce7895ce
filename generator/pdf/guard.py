"""Bounds on reading an untrusted PDF: small decompression limits and a deadline.

pypdf has had infinite loops and memory blow-ups on crafted files
(CVE-2023-36464, CVE-2026-24688, CVE-2026-27628, CVE-2026-27888). A form
never needs more than a few megabytes of any stream, so the limits here are
far below pypdf's defaults, and a read that runs past the deadline is stopped.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from pypdf import apply_configuration

from ..records.limits import TimeLimitExceeded, deadline

__all__ = ["DEADLINE_SECONDS", "MAX_LIST_ENTRIES", "STREAM_LIMIT", "ReadTimeout", "bounded"]

#: No stream in a form decompresses to more than this.
STREAM_LIMIT = 8_000_000
DEADLINE_SECONDS = 10.0
#: No list in a form holds more; 100,000 fields in one list took pypdf past the deadline to read.
MAX_LIST_ENTRIES = 20_000


class _Collect(logging.Handler):
    """Keeps pypdf's log messages, which report repairs such as a looping xref chain."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class ReadTimeout(TimeLimitExceeded):
    """Reading took longer than any genuine form needs.

    A ``BaseException`` (see :mod:`generator.records.limits`): pypdf catches
    ``Exception`` while it repairs a file, which swallowed a plain exception and
    let one crafted file run for 407 s against a 10 s deadline.
    """


@contextmanager
def bounded(seconds: float = DEADLINE_SECONDS) -> Iterator[list[str]]:
    """Run a read under low limits and a deadline; yields the list pypdf's warnings and log messages go to."""
    limits = {
        "maximum_declared_stream_length": STREAM_LIMIT,
        "array_based_stream_maximum_output_length": STREAM_LIMIT,
        "zlib_maximum_output_length": STREAM_LIMIT,
        "zlib_maximum_recovery_input_length": STREAM_LIMIT,
        "lzw_maximum_output_length": STREAM_LIMIT,
        "run_length_maximum_output_length": STREAM_LIMIT,
        "brotli_maximum_output_length": STREAM_LIMIT,
        "jbig2_maximum_output_length": STREAM_LIMIT,
        "image_maximum_buffer_size": STREAM_LIMIT,
        "stream_decoding_work_maximum_length": 4 * STREAM_LIMIT,
        "xfa_decoding_work_maximum_length": 4 * STREAM_LIMIT,
        "form_fields_maximum_entries": 20_000,
        # Our own font's /W array, the longest list in any of our forms, has 6,253 entries.
        "array_maximum_element_count": MAX_LIST_ENTRIES,
        "form_fields_maximum_depth": 20,
        "page_tree_maximum_entries": 2_000,
        "jbig2dec_binary": None,
    }
    messages: list[str] = []
    logger, handler = logging.getLogger("pypdf"), _Collect(messages)
    logger.addHandler(handler)
    try:
        with (
            warnings.catch_warnings(record=True) as caught,
            apply_configuration(**limits),
            deadline(seconds, ReadTimeout),
        ):
            warnings.simplefilter("always")
            yield messages
            messages.extend(str(w.message) for w in caught)
    finally:
        logger.removeHandler(handler)
