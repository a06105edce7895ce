"""The one-line shortcut in reading what a field's appearance draws gives what the full reading gives, always.

``drawn_text._one_line`` reads the stream every filler writes for a one-line
answer without going through it token by token; it must agree with the full
reading on every appearance in the repository's PDFs, on returns filled by
each client, and on streams made to sit at its edges.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.forms.layout import layout_kinds, load_layout
from generator.pdf import drawn_text
from generator.pdf.drawn_text import DrawingTooLarge, FontCache, drawn_lines
from generator.pdf.guard import bounded
from generator.records.loading import load_data_file
from tests.pdf_clients import field_values, fill_own, fill_pdftk, fill_pypdf, fill_qpdf

ROOT = Path(__file__).resolve().parents[1]


def _both(appearance: Any, resources: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, bool]:
    """(shortcut's reading, full reading, whether the shortcut took it), each as lines, None or 'too large'."""

    def read() -> Any:
        fonts = FontCache()
        try:
            with bounded():
                return drawn_lines(appearance, resources, fonts), fonts.tokens_left
        except DrawingTooLarge:
            return "too large"
        except ValueError as exc:  # an operand that is no number (the reader refuses the file for it)
            return type(exc).__name__

    with bounded():
        took = drawn_text._one_line(drawn_text.stream_bytes(appearance)) is not None
    quick = read()
    with monkeypatch.context() as patch:
        patch.setattr(drawn_text, "_one_line", lambda data: None)
        full = read()
    return quick, full, took


def _appearances(pdf: pikepdf.Pdf) -> Iterator[tuple[Any, Any]]:
    acroform = pdf.Root.get("/AcroForm")
    if acroform is None:
        return
    resources = acroform.get("/DR")
    stack = list(acroform.get("/Fields", []))
    seen: set[tuple[int, int]] = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen:
            continue
        if node.objgen != (0, 0):
            seen.add(node.objgen)
        stack.extend(node.get("/Kids", []))
        normal = node.get("/AP", {}).get("/N") if isinstance(node.get("/AP"), pikepdf.Dictionary) else None
        if isinstance(normal, pikepdf.Stream):
            yield normal, resources


def _filled_returns(tmp_path: Path) -> Iterator[Path]:
    for kind in layout_kinds():
        for example in sorted((ROOT / "examples" / kind).glob("*.yaml"))[:2]:
            values = field_values(load_layout(kind), load_data_file(example))
            for fill in (fill_own, fill_pdftk, fill_pypdf, fill_qpdf):
                out = tmp_path / f"{kind}-{example.stem}-{fill.__name__}.pdf"
                fill(ROOT / "forms" / f"{kind}.pdf", values, out)
                yield out


def test_every_appearance_here_and_in_filled_returns_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [*sorted((ROOT / "tests" / "fixtures").rglob("*.pdf")), *_filled_returns(tmp_path)]
    compared = took = 0
    for path in files:
        try:
            pdf = pikepdf.open(path)
        except Exception:  # a damaged, hostile or password-protected fixture
            continue
        with pdf:
            try:
                found = list(_appearances(pdf))
            except (pikepdf.PdfError, RecursionError, ValueError):
                continue
            for appearance, resources in found:
                try:
                    quick, full, shortcut = _both(appearance, resources, monkeypatch)
                except Exception:
                    continue
                assert quick == full, (path.name, bytes(appearance.read_bytes()[:200]))
                compared += 1
                took += shortcut
    assert compared > 1000
    assert took > compared // 2, "most answers are drawn in the one-line shape"


_PIECES = st.sampled_from(
    [b"q", b"Q", b"0 g", b"1 0 0 1 2 37.68 Tm", b"2 4 Td", b"T*", b"/Tx BMC", b"EMC", b"1 1 493 47 re W n",
     b"0.5 w", b"3 Tr", b"/Fm0 Do", b"/F1 9 Tf", b"/Helv 12 Tf", b"/Missing 9 Tf", b"Tf", b"9 Tf", b"/A/B 9 Tf",
     b"ET", b"BT", b"(x) Tj", b"[(a) 5 (b)] TJ", b"(y) '", b"1.2.3", b"0g", b"5.", b"-.5", b"\x00", b"\x0b", b"%c\n",
     b"1 " * 1100, b"q " * 1100, b"BI /W 1 ID \x00\x01 EI"]
)  # fmt: skip
_SHOWN = st.one_of(
    st.binary(max_size=12).map(lambda data: b"<" + data.hex().encode() + b">"),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12).map(lambda t: b"(" + t.encode() + b")"),
)
_SPACE = st.sampled_from([b" ", b"\n", b"\r\n", b"  ", b"\t", b"\x00", b""])


@st.composite
def _streams(draw: st.DrawFn) -> bytes:
    def run() -> bytes:
        pieces = draw(st.lists(_PIECES, max_size=4))
        return b"".join(piece + draw(_SPACE) for piece in pieces)

    core = draw(st.sampled_from([b"/Helv 9 Tf", b"/F1 9 Tf", b"/Missing 9 Tf", b"/Helv 9 Tf 3 Tr", b""]))
    return (
        run() + b"BT" + draw(_SPACE) + run() + core + draw(_SPACE) + run() + draw(_SHOWN)
        + draw(_SPACE) + b"Tj" + draw(_SPACE) + b"ET" + draw(_SPACE) + run()
    )  # fmt: skip


def _page_resources(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    helvetica = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
                           Encoding=pikepdf.Name.WinAnsiEncoding)
    )  # fmt: skip
    type3 = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type3))
    inner = pdf.make_stream(b"BT /Helv 9 Tf (inner) Tj ET", Subtype=pikepdf.Name.Form, BBox=[0, 0, 10, 10])
    return pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helvetica, F1=type3), XObject=pikepdf.Dictionary(Fm0=inner))


@settings(max_examples=1500, deadline=None)
@given(_streams())
def test_made_streams_read_the_same_either_way(data: bytes) -> None:
    pdf = pikepdf.new()
    resources = _page_resources(pdf)
    appearance = pdf.make_stream(data, Subtype=pikepdf.Name.Form, BBox=[0, 0, 100, 20])
    with pytest.MonkeyPatch.context() as patch:
        quick, full, _ = _both(appearance, resources, patch)
    assert quick == full


def test_the_one_line_shape_is_taken_for_the_streams_fillers_write() -> None:
    pdftk = (
        b"q 0.94 0.94 0.96 rg 0 0 495.28 49.76 re f 0.45 0.45 0.45 RG 1 w 0.5 0.5 494.28 48.76 re S Q /Tx BMC q "
        b"1 1 493.28 47.76 re W n BT 1 0 0 1 2 37.68 Tm /DejaVuSans 9 Tf 0 g (Rebecca Stone)Tj 0 g ET Q EMC "
    )
    ours = b"/Tx BMC q\n1 1 493.28 47.77 re W n\nBT /DejaVuUni 9 Tf 0 g\n2 39.41 Td\n<00350048> Tj\nET Q EMC"
    assert drawn_text._one_line(pdftk) == drawn_text._OneLine("/DejaVuSans", b"Rebecca Stone", 54)
    assert drawn_text._one_line(ours) == drawn_text._OneLine("/DejaVuUni", b"\x00\x35\x00\x48", 24)
    for other in (b"BT /F 9 Tf (a) Tj ET BT (b) Tj ET", b"BT /F 9 Tf (a\\) b) Tj ET", b"BT /F 9 Tf 3 Tr (a) Tj ET"):
        assert drawn_text._one_line(other) is None
