"""Unit tests of the element layer: what a control reads as, and what the safe opener refuses."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from lxml import etree

from generator.ooxml.controls import CHECKED, _plain_runs_text, make_control, read_control, text_of
from generator.ooxml.namespaces import NS, qn
from generator.ooxml.safety import MAX_ENTRIES, PackageError, open_package, parse_xml


def _typed(sdt: etree._Element, text: str) -> etree._Element:
    """As a person typing: placeholder flag gone, the whole prompt (its leading plain space too) replaced."""
    props = sdt.find(qn("w:sdtPr"))
    props.remove(props.find(qn("w:showingPlcHdr")))
    content = sdt.find(qn("w:sdtContent"))
    for extra in content.findall(qn("w:r"))[1:]:
        content.remove(extra)
    next(sdt.iter(qn("w:t"))).text = text
    return sdt


def test_placeholder_reads_as_empty() -> None:
    control = read_control(make_control("text", "/a", "A", "Click or tap here to enter text"))
    assert (control.tag, control.value, control.placeholder) == ("/a", "", True)


def test_stale_full_date_loses_to_the_visible_text() -> None:
    sdt = _typed(make_control("date", "/d", "D", "Enter a date"), "3 May 2027")
    sdt.find(f"{qn('w:sdtPr')}/{qn('w:date')}").set(qn("w:fullDate"), "2027-04-01T00:00:00Z")
    assert read_control(sdt).value == "3 May 2027"


def test_full_date_used_when_no_text_is_shown() -> None:
    sdt = _typed(make_control("date", "/d", "D", "Enter a date"), "")
    sdt.find(f"{qn('w:sdtPr')}/{qn('w:date')}").set(qn("w:fullDate"), "2027-04-01T00:00:00Z")
    assert read_control(sdt).value == "2027-04-01"


@pytest.mark.parametrize("checked", [True, False])
def test_checkbox_trusts_w14_checked_not_the_glyph(checked: bool) -> None:
    sdt = make_control("checkbox", "/c", "C", "", checked=checked)
    next(sdt.iter(qn("w:t"))).text = CHECKED if not checked else "☐"
    assert read_control(sdt).value is checked


def test_tracked_changes_read_as_accepted() -> None:
    sdt = _typed(make_control("text", "/t", "T", "p"), "kept")
    content = sdt.find(qn("w:sdtContent"))
    deleted = etree.SubElement(etree.SubElement(content, qn("w:del")), qn("w:r"))
    etree.SubElement(deleted, qn("w:delText")).text = " gone"
    etree.SubElement(etree.SubElement(etree.SubElement(content, qn("w:ins")), qn("w:r")), qn("w:t")).text = " added"
    assert read_control(sdt).value == "kept added"


def test_entities_are_never_expanded() -> None:
    with pytest.raises(PackageError, match="DOCTYPE"):
        parse_xml(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', "word/document.xml")
    with pytest.raises(PackageError, match="DOCTYPE"):
        parse_xml('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>'.encode("utf-16"), "word/document.xml")


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_entry_count_is_bounded() -> None:
    with pytest.raises(PackageError, match="parts"):
        open_package(_zip({f"p{n}.xml": b"<a/>" for n in range(MAX_ENTRIES + 1)}))


def test_a_part_bigger_than_it_declares_is_caught() -> None:
    data = bytearray(_zip({"word/document.xml": b"<a>" + b"x" * 50_000 + b"</a>"}))
    # Lie about the uncompressed size in both headers: say 10 bytes.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature) + offset
        data[at : at + 4] = (10).to_bytes(4, "little")
    package = open_package(bytes(data))
    with pytest.raises(PackageError, match="cannot be unpacked"):
        package.read("word/document.xml")


def test_a_doctype_after_a_long_comment_is_still_refused() -> None:
    """The prolog is read to its end, however long, not just a fixed head of the part."""
    styles = b'<?xml version="1.0"?>\n<!--' + b"x" * 5000 + b'-->\n<!DOCTYPE a SYSTEM "x"><a/>'
    with pytest.raises(PackageError, match=r"word/styles\.xml declares a DOCTYPE"):
        open_package(_zip({"word/styles.xml": styles})).refuse_doctypes()


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_a_doctype_in_a_wide_encoding_is_refused(codec: str) -> None:
    part = f'<?xml version="1.0" encoding="{codec}"?><!DOCTYPE a SYSTEM "x"><a/>'.encode(codec)
    with pytest.raises(PackageError, match="DOCTYPE"):
        open_package(_zip({"word/styles.xml": part})).refuse_doctypes()
    with pytest.raises(PackageError, match="DOCTYPE"):
        parse_xml(part, "word/document.xml")


def test_a_part_whose_checksum_does_not_match_is_caught() -> None:
    data = bytearray(_zip({"word/document.xml": b"<a>" + b"x" * 500 + b"</a>"}))
    for signature, offset in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        at = data.index(signature) + offset
        data[at : at + 4] = (1234).to_bytes(4, "little")
    with pytest.raises(PackageError, match="cannot be unpacked"):
        open_package(bytes(data)).read("word/document.xml")


def test_a_local_header_naming_another_part_is_caught() -> None:
    data = bytearray(_zip({"word/document.xml": b"<a/>"}))
    at = data.index(b"PK\x03\x04") + 30
    data[at : at + len(b"word/document.xml")] = b"word/documenX.xml"
    with pytest.raises(PackageError, match="cannot be unpacked"):
        open_package(bytes(data)).read("word/document.xml")


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_parts_read_the_same_whatever_the_compression(method: int) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr("word/document.xml", b"<a>" + "£".encode() * 300 + b"</a>")
    package = open_package(out.getvalue())
    package.refuse_doctypes()
    assert package.read("word/document.xml") == b"<a>" + "£".encode() * 300 + b"</a>"


def test_an_encrypted_entry_is_not_read() -> None:
    data = bytearray(_zip({"word/document.xml": b"<a/>"}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + offset] |= 1  # general purpose flag bit 0: encrypted
    with pytest.raises(PackageError, match=r"cannot be unpacked.*encrypted"):
        open_package(bytes(data)).read("word/document.xml")


def _central_records(data: bytes) -> list[int]:
    """Where each central directory record starts."""
    found, at = [], data.find(b"PK\x01\x02")
    while at != -1:
        found.append(at)
        at = data.find(b"PK\x01\x02", at + 1)
    return found


def test_two_parts_at_one_offset_are_refused_before_any_is_read() -> None:
    data = bytearray(_zip({"word/document.xml": b"<a/>", "word/styles.xml": b"<b/>"}))
    at = _central_records(bytes(data))[1] + 42  # the second part's local header offset
    data[at : at + 4] = (0).to_bytes(4, "little")
    with pytest.raises(PackageError, match=r"overlap inside the zip \(a 'zip bomb' trick: part word/"):
        open_package(bytes(data))


def test_a_part_running_into_the_zip_index_is_refused() -> None:
    data = bytearray(_zip({"word/document.xml": b"<a/>"}))
    for signature, offset in ((b"PK\x03\x04", 18), (b"PK\x01\x02", 20)):  # compressed size, in both headers
        at = data.index(signature) + offset
        data[at : at + 4] = (int.from_bytes(data[at : at + 4], "little") + 1).to_bytes(4, "little")
    with pytest.raises(PackageError, match=r"part word/document\.xml runs into the zip's index"):
        open_package(bytes(data))


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in, so it writes each part's sizes after its data (flag bit 3)."""

    def __init__(self) -> None:
        self.written = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.written += data
        return len(data)


def _streamed(entries: dict[str, bytes]) -> bytes:
    out = _Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return bytes(out.written)


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param(lambda parts: _zip(parts), id="plain"),
        pytest.param(lambda parts: _streamed(parts), id="sizes after the data"),
        pytest.param(lambda parts: b"MZ" + b"\0" * 100 + _zip(parts), id="bytes in front"),
    ],
)
def test_parts_laid_end_to_end_are_not_taken_for_overlaps(layout: Callable[[dict[str, bytes]], bytes]) -> None:
    parts = {"word/document.xml": b"<a>" + b"x" * 5000 + b"</a>", "word/styles.xml": b"<b/>", "empty.xml": b""}
    package = open_package(layout(parts))
    assert {name: package.read(name) for name in parts} == parts


#: shape -> (content, its text); the first group is plain runs, read straight off the runs.
_PLAIN_RUNS = {
    "plain": (
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Twelve </w:t></w:r><w:r><w:t>pounds</w:t></w:r>',
        "Twelve pounds",
    ),
    "breaks and tabs": (
        '<w:r><w:t>a</w:t><w:br/><w:t>b</w:t><w:br w:type="page"/><w:tab/><w:cr/><w:t>c</w:t></w:r>',
        "a\nb\t\nc",
    ),
    "text inside run properties": ("<w:r><w:rPr><w:b/><w:t>hidden</w:t><w:br/></w:rPr><w:t>shown</w:t></w:r>", "shown"),
    "empty": ("", ""),
}
_OTHER_RUNS = {
    "hyperlink": ("<w:hyperlink><w:r><w:t>link</w:t></w:r></w:hyperlink><w:r><w:t> text</w:t></w:r>", "link text"),
    "paragraphs": ("<w:p><w:r><w:t>one</w:t></w:r></w:p><w:p><w:r><w:t>two</w:t></w:r></w:p>", "one\ntwo"),
    "field": (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DATE</w:instrText></w:r><w:r><w:t>x</w:t></w:r>',
        "x",
    ),
}


def _content(runs: str) -> etree._Element:
    return etree.fromstring(f'<w:sdtContent xmlns:w="{NS["w"]}">{runs}</w:sdtContent>')


@pytest.mark.parametrize("shape", sorted(_PLAIN_RUNS))
def test_plain_runs_are_read_straight_off_the_runs_and_read_the_same_by_either_path(shape: str) -> None:
    """Told there are no deletions, text_of reads plain runs directly; the text must not change."""
    runs, text = _PLAIN_RUNS[shape]
    content = _content(runs)
    assert _plain_runs_text(content) == text
    assert text_of(content, deletions=False) == text_of(content) == text


@pytest.mark.parametrize("shape", sorted(_OTHER_RUNS))
def test_other_content_is_read_by_the_full_path(shape: str) -> None:
    runs, text = _OTHER_RUNS[shape]
    content = _content(runs)
    assert _plain_runs_text(content) is None
    assert text_of(content, deletions=False) == text_of(content) == text


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2])
def test_a_bad_checksum_in_a_part_never_read_is_damage(method: int) -> None:
    """Every part is checked, also those no reader asks for, and those spanning many inflated pieces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr("word/document.xml", b"<a/>")
        archive.writestr("word/media/image1.png", bytes(range(256)) * 2_000)  # 512,000 bytes: eight pieces
    good = out.getvalue()
    package = open_package(good)
    package.read("word/document.xml")
    package.check_unread()  # sound parts pass
    damaged = bytearray(good)
    for signature, offset in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):  # the CRC in both of the image's headers
        at = damaged.rindex(signature) + offset
        damaged[at : at + 4] = (1234).to_bytes(4, "little")
    package = open_package(bytes(damaged))
    package.read("word/document.xml")
    with pytest.raises(PackageError, match=r"the file is damaged: its part word/media/image1\.png cannot be unpacked"):
        package.check_unread()


def test_a_part_cut_short_inside_its_deflate_stream_is_damage() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image1.png", bytes(range(256)) * 2_000)
    data = bytearray(out.getvalue())
    start = 30 + len("word/media/image1.png")
    data[start + 40 : start + 80] = bytes(40)  # a run of zero bytes: stored blocks with the wrong lengths
    with pytest.raises(PackageError, match="the file is damaged"):
        open_package(bytes(data)).check_unread()
