"""Read a returned Word form: raw answers keyed by JSON Pointer, and facts worth flagging.

Real office software mangles forms (see issue 3), so a control is identified by
its tag when it has one and otherwise by the question label beside it; long
answers are read as the whole answer cell's text; tracked changes are read as
accepted. Rows a bidder adds to a repeating table (Insert Rows copies a row's
formatting, not its controls) are read cell by cell under the header, where
they stand; the flag ``rows_without_controls`` lists their pointers as in the
raw answers (``/outcomes/3``), beside a warning per table naming the rows as
the form numbers them. Interpretation (coercion, validation) is not done here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..forms.layout import Question, layout_kinds
from ..forms.matching import TEXT_WIDGETS, FormLookup, form_lookup, label_key, recover_deleted, rows_added
from ..records.issues import Issue
from ..records.schemas import versions
from ..returns.extraction import Extraction, UnreadableReturn
from .bindings import bound_values
from .controls import CHECKED, UNCHECKED, Control, read_control, text_of
from .namespaces import NS, STRICT_W, qn
from .safety import Package, PackageError, open_package

__all__ = ["form_signature", "read_docx"]

_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
_TEMPLATE_TYPES = ("wordprocessingml.template.main+xml", "ms-word.template.macroEnabledTemplate.main+xml")
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
#: Parts every read parses in full (so ``parse_xml`` checks them for a DOCTYPE anyway).
_PARSED_PARTS = frozenset({"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/document.xml"})
_RUN_TOGETHER = (
    "its line breaks were found in front of the answer, not in it, as LibreOffice 7.4 saves them, "
    "so its lines have run together; check the answer in the form"
)
_TRACKED = (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo"))
_DELETIONS = frozenset({qn("w:del"), qn("w:moveFrom")})
_ALT_CHUNK = qn("w:altChunk")
_DATA_BINDING = qn("w:dataBinding")
_SDT, _SDT_CONTENT, _P, _TC, _TR, _TBL = (qn(n) for n in ("w:sdt", "w:sdtContent", "w:p", "w:tc", "w:tr", "w:tbl"))
_TR_PR, _TBL_HEADER, _DEL = qn("w:trPr"), qn("w:tblHeader"), qn("w:del")
#: What a paragraph or cell may hold beside its control and still say nothing more than the control.
_TEXTLESS = frozenset(qn(n) for n in ("w:pPr", "w:tcPr", "w:bookmarkStart", "w:bookmarkEnd", "w:proofErr"))


def read_docx(data: bytes, name: str) -> Extraction:
    """Raw answers of a returned form; refuses (``UnreadableReturn``) what cannot be read safely."""
    try:
        package = open_package(data)
        main = _main_part(package)
        kind, version = _identity(package)
        root = package.xml(main)
        package.check_unread(doctypes_except=_PARSED_PARTS)  # and a DOCTYPE in any XML part is refused
    except PackageError as exc:
        raise UnreadableReturn(name, exc.reason, exc.detail) from None
    if etree.QName(root).namespace == STRICT_W:
        raise UnreadableReturn(name, _STRICT)
    body = root.find(qn("w:body"))
    if body is None:
        raise UnreadableReturn(name, "it has no document body; it is not a Word form")
    if kind not in layout_kinds() or version not in versions(kind):
        return Extraction(kind, version, _tagged_answers(body))
    return _Reader(form_lookup(kind, version), body, package).extract(kind, version)


_STRICT = (
    "it was saved as 'Strict Open XML Document', which this toolkit does not read; "
    "please open it in Word and use Save As > Word Document (.docx), then send it again"
)
_MACROS = (
    "it contains macros (a .docm file); macros are never run here, so it was not read; "
    "please save it as a Word Document (.docx) without macros and send it again"
)


def _main_part(package: Package) -> str:
    if not package.has("[Content_Types].xml"):
        raise PackageError("it is a zip file but not a Word document; please send the completed Word form (.docx)")
    types = package.xml("[Content_Types].xml")
    overrides = {
        o.get("PartName", "").lstrip("/"): o.get("ContentType", "") for o in types.iter(f"{{{NS['ct']}}}Override")
    }
    # A part with no Override takes the Default of its extension (OPC, ECMA-376 Part 2, 10.1.2.4).
    defaults = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in types.iter(f"{{{NS['ct']}}}Default")}
    declared = [*overrides.values(), *defaults.values()]
    if any(t == _MACRO_TYPE or "macroEnabled" in t for t in declared) or any(
        n.lower().endswith("vbaproject.bin") for n in package.names
    ):
        raise PackageError(_MACROS)
    target = "word/document.xml"
    if package.has("_rels/.rels"):
        for rel in package.xml("_rels/.rels"):
            if rel.get("Type") == _STRICT_OFFICE_DOCUMENT:
                raise PackageError(_STRICT)
            if rel.get("Type") == _OFFICE_DOCUMENT:
                target = rel.get("Target", target).lstrip("/")
    content_type = overrides.get(target) or defaults.get(target.rpartition(".")[2].lower(), "")
    if any(t in content_type for t in _TEMPLATE_TYPES):
        content_type = _MAIN_TYPE
    if content_type != _MAIN_TYPE or not package.has(target):
        raise PackageError(
            "it is an Office file but not a Word document (no main document part); "
            "please send the completed Word form (.docx)"
        )
    return target


def _identity(package: Package) -> tuple[str | None, str | None]:
    if not package.has("docProps/core.xml"):
        return None, None
    core = package.xml("docProps/core.xml")
    identifier = core.find(f"{{{NS['dc']}}}identifier")
    version = core.find(f"{{{NS['cp']}}}version")
    return (
        (identifier.text or "").strip() or None if identifier is not None else None,
        (version.text or "").strip() or None if version is not None else None,
    )


def _tagged_answers(body: etree._Element) -> dict[str, Any]:
    """Every tagged control's raw value, for a document we cannot match to a layout."""
    answers: dict[str, Any] = {}
    for sdt in body.iter(_SDT):
        control = read_control(sdt)
        if control.tag:
            answers.setdefault(control.tag, control.value)
    return answers


def _short(text: str, most: int = 80) -> str:
    return text if len(text) <= most else f"{text[:most]}..."


def _ancestor(element: etree._Element, tag: str) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _cells(row: etree._Element) -> list[etree._Element]:
    return [c for c in row.iter(_TC) if _ancestor(c, _TR) is row]


def _rows_of(table: etree._Element) -> list[etree._Element]:
    return [r for r in table.iter(_TR) if _ancestor(r, _TBL) is table]


def _has_control(element: etree._Element) -> bool:
    return next(element.iter(_SDT), None) is not None


def _data_rows(table: etree._Element) -> list[etree._Element]:
    """A repeating table's rows under its header: the first row when it has no control, and repeated headings, skipped."""
    rows = _rows_of(table)
    if rows and not _has_control(rows[0]):
        rows = rows[1:]
    return [r for r in rows if (props := r.find(_TR_PR)) is None or props.find(_TBL_HEADER) is None]


def _deleted_row(row: etree._Element) -> bool:
    """A row deleted with tracked changes on: read as if accepted, so gone."""
    props = row.find(_TR_PR)
    return props is not None and props.find(_DEL) is not None


def _header_of(row: etree._Element) -> list[str]:
    return [label_key(text_of(cell)) for cell in _cells(row)]


def _leaf_controls(body: etree._Element) -> list[etree._Element]:
    """Every control in document order, less those whose content is another control (the inner one is read)."""
    controls = list(body.iter(_SDT))
    # The set holds the wrappers' proxies, so lxml hands back these same objects for them.
    wrappers = {parent.getparent() for sdt in controls if (parent := sdt.getparent()).tag == _SDT_CONTENT}
    return [sdt for sdt in controls if sdt not in wrappers] if wrappers else controls


def _says_nothing_beside(parent: etree._Element, child: etree._Element) -> bool:
    return len(parent) == 1 or all(other is child or other.tag in _TEXTLESS for other in parent)


def _alone_in_cell(sdt: etree._Element) -> bool:
    """The control is all its answer cell says, so the cell's text is the control's text.

    True for the cells our forms are made of (one paragraph holding one
    control); a cell with more in it (a control LibreOffice split across
    paragraphs, text typed beside the control) answers False and is read whole.
    """
    inner, parent = sdt, sdt.getparent()
    if parent is not None and parent.tag == _P:
        if not _says_nothing_beside(parent, sdt):
            return False
        if next(sdt.iter(_P), None) is not None:
            return False
        inner, parent = parent, parent.getparent()
    return parent is not None and parent.tag == _TC and _says_nothing_beside(parent, inner)


def _breaks_moved_in_front(control: Control, cell_text: str) -> bool:
    """LibreOffice 7.4's re-save: an untagged control without a line break, its cell's breaks all before it.

    Where the breaks stood inside the answer is lost, so its lines run
    together; the answer is kept as read and an officer is told to check it.
    """
    answer = cell_text.replace("\r", "\n").lstrip("\n")
    return control.tag is None and len(answer) < len(cell_text) and "\n" not in answer


@dataclass(frozen=True)
class _Marks:
    """Tracked changes and embedded chunks in a body, found in one walk (a filled form usually has neither)."""

    tracked: bool
    deletions: bool
    chunks: tuple[etree._Element, ...]
    bound: bool = False

    @classmethod
    def of(cls, body: etree._Element) -> _Marks:
        tracked, deletions, chunks, bound = False, False, [], False
        for element in body.iter(*_TRACKED, _ALT_CHUNK, _DATA_BINDING):
            if element.tag == _ALT_CHUNK:
                chunks.append(element)
            elif element.tag == _DATA_BINDING:
                bound = True
            else:
                tracked = True
                deletions = deletions or element.tag in _DELETIONS
        return cls(tracked, deletions, tuple(chunks), bound)


@dataclass
class _Reader:
    lookup: FormLookup
    body: etree._Element
    package: Package | None = None
    warnings: list[Issue] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)
    #: Controls whose line breaks a re-save moved out in front of them (LibreOffice 7.4).
    run_together: set[etree._Element] = field(default_factory=set)
    #: Each table's header row and the question it heads, keyed by the table element (kept alive here).
    _headings: dict[etree._Element, tuple[etree._Element | None, Question | None]] = field(default_factory=dict)
    #: Rows of a repeating table holding no control (added by a bidder), with their row number under the header.
    plain_rows: dict[etree._Element, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.boxes = self.lookup.boxes
        self.columns = self.lookup.columns
        self.tables = self.lookup.tables
        self.marks = _Marks.of(self.body)

    def warn(self, pointer: str, label: str, message: str) -> None:
        self.warnings.append(Issue(path=pointer, field=label, message=message, rule="docx", severity="warning"))

    # -- identifying controls -------------------------------------------------
    def _question_of_row(self, row: etree._Element | None) -> Question | None:
        if row is None:
            return None
        cells = _cells(row)
        if len(cells) < 2:
            return None
        return self.lookup.question_labelled(text_of(cells[0]))

    def _column_of_cell(self, cell: etree._Element) -> tuple[Question, Question] | None:
        table, row = _ancestor(cell, _TBL), _ancestor(cell, _TR)
        if table is None or row is None:
            return None
        header, question = self._heading(table)
        if question is None or row is header:
            return None
        index = _cells(row).index(cell)
        return (question, question.columns[index]) if index < len(question.columns) else None

    def _heading(self, table: etree._Element) -> tuple[etree._Element | None, Question | None]:
        """A table's header row and the repeating question it heads, worked out once per table.

        Once per control would read the whole table again for each of its cells: thousands of
        untagged rows took minutes.
        """
        if table not in self._headings:
            header = next((r for r in table.iter(_TR) if _ancestor(r, _TBL) is table), None)
            heads = self.lookup.table_headed([text_of(c) for c in _cells(header)]) if header is not None else None
            self._headings[table] = (header, heads)
        return self._headings[table]

    def _identify(self, control: Control) -> tuple[str, Question] | None:
        if control.tag in self.boxes:
            return "box", self.boxes[control.tag]
        if control.tag in self.columns:
            return "column", self.columns[control.tag][1]
        cell = _ancestor(control.element, _TC)
        if cell is None:
            return None
        if question := self._question_of_row(_ancestor(cell, _TR)):
            return "box", question
        if found := self._column_of_cell(cell):
            return "column", found[1]
        return None

    # -- reading values -------------------------------------------------------
    def _box_value(self, question: Question, controls: list[Control]) -> Any:
        if question.widget == "checkboxes":
            ticked = []
            for index, control in enumerate(controls):
                if control.value is True:
                    ticked.append(self._option_beside(control, question, index))
            return ticked
        if len(controls) > 1 and len({str(c.value) for c in controls}) > 1:
            self._review(
                question.pointer, question.label, "it was answered in more than one box with different answers"
            )
        return self._value(question, controls[0])

    def _option_beside(self, control: Control, question: Question, index: int) -> Any:
        paragraph = _ancestor(control.element, _P)
        text = text_of(paragraph).replace(CHECKED, "").replace(UNCHECKED, "").strip() if paragraph is not None else ""
        option = self.lookup.option_named(question, text)
        if option is not None:
            return option
        return question.options[index] if index < len(question.options) else text

    def _value(self, question: Question, control: Control) -> Any:
        if control.kind == "checkbox" or control.placeholder or question.widget not in TEXT_WIDGETS:
            return control.value
        if _alone_in_cell(control.element):
            return control.value
        cell = _ancestor(control.element, _TC)
        if cell is not None and len(list(cell.iter(_SDT))) == 1:
            text = text_of(cell)
            if _breaks_moved_in_front(control, text):
                self.run_together.add(control.element)
            return text
        return control.value

    def _review(self, pointer: str, label: str, reason: str) -> None:
        self.flags.setdefault("manual_review", []).append({"path": pointer, "field": label, "reason": reason})

    # -- the whole document ---------------------------------------------------
    def extract(self, kind: str, version: str) -> Extraction:
        answers: dict[str, Any] = {}
        boxes: dict[str, list[Control]] = defaultdict(list)
        rows: dict[str, dict[Any, dict[str, tuple[Any, Control | None]]]] = defaultdict(dict)
        untagged = 0
        for sdt in _leaf_controls(self.body):
            control = read_control(sdt, deletions=self.marks.deletions)
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
            table, _ = self.columns[question.pointer]
            row = _ancestor(control.element, _TR)
            rows[table.pointer].setdefault(row, {})[question.field.name] = (self._value(question, control), control)
        self._flag(untagged)  # what concerns the whole document comes first
        if self.marks.bound and self.package is not None:
            self._check_bindings(boxes, rows)
        for pointer, controls in boxes.items():
            answers[pointer] = self._box_value(self.boxes[pointer], controls)
            if self.run_together.intersection(c.element for c in controls):
                self._ran_together(pointer, self.boxes[pointer].label)
        self._add_plain_rows(rows)
        for pointer, table_rows in rows.items():
            table = self.tables[pointer]
            added: list[tuple[int, int]] = []
            for index, (row, values) in enumerate(table_rows.items()):
                if row in self.plain_rows:
                    added.append((index, self.plain_rows[row]))
                for name, (value, control) in values.items():
                    answers[f"{pointer}/{index}/{name}"] = value
                    if control is not None and control.element in self.run_together:
                        label = self.columns[f"{pointer}/*/{name}"][1].label
                        self._ran_together(f"{pointer}/{index}/{name}", f"{table.label}, row {index + 1}: {label}")
            if added:
                self._rows_added(table, added)
        self._recover(answers)
        return Extraction(kind, version, answers, warnings=self.warnings, flags=self.flags)

    # -- rows added without controls ------------------------------------------
    def _add_plain_rows(self, rows: dict[str, dict[Any, dict[str, tuple[Any, Control | None]]]]) -> None:
        """Put the rows of each repeating table that hold no control among its rows, in document order.

        Word's and LibreOffice's Insert Rows copy a row's formatting but not
        its content controls, so a bidder's added row is plain cells. Its
        cells are read by position under the table's header, as the column
        above them; a row whose cells are all empty is no answer and is left
        out. The table is found by the rows its controls stand in, else (all
        its controls gone) by its header.
        """
        order: dict[etree._Element, int] | None = None
        for pointer, table in self.tables.items():
            found = rows.get(pointer, {})
            added: dict[etree._Element, dict[str, tuple[Any, Control | None]]] = {}
            for element in self._tables_of(pointer, found):
                for number, row in enumerate(_data_rows(element), start=1):
                    if row in found or _has_control(row) or _deleted_row(row):
                        continue
                    if values := self._plain_row(table, row, number):
                        added[row] = values
                        self.plain_rows[row] = number
            if not added:
                continue
            if order is None:
                order = {row: index for index, row in enumerate(self.body.iter(_TR))}
            everything = {**found, **added}
            rows[pointer] = dict(sorted(everything.items(), key=lambda item: order.get(item[0], len(order))))

    def _tables_of(self, pointer: str, found: Mapping[Any, Any]) -> list[etree._Element]:
        """The ``w:tbl`` elements holding a repeating table: where its controls are, else those with its header."""
        tables: list[etree._Element] = []
        for row in found:
            table = _ancestor(row, _TBL) if row is not None else None
            if table is not None and all(table is not other for other in tables):
                tables.append(table)
        if tables:
            return tables
        header = self.lookup.headers[pointer]
        return [t for t in self.body.iter(_TBL) if (rows := _rows_of(t)) and _header_of(rows[0]) == header]

    def _plain_row(self, table: Question, row: etree._Element, number: int) -> dict[str, tuple[Any, None]]:
        """A plain row's text by column; empty when nothing was typed in it."""
        texts = [text_of(cell, deletions=self.marks.deletions) for cell in _cells(row)]
        if (
            not any(text.strip() for text in texts)
            or [label_key(t) for t in texts] == self.lookup.headers[table.pointer]
        ):
            return {}  # nothing typed, or a copy of the header row
        if extra := [text.strip() for text in texts[len(table.columns) :] if text.strip()]:
            self.warn(
                table.pointer,
                f"{table.number} {table.label}",
                f"row {number} has more cells than the table has columns; the text in the extra cells was not "
                f"read: {'; '.join(extra)}",
            )
        return {column.field.name: (text, None) for column, text in zip(table.columns, texts, strict=False)}

    def _rows_added(self, table: Question, added: list[tuple[int, int]]) -> None:
        """One warning per table naming its added rows as the form shows them; their pointers in the flag."""
        self.warn(table.pointer, f"{table.number} {table.label}", rows_added([number for _, number in added]))
        self.flags.setdefault("rows_without_controls", []).extend(f"{table.pointer}/{index}" for index, _ in added)

    def _check_bindings(
        self, boxes: dict[str, list[Control]], rows: dict[str, dict[Any, dict[str, tuple[Any, Control | None]]]]
    ) -> None:
        """A box bound to custom XML whose stored value is not its text: Word would show the other one."""
        assert self.package is not None
        try:
            stores = bound_values(self.package)
        except PackageError as exc:
            self._review(
                "", "Document", f"its answer boxes are bound to stored data that cannot be read ({exc.reason})"
            )
            return
        controls = [(pointer, c) for pointer, found in boxes.items() for c in found]
        controls += [
            (f"{pointer}/{index}/{name}", control)
            for pointer, table_rows in rows.items()
            for index, values in enumerate(table_rows.values())
            for name, (_, control) in values.items()
            if control is not None
        ]
        for pointer, control in controls:
            binding = control.element.find(f"{qn('w:sdtPr')}/{_DATA_BINDING}")
            if binding is None:
                continue
            label = self._label_of(pointer)
            try:
                stored = stores.value(binding)
            except ValueError:
                self._review(pointer, label, "its box is bound to stored data by a path that cannot be checked")
                continue
            shown = "" if control.placeholder or control.value is None else str(control.value)
            if stored is not None and stored.strip() != shown.strip():
                self._review(
                    pointer,
                    label,
                    f"its box shows '{_short(shown)}', but the data stored with it, which Word shows on opening, "
                    f"says '{_short(stored)}'",
                )

    def _label_of(self, pointer: str) -> str:
        if pointer in self.boxes:
            return self.boxes[pointer].label
        table, index, name = pointer.rsplit("/", 2)
        return f"{self.tables[table].label}, row {int(index) + 1}: {self.columns[f'{table}/*/{name}'][1].label}"

    def _ran_together(self, pointer: str, label: str) -> None:
        self.warn(pointer, label, _RUN_TOGETHER)
        self.flags.setdefault("lines_run_together", []).append(pointer)

    def _recover(self, answers: dict[str, Any]) -> None:
        """A box deleted: take its answer cell's text if there is any, else say it is missing."""
        missing = [q for q in self.boxes.values() if q.pointer not in answers]
        if not missing:
            return
        cell_text: dict[str, str] = {}
        for row in self.body.iter(_TR):
            question = self._question_of_row(row)
            if question is not None and question.pointer not in cell_text:
                cell_text[question.pointer] = text_of(_cells(row)[1])
        if recovered := recover_deleted(missing, cell_text, answers, self.warn):
            self.flags["recovered"] = recovered

    def _flag(self, untagged: int) -> None:
        if self.marks.tracked:
            self.flags["tracked_changes"] = True
            self.warn("", "Document", "it has tracked changes; they were read as if accepted. Check them in Word.")
        if untagged:
            self.flags["untagged_controls"] = untagged
            self.warn("", "Document", f"{untagged} answer boxes had lost their names; they were matched by label")
        for chunk in self.marks.chunks:
            cell = _ancestor(chunk, _TC)
            question = self._question_of_row(_ancestor(cell, _TR)) if cell is not None else None
            pointer, label = (question.pointer, question.label) if question else ("", "Document")
            self._review(
                pointer, label, "it holds embedded content (altChunk) that cannot be read automatically; check by hand"
            )


def form_signature(data: bytes) -> dict[str, Any]:
    """What makes a blank form this form: core properties and its controls' tags and types, in order."""
    package = open_package(data)
    core = package.xml("docProps/core.xml")
    properties = {etree.QName(child).localname: (child.text or "") for child in core}
    for volatile in ("created", "modified", "lastPrinted"):
        properties.pop(volatile, None)
    body = package.xml(_main_part(package)).find(qn("w:body"))
    controls = []
    for sdt in body.iter(qn("w:sdt")):
        control = read_control(sdt)
        controls.append((control.tag, control.kind, control.placeholder))
    return {"properties": properties, "controls": controls}
