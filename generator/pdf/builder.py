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
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..forms.cover import Cover, form_cover
from ..forms.layout import FormLayout, Question
from .acroform import FieldSpec, add_fields
from .fonts import DEJAVU_SANS
from .metadata import KIND_KEY, VERSION_KEY, identity_text
from .names import IDENTITY_FIELD, field_name, option_field_name
from .sizing import box_height, capacity, lines_needed, words
from .tagging import Tagger, write_structure

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
            self.tag.next_page()
            self.page += 1
            self.y = A4[1] - _MARGIN

    def text(
        self,
        text: str,
        size: float = _SMALLEST,
        font: str = _REGULAR,
        grey: float = 0,
        indent: float = 0,
        role: str = "P",
        colour: str | None = None,
    ) -> None:
        """Wrapped text, each paragraph one structure element of type ``role``; ``colour`` (RRGGBB) over ``grey``."""
        for paragraph in text.splitlines() or [""]:
            with self.tag.element(role):
                for line in simpleSplit(paragraph, font, size, _WIDTH - indent) or [""]:
                    self.need(size * 1.35)
                    self.canvas.setFont(font, size)
                    if colour:
                        self.canvas.setFillColorRGB(*(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)))
                    else:
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
        self,
        name: str,
        tooltip: str,
        kind: str,
        x: float,
        width: float,
        height: float,
        options=(),
        max_length: int | None = None,
        required: bool = False,
    ) -> None:
        """Outline a box at the cursor and record a field there (the caller moves the cursor)."""
        rect = (x, self.y - height, x + width, self.y)
        self.canvas.setStrokeGray(0.45)
        with self.tag.artifact():
            self.canvas.rect(x, self.y - height, width, height)
        self.tag.widget(len(self.fields))
        options = tuple(str(o) for o in options)
        self.fields.append(
            FieldSpec(name, tooltip, kind, self.page, rect, options, required=required, max_length=max_length)
        )


def _tooltip(label: str, required: bool) -> str:
    """A field's /TU: what screen readers say for it, "required" included as the drawn label has it."""
    return f"{label} (required)" if required else label


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
    tooltip = _tooltip(question.label, question.required)
    if kind == "checkbox":
        pages.need(height + 6)
        # Never flagged Required: a box left unticked is an answer ("no"), not a missing one.
        pages.box(name, tooltip, kind, _MARGIN, 12, 12)
        pages.lines(_MARGIN + 18, ["Tick if yes"])
        pages.y -= 18
        return
    pages.need(height + 6)
    pages.box(name, tooltip, kind, _MARGIN, _WIDTH, height, question.options, characters, required=question.required)
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
    labels = [simpleSplit(c.label, _BOLD, _SMALLEST, w - 4) or [""] for c, w in zip(columns, widths, strict=True)]
    return _TableShape(widths, cells, height, labels, _LEADING * max(len(lines) for lines in labels) + 3)


def _table(pages: _Pages, question: Question) -> None:
    shape = _table_shape(question.columns)
    # Rows the schema says must be filled in (minItems) when the table is required; later rows are optional.
    required_rows = int(question.field.schema.get("minItems") or 0) if question.required else 0

    def header(repeated: bool = False) -> None:
        """The column headers; repeated on a new page, they are an artifact (read once, at the top)."""
        pages.need(shape.header_height + shape.row_height)
        x = _MARGIN
        for lines, width in zip(shape.labels, shape.widths, strict=True):
            if repeated:
                with pages.tag.artifact("Pagination"):
                    pages.lines(x + 2, lines, font=_BOLD, role=None, tagged=False)
            else:
                with pages.tag.element("TH", Scope="Column"):
                    pages.lines(x + 2, lines, font=_BOLD, role=None)
            x += width
        pages.y -= shape.header_height

    with pages.tag.element("Table"):
        with pages.tag.element("THead"), pages.tag.element("TR"):
            header()
        with pages.tag.element("TBody"):
            for row in range(question.rows):
                if pages.y - shape.row_height < _MARGIN:
                    pages.need(pages.y)
                    header(repeated=True)
                with pages.tag.element("TR"):
                    _row(pages, question, row, shape, row < required_rows)
    pages.y -= 8


def _row(pages: _Pages, question: Question, row: int, shape: _TableShape, must: bool) -> None:
    """One row of a table's boxes, each in its cell; ``must``: the row has to be filled in."""
    x = _MARGIN
    for column, width, (characters, lines) in zip(question.columns, shape.widths, shape.cells, strict=True):
        pointer = column.pointer.replace("/*/", f"/{row}/")
        tooltip = f"{question.label}, row {row + 1}: {column.label}"
        if column.required:
            tooltip += " (required)" if must else " (required if this row is used)"
        kind = _field_kind(column)
        with pages.tag.element("TD"):
            if kind == "checkbox":
                pages.box(field_name(pointer), tooltip, kind, x + 4, 11, 11)
            else:
                kind = "textarea" if lines > 1 else kind
                pages.box(
                    field_name(pointer),
                    tooltip,
                    kind,
                    x,
                    width,
                    shape.row_height,
                    column.options,
                    characters,
                    required=column.required and must,
                )
        x += width
    pages.y -= shape.row_height + 2


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
    help_height = _text_height(text, _SMALLEST) if text else 0
    return _text_height(_label(question), 10, _BOLD) + help_height + 3 + _first_box_height(question) + 8


def _question(pages: _Pages, question: Question) -> None:
    label, text = _label(question), _help(question)
    pages.need(min(_opening_height(question), A4[1] - 2 * _MARGIN))
    with pages.tag.element("Div"):
        pages.text(label, size=10, font=_BOLD)
        if text:
            pages.text(text, grey=0.35)
        pages.y -= 3
        if question.columns:
            _table(pages, question)
        elif question.widget == "checkboxes":
            _options(pages, question)
        else:
            _single(pages, question)


#: The logo's height on the page, and its widest.
_LOGO_HEIGHT, _LOGO_WIDEST = 51.0, 170.0  # 18 mm, 60 mm


def _logo(pages: _Pages, cover: Cover) -> None:
    """The partnership's logo, a Figure whose alternative text is the partnership's name."""
    logo = cover.logo
    if logo is None:
        return
    width = min(_LOGO_WIDEST, _LOGO_HEIGHT * logo.width / logo.height)
    height = width * logo.height / logo.width
    with pages.tag.element("Figure", alt=logo.alt), pages.tag.content():
        pages.canvas.drawImage(
            ImageReader(io.BytesIO(logo.data)), _MARGIN, pages.y - height, width, height, mask="auto"
        )
    pages.y -= height + 8


def _cover(pages: _Pages, cover: Cover) -> None:
    """Whose form this is, and where and by when to send it: drawn text, never a field."""
    pages.y -= 4
    pages.text(cover.partnership, size=12, font=_BOLD, colour=cover.accent_colour)
    for line in cover.lines:
        pages.text(line, size=10)
    pages.y -= 4


def _draw(layout: FormLayout, cover: Cover) -> tuple[bytes, list[FieldSpec], Tagger]:
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, initialFontName=_REGULAR)  # no unembedded Helvetica
    canvas.setTitle(layout.title)
    canvas.setSubject(layout.subtitle)
    canvas.setAuthor("Commissioning toolkit")
    canvas.setKeywords(identity_text(layout.kind, layout.version))
    pages = _Pages(canvas)
    _logo(pages, cover)
    pages.text(layout.title, size=18, font=_BOLD, role="H1", colour=cover.heading_colour)
    if layout.subtitle:
        pages.text(layout.subtitle, size=11, grey=0.25)
    _cover(pages, cover)
    pages.y -= 6
    pages.text(layout.instructions_for("pdf"), size=9)
    pages.text(f"Form: {layout.kind}, version {layout.version}.", grey=0.4)
    for section in layout.sections:
        pages.y -= 10
        heading = f"{section.number}. {section.title}"
        opening = _text_height(heading, 13, _BOLD) + (_text_height(section.intro, 9) if section.intro else 0) + 4
        if section.questions:  # a section's heading starts on the page of its first question
            opening += _opening_height(section.questions[0])
        pages.need(min(opening, A4[1] - 2 * _MARGIN))
        with pages.tag.element("Sect"):
            pages.text(heading, size=13, font=_BOLD, role="H2", colour=cover.heading_colour)
            if section.intro:
                pages.text(section.intro, size=9, grey=0.25)
            pages.y -= 4
            for question in section.questions:
                _question(pages, question)
    canvas.save()
    return buffer.getvalue(), pages.fields, pages.tag


def build_pdf_bytes(layout: FormLayout, cover: Cover | None = None) -> bytes:
    """The blank fillable form of a layout, as PDF bytes, with the project's cover (default: the current one's)."""
    drawn, specs, tagger = _draw(layout, cover or form_cover())
    with pikepdf.open(io.BytesIO(drawn)) as pdf:
        widgets = add_fields(pdf, specs, (IDENTITY_FIELD, identity_text(layout.kind, layout.version)))
        write_structure(pdf, tagger, widgets, layout.title)
        pdf.docinfo[KIND_KEY] = layout.kind
        pdf.docinfo[VERSION_KEY] = layout.version
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,  # packs the fonts' width arrays too
            min_version="1.7",  # PDF/UA-1 builds on PDF 1.7 (ISO 32000-1)
        )
    return out.getvalue()


def build_pdf_form(layout: FormLayout, out_path: Path, cover: Cover | None = None) -> Path:
    """Write the blank fillable form of a layout to ``out_path``."""
    out_path.write_bytes(build_pdf_bytes(layout, cover))
    return out_path
