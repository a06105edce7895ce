"""Build the blank forms of every kind: one builder per format, run over every layout.

Each builder takes a form model and a path and writes one file: the Word
form (content controls) and the fillable PDF (AcroForm) come from the same
layout and schema.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..ooxml.writer import write_form
from ..pdf.builder import build_pdf_form
from .layout import FormLayout, layout_kinds, load_layout

__all__ = ["BUILDERS", "build_forms"]

Builder = Callable[[FormLayout, Path], Path]


def _write_pdf(layout: FormLayout, path: Path) -> Path:
    build_pdf_form(layout, path)
    return path


#: (file suffix, builder): every blank form format we ship.
BUILDERS: list[tuple[str, Builder]] = [
    (".docx", write_form),
    (".pdf", _write_pdf),
]


def build_forms(out_dir: Path) -> list[Path]:
    """Write ``out_dir/<kind><suffix>`` for every kind and every builder; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in layout_kinds():
        layout = load_layout(kind)
        for suffix, builder in BUILDERS:
            written.append(builder(layout, out_dir / f"{kind}{suffix}"))
    return written
