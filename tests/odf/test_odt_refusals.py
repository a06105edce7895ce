"""Hostile and wrong ODF files are refused with a plain reason, never read in part, never run.

The fixtures in ``tests/fixtures/returns/odt/`` are made by
``tests/fixtures/make_odt_returns.py`` (from a growth bid LibreOffice 25.2
saved as .odt, ``growth-bid-lo25.odt``, or from nothing) and committed.
"""

from __future__ import annotations

import time

import pytest
from lxml import etree

from generator.odf.namespaces import NS
from generator.odf.text import text_of
from generator.returns.parse import parse_bytes, parse_return

from ..conftest import FIXTURES, TODAY
from ..fixtures import make_lo74_returns as lo74
from ..fixtures import make_odt_returns as odt

ODT = FIXTURES / "returns" / "odt"

REFUSED = {
    "doctype-in-content.odt": "its part content.xml declares a DOCTYPE, which OpenDocument files never need",
    "doctype-in-styles.odt": "its part styles.xml declares a DOCTYPE, which OpenDocument files never need",
    "macros.odt": "it contains macros; macros are never run here, so it was not read",
    "macro-on-open.odt": "it contains macros; macros are never run here, so it was not read",
    "zip-bomb.odt": "its part content.xml would unpack to 20,971,520 bytes from",
    "encrypted.odt": "it is password-protected, so it cannot be read",
    "not-our-form.odt": "this document is not one of our forms (it does not say which form it is)",
    "newer-version.odt": "this is a growth-bid form, version 9.0.0, which this toolkit does not know",
    "spreadsheet-renamed.odt": "this is a spreadsheet (.ods), not a filled-in form; please send the completed form as",
    "template-renamed.odt": "this is a LibreOffice text template (.ott), not a filled-in form",
    "flat-xml.odt": "this is a flat OpenDocument text file (.fodt), which this toolkit does not read",
}


def test_every_fixture_the_script_makes_is_committed_and_tested() -> None:
    assert sorted(p.name for p in ODT.iterdir()) == sorted([*odt.HOSTILE_FIXTURES, odt.BASE.name])
    assert set(REFUSED) == set(odt.HOSTILE_FIXTURES)


def test_the_base_the_hostile_files_are_made_from_is_a_good_return() -> None:
    envelope = parse_return(odt.BASE, today=TODAY)
    assert envelope.status == "valid", envelope.errors
    assert envelope.record == lo74.source_record("lo74-resaved-growth-bid.docx")


@pytest.mark.parametrize("name", list(REFUSED))
def test_hostile_odt_is_refused_with_its_reason(name: str) -> None:
    started = time.perf_counter()
    envelope = parse_return(ODT / name, today=TODAY)
    assert time.perf_counter() - started < 5
    assert (envelope.status, envelope.exit_code, envelope.record) == ("unreadable", 3, None)
    assert [e.rule for e in envelope.errors] == ["unreadable"]
    assert envelope.errors[0].message.startswith(REFUSED[name]), envelope.errors[0].message


def test_the_external_entity_is_never_resolved() -> None:
    envelope = parse_return(ODT / "doctype-in-content.odt", today=TODAY)
    assert "root:" not in repr(envelope.to_dict())


def test_a_macro_is_refused_before_any_answer_is_read() -> None:
    envelope = parse_return(ODT / "macros.odt", today=TODAY)
    assert (envelope.raw, envelope.kind) == ({}, None)


def test_a_flat_odt_with_a_docx_name_is_still_told_what_to_send() -> None:
    data = (ODT / "flat-xml.odt").read_bytes()
    envelope = parse_bytes(data, "bid.docx", today=TODAY)
    assert "save it as OpenDocument Text (.odt) or Word document (.docx)" in envelope.errors[0].message


def _paragraphs(xml: str) -> str:
    root = etree.fromstring(
        f'<office:text xmlns:office="{NS["office"]}" xmlns:text="{NS["text"]}" xmlns:loext="{NS["loext"]}">'
        f"{xml}</office:text>"
    )
    return text_of(root)


@pytest.mark.parametrize(
    ("xml", "shown"),
    [
        ("<text:p>two  spaces\n and a line end</text:p>", "two spaces and a line end"),
        ("<text:p>  leading</text:p>", "leading"),
        ("<text:p>a <text:s text:c='2'/>b<text:tab/>c<text:line-break/>d</text:p>", "a   b\tc\nd"),
        ("<text:p>one</text:p>\n  <text:p>two</text:p>", "one\ntwo"),
        ("<text:p>kept<text:tracked-changes>deleted</text:tracked-changes></text:p>", "kept"),
        ("<text:p><loext:list-item/>Monthly</text:p>", "Monthly"),
        ("<text:p>x<text:s text:c='999999999'/>y</text:p>", "x" + " " * 1000 + "y"),
    ],
)
def test_odf_white_space_rules(xml: str, shown: str) -> None:
    assert _paragraphs(xml) == shown


def test_damage_in_a_part_never_read_is_reported_as_damage() -> None:
    """A broken download damages whatever part it hits; the bidder is asked to send the file again."""
    import io
    import zipfile

    data = bytearray((ODT / "growth-bid-lo25.odt").read_bytes())
    unread = next(
        info
        for info in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()
        if info.filename.startswith("Thumbnails/") or info.filename == "settings.xml"
    )
    start = unread.header_offset + 30 + len(unread.filename.encode()) + len(unread.extra)
    data[start + unread.compress_size // 2] ^= 0xFF
    envelope = parse_bytes(bytes(data), "damaged.odt", today=TODAY)
    assert envelope.status == "unreadable"
    message = envelope.errors[0].message
    assert f"the file is damaged: its part {unread.filename} cannot be unpacked" in message
    assert "send it again" in message
