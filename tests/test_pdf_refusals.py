"""Each PDF we refuse, from a fixture made by tests/fixtures/returns/pdf/make_fixtures.py."""

from __future__ import annotations

import time

import pytest

from generator.pdf.reader import NO_FIELDS
from generator.records.errors import EXIT_UNREADABLE
from generator.returns.parse import parse_bytes, parse_return
from tests.conftest import FIXTURES

PDFS = FIXTURES / "returns" / "pdf"

REFUSALS = {
    "no-fields.pdf": NO_FIELDS,
    "password-protected.pdf": "protected with a password",
    "xfa-only.pdf": "XFA form",
    "not-ours.pdf": "not one of our forms",
    "truncated.pdf": "the end of the file is missing",
    "malformed.pdf": "damaged or incomplete",
    "decompression-bomb.pdf": "compressed data far larger than any form needs",
    "circular-xref.pdf": "cross-reference chain loops back on itself",
}


@pytest.mark.parametrize(("fixture", "reason"), sorted(REFUSALS.items()))
def test_refused_with_a_plain_reason_quickly(fixture: str, reason: str) -> None:
    started = time.monotonic()
    envelope = parse_return(PDFS / fixture)
    assert time.monotonic() - started < 5
    assert envelope.status == "unreadable"
    assert envelope.exit_code == EXIT_UNREADABLE
    assert reason in envelope.errors[0].message
    assert envelope.record is None


def test_a_cut_off_pdf_padded_with_zero_bytes_is_still_cut_off() -> None:
    """Padding after %%EOF is allowed (see padded-after-eof.pdf); padding cannot stand in for a missing end."""
    data = (PDFS / "truncated.pdf").read_bytes() + b"\n" + b"\0" * 70_000
    envelope = parse_bytes(data, "truncated-then-padded.pdf")
    assert envelope.status == "unreadable"
    assert "the end of the file is missing" in envelope.errors[0].message


def test_no_fields_message_is_the_agreed_wording() -> None:
    envelope = parse_return(PDFS / "no-fields.pdf")
    assert envelope.errors[0].message == NO_FIELDS


def test_empty_user_password_is_read() -> None:
    envelope = parse_return(PDFS / "empty-user-password.pdf")
    assert envelope.kind == "growth-bid"
    assert envelope.status == "invalid"  # a blank form: read, but answers missing
    assert any(error.path == "/proposal_title" for error in envelope.errors)


def test_javascript_launch_and_attachments_are_read_but_flagged() -> None:
    envelope = parse_return(PDFS / "javascript-launch-attachment.pdf")
    assert envelope.kind == "growth-bid"
    assert envelope.status != "unreadable"
    assert envelope.flags["javascript"] == ["document open action"]
    assert envelope.flags["launch_actions"] == ["field proposal_title"]
    assert envelope.flags["attachments"] == ["1 embedded file"]


def test_clean_blank_form_has_no_flags() -> None:
    envelope = parse_return(FIXTURES.parents[1] / "forms" / "growth-bid.pdf")
    assert envelope.flags == {}
