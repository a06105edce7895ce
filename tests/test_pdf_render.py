"""Filled values and ticks are drawn, not only stored: two independent renderers agree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from generator.forms.layout import load_layout
from tests.conftest import EXAMPLES, ROOT
from tests.pdf_clients import field_values, fill_own, fill_pdftk, fill_pypdf, fill_pypdfform, fill_qpdf

DPI = 72  # one pixel per point, so field rectangles map straight onto the image
#: A check box and a text box on page 1, both filled by the example record.
BOXES = ["applicant/is_commissioning_partner", "proposal_title", "applicant/organisation"]


def _render(pdf: Path, renderer: str, out: Path) -> Image.Image:
    if renderer == "pdftoppm":
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)], check=True
        )
        return Image.open(f"{out}.png").convert("L")
    subprocess.run(["mutool", "draw", "-q", "-r", str(DPI), "-o", f"{out}.png", str(pdf), "1"], check=True)
    return Image.open(f"{out}.png").convert("L")


def _dark_pixels(image: Image.Image, rect: list[float]) -> int:
    x0, y0, x1, y1 = (float(v) for v in rect)
    height = image.height
    crop = image.crop((int(x0) + 2, int(height - y1) + 2, int(x1) - 2, int(height - y0) - 2))
    return sum(crop.histogram()[:128])


def _rects(pdf: Path) -> dict[str, list[float]]:
    page = PdfReader(pdf).pages[0]
    return {str(a.get_object()["/T"]): a.get_object()["/Rect"] for a in page["/Annots"]}


@pytest.mark.parametrize("renderer", ["pdftoppm", "mutool"])
@pytest.mark.parametrize(
    "fill",
    [fill_pdftk, fill_pypdf, fill_qpdf, fill_own, fill_pypdfform],
    ids=["pdftk", "pypdf", "qpdf", "ours", "PyPDFForm"],
)
def test_ticks_and_text_are_visible(renderer: str, fill, tmp_path: Path) -> None:
    record = yaml.safe_load((EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml").read_text())
    blank = ROOT / "forms" / "growth-bid.pdf"
    filled = tmp_path / "filled.pdf"
    fill(blank, field_values(load_layout("growth-bid"), record), filled)
    rects = _rects(blank)
    before, after = _render(blank, renderer, tmp_path / "blank"), _render(filled, renderer, tmp_path / "filled")
    # PyPDFForm replaces a text field's /AP with a string: mupdf then draws no text (test_pdf_scripts).
    boxes = BOXES[:1] if fill is fill_pypdfform and renderer == "mutool" else BOXES
    for name in boxes:
        assert _dark_pixels(before, rects[name]) == 0, name
        assert _dark_pixels(after, rects[name]) > 5, f"{name} not visible with {renderer}"
