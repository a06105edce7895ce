"""What bounds a read of a crafted PDF now that qpdf (C++) does the reading, which a Python alarm cannot stop mid-call."""

from __future__ import annotations

import contextlib
import io
import time
import zlib

import pikepdf
import pytest

from generator.pdf.guard import STREAM_LIMIT, ReadTimeout, StreamTooLarge, bounded, stream_bytes
from generator.pdf.reader import MAX_REPAIR_BYTES
from generator.returns.parse import parse_bytes
from tests.pdf_bytes import document

_CATALOGUE = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields 3 0 R >> >>"
_PAGES = b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def _without_xref(size: int) -> bytes:
    """Objects and a trailer but no cross-reference table: qpdf rebuilds one by reading the whole file."""
    body = bytearray(b"%PDF-1.7\n")
    number = 1
    while len(body) < size:
        body += b"%d 0 obj\n<< /T (f%d) /V [1 2 3] >>\nendobj\n" % (number, number)
        number += 1
    return bytes(body + b"trailer << /Root 1 0 R >>\n%%EOF\n")


def test_the_deadline_lands_once_a_long_qpdf_call_returns_and_is_not_lost() -> None:
    data = _without_xref(MAX_REPAIR_BYTES)
    went_on = False
    with pytest.raises(ReadTimeout), bounded(0.05):
        with contextlib.suppress(pikepdf.PdfError):
            pikepdf.open(io.BytesIO(data))  # one call, rebuilding the table, that the alarm cannot interrupt
        went_on = True  # not reached: the alarm is raised as soon as qpdf gives control back
    assert not went_on


def test_a_large_file_whose_cross_reference_table_is_broken_is_refused_not_rebuilt() -> None:
    started = time.monotonic()
    envelope = parse_bytes(_without_xref(MAX_REPAIR_BYTES + 1_000_000), "broken.pdf")
    assert time.monotonic() - started < 5
    assert envelope.status == "unreadable"
    assert "damaged or incomplete" in envelope.errors[0].message


def test_a_list_of_millions_of_numbers_is_refused_before_qpdf_parses_it() -> None:
    """qpdf took 7-12 s to parse such a list, past the deadline; it is refused from its size in the file."""
    data = document([_CATALOGUE, _PAGES, b"[" + b"0 " * 2_000_000 + b"]", _PAGE])
    started = time.monotonic()
    envelope = parse_bytes(data, "long-list.pdf")
    assert time.monotonic() - started < 5
    assert envelope.status == "unreadable"
    assert "a list of more than 20,000 entries" in envelope.errors[0].message


def test_a_field_with_30000_kids_is_refused_for_its_fields() -> None:
    kids = b"<< /T (k) /V (x) >> " * 30_000
    data = document([_CATALOGUE, _PAGES, b"[5 0 R]", _PAGE, b"<< /T (a) /Kids [" + kids + b"] >>"])
    envelope = parse_bytes(data, "many-kids.pdf")
    assert envelope.status == "unreadable"
    assert "more than 5,000 fields" in envelope.errors[0].message


def test_a_stream_inflating_past_the_limit_is_too_large_and_the_limits_are_put_back() -> None:
    from pikepdf.settings import get_qpdf_limits

    before = get_qpdf_limits()
    pdf = pikepdf.new()
    stream = pdf.make_stream(b"")
    stream.write(zlib.compress(b" " * (STREAM_LIMIT + 1)), filter=pikepdf.Name.FlateDecode)
    small = pdf.make_stream(b"BT (a) Tj ET")
    with bounded():
        assert stream_bytes(small) == b"BT (a) Tj ET"
        with pytest.raises(StreamTooLarge):
            stream_bytes(stream)
    assert get_qpdf_limits() == before
    assert len(stream.read_bytes()) == STREAM_LIMIT + 1  # outside a read, qpdf's own limits are back
