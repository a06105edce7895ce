"""Build the blank forms of every kind: one builder per format, run over every layout.

Each builder takes a form model, a path and the project's cover
(:mod:`.cover`) and writes one file: the Word form (content controls) and the
fillable PDF (AcroForm) come from the same layout and schema, and say the
same about whose form it is and where to send it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from ..ooxml.writer import write_form
from ..pdf.builder import build_pdf_form
from ..records.errors import CommissionError
from ..records.resources import resource_dir
from .cover import Cover, form_cover
from .layout import FormLayout, layout_kinds, load_layout

__all__ = ["BUILDERS", "CoverWarning", "build_forms"]


class Builder(Protocol):
    def __call__(self, layout: FormLayout, path: Path, cover: Cover | None = None) -> Path: ...


class CoverWarning(UserWarning):
    """A setting of ``commission.yaml`` the forms could not use as asked (an unreadable colour, a bad logo)."""


#: (file suffix, builder): every blank form format we ship.
BUILDERS: list[tuple[str, Builder]] = [
    (".docx", write_form),
    (".pdf", build_pdf_form),
]


def _warn(message: str) -> None:
    warnings.warn(message, CoverWarning, stacklevel=3)


def build_forms(out_dir: Path, kinds: Sequence[str] | None = None, warn: Callable[[str], None] = _warn) -> list[Path]:
    """Write ``out_dir/<kind><suffix>`` for each kind asked (default: every kind with a layout); return the paths.

    Only the current version is built: a released version's forms, in
    ``forms/versions/``, are frozen, so a folder inside it is refused. Each
    setting of ``commission.yaml`` the forms cannot use as asked is passed to
    ``warn`` once (a :class:`CoverWarning` unless told otherwise).
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
    cover = form_cover()
    for message in cover.warnings:
        warn(message)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in asked:
        layout = load_layout(kind)
        for suffix, builder in BUILDERS:
            written.append(builder(layout, out_dir / f"{kind}{suffix}", cover))
    return written
