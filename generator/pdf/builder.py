"""Build a fillable A4 PDF form from a form model.

reportlab draws the page (titles, labels, help, box outlines) in DejaVu Sans;
the fields themselves are added afterwards as AcroForm dictionaries
(:mod:`.acroform`), because reportlab's own fields only use the standard 14
fonts, which cannot show names in other scripts. The form is a tagged PDF
(PDF/UA-1): as each thing is drawn the builder names its structure element
(heading, paragraph, table cell, field) and :mod:`.tagging` does the rest.
No text is smaller than 9 pt, and every grey used for text has at least
4.5:1 contrast on white (the lightest, 0.4, is 5.7:1).
"""

from __future__ import annotations

import io
from contextlib import nullcontext
from pathlib import Path

import pikepdf
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..forms.layout import FormLayout, Question
from .acroform import FieldSpec, add_fields
from .fonts import DEJAVU_SANS
from .metadata import KIND_KEY, VERSION_KEY, identity_text
from .names import IDENTITY_FIELD, field_name, option_field_name
from .tagging import Tagger, write_structure

__all__ = ["build_pdf_bytes", "build_pdf_form"]

_MARGIN = 50.0
_WIDTH = A4[0] - 2 * _MARGIN
_HEIGHTS = {"textarea": 72.0, "checkbox": 12.0}
_BOX = 18.0
_REGULAR, _BOLD = "DejaVuSans", "DejaVuSans-Bold"
_SMALLEST = 9.0  # no text is smaller (help, options, table headers, the version line)
_LEADING = 11.0  # between the lines of an option or a column header that wraps


def _register_fonts() -> None:
    if _REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_REGULAR, str(DEJAVU_SANS)))
        pdfmetrics.registerFont(TTFont(_BOLD, str(DEJAVU_SANS.with_name("DejaVuSans-Bold.ttf"))))


class _Pages:
    """A canvas with a cursor that starts a new page when a block will not fit."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.page = 0
        self.y = A4[1] - _MARGIN
        self.fields: list[FieldSpec] = []
        self.tag = Tagger(canvas)

    def need(self, height: float) -> None:
        if self.y - height < _MARGIN:
            self.canvas.showPage()
            self.page += 1
            self.tag.next_page()
            self.y = A4[1] - _MARGIN

    def text(
        self,
        text: str,
        size: float = _SMALLEST,
        font: str = _REGULAR,
        grey: float = 0,
        indent: float = 0,
        role: str = "P",
    ) -> None:
        """Wrapped text, each paragraph one structure element of type ``role``."""
        for paragraph in text.splitlines() or [""]:
            with self.tag.element(role):
                for line in simpleSplit(paragraph, font, size, _WIDTH - indent) or [""]:
                    self.need(size * 1.35)
                    self.canvas.setFont(font, size)
                    self.canvas.setFillGray(grey)
                    with self.tag.content():
                        self.canvas.drawString(_MARGIN + indent, self.y - size, line)
                    self.y -= size * 1.35
        self.canvas.setFillGray(0)

    def lines(
        self, x: float, lines: list[str], font: str = _REGULAR, role: str | None = "P", tagged: bool = True
    ) -> None:
        """Lines of text at ``x`` from the cursor down (the caller moves the cursor).

        They are one element of type ``role``, or content of the element already open if ``role`` is None;
        not ``tagged``, they are neither (the caller has marked them as an artifact).
        """
        self.canvas.setFont(font, _SMALLEST)
        with (
            self.tag.element(role) if role and tagged else nullcontext(),
            self.tag.content() if tagged else nullcontext(),
        ):
            for index, line in enumerate(lines):
                self.canvas.drawString(x, self.y - 9 - index * _LEADING, line)

    def box(
        self, name: str, tooltip: str, kind: str, x: float, width: float, height: float, options=(), required=False
    ) -> None:
        """Outline a box at the cursor and record a field there (the caller moves the cursor)."""
        rect = (x, self.y - height, x + width, self.y)
        self.canvas.setStrokeGray(0.45)
        with self.tag.artifact():
            self.canvas.rect(x, self.y - height, width, height)
        self.tag.widget(len(self.fields))
        self.fields.append(
            FieldSpec(name, tooltip, kind, self.page, rect, tuple(str(o) for o in options), required=required)
        )


def _help(question: Question) -> str:
    if question.rows:
        extra = f"This table has {question.rows} rows; leave rows you do not need empty."
        return f"{question.help} {extra}".strip()
    return question.help


def _tooltip(label: str, required: bool) -> str:
    """A field's /TU: what screen readers say for it, "required" included as the drawn label has it."""
    return f"{label} (required)" if required else label


def _field_kind(question: Question) -> str:
    return {"textarea": "textarea", "choice": "choice", "checkbox": "checkbox"}.get(question.widget, "text")


def _single(pages: _Pages, question: Question) -> None:
    name, kind = field_name(question.pointer), _field_kind(question)
    tooltip = _tooltip(question.label, question.required)
    if kind == "checkbox":
        pages.need(_HEIGHTS["checkbox"] + 6)
        # Never flagged Required: a box left unticked is an answer ("no"), not a missing one.
        pages.box(name, tooltip, kind, _MARGIN, 12, 12)
        pages.lines(_MARGIN + 18, ["Tick if yes"])
        pages.y -= 18
        return
    height = _HEIGHTS.get(kind, _BOX)
    pages.need(height + 6)
    pages.box(name, tooltip, kind, _MARGIN, _WIDTH, height, question.options, required=question.required)
    pages.y -= height + 8


def _options(pages: _Pages, question: Question) -> None:
    column_width = _WIDTH / 2
    wrapped = [simpleSplit(str(option), _REGULAR, _SMALLEST, column_width - 20) or [""] for option in question.options]
    for index, option in enumerate(question.options):
        first = index - index % 2
        depth = 16 + _LEADING * (max(len(lines) for lines in wrapped[first : first + 2]) - 1)
        if index % 2 == 0:
            pages.need(depth)
        x = _MARGIN + (index % 2) * column_width
        name = option_field_name(question.pointer, index)
        # Each box is one option: flagging each Required would ask for every one to be ticked.
        pages.box(name, f"{_tooltip(question.label, question.required)}: {option}", "checkbox", x, 11, 11)
        pages.lines(x + 16, wrapped[index])
        if index % 2 == 1 or index == len(question.options) - 1:
            pages.y -= depth
    pages.y -= 6


def _table(pages: _Pages, question: Question) -> None:
    columns = question.columns
    weights = [3 if c.widget == "textarea" else 1 for c in columns]
    widths = [_WIDTH * w / sum(weights) for w in weights]
    height = max(_HEIGHTS.get(_field_kind(c), _BOX) * 0.6 if c.widget == "textarea" else _BOX for c in columns)
    # Rows the schema says must be filled in (minItems) when the table is required; later rows are optional.
    required_rows = int(question.field.schema.get("minItems") or 0) if question.required else 0

    labels = [simpleSplit(c.label, _BOLD, _SMALLEST, w - 4) or [""] for c, w in zip(columns, widths, strict=True)]
    extra = _LEADING * (max(len(lines) for lines in labels) - 1)

    def header(repeated: bool = False) -> None:
        """The column headers; repeated on a new page, they are an artifact (read once, at the top)."""
        pages.need(14 + extra + height)
        x = _MARGIN
        for lines, width in zip(labels, widths, strict=True):
            if repeated:
                with pages.tag.artifact("Pagination"):
                    pages.lines(x + 2, lines, font=_BOLD, role=None, tagged=False)
            else:
                with pages.tag.element("TH", Scope="Column"):
                    pages.lines(x + 2, lines, font=_BOLD, role=None)
            x += width
        pages.y -= 13 + extra

    with pages.tag.element("Table"):
        with pages.tag.element("THead"), pages.tag.element("TR"):
            header()
        with pages.tag.element("TBody"):
            for row in range(question.rows):
                if pages.y - height < _MARGIN:
                    pages.need(pages.y)
                    header(repeated=True)
                with pages.tag.element("TR"):
                    _row(pages, question, row, widths, height, row < required_rows)
    pages.y -= 8


def _row(pages: _Pages, question: Question, row: int, widths: list[float], height: float, must: bool) -> None:
    """One row of a table's boxes, each in its cell; ``must``: the row has to be filled in."""
    x = _MARGIN
    for column, width in zip(question.columns, widths, strict=True):
        pointer = column.pointer.replace("/*/", f"/{row}/")
        tooltip = f"{question.label}, row {row + 1}: {column.label}"
        if column.required:
            tooltip += " (required)" if must else " (required if this row is used)"
        kind = _field_kind(column)
        with pages.tag.element("TD"):
            if kind == "checkbox":
                pages.box(field_name(pointer), tooltip, kind, x + 4, 11, 11)
            else:
                kind = "textarea" if column.widget == "textarea" else kind
                pages.box(
                    field_name(pointer), tooltip, kind, x, width, height, column.options, column.required and must
                )
        x += width
    pages.y -= height + 2


def _question(pages: _Pages, question: Question) -> None:
    pages.need(40)
    label = f"{question.number}  {question.label}" + (" (required)" if question.required else "")
    with pages.tag.element("Div"):
        pages.text(label, size=10, font=_BOLD)
        if text := _help(question):
            pages.text(text, grey=0.35)
        pages.y -= 3
        if question.columns:
            _table(pages, question)
        elif question.widget == "checkboxes":
            _options(pages, question)
        else:
            _single(pages, question)


def _draw(layout: FormLayout) -> tuple[bytes, list[FieldSpec], Tagger]:
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, initialFontName=_REGULAR)  # no unembedded Helvetica
    canvas.setTitle(layout.title)
    canvas.setSubject(layout.subtitle)
    canvas.setAuthor("Commissioning toolkit")
    canvas.setKeywords(identity_text(layout.kind, layout.version))
    pages = _Pages(canvas)
    pages.text(layout.title, size=18, font=_BOLD, role="H1")
    if layout.subtitle:
        pages.text(layout.subtitle, size=11, grey=0.25)
    pages.y -= 6
    pages.text(layout.instructions, size=9)
    pages.text(f"Form: {layout.kind}, version {layout.version}.", grey=0.4)
    for section in layout.sections:
        pages.y -= 10
        pages.need(60)
        with pages.tag.element("Sect"):
            pages.text(f"{section.number}. {section.title}", size=13, font=_BOLD, role="H2")
            if section.intro:
                pages.text(section.intro, size=9, grey=0.25)
            pages.y -= 4
            for question in section.questions:
                _question(pages, question)
    canvas.save()
    return buffer.getvalue(), pages.fields, pages.tag


def build_pdf_bytes(layout: FormLayout) -> bytes:
    """The blank fillable form of a layout, as PDF bytes."""
    drawn, specs, tagger = _draw(layout)
    with pikepdf.open(io.BytesIO(drawn)) as pdf:
        widgets = add_fields(pdf, specs, (IDENTITY_FIELD, identity_text(layout.kind, layout.version)))
        write_structure(pdf, tagger, widgets, layout.title)
        pdf.docinfo[KIND_KEY] = layout.kind
        pdf.docinfo[VERSION_KEY] = layout.version
        out = io.BytesIO()
        pdf.save(
            out,
            min_version="1.7",  # PDF/UA-1 builds on PDF 1.7 (ISO 32000-1)
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,  # packs the fonts' width arrays too
        )
    return out.getvalue()


def build_pdf_form(layout: FormLayout, out_path: Path) -> None:
    """Write the blank fillable form of a layout to ``out_path``."""
    out_path.write_bytes(build_pdf_bytes(layout))
