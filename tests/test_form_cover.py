"""A blank form says whose it is, where and by when to send it, in the project's colours and with its logo.

Everything comes from the project's ``commission.yaml``: a copy of the
built-in project is given another partnership, address, closing date, colour
and logo, and its forms are built and read back as a bidder and a screen
reader would meet them (python-docx, pdftotext, pikepdf's structure tree).
"""

from __future__ import annotations

import io
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pdfua
import pikepdf
import pytest
from PIL import Image

from generator.cli import main
from generator.forms.build import CoverWarning, build_forms
from generator.forms.cover import LOGO_MAX_PIXELS, form_cover
from generator.forms.layout import layout_kinds, load_layout
from generator.ooxml.fill import fill_form
from generator.projects.switch import switch_project
from generator.records.contrast import contrast
from generator.returns.parse import parse_return

from .conftest import ROOT
from .pdfua_checks import check_pdf

NAME = "Wyre Forest Health and Care Partnership"
EMAIL = "bids@wyreforest.example.gov.uk"
ADDRESS = "Civic Centre, Stourport DY13 8UJ"
ASK = "grants.team@wyreforest.example.gov.uk"
COLOUR = "#7a1f4e"  # 9.6:1 on white
FAINT = "#ffd700"  # gold, 1.4:1 on white


def _png(width: int, height: int) -> bytes:
    """A small real PNG: ``width`` by ``height`` pixels of one colour."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x7a\x1f\x4e" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _settings(
    folder: Path, colour: str = COLOUR, logo: str | None = "site/assets/logo.png", accent: str = COLOUR
) -> None:
    (folder / "site" / "assets").mkdir(parents=True, exist_ok=True)
    (folder / "site" / "assets" / "logo.png").write_bytes(_png(120, 40))
    (folder / "commission.yaml").write_text(
        "\n".join(
            [
                f"partnership: {NAME}",
                f"contact: {{name: Grants team, email: {ASK}}}",
                f'returns: {{email: {EMAIL}, address: "{ADDRESS}"}}',
                "closing_date: 2027-08-14",
                f'colours: {{primary: "{colour}", accent: "{accent}"}}',
                *([f"logo: {logo}"] if logo else []),
                "",
            ]
        ),
        encoding="utf-8",
    )
    switch_project(folder)


def _docx_text(path: Path) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(str(path)).paragraphs)


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def test_a_projects_forms_carry_its_name_address_closing_date_colour_and_logo(shipped_copy: Path, tmp_path: Path):
    _settings(shipped_copy)
    out = tmp_path / "built"
    build_forms(out)
    for kind in layout_kinds():
        said = _docx_text(out / f"{kind}.docx")
        assert NAME in said and EMAIL in said and ADDRESS in said and "14 August 2027" in said and ASK in said
        assert "kent.example.gov.uk" not in said and "31 August 2026" not in said  # the project's, not Kent's
        shown = _pdf_text(out / f"{kind}.pdf")
        for text in (NAME, EMAIL, "14 August 2027", ASK):
            assert text in shown, (kind, text)

    document = docx.Document(str(out / "growth-bid.docx"))
    assert str(document.styles["Title"].font.color.rgb) == COLOUR[1:].upper()
    assert str(document.styles["Heading 1"].font.color.rgb) == COLOUR[1:].upper()
    with zipfile.ZipFile(out / "growth-bid.docx") as package:
        body = package.read("word/document.xml").decode()
        images = [name for name in package.namelist() if name.startswith("word/media/")]
    assert len(images) == 1 and package.getinfo(images[0]).file_size > 0
    assert f'descr="{NAME}"' in body  # the picture's alternative text

    with pikepdf.open(out / "growth-bid.pdf") as pdf:
        figures = [e for e in _elements(pdf.Root.StructTreeRoot) if e.get("/S") == pikepdf.Name.Figure]
        assert [str(figure.Alt) for figure in figures] == [NAME]
        images = [x for x in pdf.pages[0].get_images().values()]
        assert len(images) == 1 and (images[0].Width, images[0].Height) == (120, 40)
        fills = [
            tuple(round(float(value) * 255) for value in instruction.operands)
            for instruction in pikepdf.parse_content_stream(pdf.pages[0])
            if str(instruction.operator) == "rg"
        ]
    assert (0x7A, 0x1F, 0x4E) in fills  # the title, headings and the partnership's name in the project's colour
    assert check_pdf(out / "growth-bid.pdf") == []
    report = pdfua.validate(str(out / "growth-bid.pdf"))  # a second opinion, as tests/test_pdf_ua.py asks
    assert report.exit_code == 0 and not report.findings, report.findings


def _elements(node: pikepdf.Object):  # type: ignore[no-untyped-def]
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != pikepdf.Name.MCR and "/S" in kid:
            yield kid
            yield from _elements(kid)


def test_a_return_of_a_form_with_a_cover_reads_only_its_answers(shipped_copy: Path, tmp_path: Path):
    _settings(shipped_copy)
    build_forms(tmp_path, ["growth-bid"])
    blank = parse_return(tmp_path / "growth-bid.docx")
    assert blank.kind == "growth-bid" and all(value in ("", False, []) for value in blank.raw.values())
    assert not any(NAME in str(issue) or EMAIL in str(issue) for issue in [*blank.errors, *blank.warnings])
    record = {"proposal_title": "Night shelter", "applicant": {"organisation": "Stourport Churches"}}
    filled = tmp_path / "filled.docx"
    filled.write_bytes(fill_form((tmp_path / "growth-bid.docx").read_bytes(), load_layout("growth-bid"), record))
    read = parse_return(filled)
    assert read.raw["/proposal_title"] == "Night shelter"
    assert read.raw["/applicant/organisation"] == "Stourport Churches"
    assert not any(NAME in str(value) or EMAIL in str(value) for value in read.raw.values())
    pdf = parse_return(tmp_path / "growth-bid.pdf")
    assert pdf.kind == "growth-bid" and all(value in ("", False, None, []) for value in pdf.raw.values())


def test_a_colour_that_fails_contrast_falls_back_with_a_warning(shipped_copy: Path, tmp_path: Path, capsys):
    _settings(shipped_copy, colour=FAINT, logo=None)
    cover = form_cover()
    assert contrast(FAINT) < 4.5 and contrast(cover.heading_colour) >= 4.5
    with pytest.warns(CoverWarning, match=r"colours, primary: #ffd700 gives only 1\.4:1 against white"):
        build_forms(tmp_path / "warned", ["growth-bid"])
    document = docx.Document(str(tmp_path / "warned" / "growth-bid.docx"))
    assert str(document.styles["Heading 1"].font.color.rgb) == cover.heading_colour != FAINT[1:].upper()
    capsys.readouterr()
    assert main(["forms", "build", "--kind", "growth-bid", "--out", str(tmp_path / "cli")]) == 0
    said = capsys.readouterr().err
    assert "Warning:" in said and "#ffd700" in said and "choose a darker colour" in said


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "is not a PNG or JPEG image"),
        ("huge.png", _png(1001, 1000), f"at most {LOGO_MAX_PIXELS:,} pixels"),
    ],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_left_off_with_a_warning(
    shipped_copy: Path, tmp_path: Path, name: str, data: bytes, problem: str
):
    _settings(shipped_copy, logo=f"site/assets/{name}")
    (shipped_copy / "site" / "assets" / name).write_bytes(data)
    switch_project(shipped_copy)
    with pytest.warns(CoverWarning, match=problem):
        build_forms(tmp_path, ["growth-bid"])
    with zipfile.ZipFile(tmp_path / "growth-bid.docx") as package:
        assert not [n for n in package.namelist() if n.startswith("word/media/")]
    assert NAME in _docx_text(tmp_path / "growth-bid.docx")


def test_a_jpeg_logo_is_read_by_its_header(shipped_copy: Path, tmp_path: Path):
    buffer = io.BytesIO()
    Image.new("RGB", (90, 30), (122, 31, 78)).save(buffer, "JPEG")
    _settings(shipped_copy, logo="site/assets/logo.jpg")
    (shipped_copy / "site" / "assets" / "logo.jpg").write_bytes(buffer.getvalue())
    switch_project(shipped_copy)
    logo = form_cover().logo
    assert logo is not None and (logo.format, logo.width, logo.height) == ("jpeg", 90, 30)
    build_forms(tmp_path, ["growth-bid"])
    with pikepdf.open(tmp_path / "growth-bid.pdf") as pdf:
        assert [(i.Width, i.Height) for i in pdf.pages[0].get_images().values()] == [(90, 30)]


def test_the_shipped_forms_carry_the_built_in_projects_cover():
    cover = form_cover()
    for kind in layout_kinds():
        shipped = _docx_text(ROOT / "forms" / f"{kind}.docx")
        assert cover.partnership in shipped and cover.send in shipped and cover.ask in shipped
        assert cover.send in _pdf_text(ROOT / "forms" / f"{kind}.pdf")


def test_libreoffice_keeps_the_logos_alternative_text_and_its_saves_read_only_the_answers(
    shipped_copy: Path, tmp_path: Path
):
    """A bidder's LibreOffice re-saves the form (as .odt, or as .docx): the cover is still no answer."""
    _settings(shipped_copy)
    build_forms(tmp_path, ["growth-bid"])
    record = {"proposal_title": "Night shelter", "applicant": {"organisation": "Stourport Churches"}}
    filled = tmp_path / "filled.docx"
    filled.write_bytes(fill_form((tmp_path / "growth-bid.docx").read_bytes(), load_layout("growth-bid"), record))
    for target, suffix in (("odt", ".odt"), ("docx:MS Word 2007 XML", ".docx")):
        saved = tmp_path / target.split(":")[0]
        done = subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(saved),
                str(filled),
            ],
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        read = parse_return(saved / f"filled{suffix}")
        assert read.kind == "growth-bid", read.errors
        assert read.raw["/proposal_title"] == "Night shelter"
        assert read.raw["/applicant/organisation"] == "Stourport Churches"
        assert not any(NAME in str(value) or EMAIL in str(value) for value in read.raw.values())
        if suffix == ".docx":
            with zipfile.ZipFile(saved / "filled.docx") as package:
                assert f'descr="{NAME}"' in package.read("word/document.xml").decode()
