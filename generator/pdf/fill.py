"""Fill one of our blank PDF forms, with appearances that show names in any script.

Other fillers draw with the 8-bit font the fields' /DA names, or with fonts
of their own (see :mod:`.fonts`); this one writes each value to /V (and /AS
for check boxes) and draws every text and choice field from its value with
the form's Type0 DejaVu font (:mod:`.appearance`), so Greek, Cyrillic or
Vietnamese are drawn, not only stored. NeedAppearances is never set. Fields
not in ``values`` keep their value and are redrawn too, so
``fill_pdf(returned, {})`` redraws a form another program filled.
"""

from __future__ import annotations

import io
import math
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

import pikepdf

from ..records.errors import CommissionError
from .appearance import TextBox, text_appearance
from .fonts import UNICODE_FONT_RESOURCE, FontFacts, font_facts
from .names import MAX_FIELD_DEPTH

__all__ = ["fill_pdf"]

_MULTILINE = 1 << 12
_DEFAULT_SIZE = 9.0
_MAX_SIZE = 72.0
#: DejaVu Sans is about 740 KB; a font program larger than this is not one we embedded.
_MAX_FONT_BYTES = 4 * 1024 * 1024


def _fields(
    nodes: pikepdf.Array, prefix: str = "", seen: set[tuple[int, int]] | None = None, depth: int = 0
) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """(full name, field dictionary) of every terminal field, each once, however the tree loops."""
    seen = set() if seen is None else seen
    if depth > MAX_FIELD_DEPTH:
        raise CommissionError(
            f"this PDF's fields are nested more than {MAX_FIELD_DEPTH} deep: it is not one of our forms"
        )
    for node in nodes:
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        name = f"{prefix}.{node.T}" if prefix and "/T" in node else str(node.get("/T", prefix))
        kids = [kid for kid in node.get("/Kids", []) if "/T" in kid]
        if kids:
            yield from _fields(pikepdf.Array(kids), name, seen, depth + 1)
        else:
            yield name, node


def _widgets(field: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    return list(field.get("/Kids", [])) or [field]


def _inherited(field: pikepdf.Dictionary, key: str, default: object = None) -> Any:
    """``key`` from the field or the nearest parent that has it (PDF fields inherit /FT, /Ff, /V, /DA)."""
    node = field
    for _ in range(MAX_FIELD_DEPTH):  # a /Parent chain that loops ends here
        if node is None:
            break
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return default


def _font_size(field: pikepdf.Dictionary) -> float:
    """The size after ``Tf`` in the field's /DA, else 9 pt (an auto size, 0, also means 9 pt here)."""
    parts = str(_inherited(field, "/DA", "")).split()
    if "Tf" in parts and (index := parts.index("Tf")) >= 1:
        try:
            size = float(parts[index - 1])
        except ValueError:
            return _DEFAULT_SIZE
        # A crafted size (nan, inf, a billion) must not send the shrink-to-fit loop on forever.
        return min(size, _MAX_SIZE) if math.isfinite(size) and size > 0 else _DEFAULT_SIZE
    return _DEFAULT_SIZE


def _unicode_font(pdf: pikepdf.Pdf) -> tuple[pikepdf.Object, FontFacts]:
    fonts = pdf.Root.AcroForm.get("/DR", {}).get("/Font", {})
    if "/" + UNICODE_FONT_RESOURCE not in fonts:
        raise CommissionError(
            f"this PDF has no /{UNICODE_FONT_RESOURCE} font: it is not one of our blank forms "
            "(or was built before they carried one); build the form again with 'commission forms build'"
        )
    font = fonts["/" + UNICODE_FONT_RESOURCE]
    data = _font_file(font.DescendantFonts[0].FontDescriptor.FontFile2)
    try:
        return font, font_facts(data)
    except Exception as exc:  # fontTools raises many kinds of error for a damaged font
        raise CommissionError(
            f"this PDF's /{UNICODE_FONT_RESOURCE} font is damaged; build the form again with 'commission forms build'"
        ) from exc


def _font_file(stream: pikepdf.Stream) -> bytes:
    """The embedded font program, inflated no further than any real font needs."""
    raw = stream.read_raw_bytes()
    compression = stream.get("/Filter")
    if compression is None:
        data = raw[: _MAX_FONT_BYTES + 1]
    elif compression in (pikepdf.Name.FlateDecode, pikepdf.Array([pikepdf.Name.FlateDecode])):
        try:
            data = zlib.decompressobj().decompress(raw, _MAX_FONT_BYTES + 1)
        except zlib.error as exc:
            raise CommissionError(
                f"this PDF's /{UNICODE_FONT_RESOURCE} font is damaged; build the form again with 'commission forms build'"
            ) from exc
    else:
        raise CommissionError(f"this PDF's /{UNICODE_FONT_RESOURCE} font is stored in a way our forms never use")
    if len(data) > _MAX_FONT_BYTES:
        raise CommissionError(f"this PDF's /{UNICODE_FONT_RESOURCE} font is far larger than any real font")
    return data


def _set_value(name: str, field: pikepdf.Dictionary, value: str | bool) -> None:
    kind = _inherited(field, "/FT")
    if kind == pikepdf.Name.Btn:
        if not isinstance(value, bool):
            raise CommissionError(f"field '{name}' is a check box: give True or False, not {value!r}")
        state = pikepdf.Name.Yes if value else pikepdf.Name.Off
        field.V = state
        for widget in _widgets(field):
            widget.AS = state
        return
    if isinstance(value, bool):
        raise CommissionError(f"field '{name}' holds text: give a string, not {value!r}")
    field.V = _text_string(value)


def _text_string(value: str) -> pikepdf.String:
    """``value`` as a PDF text string every reader decodes alike: ASCII as it is, anything else UTF-16BE.

    pikepdf would write PDFDocEncoding where it can, but readers disagree about some of its codes (qpdf
    writes U+FFFD as 0x9F, which pypdf reads as U+009F), so text beyond ASCII goes as UTF-16 with its BOM.
    """
    if value.isascii():
        return pikepdf.String(value)
    return pikepdf.String(b"\xfe\xff" + value.encode("utf-16-be", "surrogatepass"))


def _draw(pdf: pikepdf.Pdf, field: pikepdf.Dictionary, font: pikepdf.Object, facts: FontFacts) -> None:
    """A fresh normal appearance for each widget of a text or choice field, from its /V."""
    value = _inherited(field, "/V")
    text = "" if value is None else str(value[0] if isinstance(value, pikepdf.Array) and len(value) else value)
    multiline = bool(int(_inherited(field, "/Ff", 0)) & _MULTILINE) and _inherited(field, "/FT") == pikepdf.Name.Tx
    for widget in _widgets(field):
        x0, y0, x1, y1 = (float(v) for v in widget.Rect)
        box = TextBox(abs(x1 - x0), abs(y1 - y0), multiline, _font_size(field))
        stream = pdf.make_stream(
            text_appearance(text, box, facts, UNICODE_FONT_RESOURCE),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=[0, 0, box.width, box.height],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary({"/" + UNICODE_FONT_RESOURCE: font})),
        )
        widget.AP = pikepdf.Dictionary(N=stream)


def fill_pdf(data: bytes, values: Mapping[str, str | bool]) -> bytes:
    """A filled copy of ``data``: ``values`` by field name, True/False for check boxes.

    Also used on returns, which anyone may have edited: a damaged field tree or
    font ends in a :class:`CommissionError`, never a hang or a stray exception.
    """
    try:
        return _fill(data, values)
    except (pikepdf.PdfError, AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
        raise CommissionError(
            "this PDF's form is damaged, so it cannot be filled or redrawn; build the form again with "
            "'commission forms build', or ask for the file to be saved again"
        ) from exc


def _fill(data: bytes, values: Mapping[str, str | bool]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        font, facts = _unicode_font(pdf)
        fields = dict(_fields(pdf.Root.AcroForm.Fields))
        if unknown := sorted(set(values) - set(fields)):
            raise CommissionError(f"this form has no field named {', '.join(map(repr, unknown))}")
        for name, value in values.items():
            _set_value(name, fields[name], value)
        for field in fields.values():
            hidden = int(field.get("/F", 0)) & 2
            if _inherited(field, "/FT") in (pikepdf.Name.Tx, pikepdf.Name.Ch) and not hidden:
                _draw(pdf, field, font, facts)
        out = io.BytesIO()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
