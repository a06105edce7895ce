"""What two independent renderers draw in each field of a filled PDF: the ink, and the text it reads as.

poppler: ``pdftoppm`` rasterises (ink) and ``pdftocairo -pdf`` redraws the page,
appearance streams included, into a PDF whose text ``pdftotext`` reads back
inside each field's rectangle. mupdf: ``mutool draw`` does both. Reading the
redrawn page, not the field's /V, shows which glyphs were drawn: a .notdef
box, a replacement mark or a missing letter all read differently from the value.
"""

from __future__ import annotations

import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

RENDERERS = ("pdftoppm", "mutool")
_DPI = 72  # one pixel per point, so field rectangles map straight onto the image
_BIDI_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u200e\u200f"))


@dataclass(frozen=True)
class Seen:
    """One field as a renderer drew it."""

    text: str  # NFKC, so Arabic presentation forms read as the letters typed
    ink: int  # dark pixels inside the field, its border excluded


def _rects(pdf: Path) -> dict[str, tuple[int, tuple[float, ...], float]]:
    """Field name -> (page index, rectangle, page height)."""
    out = {}
    for index, page in enumerate(PdfReader(pdf).pages):
        height = float(page.mediabox.top)
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if "/T" in annot:
                out[str(annot["/T"])] = (index, tuple(float(v) for v in annot["/Rect"]), height)
    return out


def _redraw(pdf: Path, renderer: str, work: Path) -> Path:
    out = work / f"{renderer}.pdf"
    if renderer == "pdftoppm":
        command = ["pdftocairo", "-pdf", str(pdf), str(out)]
    else:
        command = ["mutool", "draw", "-q", "-F", "pdf", "-o", str(out), str(pdf)]
    subprocess.run(command, check=True, capture_output=True)
    return out


def _raster(pdf: Path, renderer: str, page: int, work: Path) -> Image.Image:
    stem = work / f"{renderer}-{page + 1}"
    if renderer == "pdftoppm":
        command = ["pdftoppm", "-r", str(_DPI), "-png", "-f", str(page + 1), "-l", str(page + 1), "-singlefile"]
        subprocess.run([*command, str(pdf), str(stem)], check=True, capture_output=True)
    else:
        subprocess.run(
            ["mutool", "draw", "-q", "-r", str(_DPI), "-o", f"{stem}.png", str(pdf), str(page + 1)],
            check=True,
            capture_output=True,
        )
    return Image.open(f"{stem}.png").convert("L")


def _text_in(pdf: Path, page: int, rect: tuple[float, ...], height: float) -> str:
    x0, y0, x1, y1 = (round(v) for v in rect)
    box = ["-x", str(x0 + 1), "-y", str(round(height) - y1 + 1), "-W", str(x1 - x0 - 2), "-H", str(y1 - y0 - 2)]
    command = ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), *box, str(pdf), "-"]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return unicodedata.normalize("NFKC", text.translate(_BIDI_MARKS)).strip()


def _ink(image: Image.Image, rect: tuple[float, ...]) -> int:
    x0, y0, x1, y1 = rect
    crop = image.crop((int(x0) + 2, int(image.height - y1) + 2, int(x1) - 2, int(image.height - y0) - 2))
    return sum(crop.histogram()[:128])


def seen(pdf: Path, renderer: str, names: list[str], work: Path) -> dict[str, Seen]:
    """How ``renderer`` draws each named field of ``pdf``."""
    work.mkdir(parents=True, exist_ok=True)
    rects = _rects(pdf)
    redrawn = _redraw(pdf, renderer, work)
    pages = {rects[name][0] for name in names}
    images = {page: _raster(pdf, renderer, page, work) for page in pages}
    out = {}
    for name in names:
        page, rect, height = rects[name]
        out[name] = Seen(_text_in(redrawn, page, rect, height), _ink(images[page], rect))
    return out
