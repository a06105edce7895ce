"""Write a blank Word form from a form model: headings, question tables, content controls.

python-docx lays out the document (styles, tables, footer); the controls are
added as ``w:sdt`` elements because python-docx has no API for them.

Accessibility (issue 16, WCAG 2.2 AA): the styles say British English and
every text colour meets 4.5:1 on white (:mod:`generator.ooxml.styles`); help
text is its own 10 pt style; every table opens with a header row marked to
repeat on each page (the question tables' "Question | Your answer" too, which
the readers know is no question and no added row); headings, question labels
followed by help, and the paragraphs introducing a table are kept with what
follows. Rows do not split across pages, except a question row whose answer
is a long text: its box grows with the answer and may need more than a page.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml as docx_parse_xml
from docx.shared import Mm, Pt, RGBColor

from ..forms.cover import Cover, form_cover
from ..forms.layout import FormLayout, Question
from .controls import make_control
from .namespaces import NS, qn
from .styles import HELP_STYLE, accessible_package

__all__ = ["CATEGORY", "QUESTION_HEADER", "form_bytes", "write_form"]

#: Core property ``category`` of every form we make.
CATEGORY = "commission-form"
_FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
#: The header row of every question table: screen readers announce a cell with its column's heading.
QUESTION_HEADER = ("Question", "Your answer")
#: Help text: at least 10 pt, in a grey of 8.1:1 on white.
_HELP_SIZE, _HELP_COLOUR = Pt(10), RGBColor(0x50, 0x50, 0x50)
#: Widgets whose answer may run to pages, so their row is allowed to break across a page.
_LONG_ANSWERS = frozenset({"textarea"})


def _control_kind(question: Question) -> str:
    return {"date": "date", "choice": "choice", "checkbox": "checkbox", "textarea": "textarea"}.get(
        question.widget, "text"
    )


def _fill_answer_cell(cell, question: Question, tag: str) -> None:  # type: ignore[no-untyped-def]
    paragraph = cell.paragraphs[0]
    if question.widget == "checkboxes":
        for index, option in enumerate(question.options):
            target = paragraph if index == 0 else cell.add_paragraph()
            target._p.append(make_control("checkbox", tag, f"{question.label}: {option}", ""))
            target.add_run(f" {option}")
        return
    options = tuple(str(option) for option in question.options)
    paragraph._p.append(make_control(_control_kind(question), tag, question.label, question.placeholder, options))


def _row_properties(row, *, header: bool = False, keep: bool = True) -> None:  # type: ignore[no-untyped-def]
    """``w:cantSplit`` (the row stays on one page) and, for a header row, ``w:tblHeader`` (repeated on each page)."""
    props = row._tr.get_or_add_trPr()
    if keep:
        props.append(docx_parse_xml(f'<w:cantSplit xmlns:w="{NS["w"]}"/>'))
    if header:
        props.append(docx_parse_xml(f'<w:tblHeader xmlns:w="{NS["w"]}"/>'))
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True  # never a header alone at a page's foot


def _header_row(row, labels: tuple[str, ...] | list[str]) -> None:  # type: ignore[no-untyped-def]
    for label, cell in zip(labels, row.cells, strict=True):
        cell.paragraphs[0].add_run(label).bold = True
    _row_properties(row, header=True)


def _help_style(document) -> None:  # type: ignore[no-untyped-def]
    """The style of help text, so a restyled form keeps it readable: 10 pt, 8.1:1 grey."""
    style = document.styles.add_style(HELP_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.font.size, style.font.color.rgb = _HELP_SIZE, _HELP_COLOUR


def _question_cell(cell, question: Question) -> None:  # type: ignore[no-untyped-def]
    label = cell.paragraphs[0]
    label.add_run(f"{question.number} ").bold = True
    label.add_run(question.label + (" (required)" if question.required else "")).bold = True
    if question.help:
        label.paragraph_format.keep_with_next = True
        cell.add_paragraph(question.help, style=HELP_STYLE)


def _repeating_table(document, question: Question) -> None:  # type: ignore[no-untyped-def]
    heading = document.add_paragraph()
    heading.paragraph_format.keep_with_next = True
    heading.add_run(f"{question.number} {question.label}").bold = True
    if question.help:
        document.add_paragraph(question.help, style=HELP_STYLE).paragraph_format.keep_with_next = True
    table = document.add_table(rows=1 + max(question.rows, 1), cols=len(question.columns))
    table.style = "Table Grid"
    _header_row(table.rows[0], [column.label for column in question.columns])
    for row in table.rows[1:]:
        _row_properties(row)
        for column, cell in zip(question.columns, row.cells, strict=True):
            _fill_answer_cell(cell, column, column.pointer)


def _question_table(document):  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    _size(table.rows[0])
    _header_row(table.rows[0], QUESTION_HEADER)
    return table


def _size(row) -> None:  # type: ignore[no-untyped-def]
    row.cells[0].width, row.cells[1].width = Mm(70), Mm(100)


def _footer(document) -> None:  # type: ignore[no-untyped-def]
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    run = paragraph.add_run()
    w = NS["w"]
    for xml in (
        f'<w:fldChar xmlns:w="{w}" w:fldCharType="begin"/>',
        f'<w:instrText xmlns:w="{w}" xml:space="preserve"> PAGE </w:instrText>',
        f'<w:fldChar xmlns:w="{w}" w:fldCharType="end"/>',
    ):
        run._r.append(docx_parse_xml(xml))


def _properties(document, layout: FormLayout) -> None:  # type: ignore[no-untyped-def]
    props = document.core_properties
    props.title = layout.title
    props.subject = layout.subtitle
    props.identifier = layout.kind
    props.version = layout.version
    props.category = CATEGORY
    props.keywords = f"layout {layout.layout_version}"
    props.author = "Commissioning toolkit"
    props.last_modified_by = "Commissioning toolkit"
    props.created = props.modified = _FIXED_TIME
    props.revision = 1


#: The styles that take the project's heading colour.
_HEADING_STYLES = ("Title", "Heading 1", "Heading 2")
_LOGO_HEIGHT, _LOGO_WIDEST = Mm(18), Mm(60)


def _colours(document, cover: Cover) -> None:  # type: ignore[no-untyped-def]
    """The title and headings in the project's colour, in their styles so a restyled form keeps it."""
    for name in _HEADING_STYLES:
        document.styles[name].font.color.rgb = RGBColor.from_string(cover.heading_colour)


def _logo(document, cover: Cover) -> None:  # type: ignore[no-untyped-def]
    """The partnership's logo, its alternative text the partnership's name (``wp:docPr/@descr``)."""
    logo = cover.logo
    if logo is None:
        return
    width = min(_LOGO_WIDEST, int(_LOGO_HEIGHT * logo.width / logo.height))  # 18 mm high unless that is too wide
    height = int(width * logo.height / logo.width)
    document.add_picture(io.BytesIO(logo.data), width=width, height=height)
    picture = document.paragraphs[-1]
    picture.paragraph_format.keep_with_next = True
    for properties in picture._p.iter(qn("wp:docPr"), qn("pic:cNvPr")):
        properties.set("descr", logo.alt)
        properties.set("name", logo.name)


def _cover(document, cover: Cover) -> None:  # type: ignore[no-untyped-def]
    """Whose form this is, and where and by when to send it: plain paragraphs, never an answer."""
    name = document.add_paragraph()
    run = name.add_run(cover.partnership)
    run.bold = True
    run.font.size = Pt(13)
    run.font.color.rgb = RGBColor.from_string(cover.accent_colour)
    for line in cover.lines:
        document.add_paragraph(line)


def form_bytes(layout: FormLayout, cover: Cover | None = None) -> bytes:
    """The blank form of a layout as .docx bytes, with the project's cover (default: the current project's)."""
    cover = cover or form_cover()
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    _help_style(document)
    _colours(document, cover)
    _logo(document, cover)
    document.add_heading(layout.title, level=0)
    if layout.subtitle:
        document.add_paragraph(layout.subtitle, style="Subtitle")
    _cover(document, cover)
    for line in layout.instructions_for("word").splitlines():
        if line.strip():
            document.add_paragraph(line)
    for part in layout.sections:
        document.add_heading(f"{part.number}. {part.title}", level=1)
        if part.intro:
            document.add_paragraph(part.intro).paragraph_format.keep_with_next = True
        table = None
        after_repeating = False
        for question in part.questions:
            if question.columns:
                _repeating_table(document, question)
                table, after_repeating = None, True
                continue
            if table is None:
                if after_repeating:
                    # Two tables with nothing between them are joined into one by Word and LibreOffice,
                    # and a row inserted below the "last row" would then land under the next question.
                    document.add_paragraph()
                    after_repeating = False
                table = _question_table(document)
            row = table.add_row()
            _size(row)
            _row_properties(row, keep=question.widget not in _LONG_ANSWERS)
            _question_cell(row.cells[0], question)
            _fill_answer_cell(row.cells[1], question, question.pointer)
    _footer(document)
    _properties(document, layout)
    out = io.BytesIO()
    document.save(out)
    return _reproducible(accessible_package(out.getvalue()))


def _reproducible(data: bytes) -> bytes:
    """The same bytes for the same layout: zip entries get a fixed timestamp."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            stamped = zipfile.ZipInfo(info.filename, _FIXED_TIME.timetuple()[:6])
            target.writestr(stamped, source.read(info), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_form(layout: FormLayout, path: Path, cover: Cover | None = None) -> Path:
    """Write the blank form to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(form_bytes(layout, cover))
    return path
