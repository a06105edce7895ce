"""AcroForm dictionaries: the fields, their widgets and their appearance streams.

Every widget gets a real appearance stream (/AP), so a blank form looks the
same everywhere; check boxes get an ``/Yes`` and an ``/Off`` state drawn as
vector paths (no font needed) and carry ``/V`` and ``/AS``. Text and choice
fields name the 8-bit DejaVu font in /DA, which every filler can encode; the
default resources also hold the Type0 DejaVu font that draws any script (see
:mod:`.fonts` for which filler uses which). NeedAppearances is never set.
A field whose answer cannot be left empty carries the Required flag, which
screen readers announce. The widgets' place in the structure tree is
:mod:`.tagging`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import pikepdf

from .fonts import FONT_RESOURCE, UNICODE_FONT_RESOURCE, add_field_fonts

__all__ = ["ON_STATE", "FieldSpec", "add_fields"]

ON_STATE = "Yes"
_REQUIRED = 1 << 1
_MULTILINE = 1 << 12
_COMBO = 1 << 17
_PRINT = 4
_TEXT_SIZE = 9


@dataclass(frozen=True)
class FieldSpec:
    """One widget to place: where, what kind, and what it is called."""

    name: str
    tooltip: str
    kind: str  # text | textarea | choice | checkbox
    page: int
    rect: tuple[float, float, float, float]
    options: tuple[str, ...] = ()
    required: bool = False  # an empty answer is a missing one: the Required flag is set
    #: The most characters a text box takes (/MaxLen): what it can show (see :mod:`.sizing`).
    max_length: int | None = None


def _form_xobject(pdf: pikepdf.Pdf, width: float, height: float, content: bytes, resources: pikepdf.Dictionary):
    return pdf.make_stream(
        content,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, width, height],
        Resources=resources,
    )


def _tick(width: float, height: float) -> bytes:
    """A tick drawn with lines, so it shows without any font."""
    s = min(width, height)
    return (
        f"q 0 g 0 G {s * 0.12:.2f} w 1 J 1 j "
        f"{s * 0.2:.2f} {s * 0.5:.2f} m {s * 0.42:.2f} {s * 0.22:.2f} l {s * 0.82:.2f} {s * 0.8:.2f} l S Q"
    ).encode()


def _widget(pdf: pikepdf.Pdf, spec: FieldSpec, page: pikepdf.Page, font_resources: pikepdf.Dictionary):
    x0, y0, x1, y1 = spec.rect
    width, height = x1 - x0, y1 - y0
    field = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget,
        T=pikepdf.String(spec.name),
        TU=pikepdf.String(spec.tooltip),
        Rect=list(spec.rect),
        F=_PRINT,
        P=page.obj,
        MK=pikepdf.Dictionary(BC=[0.45, 0.45, 0.45], BG=[0.94, 0.94, 0.96]),
    )
    empty = pikepdf.Dictionary()
    required = _REQUIRED if spec.required else 0
    if spec.kind == "checkbox":
        field.FT = pikepdf.Name.Btn
        field.V = pikepdf.Name.Off
        field.AS = pikepdf.Name.Off
        if required:
            field.Ff = required
        field.DA = pikepdf.String("/ZaDb 0 Tf 0 g")
        field.MK.CA = pikepdf.String("4")
        field.AP = pikepdf.Dictionary(
            N=pikepdf.Dictionary(
                {
                    "/" + ON_STATE: _form_xobject(pdf, width, height, _tick(width, height), empty),
                    "/Off": _form_xobject(
                        pdf, width, height, b"q Q", empty
                    ),  # not empty: an empty stream reads as cut off
                }
            )
        )
        return pdf.make_indirect(field)
    field.DA = pikepdf.String(f"/{FONT_RESOURCE} {_TEXT_SIZE} Tf 0 g")
    if spec.kind == "choice":
        field.FT = pikepdf.Name.Ch
        field.Ff = _COMBO | required
        field.Opt = pikepdf.Array([pikepdf.String(option) for option in spec.options])
    else:
        field.FT = pikepdf.Name.Tx
        field.Ff = (_MULTILINE if spec.kind == "textarea" else 0) | required
        if spec.max_length is not None:
            field.MaxLen = spec.max_length
    field.AP = pikepdf.Dictionary(N=_form_xobject(pdf, width, height, b"/Tx BMC EMC", font_resources))
    return pdf.make_indirect(field)


def _identity_field(pdf: pikepdf.Pdf, page: pikepdf.Page, name: str, value: str) -> pikepdf.Object:
    """A hidden, read-only text field holding the form's identity."""
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Tx,
            T=pikepdf.String(name),
            TU=pikepdf.String("Form identity (not for filling in)"),
            V=pikepdf.String(value),
            Ff=1,
            F=2,
            Rect=[0, 0, 0, 0],
            P=page.obj,
            DA=pikepdf.String(f"/{FONT_RESOURCE} {_TEXT_SIZE} Tf 0 g"),
        )
    )


def add_fields(pdf: pikepdf.Pdf, specs: list[FieldSpec], identity: tuple[str, str]) -> list[pikepdf.Object]:
    """Add every field to its page and to the document's AcroForm, plus the hidden identity field.

    Returns the widgets of ``specs``, in their order (the hidden identity field is not among them).
    """
    field_fonts = add_field_fonts(pdf)
    zapf = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.ZapfDingbats)
    )
    fonts = pikepdf.Dictionary(
        {"/" + FONT_RESOURCE: field_fonts.default, "/" + UNICODE_FONT_RESOURCE: field_fonts.unicode, "/ZaDb": zapf}
    )
    font_resources = pikepdf.Dictionary(Font=pikepdf.Dictionary({"/" + FONT_RESOURCE: field_fonts.win_ansi}))
    first = pdf.pages[0]
    fields = pikepdf.Array([_identity_field(pdf, first, *identity)])
    first.obj.Annots = pdf.make_indirect(pikepdf.Array([fields[0]]))
    widgets = []
    for spec in specs:
        page = pdf.pages[spec.page]
        widget = _widget(pdf, spec, page, font_resources)
        if "/Annots" not in page.obj:
            page.obj.Annots = pdf.make_indirect(pikepdf.Array())
        page.obj.Annots.append(widget)
        fields.append(widget)
        widgets.append(widget)
    pdf.Root.AcroForm = pdf.make_indirect(
        pikepdf.Dictionary(
            Fields=fields,
            DR=pikepdf.Dictionary(Font=fonts),
            DA=pikepdf.String(f"/{FONT_RESOURCE} {_TEXT_SIZE} Tf 0 g"),
        )
    )
    return widgets
