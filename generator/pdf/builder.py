"""Build a fillable A4 PDF form from a form model.

reportlab draws the page (titles, labels, help, box outlines) in DejaVu Sans;
the fields themselves are added afterwards as AcroForm dictionaries
(:mod:`.acroform`), because reportlab's own fields only use the standard 14
fonts, which cannot show names in other scripts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
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
from .sizing import box_height, capacity, lines_needed, words

__all__ = ["build_pdf_bytes", "build_pdf_form"]

_MARGIN = 50.0
_WIDTH = A4[0] - 2 * _MARGIN
_HEIGHTS = {"checkbox": 12.0}
_BOX = 18.0
#: Characters a long-answer box holds when the layout does not say (``characters:``): on its own, in a table.
_LONG_ANSWER, _LONG_CELL = 1500, 300
#: The tallest box: a page less room for its question's label and help.
_TALLEST = A4[1] - 2 * _MARGIN - 120
#: A table column without a text box (a number, a tick box) is drawn as wide as this many characters.
_NARROW_COLUMN = 40
_REGULAR, _BOLD = "DejaVuSans", "DejaVuSans-Bold"


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

    def need(self, height: float) -> None:
        if self.y - height < _MARGIN:
            self.canvas.showPage()
            self.page += 1
            self.y = A4[1] - _MARGIN

    def text(self, text: str, size: float = 9, font: str = _REGULAR, grey: float = 0, indent: float = 0) -> None:
        for paragraph in text.splitlines() or [""]:
            for line in simpleSplit(paragraph, font, size, _WIDTH - indent) or [""]:
                self.need(size * 1.35)
                self.canvas.setFont(font, size)
                self.canvas.setFillGray(grey)
                self.canvas.drawString(_MARGIN + indent, self.y - size, line)
                self.y -= size * 1.35
        self.canvas.setFillGray(0)

    def box(
        self,
        name: str,
        tooltip: str,
        kind: str,
        x: float,
        width: float,
        height: float,
        options=(),
        max_length: int | None = None,
    ) -> None:
        """Outline a box at the cursor and record a field there (the caller moves the cursor)."""
        rect = (x, self.y - height, x + width, self.y)
        self.canvas.setStrokeGray(0.45)
        self.canvas.rect(x, self.y - height, width, height)
        self.fields.append(FieldSpec(name, tooltip, kind, self.page, rect, tuple(str(o) for o in options), max_length))


def _allowance(question: Question, default: int) -> int | None:
    """How many characters a text box accepts: the layout's ``characters``, else ``default`` for long
    answers, never more than the schema allows; None for a short answer with no limit (one line)."""
    if question.widget not in ("text", "textarea"):
        return None
    wanted = question.characters or (default if question.widget == "textarea" else question.max_length)
    if wanted is None:
        return None
    return min(wanted, question.max_length or wanted)


def _text_box(question: Question, width: float, default: int, tallest: float) -> tuple[int | None, int]:
    """(characters accepted, lines drawn) of a text box ``width`` wide, no taller than ``tallest``."""
    allowance = _allowance(question, default)
    if allowance is None:
        return None, 1
    long_answer = question.widget == "textarea"
    lines = lines_needed(allowance, width, long_answer)
    if box_height(lines) > tallest:
        allowance = capacity(width, tallest)
        lines = lines_needed(allowance, width, long_answer)
    return allowance, max(lines, 3 if long_answer else 1)


def _holds(characters: int) -> str:
    return f"up to {characters:,} characters (about {words(characters):,} words)"


def _help(question: Question) -> str:
    extra = []
    if question.rows:
        extra.append(f"This table has {question.rows} rows; leave rows you do not need empty.")
        for column, (characters, _) in zip(question.columns, _table_shape(question.columns).cells, strict=True):
            if characters is not None and column.widget == "textarea":
                extra.append(f"Each {column.label} box holds {_holds(characters)}.")
    else:
        characters = _text_box(question, _WIDTH, _LONG_ANSWER, _TALLEST)[0]
        if characters is not None and question.widget == "textarea":
            extra.append(f"The box holds {_holds(characters)}.")
    return " ".join([question.help, *extra]).strip()


def _field_kind(question: Question) -> str:
    return {"textarea": "textarea", "choice": "choice", "checkbox": "checkbox"}.get(question.widget, "text")


def _single_box(question: Question) -> tuple[str, float, int | None]:
    """(field kind, height, characters accepted) of a question's one box: a text box tall enough for its answer."""
    kind = _field_kind(question)
    characters, lines = _text_box(question, _WIDTH, _LONG_ANSWER, _TALLEST)
    if lines > 1:
        return "textarea", box_height(lines), characters
    return kind, _HEIGHTS.get(kind, _BOX), characters


def _single(pages: _Pages, question: Question) -> None:
    name, (kind, height, characters) = field_name(question.pointer), _single_box(question)
    if kind == "checkbox":
        pages.need(height + 6)
        pages.box(name, question.label, kind, _MARGIN, 12, 12)
        pages.canvas.setFont(_REGULAR, 9)
        pages.canvas.drawString(_MARGIN + 18, pages.y - 9, "Tick if yes")
        pages.y -= 18
        return
    pages.need(height + 6)
    pages.box(name, question.label, kind, _MARGIN, _WIDTH, height, question.options, characters)
    pages.y -= height + 8


def _options(pages: _Pages, question: Question) -> None:
    column_width = _WIDTH / 2
    tallest = 1
    for index, option in enumerate(question.options):
        if index % 2 == 0:
            pages.need(16)
        x = _MARGIN + (index % 2) * column_width
        name = option_field_name(question.pointer, index)
        pages.box(name, f"{question.label}: {option}", "checkbox", x, 11, 11)
        lines = simpleSplit(str(option), _REGULAR, 9, column_width - 20)
        pages.canvas.setFont(_REGULAR, 9)
        for number, line in enumerate(lines):
            pages.canvas.drawString(x + 16, pages.y - 9 - number * 11, line)
        tallest = max(tallest, len(lines)) if index % 2 else len(lines)
        if index % 2 == 1 or index == len(question.options) - 1:
            pages.y -= 5 + 11 * tallest
    pages.y -= 6


def _column_widths(columns: tuple[Question, ...]) -> list[float]:
    """Each column as wide as its share of the characters the row holds (a narrow minimum for the rest)."""
    weights = [max(_allowance(column, _LONG_CELL) or 0, _NARROW_COLUMN) for column in columns]
    return [_WIDTH * weight / sum(weights) for weight in weights]


@dataclass(frozen=True)
class _TableShape:
    """How a table is drawn: its columns' widths, each cell's text box, its rows' and header's heights."""

    widths: list[float]
    cells: list[tuple[int | None, int]]
    row_height: float
    labels: list[list[str]]
    header_height: float


def _table_shape(columns: tuple[Question, ...]) -> _TableShape:
    widths = _column_widths(columns)
    cells = [_text_box(column, width, _LONG_CELL, _TALLEST / 2) for column, width in zip(columns, widths, strict=True)]
    height = max([_BOX, *(box_height(lines) for characters, lines in cells if characters is not None)])
    labels = [simpleSplit(column.label, _BOLD, 9, width - 4) for column, width in zip(columns, widths, strict=True)]
    return _TableShape(widths, cells, height, labels, 11 * max(len(lines) for lines in labels) + 3)


def _table(pages: _Pages, question: Question) -> None:
    columns = question.columns
    shape = _table_shape(columns)

    def header() -> None:
        pages.need(shape.header_height + shape.row_height)
        x = _MARGIN
        pages.canvas.setFont(_BOLD, 9)
        for lines, width in zip(shape.labels, shape.widths, strict=True):
            for number, line in enumerate(lines):
                pages.canvas.drawString(x + 2, pages.y - 9 - number * 11, line)
            x += width
        pages.y -= shape.header_height

    header()
    for row in range(question.rows):
        if pages.y - shape.row_height < _MARGIN:
            pages.need(pages.y)
            header()
        x = _MARGIN
        for column, width, (characters, lines) in zip(columns, shape.widths, shape.cells, strict=True):
            pointer = column.pointer.replace("/*/", f"/{row}/")
            tooltip = f"{question.label}, row {row + 1}: {column.label}"
            kind = _field_kind(column)
            if kind == "checkbox":
                pages.box(field_name(pointer), tooltip, kind, x + 4, 11, 11)
            else:
                kind = "textarea" if lines > 1 else kind
                pages.box(field_name(pointer), tooltip, kind, x, width, shape.row_height, column.options, characters)
            x += width
        pages.y -= shape.row_height + 2
    pages.y -= 8


def _first_box_height(question: Question) -> float:
    """The height of a question's box, or of a table's header and first row, or of its first tick boxes."""
    if question.columns:
        shape = _table_shape(question.columns)
        return shape.header_height + shape.row_height
    if question.widget == "checkboxes":
        return 16
    return _single_box(question)[1]


def _text_height(text: str, size: float, font: str = _REGULAR) -> float:
    """How much of the page :meth:`_Pages.text` takes for ``text``."""
    lines = sum(len(simpleSplit(paragraph, font, size, _WIDTH) or [""]) for paragraph in text.splitlines() or [""])
    return lines * size * 1.35


def _label(question: Question) -> str:
    return f"{question.number}  {question.label}" + (" (required)" if question.required else "")


def _opening_height(question: Question) -> float:
    """The height of a question's label, help and first box, which start on one page so none is left alone."""
    text = _help(question)
    help_height = _text_height(text, 8) if text else 0
    return _text_height(_label(question), 10, _BOLD) + help_height + 3 + _first_box_height(question) + 8


def _question(pages: _Pages, question: Question) -> None:
    label, text = _label(question), _help(question)
    pages.need(min(_opening_height(question), A4[1] - 2 * _MARGIN))
    pages.text(label, size=10, font=_BOLD)
    if text:
        pages.text(text, size=8, grey=0.35)
    pages.y -= 3
    if question.columns:
        _table(pages, question)
    elif question.widget == "checkboxes":
        _options(pages, question)
    else:
        _single(pages, question)


def _draw(layout: FormLayout) -> tuple[bytes, list[FieldSpec]]:
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(layout.title)
    canvas.setSubject(layout.subtitle)
    canvas.setAuthor("Commissioning toolkit")
    canvas.setKeywords(identity_text(layout.kind, layout.version))
    pages = _Pages(canvas)
    pages.text(layout.title, size=18, font=_BOLD)
    if layout.subtitle:
        pages.text(layout.subtitle, size=11, grey=0.25)
    pages.y -= 6
    pages.text(layout.instructions_for("pdf"), size=9)
    pages.text(f"Form: {layout.kind}, version {layout.version}.", size=7, grey=0.4)
    for section in layout.sections:
        pages.y -= 10
        heading = f"{section.number}. {section.title}"
        opening = _text_height(heading, 13, _BOLD) + (_text_height(section.intro, 9) if section.intro else 0) + 4
        if section.questions:  # a section's heading starts on the page of its first question
            opening += _opening_height(section.questions[0])
        pages.need(min(opening, A4[1] - 2 * _MARGIN))
        pages.text(heading, size=13, font=_BOLD)
        if section.intro:
            pages.text(section.intro, size=9, grey=0.25)
        pages.y -= 4
        for question in section.questions:
            _question(pages, question)
    canvas.save()
    return buffer.getvalue(), pages.fields


def build_pdf_bytes(layout: FormLayout) -> bytes:
    """The blank fillable form of a layout, as PDF bytes."""
    drawn, specs = _draw(layout)
    with pikepdf.open(io.BytesIO(drawn)) as pdf:
        add_fields(pdf, specs, (IDENTITY_FIELD, identity_text(layout.kind, layout.version)))
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["dc:title"] = layout.title
        pdf.docinfo[KIND_KEY] = layout.kind
        pdf.docinfo[VERSION_KEY] = layout.version
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,  # packs the fonts' width arrays too
        )
    return out.getvalue()


def build_pdf_form(layout: FormLayout, out_path: Path) -> None:
    """Write the blank fillable form of a layout to ``out_path``."""
    out_path.write_bytes(build_pdf_bytes(layout))
