"""Every format a bidder might send instead of the form is refused by its content, saying what to ask for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.returns.parse import looks_like_a_return, parse_return

from .conftest import FIXTURES

FORMATS = FIXTURES / "returns" / "formats"

#: fixture (made by tests/fixtures/make_formats.py) -> words its refusal must contain
REFUSED = {
    "growth-bid.doc": ["old-style Word (.doc)", "saved as a Word document (.docx)"],
    "growth-bid.rtf": ["Rich Text (RTF)", "ask for the Word form"],
    "growth-bid.msg": ["Outlook email (.msg)", "save the attached form into the returns folder"],
    "growth-bid.eml": ["an email, not the form", "save the attached form into the returns folder"],
    "growth-bid.wps": ["Works (.wps)", "saved as a Word document (.docx)"],
    "growth-bid.pages": ["Apple Pages", "Export To > Word"],
    "scan.jpg": ["a picture (a scan or photo) of the form, not the form itself", "ask for the completed Word"],
    "scan.png": ["a picture (a scan or photo)"],
    "scan.tif": ["a picture (a scan or photo)"],
    "photo.heic": ["a picture (a scan or photo)"],
    "returns.zip": [
        "a zip of files (bids/growth-bid.docx, bids/covering letter.txt)",
        "unzip it into the returns folder",
    ],
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_format_is_refused_with_what_it_is_and_what_to_ask_for(name: str) -> None:
    envelope = parse_return(FORMATS / name)
    assert envelope.status == "unreadable"
    [error] = envelope.errors
    for words in REFUSED[name]:
        assert words in error.message, error.message


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_format_is_known_by_its_content_not_its_name(name: str, tmp_path: Path) -> None:
    renamed = tmp_path / "attachment"
    shutil.copyfile(FORMATS / name, renamed)
    assert looks_like_a_return(renamed.read_bytes()[:1024])
    assert parse_return(renamed).errors[0].message == parse_return(FORMATS / name).errors[0].message


def test_an_odt_is_given_to_the_parser_which_reads_or_refuses_it() -> None:
    """Whether the ODT reader is installed or not, an .odt is a return, never 'not a return'."""
    envelope = parse_return(FORMATS / "growth-bid.odt")
    assert looks_like_a_return((FORMATS / "growth-bid.odt").read_bytes()[:1024])
    assert envelope.status in ("valid", "invalid", "unreadable")
    if envelope.status == "unreadable":
        assert "OpenDocument" in envelope.errors[0].message


def test_a_zip_bomb_of_loose_files_is_refused_as_a_bomb_not_offered_for_unzipping(tmp_path: Path) -> None:
    import zipfile

    bomb = tmp_path / "returns.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bid.docx", b"\0" * 50_000_000)
    message = parse_return(bomb).errors[0].message
    assert "zip bomb" in message and "unzip" not in message


def test_plain_text_and_officer_files_do_not_look_like_returns() -> None:
    assert not looks_like_a_return(b"Dear officer, please find our bid attached.")
    assert not looks_like_a_return(b"Name,Amount\nOrg,12500\n")
    assert not looks_like_a_return(b"")
