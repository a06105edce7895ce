"""A real client: LibreOffice opens every rendered document and prints it to PDF with the values in it."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest

from generator.documents.render import render_file, render_record, shipped_templates
from generator.documents.template_check import check_template
from generator.records.loading import load_data_file
from generator.records.schemas import schema_info
from tests.conftest import EXAMPLES, TODAY
from tests.test_render import EXAMPLE, HOSTILE, _texts

CONTROL = "tab\there, bell\x07, escape\x1b, null\x00 end"


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory) -> dict[str, str]:
    """Every example and one document full of hostile text, converted in one LibreOffice call."""
    folder = tmp_path_factory.mktemp("documents")
    for kind, data in EXAMPLE.items():
        assert render_file(kind, data, folder / f"{kind}.docx", today=TODAY).issues == []
    record = load_data_file(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml")
    record["recommendation_reason"] = "\n".join([*HOSTILE, CONTROL])
    record["bid"]["organisation"] = "Smith & Daughters <w:p> ]]> Ltd"
    hostile = render_record("evaluation-report", record, today=TODAY).document
    assert hostile is not None
    (folder / "hostile.docx").write_bytes(hostile)
    names = [*EXAMPLE, "hostile"]
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    converted = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(folder / f"{name}.docx") for name in names),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert converted.returncode == 0, converted.stderr
    texts = {}
    for name in names:
        pdf = folder / f"{name}.pdf"
        assert pdf.is_file(), f"LibreOffice did not convert {name}.docx: {converted.stdout} {converted.stderr}"
        result = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
        texts[name] = re.sub(r"\s+", " ", result.stdout)
    return texts


def test_service_specification_pdf_holds_the_key_values(pdf_text):
    text = pdf_text["service-specification"]
    for value in (
        "North Kent Floating Support for Care Leavers",
        "£68,500.00",
        "1 April 2027",
        "36 months",
        "Restricted procurement process",
        "Tenancies sustained at 12 months",
        "Equality and diversity requirements",
        "Hold a written equality and diversity policy, reviewed every two years.",
        f"Version {schema_info('service-specification').version}",
        "Issued 1 August 2026",
    ):
        assert value in text


def test_evaluation_report_pdf_holds_the_key_values(pdf_text):
    text = pdf_text["evaluation-report"]
    for value in (
        "GB-2026-003",
        "(a) Meets an unmet need",
        "Partly met",
        "6 of 7",
        "50.00",
        "Fund",
        "10 September 2026",
    ):
        assert value in text


def test_round_summary_pdf_holds_the_key_values(pdf_text):
    text = pdf_text["round-summary"]
    for value in (
        "£150,000.00",
        "£135,000.00",
        "£109,750.50",
        "£25,249.50",
        "24 September 2026",
        "Reserve",
        "GB-2026-005",
    ):
        assert value in text


def test_hostile_text_prints_literally_and_the_document_still_opens(pdf_text):
    text = pdf_text["hostile"]
    for value in HOSTILE:
        assert re.sub(r"\s+", " ", value) in text
    assert "Smith & Daughters <w:p> ]]> Ltd" in text
    assert "bell, escape, null end" in text
    assert "49" not in text


def test_templates_saved_again_by_libreoffice_still_check_and_render(tmp_path):
    """An officer's office suite rewrites the whole file; the tags and the schema id must survive it."""
    saved = tmp_path / "saved"
    profile = tmp_path / "libreoffice-profile"
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(saved),
            *(str(path) for path in shipped_templates().values()),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    key_value = {"service-specification": "£68,500.00", "evaluation-report": "6 of 7", "round-summary": "£109,750.50"}
    for kind, data in EXAMPLE.items():
        template = saved / f"{kind}.docx"
        assert template.read_bytes() != shipped_templates()[kind].read_bytes()
        report = check_template(template)
        assert (report.kind, report.problems) == (kind, ())
        document = render_record(template, load_data_file(data), today=TODAY).document
        assert document is not None
        assert key_value[kind] in _texts(document)
        with zipfile.ZipFile(io.BytesIO(document)) as archive:
            footers = [name for name in archive.namelist() if name.startswith("word/footer")]
        assert "Issued 1 August 2026" in " ".join(text for name in footers for text in _texts(document, name))
        version = f"Version {schema_info(kind).version}"  # the current schema's, which the templates are built for
        assert version in " ".join(text for name in footers for text in _texts(document, name))
