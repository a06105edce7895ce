"""Write the shipped blank PDF forms, ``forms/<kind>.pdf``, from the layouts.

Run from the repository root after changing a schema or layout:
``PYTHONPATH=. python scripts/build_pdf_forms.py``.
A test checks the shipped files still match a fresh build.
"""

from __future__ import annotations

from pathlib import Path

from generator.layout import layout_kinds, load_layout
from generator.pdf.builder import build_pdf_form

FORMS = Path(__file__).resolve().parents[1] / "forms"


def main() -> None:
    for kind in layout_kinds():
        build_pdf_form(load_layout(kind), FORMS / f"{kind}.pdf")
        print(f"wrote forms/{kind}.pdf")


if __name__ == "__main__":
    main()
