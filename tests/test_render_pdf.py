"""``commission render ... --pdf``: a tagged PDF/UA of the finished document, made by a real LibreOffice.

The PDF must be marked (``/MarkInfo /Marked true``), carry a structure tree a
screen reader follows, say its language (``/Lang en-GB``, from the styles) and
its title (the document's own name, from its core properties), and declare
PDF/UA in its XMP metadata. Without LibreOffice the command says what is
missing and exits 69 (EX_UNAVAILABLE), after writing the Word document.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest

from generator.cli import main
from generator.documents.render_context import document_title
from generator.records.errors import EXIT_UNAVAILABLE
from generator.records.loading import load_data_file
from tests.conftest import TODAY
from tests.test_render import EXAMPLE


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    assert shutil.which("soffice"), "LibreOffice (soffice) is needed for this test; CI installs it"
    folder = tmp_path_factory.mktemp("pdf")
    made = {}
    for kind, data in EXAMPLE.items():
        out = folder / f"{kind}.docx"
        code = main(["render", kind, str(data), "--out", str(out), "--pdf", "--today", TODAY.isoformat()])
        assert code == 0
        made[kind] = out.with_suffix(".pdf")
    return made


@pytest.mark.parametrize("kind", sorted(EXAMPLE))
def test_render_pdf_is_tagged_in_british_english_and_titled_with_the_documents_name(
    kind: str, pdfs: dict[str, Path]
) -> None:
    reader = pypdf.PdfReader(pdfs[kind])
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root and root["/StructTreeRoot"]["/K"]
    assert root["/Lang"] == "en-GB"
    title = document_title(load_data_file(EXAMPLE[kind]), kind)
    assert reader.metadata.title == title
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]), "viewers show the title, not the file name"
    xmp = reader.xmp_metadata
    assert xmp is not None and xmp.dc_title == {"x-default": title}
    assert b"pdfuaid:part" in root["/Metadata"].get_data(), "PDF/UA is declared"
    assert title.split(": ")[-1] in "".join(page.extract_text() for page in reader.pages)


def test_render_pdf_without_libreoffice_says_so_and_exits_69(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / "spec.docx"
    kind = "service-specification"
    code = main(["render", kind, str(EXAMPLE[kind]), "--out", str(out), "--pdf", "--today", TODAY.isoformat()])
    assert code == EXIT_UNAVAILABLE == 69
    said = capsys.readouterr()
    assert "LibreOffice is needed to make the PDF" in said.err + said.out
    assert out.is_file() and not out.with_suffix(".pdf").exists()
