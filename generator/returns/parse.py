"""Parse a returned form (DOCX, ODT or PDF) into one envelope: raw answers, typed record, errors.

The format readers (``generator.ooxml``, ``generator.odf``, ``generator.pdf``)
only pull raw answers out of a file, keyed by JSON Pointer; everything after
that (placeholder handling, coercion, building the record, validation) happens
here, once, for every format. A content problem never raises: it becomes an error in the
envelope. A file that cannot be read at all is ``unreadable``, with the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..forms.layout import FormLayout, Question, layout_kinds, load_layout
from ..records import coerce
from ..records.bounded_read import FileTooLargeError, read_bounded
from ..records.errors import EXIT_INVALID, EXIT_UNREADABLE, UnreadableFileError
from ..records.issues import Issue
from ..records.schemas import versions
from ..records.validation import validate_record
from .extraction import Extraction, UnreadableReturn

__all__ = [
    "MAX_RETURN_BYTES",
    "Envelope",
    "Extraction",
    "UnreadableReturn",
    "parse_bytes",
    "parse_return",
    "record_from_answers",
]

#: No genuine form comes near this; bigger files are refused before any parsing.
MAX_RETURN_BYTES = 50 * 1024 * 1024


@dataclass
class Envelope:
    """The one result of parsing a return, whatever happened to it."""

    file: str
    sha256: str
    kind: str | None = None
    version: str | None = None
    status: str = "unreadable"
    record: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return {"valid": 0, "invalid": EXIT_INVALID}.get(self.status, EXIT_UNREADABLE)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "kind": self.kind,
            "version": self.version,
            "status": self.status,
            "record": self.record,
            "raw": self.raw,
            "errors": [issue.to_dict() for issue in self.errors],
            "warnings": [issue.to_dict() for issue in self.warnings],
            "flags": self.flags,
        }


Reader = Callable[[bytes, str], Extraction]


def _zip_reader() -> Reader:
    """A zip is a Word or an OpenDocument file: which one, the zip's own entries say, never its name."""
    from ..odf.package import is_opendocument
    from ..odf.reader import read_odt
    from ..ooxml.reader import read_docx

    def read_zip(data: bytes, name: str) -> Extraction:
        return (read_odt if is_opendocument(data) else read_docx)(data, name)

    return read_zip


def _pdf_reader() -> Reader:
    try:
        from ..pdf.reader import read_pdf
    except ModuleNotFoundError:  # a build without the PDF reader must still answer with an envelope
        return _refuse(
            "this is a PDF, and this installation cannot read PDF returns; please send the Word form (.docx)"
        )()
    return read_pdf


def _refuse(reason: str) -> Callable[[], Reader]:
    def reader() -> Reader:
        def refuse(data: bytes, name: str) -> Extraction:
            raise UnreadableReturn(name, reason)

        return refuse

    return reader


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Readers chosen by what a file starts with, never by its extension.
_SIGNATURES: list[tuple[bytes, Callable[[], Reader]]] = [
    (b"PK\x03\x04", _zip_reader),
    (b"%PDF-", _pdf_reader),
    (
        _OLE,
        _refuse(
            "this is a password-protected document or an old-style Word (.doc) file; "
            "please remove the password, or open it in Word and save it as a Word document (.docx), then send it again"
        ),
    ),
    (
        b"{\\rtf",
        _refuse(
            "this is a Rich Text (RTF) file, not the Word form; please fill in the Word form (.docx) and send that"
        ),
    ),
]


def _reader_for(data: bytes, name: str) -> Reader:
    head = data[:1024].lstrip()
    for signature, reader in _SIGNATURES:
        if data.startswith(signature) or (signature == b"%PDF-" and signature in head):
            return reader()
    if not data:
        raise UnreadableReturn(name, "the file is empty (0 bytes); please send the completed form again")
    from ..odf.package import flat_media_type, flat_refusal

    if media_type := flat_media_type(head):
        raise UnreadableReturn(name, flat_refusal(media_type))
    raise UnreadableReturn(
        name, "this is not a Word (.docx) or PDF form; please send the completed form as a .docx or .pdf"
    )


def _typed(value: Any, question: Question) -> Any:
    """The answer as the schema wants it; None for an empty box or one still showing its grey prompt."""
    widget, spec = question.widget, question.field
    if widget == "checkbox":
        return coerce.to_boolean(value)
    if value is None or value is False or value == []:
        return None
    text = coerce.to_text(value) if isinstance(value, str) else None  # cleaned once, for both uses below
    if isinstance(value, str) and (text is None or text == question.placeholder):
        return None
    if widget == "money":
        return coerce.to_money(value)
    if widget == "date":
        return coerce.to_date(value)
    if widget == "number":
        return coerce.to_integer(value) if spec.type == "integer" else coerce.to_number(value)
    if widget == "choice":
        return coerce.to_choice(value, question.options)
    if widget == "checkboxes":
        return coerce.to_choices(value, question.options) or None
    return text if text is not None else coerce.to_text(value)


def _put(record: dict[str, Any], pointer: str, value: Any) -> None:
    *parents, leaf = pointer.split("/")[1:]
    target = record
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


#: A row number in a pointer; anything else (``outcomes/abc/...``, thousands of digits) is not a row of ours.
_ROW_INDEX = re.compile(r"0|[1-9]\d{0,5}")


def _row_indices(answers: Mapping[str, Any], table: Question) -> list[int]:
    prefix = table.pointer + "/"
    parts = {p[len(prefix) :].split("/", 1)[0] for p in answers if p.startswith(prefix)}
    return sorted(int(part) for part in parts if _ROW_INDEX.fullmatch(part))


def _rows(answers: Mapping[str, Any], table: Question) -> list[dict[str, Any]]:
    rows = []
    for index in _row_indices(answers, table):
        row: dict[str, Any] = {}
        for column in table.columns:
            value = _typed(answers.get(f"{table.pointer}/{index}/{column.field.name}"), column)
            if value is not None:
                row[column.field.name] = value
        if any(value is not None and value is not False for value in row.values()):  # 0 is an answer
            rows.append(row)
    return rows


def _unplaced(layout: FormLayout, answers: Mapping[str, Any]) -> list[Issue]:
    """Answers under a name that is no question of the form: kept in ``raw``, and the officer told."""
    placed = {q.pointer for q in layout.questions() if not q.columns}
    for table in (q for q in layout.questions() if q.columns):
        placed.update(
            f"{table.pointer}/{index}/{column.field.name}"
            for index in _row_indices(answers, table)
            for column in table.columns
        )
    return [
        Issue(
            path="",
            field=pointer if len(pointer) <= 80 else f"{pointer[:77]}...",
            message="this box is not part of the form and was ignored; its text is kept in the raw answers",
            rule="unplaced",
            severity="warning",
        )
        for pointer, value in answers.items()
        if pointer not in placed and value not in (None, "", False, [])
    ]


def record_from_answers(layout: FormLayout, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Typed record from raw answers: empty answers are left out, empty table rows dropped."""
    record: dict[str, Any] = {}
    for question in layout.questions():
        if question.columns:
            rows = _rows(answers, question)
            if rows:
                _put(record, question.pointer, rows)
            continue
        value = _typed(answers.get(question.pointer), question)
        if question.widget == "checkbox" and question.pointer not in answers:
            continue
        if value is not None:
            _put(record, question.pointer, value)
    return record


def _unreadable(envelope: Envelope, reason: str) -> Envelope:
    envelope.status = "unreadable"
    envelope.errors = [Issue(path="", field="File", message=reason, rule="unreadable")]
    return envelope


def _check_identity(extraction: Extraction) -> str | None:
    """Why this file's kind and version cannot be read, or None if they can."""
    if extraction.kind is None or extraction.kind not in layout_kinds():
        return (
            "this document is not one of our forms (it does not say which form it is); "
            "please fill in the blank form you were sent and return that"
        )
    if extraction.version not in versions(extraction.kind):
        known = ", ".join(versions(extraction.kind))
        return (
            f"this is a {extraction.kind} form, version {extraction.version}, which this toolkit does not know "
            f"(it reads versions {known}); please update the toolkit, or ask the bidder to use the current form"
        )
    return None


def _review_issues(extraction: Extraction) -> list[Issue]:
    """Answers a reader could not read with confidence: an officer must look (never an empty answer)."""
    return [
        Issue(
            path=item["path"],
            field=item["field"],
            message=f"{item['reason']}; this answer needs checking by hand",
            rule="manual_review",
        )
        for item in extraction.flags.get("manual_review", [])
    ]


def parse_bytes(data: bytes, name: str, *, today: dt.date | None = None) -> Envelope:
    """Parse a return already in memory; never raises for a bad file."""
    envelope = Envelope(file=name, sha256=hashlib.sha256(data).hexdigest())
    if len(data) > MAX_RETURN_BYTES:
        return _unreadable(
            envelope, f"the file is {len(data):,} bytes; forms larger than {MAX_RETURN_BYTES:,} bytes are refused"
        )
    try:
        extraction = _reader_for(data, name)(data, name)
    except UnreadableFileError as exc:
        return _unreadable(envelope, exc.reason)
    envelope.kind, envelope.version = extraction.kind, extraction.version
    envelope.flags = dict(extraction.flags)
    envelope.warnings = list(extraction.warnings)
    envelope.raw = dict(extraction.answers)
    if problem := _check_identity(extraction):
        return _unreadable(envelope, problem)
    assert extraction.kind is not None and extraction.version is not None
    layout = load_layout(extraction.kind)
    record = record_from_answers(layout, extraction.answers)
    envelope.warnings += _unplaced(layout, extraction.answers)
    envelope.record = record
    envelope.errors = validate_record(record, extraction.kind, version=extraction.version, today=today)
    envelope.errors += _review_issues(extraction)
    envelope.status = "invalid" if envelope.errors else "valid"
    return envelope


def parse_return(path: Path | str, *, today: dt.date | None = None) -> Envelope:
    """Parse a returned form file; the file itself is never changed."""
    path = Path(path)
    try:
        data = read_bounded(path, MAX_RETURN_BYTES, "forms")
    except FileTooLargeError as exc:
        return _unreadable(Envelope(file=str(path), sha256=""), exc.reason)
    return parse_bytes(data, str(path), today=today)
