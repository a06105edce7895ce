"""Where one PDF holds two answers to one question: the officer must see both, never one chosen silently.

A PDF reader shows what a file draws; the toolkit reads the field values. A
crafted (or badly repaired) file can make them differ: the same field twice
(one hidden), XFA data that an XFA-capable reader shows instead of the fields,
a value changed in an update appended after the form was signed, or a box whose
appearance draws other text than its value. Each difference found here is
handed back as (field name, what the officer may see, what was read), for
manual review.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pikepdf
from lxml import etree

from ..ooxml.safety import PackageError, parse_xml
from .bidi import visual_order
from .drawn_text import DrawingTooLarge, FontCache, drawn_lines
from .guard import stream_bytes
from .objects import entries, is_array, is_dict, is_name, is_stream

__all__ = [
    "Difference",
    "appearance_disagreements",
    "only_letters_missing",
    "shown",
    "signed_then_changed",
    "xfa_disagreements",
]

#: (field name, the other value, the value read)
Difference = tuple[str, Any, Any]
_SHOWN = 80


def shown(value: Any) -> str:
    """A value as a person would quote it, shortened."""
    text = value if isinstance(value, str) else repr(value)
    return f"'{text}'" if len(text) <= _SHOWN else f"'{text[:_SHOWN]}...'"


def _signed_ends(root: Any) -> list[int]:
    """Where each signature's signed bytes end (its /ByteRange's last offset plus length)."""
    ends = []
    acroform = root.get("/AcroForm")
    roots = acroform.get("/Fields") if is_dict(acroform) else None
    for node in entries(roots)[:5000]:
        if not is_dict(node) or node.get("/FT") != "/Sig":
            continue
        value = node.get("/V")
        span = value.get("/ByteRange") if is_dict(value) else None
        numbers = entries(span)
        if len(numbers) == 4 and all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            ends.append(int(numbers[2]) + int(numbers[3]))
    return ends


def signed_then_changed(
    data: bytes,
    root: Any,
    fields: Mapping[str, Any],
    read_fields: Callable[[pikepdf.Pdf], Mapping[str, Any]],
    open_pdf: Callable[[bytes], pikepdf.Pdf],
) -> list[Difference] | None:
    """Fields whose value differs from the signed revision; None when nothing was appended after a signature.

    A signature covers the bytes up to its /ByteRange's end; anything after is an
    incremental update made after signing. The signed revision is read on its own
    and compared field by field (an empty list: changed after signing, but no
    answer differs).
    """
    ends = [end for end in _signed_ends(root) if 0 < end < len(data.rstrip(b"\x00\r\n\t "))]
    if not ends:
        return None
    signed = data[: min(ends)]
    try:
        with open_pdf(signed) as pdf:
            before = read_fields(pdf)
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, ArithmeticError):
        return [("", "the signed version", "it cannot be read to compare")]
    return [
        (name, before.get(name), value)
        for name, value in fields.items()
        if before.get(name) != value and not (before.get(name) is None and value in ("", False))
    ]


def _xfa_datasets(acroform: Any) -> bytes | None:
    """The XFA ``datasets`` packet, where an XFA-capable reader keeps the values it shows."""
    xfa = acroform.get("/XFA")
    if is_stream(xfa):
        return stream_bytes(xfa)
    if is_array(xfa):
        items = entries(xfa)
        for name, packet in zip(items[0::2], items[1::2], strict=False):
            if str(name) == "datasets" and is_stream(packet):
                return stream_bytes(packet)
    return None


def xfa_disagreements(acroform: Any, fields: Mapping[str, Any]) -> list[Difference] | None:
    """Fields whose XFA data (matched by the field name's last part) says something else; None without XFA."""
    packet = _xfa_datasets(acroform)
    if packet is None:
        return None
    try:
        tree = parse_xml(packet, "XFA datasets")
    except PackageError:
        return [("", "XFA data that cannot be read", "the field values")]
    leaves: dict[str, str] = {}
    for element in tree.iter():
        if isinstance(element.tag, str) and len(element) == 0:
            leaves.setdefault(etree.QName(element).localname, (element.text or "").strip())
    found = []
    for name, value in fields.items():
        key = name.rsplit("/", 1)[-1]
        if key in leaves and leaves[key] != (value if isinstance(value, str) else str(value or "")).strip():
            found.append((name, leaves[key], value))
    return found


#: What fillers draw for a letter their font cannot encode: qpdf '?', pdftk code 0 (the replacement mark).
#: Such a box is still reviewed: the officer sees '?ukasz' where the register holds 'Łukasz'. pdftk draws
#: the 32 extra letters (Polish among them), so this reviews qpdf's returns of any letter beyond WinAnsi,
#: and pdftk's of Greek, Cyrillic, Hebrew, Arabic, ř, ț and Vietnamese; the message says marks were drawn.
_MARKS = ("?", "\ufffd")


def _squeezed(text: str) -> str:
    """Text as compared: compatibility forms folded (Arabic presentation forms, ligatures), all whitespace gone."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def _reads_as(lines: Sequence[str], value: str) -> bool:
    """Whether drawn lines read as the value, however the filler wrapped, shrank or ordered them.

    Wrapping only adds line breaks and drops spaces at them, so all whitespace is
    set aside. Right-to-left text may be drawn in typed order (pypdf), back to
    front as a whole (one line), or back to front line by line (our filler, pdftk).
    """
    want = _squeezed(value)
    if _squeezed("".join(lines)) == want:
        return True
    if not (_right_to_left(value) or _right_to_left("".join(lines))):
        return False
    orders = ("".join(lines)[::-1], "".join(line[::-1] for line in lines), "".join(map(visual_order, lines)))
    return any(_squeezed(order) == want for order in orders)


def only_letters_missing(drawn: str, value: str) -> bool:
    """Whether the drawing differs from the value only by marks ('?', '\ufffd') in place of some letters."""
    drawn, value = _squeezed(drawn), _squeezed(value)
    return len(drawn) == len(value) and all(
        d == v or (d in _MARKS and v not in _MARKS) for d, v in zip(drawn, value, strict=True)
    )


def _appearances(widget: Any) -> Any:
    """A widget's normal appearance: the stream itself, or the one its /AS state names."""
    appearance = widget.get("/AP")
    normal = appearance.get("/N") if is_dict(appearance) else None
    if is_stream(normal):
        return normal
    if is_dict(normal):
        state = widget.get("/AS")
        normal = normal.get(str(state)) if is_name(state) else None
        return normal if is_stream(normal) else None
    return None


def appearance_disagreements(
    widgets: Mapping[str, Sequence[Any]],
    fields: Mapping[str, Any],
    default_resources: Any,
) -> list[Difference]:
    """Text boxes whose appearance draws other text than their value: (name, the text drawn, the value).

    The text drawn is '' when a box draws its text invisibly, and None when its
    drawing is too large to check. A box whose appearance shows no text at all
    is left alone (a PDF reader then draws the value itself, or nothing), and so
    is one drawn with a font whose codes cannot be read as letters
    (:mod:`.drawn_text`).
    """
    fonts = FontCache()
    found: list[Difference] = []
    for name, boxes in widgets.items():
        value = fields.get(name)
        if value is not None and not isinstance(value, str):
            continue
        for widget in boxes:
            appearance = _appearances(widget)
            if appearance is None:
                continue
            try:
                lines = drawn_lines(appearance, default_resources, fonts)
            except DrawingTooLarge:
                found.append((name, None, value))
                if fonts.tokens_left < 0:
                    return found  # the file's budget is spent: the rest goes unchecked with this one named
                break
            if not lines or _reads_as(lines, value or ""):
                continue
            found.append((name, " ".join(lines), value))
            break
    return found
