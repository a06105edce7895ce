"""What an answer cell reads as when there is more in it than one control, or less."""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable

from lxml import etree

from generator.ooxml.namespaces import qn
from generator.ooxml.reader import _alone_in_cell, read_docx

from ..fixtures.make_returns import edit_body, filled, sdt_tagged

TITLE = "/proposal_title"


def _title_after(edit: Callable[[etree._Element], None]) -> str:
    return read_docx(edit_body(filled(), edit), "edited.docx").answers[TITLE]


def _alone_after(edit: Callable[[etree._Element], None]) -> bool:
    """Whether the title's control is alone in its cell once ``edit`` is made: its text is then read directly."""
    with zipfile.ZipFile(io.BytesIO(edit_body(filled(), edit))) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(qn("w:body"))
    return _alone_in_cell(sdt_tagged(body, TITLE))


def _paragraph(text: str) -> etree._Element:
    paragraph = etree.Element(qn("w:p"))
    etree.SubElement(etree.SubElement(paragraph, qn("w:r")), qn("w:t")).text = text
    return paragraph


def _typed_title(body: etree._Element) -> str:
    return "".join(t.text for t in sdt_tagged(body, TITLE).iter(qn("w:t")))


def test_a_control_alone_in_its_cell_reads_as_its_own_text() -> None:
    seen: list[str] = []
    assert _title_after(lambda b: seen.append(_typed_title(b))) == seen[0]
    assert _alone_after(lambda b: None) is True


def test_bookmarks_beside_a_control_add_nothing() -> None:
    def bookmark(body: etree._Element) -> None:
        sdt = sdt_tagged(body, TITLE)
        sdt.addprevious(etree.Element(qn("w:bookmarkStart"), {qn("w:id"): "0", qn("w:name"): "_GoBack"}))
        sdt.addnext(etree.Element(qn("w:bookmarkEnd"), {qn("w:id"): "0"}))

    seen: list[str] = []
    assert _title_after(lambda b: (seen.append(_typed_title(b)), bookmark(b))) == seen[0]
    assert _alone_after(bookmark) is True


def test_a_paragraph_typed_below_the_control_is_part_of_the_answer() -> None:
    """As LibreOffice 25.2 saves a multi-paragraph answer: only the first paragraph stays in the control."""

    def second_paragraph(body: etree._Element) -> None:
        sdt_tagged(body, TITLE).getparent().addnext(_paragraph("and a second paragraph"))

    seen: list[str] = []
    assert _title_after(lambda b: (seen.append(_typed_title(b)), second_paragraph(b))) == (
        f"{seen[0]}\nand a second paragraph"
    )
    assert _alone_after(second_paragraph) is False


def test_text_typed_beside_the_control_in_its_paragraph_is_part_of_the_answer() -> None:
    def beside(body: etree._Element) -> None:
        run = etree.Element(qn("w:r"))
        etree.SubElement(run, qn("w:t")).text = " (working title)"
        sdt_tagged(body, TITLE).addnext(run)

    seen: list[str] = []
    assert _title_after(lambda b: (seen.append(_typed_title(b)), beside(b))) == f"{seen[0]} (working title)"
    assert _alone_after(beside) is False


def test_a_control_wrapped_in_another_is_read_once_by_its_own_tag() -> None:
    def wrap(body: etree._Element) -> None:
        inner = sdt_tagged(body, TITLE)
        outer = etree.Element(qn("w:sdt"))
        etree.SubElement(etree.SubElement(outer, qn("w:sdtPr")), qn("w:tag"), {qn("w:val"): "/wrapper"})
        inner.addprevious(outer)
        etree.SubElement(outer, qn("w:sdtContent")).append(copy.deepcopy(inner))
        inner.getparent().remove(inner)

    seen: list[str] = []
    extraction = read_docx(edit_body(filled(), lambda b: (seen.append(_typed_title(b)), wrap(b))), "wrapped.docx")
    assert extraction.answers[TITLE] == seen[0]
    assert "/wrapper" not in extraction.answers
    assert not any("/wrapper" in w.path for w in extraction.warnings)
