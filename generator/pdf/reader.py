"""Read the answers out of a returned PDF form, refusing files we cannot trust or use.

Only the document information, the AcroForm field tree and the few places
that can hold actions or attachments are read: never page content. Values
are returned raw, keyed by JSON Pointer (see :mod:`.names`); coercion and
validation happen in :mod:`generator.returns.parse`, the same as for Word forms.
The file is read with pikepdf (qpdf), under the bounds of :mod:`.guard`.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pikepdf

from ..forms.layout import layout_kinds, load_layout
from ..records.issues import Issue
from ..records.messages import field_label
from ..records.schemas import versions
from ..returns.extraction import Extraction, UnreadableReturn
from .crosscheck import appearance_disagreements, only_letters_missing, shown, signed_then_changed, xfa_disagreements
from .guard import MAX_LIST_ENTRIES, ListTooLong, ReadTimeout, StreamTooLarge, bounded
from .metadata import KIND_KEY, VERSION_KEY, parse_identity
from .names import IDENTITY_FIELD, MAX_FIELD_DEPTH, split_field_name
from .objects import entries, is_array, is_dict, is_name, is_string, object_key, seldom_set, text
from .scan import risky_content

__all__ = ["NO_FIELDS", "read_pdf"]

NO_FIELDS = (
    "this PDF has no fillable fields; it may have been printed or flattened: "
    "please return the fillable form or the Word form"
)
_ENCRYPTED = (
    "this PDF is protected with a password; please remove the password (or save an unprotected copy) and send it again"
)
_XFA = (
    "this is an XFA form (made with Adobe LiveCycle Designer), not our fillable form; "
    "please fill in the blank form you were sent, or the Word form, and return that"
)
_MALFORMED = (
    "this PDF is damaged or incomplete ({detail}); please save the form again from your PDF reader and resend it"
)
_BOMB = (
    "this PDF holds compressed data far larger than any form needs, so it was not opened; "
    "please return the blank form you were sent, filled in"
)
_TIMEOUT = "this PDF took too long to read and may be damaged or crafted; please save the form again and resend it"
_MAX_FIELDS = 5_000
_LONG_LIST = (
    f"this PDF holds a list of more than {MAX_LIST_ENTRIES:,} entries, far more than any of our forms, "
    "so it was not read; please return the form you were sent"
)
_TOO_MANY_FIELDS = (
    f"this PDF has more than {_MAX_FIELDS:,} fields, far more than any of our forms (a few hundred at most), "
    "so it was not read; please return the form you were sent"
)


def _fields_list_too_long(data: bytes) -> bool:
    """Whether the over-long list is most likely the form's field list (told apart only to word the refusal)."""
    return data.count(b"/T ") + data.count(b"/T(") > _MAX_FIELDS


def _value(field: Any, inherited: dict[str, Any], kids: list[Any]) -> Any:
    kind = inherited.get("/FT")
    value = inherited.get("/V")
    if kind == "/Btn":
        if value is None:
            widgets = kids or [field]
            states = [w.get("/AS") for w in widgets if is_dict(w)]
            return any(state is not None and state != "/Off" for state in states)
        return (is_name(value) or is_string(value)) and str(value) not in ("/Off", "Off", "")
    if value is None:
        return None
    if is_array(value):
        items = [text(item) for item in entries(value)]
        return items[0] if len(items) == 1 else items
    return text(value)


def _is_named_field(node: Any) -> bool:
    return is_dict(node) and "/T" in node


_MAX_WIDGETS = 50
_PASSWORD = 1 << 13


def _text_widgets(node: Any, inherited: dict[str, Any], kids: list[Any]) -> list[Any]:
    """The widgets of a terminal text field, whose appearances show its value; none for a password box."""
    if inherited.get("/FT") != "/Tx" or int(inherited.get("/Ff", 0) or 0) & _PASSWORD:
        return []
    return [node, *(kid for kid in kids[:_MAX_WIDGETS] if is_dict(kid))]


def _walk_fields(
    roots: Any,
    twice: dict[str, list[Any]] | None = None,
    widgets: dict[str, list[Any]] | None = None,
) -> dict[str, Any]:
    """Full field name -> raw value, for every terminal field, cycles and depth bounded.

    A name met again with another value is kept in ``twice`` with every value it had;
    the widgets of each text field (the first met of a name) go in ``widgets``.
    """
    found: dict[str, Any] = {}
    seen: set[int] = set()
    stack: list[tuple[Any, str, dict[str, Any], int]] = [(node, "", {}, 0) for node in reversed(entries(roots))]
    while stack:
        node, prefix, inherited, depth = stack.pop()
        key = object_key(node)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        if not is_dict(node) or depth > MAX_FIELD_DEPTH or len(seen) > _MAX_FIELDS:
            continue
        name = prefix
        if (own_name := node.get("/T")) is not None:
            name = f"{prefix}.{text(own_name)}" if prefix else text(own_name)
        here = inherited
        own = {entry: value for entry in ("/FT", "/V", "/Ff") if (value := node.get(entry)) is not None}
        if own:  # qpdf reads a null entry as no entry, so a null /V inherits as a missing one does
            here = inherited | own
            if "/FT" in own:
                here["/FT"] = str(own["/FT"])
        all_kids = entries(seldom_set(node, "/Kids"))  # read once: fields among them, else the field's widgets
        kids = [kid for kid in all_kids if _is_named_field(kid)]
        if kids:
            stack.extend((kid, name, here, depth + 1) for kid in reversed(kids))
        elif name:
            value = _value(node, here, all_kids)
            if name in found and found[name] != value and twice is not None:
                twice.setdefault(name, [found[name]]).append(value)
            if widgets is not None and name not in found:
                widgets[name] = _text_widgets(node, here, all_kids)
            found.setdefault(name, value)
    return found


def _identity(pdf: pikepdf.Pdf, fields: dict[str, Any]) -> tuple[str | None, str | None]:
    """Kind and version: from the document information, else the hidden identity field, else Keywords."""
    info = pdf.trailer.get("/Info")
    info = info if is_dict(info) else pikepdf.Dictionary()
    if KIND_KEY in info:
        version = info.get(VERSION_KEY)
        return text(info.get(KIND_KEY)), text(version) if version is not None else None
    if isinstance(fields.get(IDENTITY_FIELD), str):
        return parse_identity(fields[IDENTITY_FIELD])
    if "/Keywords" in info:
        return parse_identity(text(info.get("/Keywords")))
    return None, None


def _answers(fields: dict[str, Any], kind: str | None, version: str | None) -> dict[str, Any]:
    """Field values keyed by JSON Pointer; option boxes gathered into a list of ticked options."""
    known = kind in layout_kinds() and version in versions(kind)
    layout = load_layout(kind, version) if known else None
    options = {q.pointer: q.options for q in layout.answer_boxes()} if layout else {}
    answers: dict[str, Any] = {}
    for name, value in fields.items():
        pointer, index = split_field_name(name)
        if index is None:
            answers[pointer] = value
            continue
        choices = options.get(pointer, ())
        ticked = answers.setdefault(pointer, [])
        if value is True and index < len(choices):
            ticked.append(choices[index])
    for pointer, choices in options.items():
        if isinstance(answers.get(pointer), list):
            answers[pointer] = [c for c in choices if c in answers[pointer]]
    return answers


#: What may follow %%EOF without the file being cut short: whitespace (PDF 2.0, 7.2.3) and the
#: zero bytes some mail and upload systems pad a file with.
_PADDING = b"\0\t\n\f\r "
_TAIL = 2048


def _content_end(data: bytes) -> int:
    """Where the file's content ends once trailing padding is set aside; looks back in chunks, not bytes."""
    end = len(data)
    while end:
        start = max(0, end - 65536)
        kept = data[start:end].rstrip(_PADDING)
        if kept:
            return start + len(kept)
        end = start
    return 0


#: qpdf rebuilds a broken cross-reference table by reading the whole file, in one call the deadline
#: cannot interrupt: it is let do so only for a file no larger than a form with its fonts needs.
MAX_REPAIR_BYTES = 8_000_000
_TOO_BROKEN = "its cross-reference table is broken, and the file is too large to rebuild it"


def open_pdf(data: bytes) -> pikepdf.Pdf:
    """The file opened with the empty password (as PDF readers do); a broken one is rebuilt only if it is small."""
    return pikepdf.open(io.BytesIO(data), suppress_warnings=False, attempt_recovery=len(data) <= MAX_REPAIR_BYTES)


#: No object of a form other than a stream (whose data qpdf does not parse) takes more than this in the file;
#: our largest, the font's /W list, takes 40 KB. qpdf parses 20 million numbers of one list in 7-12 s here,
#: in one call the deadline cannot interrupt, so a larger object is refused before it is read.
_MAX_OBJECT_BYTES = 1_000_000
_STREAM_START = re.compile(rb">>\s*stream\r?\n")


def _refuse_oversized_objects(pdf: pikepdf.Pdf, data: bytes) -> None:
    """:class:`ListTooLong` for an object (not a stream) spanning more of the file than any form's does.

    An object's span runs from its offset to the next object's; one far longer
    must open as a stream (its dictionary, then ``stream``), or it is refused.
    """
    if len(data) <= _MAX_OBJECT_BYTES:  # no object spans more than the whole file: a form's, and most returns
        return
    offsets = sorted(entry.offset for entry in pdf.get_xref_table().values() if entry.type == 1)
    for start, end in zip(offsets, [*offsets[1:], len(data)], strict=True):
        if end - start > _MAX_OBJECT_BYTES and not _STREAM_START.search(data, start, start + 65_536):
            raise ListTooLong


def _open(data: bytes, name: str) -> pikepdf.Pdf:
    end = _content_end(data)
    if b"%%EOF" not in data[max(0, end - _TAIL) : end]:
        raise UnreadableReturn(name, _MALFORMED.format(detail="the end of the file is missing; it may be cut off"))
    try:  # without the padding, which qpdf (looking for startxref near the end) would take for damage
        return open_pdf(data[: end + 1])
    except pikepdf.PasswordError:
        raise UnreadableReturn(name, _ENCRYPTED) from None
    except pikepdf.PdfError as exc:
        if b"/Encrypt" in data and "encrypt" in str(exc):  # an encryption handler or crypt method qpdf does not have
            raise UnreadableReturn(name, _ENCRYPTED) from None
        if len(data) > MAX_REPAIR_BYTES:
            raise UnreadableReturn(name, _MALFORMED.format(detail=_TOO_BROKEN)) from None
        raise


def _extract(data: bytes, name: str) -> Extraction:
    pdf = _open(data, name)
    try:
        _refuse_oversized_objects(pdf, data)
        return _extract_from(pdf, data, name)
    finally:
        pdf.close()


def _extract_from(pdf: pikepdf.Pdf, data: bytes, name: str) -> Extraction:
    root = pdf.trailer.get("/Root")
    if not is_dict(root):
        raise UnreadableReturn(name, _MALFORMED.format(detail="it has no document catalogue"))
    acroform = root.get("/AcroForm")
    roots = acroform.get("/Fields") if is_dict(acroform) else None
    if not is_array(roots) or not len(roots):
        if is_dict(acroform) and "/XFA" in acroform:
            raise UnreadableReturn(name, _XFA)
        raise UnreadableReturn(name, NO_FIELDS)
    if len(roots) > _MAX_FIELDS:
        raise UnreadableReturn(name, _TOO_MANY_FIELDS)
    twice: dict[str, list[Any]] = {}
    widgets: dict[str, list[Any]] = {}
    fields = _walk_fields(roots, twice, widgets)
    if len(fields) > _MAX_FIELDS:
        raise UnreadableReturn(name, _TOO_MANY_FIELDS)
    if not fields:
        raise UnreadableReturn(name, NO_FIELDS)
    kind, version = _identity(pdf, fields)
    fields.pop(IDENTITY_FIELD, None)
    flags = risky_content(root, acroform)
    widgets.pop(IDENTITY_FIELD, None)
    reviews = _reviews(data, root, acroform, fields, twice, widgets, kind, version)
    if reviews:
        flags["manual_review"] = reviews
    return Extraction(kind=kind, version=version, answers=_answers(fields, kind, version), flags=flags)


def _fields_of(pdf: pikepdf.Pdf) -> dict[str, Any]:
    root = pdf.trailer.get("/Root")
    acroform = root.get("/AcroForm") if is_dict(root) else None
    roots = acroform.get("/Fields") if is_dict(acroform) else None
    return _walk_fields(roots) if is_array(roots) else {}


def _reviews(
    data: bytes,
    root: Any,
    acroform: Any,
    fields: dict[str, Any],
    twice: dict[str, list[Any]],
    widgets: dict[str, list[Any]],
    kind: str | None,
    version: str | None,
) -> list[dict[str, str]]:
    """Answers the file holds two ways: each needs an officer's eye, with both values named."""
    found: list[tuple[str, str]] = []
    for field, values in twice.items():
        found.append((field, "the file holds this answer twice, " + " and ".join(shown(v) for v in values)))
    if (changed := signed_then_changed(data, root, fields, _fields_of, open_pdf)) is not None:
        found.extend(
            (field, f"it was changed after the form was signed: {shown(before)} when signed, {shown(now)} now")
            if field
            else ("", "the file was changed after it was signed, and the signed version cannot be read to compare")
            for field, before, now in changed
        )
        if not changed:
            found.append(("", "the file was changed after it was signed, though no answer differs"))
    for field, other, value in xfa_disagreements(acroform, fields) or ():
        found.append(
            (
                field,
                f"its XFA data, which some PDF readers show instead, says {shown(other)}, "
                f"but the field holds {shown(value)}",
            )
        )
    default_resources = acroform.get("/DR")
    default_resources = default_resources if is_dict(default_resources) else None
    for field, drawn, value in appearance_disagreements(widgets, fields, default_resources):
        found.append((field, _drawn_reason(drawn, value)))
    reviews = []
    for field, reason in found:
        pointer = split_field_name(field)[0] if field else ""
        known = kind in layout_kinds() and version in versions(kind)
        label = field_label(kind, pointer, version) if known and pointer else field or "File"
        reviews.append({"path": pointer, "field": label, "reason": reason})
    return reviews


def _drawn_reason(drawn: str | None, value: Any) -> str:
    stored = f"the value stored in it is {shown(value)}" if value else "no value is stored in it"
    if drawn is None:
        return f"what the form shows in this box is drawn with far more than any form needs, so it was not checked; {stored}"
    if not drawn:
        return f"the form draws this box's text invisibly, so it shows nothing, but {stored}"
    reason = f"the form shows {shown(drawn)} in this box, but {stored}"
    if isinstance(value, str) and only_letters_missing(drawn, value):
        reason += " (the program that filled it in drew marks for letters its font lacks)"
    return reason


def read_pdf(data: bytes, name: str) -> Extraction:
    """Raw answers of a PDF form; raises :class:`UnreadableReturn` with a plain reason for refusals."""
    try:
        with bounded() as caught:
            try:
                extraction = _extract(data, name)
            finally:
                if any("loop detected following xref tables" in message for message in caught):
                    raise UnreadableReturn(
                        name, _MALFORMED.format(detail="its cross-reference chain loops back on itself")
                    )
                if any(message == "can't find startxref" for message in caught):  # cut short, then an end added
                    raise UnreadableReturn(name, _MALFORMED.format(detail="its cross-reference table is missing"))
    except UnreadableReturn:
        raise
    except ReadTimeout:
        raise UnreadableReturn(name, _TIMEOUT) from None
    except ListTooLong:
        raise UnreadableReturn(name, _TOO_MANY_FIELDS if _fields_list_too_long(data) else _LONG_LIST) from None
    except StreamTooLarge:
        raise UnreadableReturn(name, _BOMB) from None
    except (
        pikepdf.PdfError,  # qpdf could not read or repair the file, or one of its objects
        pikepdf.ForeignObjectError,
        ValueError,  # a startxref of 10**23 (qpdf: overflow converting to a 64-bit integer)
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        NotImplementedError,
        ArithmeticError,
        OSError,
        RuntimeError,  # qpdf's own runtime errors (pikepdf maps some to RuntimeError)
    ) as exc:
        raise UnreadableReturn(
            name, _MALFORMED.format(detail="its contents cannot be made sense of"), f"{type(exc).__name__}: {exc}"[:500]
        ) from None
    extraction.warnings.extend(
        Issue(
            path="",
            field="File",
            message="the PDF was slightly damaged and was repaired as it was read; check its answers against the file",
            severity="warning",
            rule="pdf-repaired",
            extra={"detail": "; ".join(caught[:20])[:1000]},
        )
        for _ in caught[:1]
    )
    return extraction
