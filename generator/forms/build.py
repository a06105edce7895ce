"""Build the blank forms of every kind: one builder per format, run over every layout.

Each builder takes a form model and a path and writes one file: the Word
form (content controls) and the fillable PDF (AcroForm) come from the same
layout and schema.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..ooxml.writer import write_form
from ..pdf.builder import build_pdf_form
from ..records.errors import CommissionError
from ..records.resources import resource_dir
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


def build_forms(out_dir: Path, kinds: Sequence[str] | None = None) -> list[Path]:
    """Write ``out_dir/<kind><suffix>`` for each kind asked (default: every kind with a layout); return the paths.

    Only the current version is built: a released version's forms, in
    ``forms/versions/``, are frozen, so a folder inside it is refused.
    """
    frozen = (resource_dir("forms") / "versions").resolve()
    if out_dir.resolve().is_relative_to(frozen):
        raise CommissionError(
            f"{out_dir}: released versions' forms in {frozen} never change; build the current forms elsewhere."
        )
    known = layout_kinds()
    asked = list(dict.fromkeys(kinds)) if kinds else known
    if missing := [kind for kind in asked if kind not in known]:
        raise CommissionError(
            f"{', '.join(missing)}: no form to build (no layout forms/<kind>.yaml); kinds with a form: "
            f"{', '.join(known) or 'none'}."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in asked:
        layout = load_layout(kind)
        for suffix, builder in BUILDERS:
            written.append(builder(layout, out_dir / f"{kind}{suffix}"))
    return written
