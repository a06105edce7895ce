"""Read a returned form saved as OpenDocument Text (.odt): raw answers keyed by JSON Pointer, and facts to flag.

LibreOffice asks on saving a Word form whether to keep Word's format or use
ODF; many bidders pick ODF. The form's kind and version travel in
``meta.xml`` as the user-defined properties ``OOXMLCorePropertyIdentifier``
and ``OOXMLCorePropertyVersion`` (LibreOffice keeps Word's core properties it
has no ODF home for that way). A box is identified by its tag when it has one
and otherwise by the question label beside it, or by its column under a
table's header (``generator.forms.matching``), as the DOCX reader does. Rows a
bidder added to a table in LibreOffice have plain cells and no boxes: they are
read by column position, and flagged. Interpretation (coercion, validation)
is not done here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..forms.layout import Question, layout_kinds
from ..forms.matching import TEXT_WIDGETS, FormLookup, form_lookup, label_key, recover_deleted, rows_added
from ..ooxml.safety import PackageError, open_package
from ..records.issues import Issue
from ..records.schemas import versions
from ..returns.extraction import Extraction, UnreadableReturn
from .controls import CONTROL_TAGS, Control, read_control
from .namespaces import qn
from .package import refuse_scripts, refuse_unless_text
from .text import text_of

__all__ = ["IDENTITY_PROPERTIES", "read_odt"]

#: The user-defined properties in meta.xml that say which form this is, as LibreOffice names them.
IDENTITY_PROPERTIES = ("OOXMLCorePropertyIdentifier", "OOXMLCorePropertyVersion")
#: Parts every read parses in full (so ``parse_xml`` checks them for a DOCTYPE anyway).
_PARSED_PARTS = frozenset({"content.xml", "meta.xml", "META-INF/manifest.xml"})
_RUN_TOGETHER = (
    "its line breaks were found in front of the answer, not in it, as LibreOffice 7.4 saves them, "
    "so its lines have run together; check the answer in the form"
)
_TABLE, _ROW, _CELL = qn("table:table"), qn("table:table-row"), qn("table:table-cell")
_PARAGRAPHS = (qn("text:p"), qn("text:h"))
_TRACKED, _CHANGED_REGION = qn("text:tracked-changes"), qn("text:changed-region")
#: Where a box is not part of the page's answers: deleted text kept for tracked changes, comments, footnotes.
_ASIDE = (_TRACKED, qn("office:annotation"), qn("text:note"))
_REPEATED = qn("table:number-columns-repeated")
#: A cell may claim to repeat any number of times; our tables have a handful of columns.
_MOST_REPEATS = 64
_GLYPHS = (qn("loext:checked-state"), qn("loext:unchecked-state"))
_USER_DEFINED, _NAME = qn("meta:user-defined"), qn("meta:name")


def read_odt(data: bytes, name: str) -> Extraction:
    """Raw answers of a returned form saved as .odt; refuses (``UnreadableReturn``) what cannot be read safely."""
    try:
        package = open_package(data, document="OpenDocument")
        refuse_unless_text(package)
        kind, version = _identity(package.xml("meta.xml") if package.has("meta.xml") else None)
        root = package.xml("content.xml")
        refuse_scripts(root)
        if package.has("styles.xml"):  # headers and footers can carry event listeners too
            refuse_scripts(package.xml("styles.xml"))
        # Damage in any part, even one never read, is damage (as for Word files), and so is a DOCTYPE in any XML part.
        package.check_unread(doctypes_except=_PARSED_PARTS)
    except PackageError as exc:
        raise UnreadableReturn(name, exc.reason, exc.detail) from None
    body = root.find(f"{qn('office:body')}/{qn('office:text')}")
    if body is None:
        raise UnreadableReturn(name, "it is an OpenDocument file with no text in it; it is not a filled-in form")
    if kind not in layout_kinds() or version not in versions(kind):
        return Extraction(kind, version, _tagged_answers(body))
    return _Reader(form_lookup(kind, version), body).extract(kind, version)


def _identity(meta: etree._Element | None) -> tuple[str | None, str | None]:
    if meta is None:
        return None, None
    found = {prop.get(_NAME): (prop.text or "").strip() for prop in meta.iter(_USER_DEFINED)}
    kind, version = (found.get(name) or None for name in IDENTITY_PROPERTIES)
    return kind, version


def _ancestor(element: etree._Element, tag: str) -> etree._Element | None:
    return next(element.iterancestors(tag), None)


def _aside(element: etree._Element) -> bool:
    return next(element.iterancestors(*_ASIDE), None) is not None


def _leaf_controls(body: etree._Element) -> list[etree._Element]:
    """Every box on the page in document order, less those whose content is another box (the inner one is read)."""
    found = [element for element in body.iter(*CONTROL_TAGS) if not _aside(element)]
    wrappers = {parent for element in found for parent in element.iterancestors(*CONTROL_TAGS)}
    return [element for element in found if element not in wrappers] if wrappers else found


def _tagged_answers(body: etree._Element) -> dict[str, Any]:
    """Every tagged box's raw value, for a document we cannot match to a layout."""
    answers: dict[str, Any] = {}
    for element in _leaf_controls(body):
        control = read_control(element)
        if control.tag:
            answers.setdefault(control.tag, control.value)
    return answers


def _repeats(cell: etree._Element) -> int:
    try:
        return max(1, min(int(cell.get(_REPEATED, "1")), _MOST_REPEATS))
    except ValueError:
        return 1


def _cells(row: etree._Element) -> list[etree._Element]:
    """A row's cells as the form's columns count them: a cell spanning columns is one, a repeated cell several.

    LibreOffice writes a cell that Word's grid made span two columns as the
    cell and a ``table:covered-table-cell`` after it; the covered one is no
    column of the form, as a Word cell spanning the grid is one ``w:tc``.
    """
    return [cell for cell in row if cell.tag == _CELL for _ in range(_repeats(cell))]


def _rows(table: etree._Element) -> list[etree._Element]:
    """A table's own rows (header rows and row groups included, nested tables' rows not)."""
    return [row for row in table.iter(_ROW) if _ancestor(row, _TABLE) is table]


def _breaks_moved_in_front(control: Control, cell_text: str) -> bool:
    """LibreOffice 7.4: an untagged box without a line break, its cell's line breaks all before it."""
    answer = cell_text.lstrip("\n")
    return control.tag is None and len(answer) < len(cell_text) and "\n" not in answer


@dataclass
class _Reader:
    lookup: FormLookup
    body: etree._Element
    warnings: list[Issue] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)
    #: Boxes whose line breaks a re-save moved out in front of them (LibreOffice 7.4).
    run_together: set[etree._Element] = field(default_factory=set)
    #: Each table element's question (None: not one of the form's tables), found once per table.
    headed: dict[etree._Element, tuple[etree._Element | None, Question | None]] = field(default_factory=dict)
    #: Rows of plain cells (added by a bidder) with their number under the table's header, as the form shows it.
    plain_numbers: dict[etree._Element, int] = field(default_factory=dict)

    def warn(self, pointer: str, label: str, message: str) -> None:
        self.warnings.append(Issue(path=pointer, field=label, message=message, rule="odt", severity="warning"))

    def _review(self, pointer: str, label: str, reason: str) -> None:
        self.flags.setdefault("manual_review", []).append({"path": pointer, "field": label, "reason": reason})

    # -- identifying boxes ----------------------------------------------------
    def _question_of_row(self, row: etree._Element | None) -> Question | None:
        if row is None:
            return None
        cells = _cells(row)
        return self.lookup.question_labelled(text_of(cells[0])) if len(cells) >= 2 else None

    def _table_question(self, table: etree._Element) -> Question | None:
        return self._heading(table)[1]

    def _heading(self, table: etree._Element) -> tuple[etree._Element | None, Question | None]:
        """A table's header row and the question it heads, once per table (per cell, the reads were quadratic)."""
        if table not in self.headed:
            rows = _rows(table)
            question = self.lookup.table_headed([text_of(c) for c in _cells(rows[0])]) if rows else None
            self.headed[table] = (rows[0] if rows else None, question)
        return self.headed[table]

    def _column_of_cell(self, cell: etree._Element) -> Question | None:
        table, row = _ancestor(cell, _TABLE), _ancestor(cell, _ROW)
        if table is None or row is None:
            return None
        header, question = self._heading(table)
        if question is None or row is header:
            return None
        index = _cells(row).index(cell)
        return question.columns[index] if index < len(question.columns) else None

    def _identify(self, control: Control) -> tuple[str, Question] | None:
        if control.tag in self.lookup.boxes:
            return "box", self.lookup.boxes[control.tag]
        if control.tag in self.lookup.columns:
            return "column", self.lookup.columns[control.tag][1]
        cell = _ancestor(control.element, _CELL)
        if cell is None:
            return None
        if question := self._question_of_row(_ancestor(cell, _ROW)):
            return "box", question
        if column := self._column_of_cell(cell):
            return "column", column
        return None

    # -- reading values -------------------------------------------------------
    def _box_value(self, question: Question, controls: list[Control]) -> Any:
        if question.widget == "checkboxes":
            return [
                self._option_beside(control, question, index)
                for index, control in enumerate(controls)
                if control.value is True
            ]
        if len(controls) > 1 and len({str(c.value) for c in controls}) > 1:
            self._review(
                question.pointer, question.label, "it was answered in more than one box with different answers"
            )
        return self._value(question, controls[0])

    def _option_beside(self, control: Control, question: Question, index: int) -> Any:
        paragraph = next(control.element.iterancestors(*_PARAGRAPHS), None)
        text = text_of(paragraph) if paragraph is not None else ""
        for glyph in filter(None, (control.element.get(name) for name in _GLYPHS)):
            text = text.replace(glyph, "")
        option = self.lookup.option_named(question, text.strip())
        if option is not None:
            return option
        return question.options[index] if index < len(question.options) else text.strip()

    def _value(self, question: Question, control: Control) -> Any:
        """A text answer is its whole cell when the box is the cell's only one (paragraphs typed after it count)."""
        if control.kind == "checkbox" or control.placeholder or question.widget not in TEXT_WIDGETS:
            return control.value
        cell = _ancestor(control.element, _CELL)
        if cell is None or sum(1 for _ in cell.iter(*CONTROL_TAGS)) != 1:
            return control.value
        text = text_of(cell)
        if _breaks_moved_in_front(control, text):
            self.run_together.add(control.element)
        return text

    # -- the whole document ---------------------------------------------------
    def extract(self, kind: str, version: str) -> Extraction:
        answers: dict[str, Any] = {}
        boxes: dict[str, list[Control]] = defaultdict(list)
        rows: dict[str, dict[etree._Element, dict[str, tuple[Any, Control | None]]]] = defaultdict(dict)
        untagged = 0
        for element in _leaf_controls(self.body):
            control = read_control(element)
            found = self._identify(control)
            if found is None:
                if control.tag:
                    self.warn(control.tag, control.tag, "this box is not part of the form and was ignored")
                continue
            if control.tag is None:
                untagged += 1
            where, question = found
            if where == "box":
                boxes[question.pointer].append(control)
                continue
            table, _ = self.lookup.columns[question.pointer]
            row = _ancestor(control.element, _ROW)
            rows[table.pointer].setdefault(row, {})[question.field.name] = (self._value(question, control), control)
        plain = self._rows_without_controls(rows)
        self._flag(untagged)  # what concerns the whole document comes first
        for pointer, controls in boxes.items():
            answers[pointer] = self._box_value(self.lookup.boxes[pointer], controls)
            if self.run_together.intersection(c.element for c in controls):
                self._ran_together(pointer, self.lookup.boxes[pointer].label)
        self._table_answers(rows, plain, answers)
        self._recover(answers)
        return Extraction(kind, version, answers, warnings=self.warnings, flags=self.flags)

    def _rows_without_controls(
        self, rows: dict[str, dict[etree._Element, dict[str, tuple[Any, Control | None]]]]
    ) -> set[etree._Element]:
        """Rows of plain cells under a form table's header (added in LibreOffice), read by column position."""
        plain: set[etree._Element] = set()
        for table in self.body.iter(_TABLE):
            question = self._table_question(table)
            if question is None or _aside(table):
                continue
            for number, row in enumerate(_rows(table)[1:], start=1):
                if next(row.iter(*CONTROL_TAGS), None) is not None:
                    continue
                texts = [text_of(cell) for cell in _cells(row)]
                if (
                    not any(text.strip() for text in texts)
                    or [label_key(t) for t in texts] == self.lookup.headers[question.pointer]
                ):
                    continue  # nothing typed, or a copy of the header row
                self.plain_numbers[row] = number
                rows[question.pointer][row] = {
                    column.field.name: (text, None) for column, text in zip(question.columns, texts, strict=False)
                }
                plain.add(row)
        return plain

    def _table_answers(
        self,
        rows: dict[str, dict[etree._Element, dict[str, tuple[Any, Control | None]]]],
        plain: set[etree._Element],
        answers: dict[str, Any],
    ) -> None:
        """Each table's rows in document order, numbered from 0; plain rows flagged and warned about per table."""
        order = {row: index for index, row in enumerate(self.body.iter(_ROW))}
        read_plain: list[str] = []
        for pointer, table_rows in rows.items():
            table = self.lookup.tables[pointer]
            added: list[int] = []
            for index, row in enumerate(sorted(table_rows, key=lambda row: order.get(row, len(order)))):
                for name, (value, control) in table_rows[row].items():
                    answers[f"{pointer}/{index}/{name}"] = value
                    if control is not None and control.element in self.run_together:
                        label = self.lookup.columns[f"{pointer}/*/{name}"][1].label
                        self._ran_together(f"{pointer}/{index}/{name}", f"{table.label}, row {index + 1}: {label}")
                if row in plain:
                    added.append(self.plain_numbers[row])
                    read_plain.append(f"{pointer}/{index}")
            if added:
                self.warn(pointer, f"{table.number} {table.label}", rows_added(added))
        if read_plain:
            self.flags["rows_without_controls"] = read_plain

    def _ran_together(self, pointer: str, label: str) -> None:
        self.warn(pointer, label, _RUN_TOGETHER)
        self.flags.setdefault("lines_run_together", []).append(pointer)

    def _recover(self, answers: dict[str, Any]) -> None:
        """A box deleted: take its answer cell's text if there is any, else say it is missing."""
        missing = [q for q in self.lookup.boxes.values() if q.pointer not in answers]
        if not missing:
            return
        cell_text: dict[str, str] = {}
        for row in self.body.iter(_ROW):
            question = self._question_of_row(row)
            if question is not None and not _aside(row) and question.pointer not in cell_text:
                cell_text[question.pointer] = text_of(_cells(row)[1])
        if recovered := recover_deleted(missing, cell_text, answers, self.warn):
            self.flags["recovered"] = recovered

    def _flag(self, untagged: int) -> None:
        tracked = self.body.find(_TRACKED)
        if tracked is not None and tracked.find(_CHANGED_REGION) is not None:
            self.flags["tracked_changes"] = True
            self.warn(
                "", "Document", "it has tracked changes; they were read as if accepted. Check them in LibreOffice."
            )
        if untagged:
            self.flags["untagged_controls"] = untagged
            self.warn("", "Document", f"{untagged} answer boxes had lost their names; they were matched by label")
