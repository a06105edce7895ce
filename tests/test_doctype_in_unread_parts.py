"""A DOCTYPE in any XML part is refused, also in a part the reader never parses, however the part is stored.

The refusal is made as the part's checksum is checked (one inflation for both), so
these cases pin it down: a part stored uncompressed, a DOCTYPE after a prolog longer
than the head looked at first, an OpenDocument part, and a part without a DOCTYPE.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.returns.parse import parse_bytes
from tests.conftest import EXAMPLES, ROOT

WORD = EXAMPLES / "returns" / "growth-bid-valid.docx"
ODT = ROOT / "tests" / "fixtures" / "returns" / "lo74-odt" / "lo74-saved-growth-bid.odt"
DOCTYPE = b'<!DOCTYPE w:settings SYSTEM "x">'


def _with_part_changed(
    source: Path, part: str, change: Callable[[bytes], bytes], compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as changed:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == part:
                changed.writestr(info.filename, change(data), compress_type=compression)
            else:
                changed.writestr(info, data, compress_type=info.compress_type)
    return out.getvalue()


def _after_declaration(extra: bytes) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        declaration, _, rest = data.partition(b"?>")
        return declaration + b"?>" + extra + rest

    return change


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED], ids=["deflated", "stored"])
def test_a_doctype_in_a_part_never_parsed_is_refused(compression: int) -> None:
    data = _with_part_changed(WORD, "word/settings.xml", _after_declaration(DOCTYPE), compression)
    envelope = parse_bytes(data, "bid.docx")
    assert envelope.status == "unreadable"
    assert "word/settings.xml declares a DOCTYPE" in envelope.errors[0].message


def test_a_doctype_after_a_prolog_longer_than_the_head_is_refused() -> None:
    """The first bytes cannot tell (a long comment first), so the whole part is searched."""
    long_comment = b"<!-- " + b"a comment that runs on " * 40 + b"-->"
    data = _with_part_changed(WORD, "word/settings.xml", _after_declaration(long_comment + DOCTYPE))
    envelope = parse_bytes(data, "bid.docx")
    assert envelope.status == "unreadable"
    assert "word/settings.xml declares a DOCTYPE" in envelope.errors[0].message


def test_a_long_prolog_without_a_doctype_is_read() -> None:
    long_comment = b"<!-- " + b"a comment that runs on " * 40 + b"-->"
    data = _with_part_changed(WORD, "word/settings.xml", _after_declaration(long_comment))
    assert parse_bytes(data, "bid.docx").status == "valid"


def test_a_doctype_in_an_opendocument_part_never_parsed_is_refused() -> None:
    data = _with_part_changed(
        ODT, "settings.xml", _after_declaration(b'<!DOCTYPE office:document-settings SYSTEM "x">')
    )
    envelope = parse_bytes(data, "bid.odt")
    assert envelope.status == "unreadable"
    assert "settings.xml declares a DOCTYPE" in envelope.errors[0].message
    assert parse_bytes(ODT.read_bytes(), "bid.odt").status != "unreadable"
