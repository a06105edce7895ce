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
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..forms.layout import FormLayout, Question, layout_kinds, load_layout
from ..forms.order import in_form_order
from ..records import coerce
from ..records.bounded_read import FileTooLargeError, read_bounded
from ..records.errors import EXIT_INVALID, EXIT_UNREADABLE, CommissionError, UnreadableFileError
from ..records.issues import Issue
from ..records.schemas import versions
from ..records.validation import validate_record
from .extraction import Extraction, UnreadableReturn

__all__ = [
    "MAX_RETURN_BYTES",
    "Envelope",
    "Extraction",
    "UnreadableReturn",
    "looks_like_a_return",
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
        """The envelope as JSON-ready data; a lone surrogate a crafted file smuggled in reads as U+FFFD."""
        return _storable(
            {
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
        )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(value: Any) -> Any:
    """Text every output can hold: UTF-8 has no lone surrogates, so a register or terminal would refuse them."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


Reader = Callable[[bytes, str], Extraction]


def _docx_reader() -> Reader:
    from ..ooxml.reader import read_docx

    return read_docx


def _odt_reader() -> Reader:
    from ..odf.reader import read_odt

    return read_odt


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


@dataclass(frozen=True)
class Signature:
    """What a kind of file holds at ``offset`` (its "magic" bytes), and what reads or refuses it."""

    magic: bytes
    reader: Callable[[], Reader]
    offset: int = 0

    def matches(self, data: bytes) -> bool:
        return data[self.offset : self.offset + len(self.magic)] == self.magic


_PICTURE = (
    "this is a picture (a scan or photo) of the form, not the form itself, so its answers cannot be read; "
    "ask for the completed Word (.docx) or PDF file"
)
_EMAIL = "this is an email, not the form; open it and save the attached form into the returns folder"
_OLE_ANY = (
    "this is a password-protected document or an old-style Word (.doc) or Works (.wps) file; "
    "ask for the password to be removed, or for it to be opened in Word and saved as a Word document (.docx)"
)
#: The headers an email saved as a file (.eml) starts with.
_EMAIL_HEADERS = (
    b"From:", b"From ", b"Received:", b"Return-Path:", b"Delivered-To:", b"MIME-Version:", b"Message-ID:",
    b"X-Mozilla-Status:", b"X-Received:", b"Received-SPF:", b"ARC-Seal:", b"DKIM-Signature:",
)  # fmt: skip
#: ISO media "brands" of HEIC/HEIF pictures (iPhone photos), found after the first box's size.
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")


def _zip_reader() -> Reader:
    return _by_content(_ZIP_MEMBERS, _zip_names, _zip_of_files)


def _ole_reader() -> Reader:
    return _by_content(_OLE_STREAMS, _ole_names, lambda data, name: _OLE_ANY)


#: What a zip holds decides what it is: the first member name found picks the reader (in this order).
_ZIP_MEMBERS: list[tuple[str, Callable[[], Reader]]] = [
    ("[Content_Types].xml", _docx_reader),  # first: a zip that cannot be listed is read as Word, and refused
    ("mimetype", _odt_reader),
    ("META-INF/manifest.xml", _odt_reader),  # an OpenDocument file whose mimetype entry was lost
    (
        "Index/Document.iwa",
        _refuse(
            "this is an Apple Pages document, which cannot be read; "
            "ask for it to be exported from Pages as a Word document (.docx) (File > Export To > Word)"
        ),
    ),
]
#: What an OLE compound file (old Office formats, Outlook) holds decides what it is, as for zips.
_OLE_STREAMS: list[tuple[str, Callable[[], Reader]]] = [
    (
        "EncryptedPackage",
        _refuse(
            "this document is password-protected; ask for the password to be removed "
            "(in Word: File > Info > Protect Document) and the form sent again"
        ),
    ),
    (
        "__substg1.0_",
        _refuse(
            "this is an Outlook email (.msg), not the form; open it and save the attached form into the returns folder"
        ),
    ),
    (
        "WordDocument",
        _refuse(
            "this is an old-style Word (.doc) file; ask for it to be opened in Word and saved as a "
            "Word document (.docx), then sent again"
        ),
    ),
]

#: Readers chosen by what a file holds, never by its extension.
_SIGNATURES: list[Signature] = [
    Signature(b"PK\x03\x04", _zip_reader),
    Signature(b"PK\x05\x06", _refuse("this is an empty zip file; ask for the completed form itself")),
    Signature(b"%PDF-", _pdf_reader),
    Signature(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _ole_reader),
    Signature(
        b"{\\rtf",
        _refuse(
            "this is a Rich Text (RTF) file, not the Word form; ask for the Word form (.docx) to be filled in and sent"
        ),
    ),
    Signature(b"\xff\xd8\xff", _refuse(_PICTURE)),  # JPEG
    Signature(b"\x89PNG\r\n\x1a\n", _refuse(_PICTURE)),
    Signature(b"II*\x00", _refuse(_PICTURE)),  # TIFF, as scanners write it
    Signature(b"MM\x00*", _refuse(_PICTURE)),
    Signature(b"GIF8", _refuse(_PICTURE)),
    *(Signature(b"ftyp" + brand, _refuse(_PICTURE), offset=4) for brand in _HEIF_BRANDS),
    *(Signature(header, _refuse(_EMAIL)) for header in _EMAIL_HEADERS),
]
#: How many of a zip's file names a refusal lists.
_NAMES_SHOWN = 10


def _zip_names(data: bytes) -> list[str] | None:
    """The member names from the zip's directory (nothing is unpacked), or None if it cannot be opened.

    None too for a directory too big for any form: the first reader then refuses it with the count.
    """
    from ..ooxml.safety import MAX_ENTRIES
    from ..ooxml.zipread import declared_entries, member_names

    if (declared := declared_entries(data)) is not None and declared > MAX_ENTRIES:
        return None
    if (names := member_names(data)) is not None:
        return names
    try:
        return zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None


def _ole_names(data: bytes) -> list[str]:
    """The stream names of ``_OLE_STREAMS`` the file holds (directory entries are UTF-16)."""
    return [stream for stream, _ in _OLE_STREAMS if stream.encode("utf-16-le") in data]


def _zip_of_files(data: bytes, name: str) -> str:
    """Why a zip that is no document is refused, naming what it holds, unless it is a zip bomb (then say so)."""
    from ..ooxml.safety import PackageError, open_package

    try:
        names = [n for n in open_package(data).names if not n.endswith("/")]
    except PackageError as exc:
        return exc.reason
    shown = ", ".join(names[:_NAMES_SHOWN])
    if len(names) > _NAMES_SHOWN:
        shown += f" and {len(names) - _NAMES_SHOWN:,} more"
    return f"this is a zip of files ({shown or 'no files'}), not a form; unzip it into the returns folder"


def _by_content(
    table: list[tuple[str, Callable[[], Reader]]],
    names_in: Callable[[bytes], list[str] | None],
    otherwise: Callable[[bytes, str], str],
) -> Reader:
    """A reader that picks the first entry of ``table`` whose name the container holds, else refuses."""

    def read(data: bytes, name: str) -> Extraction:
        held = names_in(data)
        if held is None:  # not a container we can list: the first reader gives its own refusal (damaged...)
            return table[0][1]()(data, name)
        present = set(held)
        for member, reader in table:
            if member in present:
                return reader()(data, name)
        raise UnreadableReturn(name, otherwise(data, name))

    return read


def looks_like_a_return(head: bytes) -> bool:
    """Whether a file starting with ``head`` is something a return can be (a form, a scan, a zip, an email)."""
    return any(signature.matches(head) for signature in _SIGNATURES) or b"%PDF-" in head[:1024]


_POLYGLOT = (
    "this file is both a zip (as Word and LibreOffice files are) and a PDF, so different programs would show "
    "different answers; it was not read. Ask for the form to be saved again from Word, LibreOffice or the PDF "
    "reader, and sent again"
)
#: A zip's end-of-directory record lies in its last 64 KB (plus the record itself).
_ZIP_TAIL = 65_557


def _is_polyglot(data: bytes, head: bytes) -> bool:
    """A file both a zip and a PDF: a PDF header in a zip's first kilobyte, or a zip directory closing a PDF."""
    if data.startswith(b"PK"):
        return b"%PDF-" in head
    if b"%PDF-" in head and b"PK\x05\x06" in data[-_ZIP_TAIL:]:
        try:
            return bool(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            return False
    return False


def _reader_for(data: bytes, name: str) -> Reader:
    head = data[:1024].lstrip()
    if _is_polyglot(data, data[:1024]):
        raise UnreadableReturn(name, _POLYGLOT)
    for signature in _SIGNATURES:
        if signature.matches(data) or (signature.magic == b"%PDF-" and signature.magic in head):
            return signature.reader()
    if not data:
        raise UnreadableReturn(name, "the file is empty (0 bytes); ask for the completed form to be sent again")
    from ..odf.package import flat_media_type, flat_refusal

    if media_type := flat_media_type(head):
        raise UnreadableReturn(name, flat_refusal(media_type))
    raise UnreadableReturn(
        name, "this is not a Word (.docx) or PDF form; ask for the completed form as a .docx or .pdf file"
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


def _older_version(layout: FormLayout) -> list[Issue]:
    """A return made on an earlier release: read by its own version, and what has changed since said."""
    current = load_layout(layout.kind)
    if layout.version == current.version:
        return []

    def labelled(found: FormLayout) -> dict[str, str]:
        return {q.pointer: q.label for q in found.questions()} | {
            c.pointer: f"{q.label}: {c.label}" for q in found.questions() for c in q.columns
        }

    then, now = labelled(layout), labelled(current)
    added = [label for pointer, label in now.items() if pointer not in then]
    removed = [label for pointer, label in then.items() if pointer not in now]
    changes = "; ".join(
        part
        for part in (
            f"questions added since: {', '.join(added)}" if added else "",
            f"questions removed since: {', '.join(removed)}" if removed else "",
        )
        if part
    )
    return [
        Issue(
            path="",
            field="Form version",
            message=(
                f"this return was made on version {layout.version} of the form, not the current {current.version}; "
                f"it was read and checked as version {layout.version}"
                + (f" ({changes})" if changes else " (no questions have been added or removed since)")
            ),
            rule="older-version",
            severity="warning",
        )
    ]


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


def _unreadable(envelope: Envelope, reason: str, detail: str = "") -> Envelope:
    """An unreadable return: ``reason`` in our words for the bidder; what a library said only in ``flags.detail``."""
    envelope.status = "unreadable"
    envelope.errors = [Issue(path="", field="File", message=reason, rule="unreadable")]
    if detail:
        envelope.flags["detail"] = detail
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


def parse_bytes(data: bytes, name: str, *, today: dt.date | None = None, sha256: str | None = None) -> Envelope:
    """Parse a return already in memory; never raises for a bad file.

    ``sha256`` is the data's hash, when the caller has just worked it out (the batch does).
    """
    envelope = Envelope(file=name, sha256=sha256 or hashlib.sha256(data).hexdigest())
    if len(data) > MAX_RETURN_BYTES:
        return _unreadable(
            envelope, f"the file is {len(data):,} bytes; forms larger than {MAX_RETURN_BYTES:,} bytes are refused"
        )
    try:
        extraction = _reader_for(data, name)(data, name)
    except UnreadableFileError as exc:
        return _unreadable(envelope, exc.reason, exc.detail)
    envelope.kind, envelope.version = extraction.kind, extraction.version
    envelope.flags = dict(extraction.flags)
    envelope.warnings = list(extraction.warnings)
    envelope.raw = dict(extraction.answers)
    if problem := _check_identity(extraction):
        return _unreadable(envelope, problem)
    assert extraction.kind is not None and extraction.version is not None
    try:
        layout = load_layout(extraction.kind, extraction.version)
    except CommissionError as exc:  # a released schema whose frozen layout is missing from this installation
        return _unreadable(envelope, f"this form's version cannot be read here: {exc}")
    envelope.warnings += _older_version(layout)
    record = record_from_answers(layout, extraction.answers)
    envelope.warnings += _unplaced(layout, extraction.answers)
    envelope.record = record
    envelope.errors = validate_record(record, extraction.kind, version=extraction.version, today=today)
    envelope.errors += _review_issues(extraction)
    envelope.errors = in_form_order(envelope.errors, layout)
    envelope.warnings = in_form_order(envelope.warnings, layout)
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
