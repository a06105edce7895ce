"""Where one PDF holds two answers to one question: the officer must see both, never one chosen silently.

A PDF reader shows what a file draws; the toolkit reads the field values. A
crafted (or badly repaired) file can make them differ: the same field twice
(one hidden), XFA data that an XFA-capable reader shows instead of the fields,
or a value changed in an update appended after the form was signed. Each
difference found here is handed back as (field name, what the officer may see,
what was read), for manual review.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

from lxml import etree
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from ..ooxml.safety import PackageError, parse_xml

__all__ = ["Difference", "shown", "signed_then_changed", "xfa_disagreements"]

#: (field name, the other value, the value read)
Difference = tuple[str, Any, Any]
_SHOWN = 80


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def shown(value: Any) -> str:
    """A value as a person would quote it, shortened."""
    text = value if isinstance(value, str) else repr(value)
    return f"'{text}'" if len(text) <= _SHOWN else f"'{text[:_SHOWN]}...'"


def _signed_ends(fields: Mapping[str, Any], root: DictionaryObject) -> list[int]:
    """Where each signature's signed bytes end (its /ByteRange's last offset plus length)."""
    ends = []
    acroform = _resolve(root.get("/AcroForm"))
    roots = _resolve(acroform.get("/Fields")) if isinstance(acroform, DictionaryObject) else None
    for ref in (roots if isinstance(roots, ArrayObject) else [])[:5000]:
        node = _resolve(ref)
        if not isinstance(node, DictionaryObject) or node.get("/FT") != "/Sig":
            continue
        value = _resolve(node.get("/V"))
        span = _resolve(value.get("/ByteRange")) if isinstance(value, DictionaryObject) else None
        if isinstance(span, ArrayObject) and len(span) == 4 and all(isinstance(n, int) for n in span):
            ends.append(int(span[2]) + int(span[3]))
    return ends


def signed_then_changed(
    data: bytes,
    root: DictionaryObject,
    fields: Mapping[str, Any],
    read_fields: Callable[[PdfReader], Mapping[str, Any]],
) -> list[Difference] | None:
    """Fields whose value differs from the signed revision; None when nothing was appended after a signature.

    A signature covers the bytes up to its /ByteRange's end; anything after is an
    incremental update made after signing. The signed revision is read on its own
    and compared field by field (an empty list: changed after signing, but no
    answer differs).
    """
    ends = [end for end in _signed_ends(fields, root) if 0 < end < len(data.rstrip(b"\x00\r\n\t "))]
    if not ends:
        return None
    signed = data[: min(ends)]
    try:
        before = read_fields(PdfReader(io.BytesIO(signed), strict=False))
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, ArithmeticError):
        return [("", "the signed version", "it cannot be read to compare")]
    return [
        (name, before.get(name), value)
        for name, value in fields.items()
        if before.get(name) != value and not (before.get(name) is None and value in ("", False))
    ]


def _xfa_datasets(acroform: DictionaryObject) -> bytes | None:
    """The XFA ``datasets`` packet, where an XFA-capable reader keeps the values it shows."""
    xfa = _resolve(acroform.get("/XFA"))
    if isinstance(xfa, StreamObject):
        return xfa.get_data()
    if isinstance(xfa, ArrayObject):
        for name, packet in zip(xfa[0::2], xfa[1::2], strict=False):
            if str(_resolve(name)) == "datasets" and isinstance(_resolve(packet), StreamObject):
                return _resolve(packet).get_data()
    return None


def xfa_disagreements(acroform: DictionaryObject, fields: Mapping[str, Any]) -> list[Difference] | None:
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
