"""The shipped templates: reproducible from the builder, in Word's own styles, with a footer."""

from __future__ import annotations

import zipfile

import docx
import pytest

from generator.documents.template_builder import BUILDERS, TEMPLATE_VERSION, build_all
from generator.records.schemas import schema_info
from tests.conftest import ROOT

TEMPLATES = ROOT / "templates"
NAMES = sorted(BUILDERS)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    build_all(folder)
    return folder


@pytest.mark.parametrize("name", NAMES)
def test_committed_template_equals_a_fresh_build(name, fresh):
    with zipfile.ZipFile(TEMPLATES / f"{name}.docx") as committed, zipfile.ZipFile(fresh / f"{name}.docx") as built:
        assert committed.namelist() == built.namelist()
        changed = [member for member in built.namelist() if committed.read(member) != built.read(member)]
    assert changed == [], f"run 'commission templates build' and commit templates/{name}.docx"


def test_only_built_templates_are_shipped():
    assert sorted(path.stem for path in TEMPLATES.glob("*.docx")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_template_uses_named_word_styles_for_headings_tables_and_lists(name):
    document = docx.Document(str(TEMPLATES / f"{name}.docx"))
    styles = {paragraph.style.name for paragraph in document.paragraphs}
    assert {"Title", "Heading 1"} <= styles
    assert {table.style.name for table in document.tables} <= {"Table Grid"}  # a letter has no table
    cell_styles = {
        p.style.name for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs
    }
    if name == "service-specification":  # objectives, activities and client groups are lists
        assert "List Bullet" in styles | cell_styles
    direct = [run.text for p in document.paragraphs for run in p.runs if run.font.name or run.font.size or run.bold]
    assert direct == [], "no direct formatting: officers restyle through styles"


@pytest.mark.parametrize("name", NAMES)
def test_footer_carries_title_version_and_date_and_properties_name_the_schema(name):
    document = docx.Document(str(TEMPLATES / f"{name}.docx"))
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.style.name == "Footer"
    for tag in ("{{ document.title }}", "{{ document.version }}", "{{ document.issued|long_date }}"):
        assert tag in footer.text
    properties = document.core_properties
    assert properties.identifier == schema_info(name).id
    assert properties.version == TEMPLATE_VERSION


def test_service_specification_has_the_wolverhampton_sections_in_order():
    # Appendix 1 of the Wolverhampton framework, in its order.
    sections = [
        "Service name",
        "Statement of purpose",
        "Overview",
        "Service objectives",
        "Description of service",
        "Service activities",
        "Service outcomes",
        "Location",
        "Cost",
        "Performance measures",
        "Performance monitoring",
        "Outline terms and conditions and length of contract",
    ]
    document = docx.Document(str(TEMPLATES / "service-specification.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert [h for h in headings if h in sections] == sections
    assert "Equality and diversity requirements" in headings
