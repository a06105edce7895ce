"""Fill a blank PDF form the way real clients do: pdftk, pypdf's writer, PyPDFForm, qpdf, and ours.

``field_values`` turns a record into values keyed by PDF field name (the
documented mapping in ``generator.pdf.names``); each ``fill_*`` writes a
filled copy with that client only.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from generator.forms.layout import FormLayout
from generator.pdf.fill import fill_pdf
from generator.pdf.fonts import DEJAVU_SANS
from generator.pdf.names import field_name, option_field_name


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _get(record: Mapping[str, Any], pointer: str) -> Any:
    target: Any = record
    for part in pointer.split("/")[1:]:
        if isinstance(target, list):
            target = target[int(part)] if int(part) < len(target) else None
        elif isinstance(target, Mapping):
            target = target.get(part)
        if target is None:
            return None
    return target


def field_values(layout: FormLayout, record: Mapping[str, Any]) -> dict[str, str | bool]:
    """Field name -> text, or True/False for a box."""
    values: dict[str, str | bool] = {}
    for question in layout.questions():
        if question.columns:
            rows = _get(record, question.pointer) or []
            assert len(rows) <= question.rows, f"{question.pointer} has more rows than the PDF form"
            for index in range(len(rows)):
                for column in question.columns:
                    pointer = column.pointer.replace("/*/", f"/{index}/")
                    value = _get(record, pointer)
                    if value is not None:
                        values[field_name(pointer)] = value if isinstance(value, bool) else _text(value)
        elif question.widget == "checkboxes":
            ticked = _get(record, question.pointer) or []
            for index, option in enumerate(question.options):
                values[option_field_name(question.pointer, index)] = option in ticked
        else:
            value = _get(record, question.pointer)
            if value is not None:
                values[field_name(question.pointer)] = value if isinstance(value, bool) else _text(value)
    return values


def fill_pdftk(blank: Path, values: Mapping[str, str | bool], out: Path, *options: str) -> None:
    """pdftk fill_form from XFDF (pdftk writes the appearances itself)."""
    fields = "".join(
        f"<field name={quoteattr(name)}><value>{escape(('Yes' if v else 'Off') if isinstance(v, bool) else v)}</value></field>"
        for name, v in values.items()
    )
    xfdf = out.with_suffix(".xfdf")
    xfdf.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><fields>{fields}</fields></xfdf>',
        encoding="utf-8",
    )
    command = ["pdftk", str(blank), "fill_form", str(xfdf), "output", str(out), *options]
    subprocess.run(command, check=True, capture_output=True)


def fill_pdftk_replacement_font(blank: Path, values: Mapping[str, str | bool], out: Path) -> None:
    """pdftk told to draw with a TrueType font of its own choosing (``replacement_font``)."""
    fill_pdftk(blank, values, out, "replacement_font", str(DEJAVU_SANS))


def fill_pypdf(blank: Path, values: Mapping[str, str | bool], out: Path) -> None:
    """pypdf's writer: /V and /AS, and appearance streams it generates (NeedAppearances off)."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=blank)
    converted = {name: ("/Yes" if v else "/Off") if isinstance(v, bool) else v for name, v in values.items()}
    for page in writer.pages:
        names = {annot.get_object().get("/T") for annot in page.get("/Annots", [])}
        writer.update_page_form_field_values(
            page, {k: v for k, v in converted.items() if k in names}, auto_regenerate=False
        )
    writer.set_need_appearances_writer(False)
    with out.open("wb") as handle:
        writer.write(handle)


def fill_qpdf(blank: Path, values: Mapping[str, str | bool], out: Path) -> None:
    """qpdf's appearance generator through pikepdf (what PyPDFForm's ``generate_appearance_streams`` runs)."""
    import pikepdf

    with pikepdf.open(blank) as pdf:
        for field in pdf.Root.AcroForm.Fields:
            value = values.get(str(field.get("/T", "")))
            if isinstance(value, bool):
                field.V = field.AS = pikepdf.Name.Yes if value else pikepdf.Name.Off
            elif value is not None:
                field.V = pikepdf.String(value)
        pdf.Root.AcroForm.NeedAppearances = True  # qpdf only generates when asked this way
        pdf.generate_appearance_streams()
        pdf.save(out)


def fill_own(blank: Path, values: Mapping[str, str | bool], out: Path) -> None:
    """Our own filler (generator.pdf.fill)."""
    out.write_bytes(fill_pdf(blank.read_bytes(), values))


def fill_pypdfform(blank: Path, values: Mapping[str, str | bool], out: Path) -> None:
    """PyPDFForm's wrapper, as a user of that library would fill the form."""
    from PyPDFForm import PdfWrapper

    filled = PdfWrapper(str(blank)).fill(dict(values))
    out.write_bytes(filled.read())
