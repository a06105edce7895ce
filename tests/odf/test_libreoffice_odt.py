"""Forms saved as .odt by the LibreOffice 25.2 CI installs parse to the same record as the Word form.

One soffice call converts every file this module needs (``--convert-to odt``,
filter ``writer8``): each kind's sample record filled in, random records drawn
by Hypothesis, and forms whose tables have rows of plain cells (as LibreOffice's
Table > Insert > Rows Below makes them). LibreOffice writes each .odt itself.
"""

from __future__ import annotations

import copy
import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from lxml import etree

from generator.forms.layout import Question, layout_kinds, load_layout
from generator.ooxml.fill import display_text, fill_form
from generator.ooxml.namespaces import qn
from generator.records.schemas import schema_info
from generator.returns.parse import parse_bytes, parse_return

from ..conftest import ROOT, TODAY
from ..fixtures import make_lo74_returns as lo74
from ..fixtures.make_odt_returns import convert
from ..ooxml.strategies import records

KINDS = layout_kinds()
SAMPLES = {kind: name for name, (kind, _) in lo74.SOURCES.items()}
#: Random records per kind: each costs one conversion, all in the one soffice call.
EXAMPLES = 6


def _drawn(kind: str) -> list[dict[str, Any]]:
    """Records Hypothesis draws for a form, collected first so that one soffice call converts them all."""
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(records(load_layout(kind)))
    def collect(record: dict[str, Any]) -> None:
        found.append(record)

    collect()
    return found


# -- rows a bidder added: plain cells, no controls ---------------------------
def _typed_in_plain_cell(column: Question, value: Any) -> str:
    if column.widget == "checkbox":
        return "Yes" if value else ""
    return "" if value is None else display_text(column, value)


def _plain_row(template: etree._Element, table: Question, values: dict[str, Any]) -> etree._Element:
    """A copy of a table row with each control replaced by plain text, as a row inserted by hand holds."""
    row = copy.deepcopy(template)
    cells = [cell for cell in row if cell.tag == qn("w:tc")]
    for cell, column in zip(cells, table.columns, strict=True):
        for paragraph in cell.findall(qn("w:p")):
            cell.remove(paragraph)
        paragraph = etree.SubElement(cell, qn("w:p"))
        text = _typed_in_plain_cell(column, values.get(column.field.name))
        if text:
            etree.SubElement(etree.SubElement(paragraph, qn("w:r")), qn("w:t")).text = text
    return row


def _added_row(table: Question, number: int) -> dict[str, Any]:
    """An added row's answers, every column answered as a bidder would type it."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.widget == "checkbox":
            values[column.field.name] = True
        elif column.widget == "choice":
            values[column.field.name] = column.options[number % len(column.options)]
        elif column.widget == "number":
            values[column.field.name] = number + 1 if column.field.type == "integer" else float(number + 1)
        else:
            values[column.field.name] = f"Added {column.label.lower()} {number}"
    return values


def _with_plain_rows(kind: str) -> tuple[bytes, dict[str, Any]]:
    """The sample form with, in every table, a plain row between its filled rows, one after, and an empty one."""
    layout, source = load_layout(kind), copy.deepcopy(lo74.source_record(SAMPLES[kind]))
    data = lo74.filled(SAMPLES[kind])
    package = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(package.read("word/document.xml"))
    expected = copy.deepcopy(source)
    for table in (q for q in layout.questions() if q.columns):
        *parents, leaf = table.pointer.split("/")[1:]
        holder = expected
        for part in parents:
            holder = holder.setdefault(part, {})
        tag = table.columns[0].pointer
        rows = [tr for tr in root.iter(qn("w:tr")) if any(t.get(qn("w:val")) == tag for t in tr.iter(qn("w:tag")))]
        between, after = _added_row(table, 0), _added_row(table, 1)
        rows[0].addnext(_plain_row(rows[0], table, between))
        rows[-1].addnext(_plain_row(rows[-1], table, after))
        rows[-1].getnext().addnext(_plain_row(rows[-1], table, {}))  # all empty: ignored
        filled_rows = holder.get(leaf, [])
        holder[leaf] = [*filled_rows[:1], between, *filled_rows[1:], after]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in package.infolist():
            part = package.read(info.filename)
            if info.filename == "word/document.xml":
                part = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, part)
    return out.getvalue(), expected


@pytest.fixture(scope="module")
def drawn() -> dict[str, list[dict[str, Any]]]:
    return {kind: _drawn(kind) for kind in KINDS}


@pytest.fixture(scope="module")
def saved(
    tmp_path_factory: pytest.TempPathFactory, drawn: dict[str, list[dict[str, Any]]]
) -> dict[str, tuple[bytes, bytes]]:
    """file name -> (the .docx as filled, the .odt LibreOffice 25.2 saved from it)."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed for this test; CI installs it with .ci/install-system"
    forms = {f"sample-{kind}.docx": lo74.filled(SAMPLES[kind]) for kind in KINDS}
    forms |= {f"rows-{kind}.docx": _with_plain_rows(kind)[0] for kind in KINDS}
    blanks = {kind: (ROOT / "forms" / f"{kind}.docx").read_bytes() for kind in KINDS}
    for kind in KINDS:
        for index, record in enumerate(drawn[kind]):
            forms[f"drawn-{kind}-{index}.docx"] = fill_form(blanks[kind], load_layout(kind), record)
    odt = convert(soffice, forms, tmp_path_factory.mktemp("odt"))
    return {name: (forms[name], odt[name]) for name in forms}


@pytest.mark.parametrize("kind", KINDS)
def test_odt_saved_by_libreoffice_parses_to_the_same_record_as_the_docx(
    kind: str, saved: dict[str, tuple[bytes, bytes]]
) -> None:
    docx, odt = saved[f"sample-{kind}.docx"]
    assert odt[30:38] == b"mimetype" and b"application/vnd.oasis.opendocument.text" in odt[:100]
    as_docx, as_odt = parse_bytes(docx, f"{kind}.docx", today=TODAY), parse_bytes(odt, f"{kind}.odt", today=TODAY)
    assert as_docx.status == "valid", as_docx.errors
    assert (as_odt.status, as_odt.kind, as_odt.version) == ("valid", kind, as_docx.version), as_odt.errors
    assert as_odt.record == as_docx.record == lo74.source_record(SAMPLES[kind])
    assert (as_odt.warnings, as_odt.flags) == ([], {})


def test_libreoffice_keeps_tags_titles_and_the_forms_identity_in_odf(saved: dict[str, tuple[bytes, bytes]]) -> None:
    """What LibreOffice 25.2 really writes, which the reader relies on."""
    _, odt = saved["sample-growth-bid.docx"]
    package = zipfile.ZipFile(io.BytesIO(odt))
    meta, content = package.read("meta.xml").decode(), package.read("content.xml").decode()
    assert '<meta:user-defined meta:name="OOXMLCorePropertyIdentifier">growth-bid<' in meta
    version = schema_info("growth-bid").version  # the current form was filled and saved
    assert f'<meta:user-defined meta:name="OOXMLCorePropertyVersion">{version}<' in meta
    assert '<meta:user-defined meta:name="OOXMLCorePropertyCategory">commission-form<' in meta
    assert 'loext:alias="Organisation" loext:tag="/applicant/organisation"' in content
    assert 'loext:checkbox="true" loext:checked="true"' in content
    assert 'loext:date="true" loext:date-format="d MMMM yyyy"' in content
    assert 'loext:dropdown="true"' in content and "<loext:list-item " in content


def test_unanswered_box_shows_its_prompt_and_is_not_read_as_an_answer(saved: dict[str, tuple[bytes, bytes]]) -> None:
    _, odt = saved["sample-evaluation-report.docx"]
    phone = next(q for q in load_layout("evaluation-report").questions() if q.pointer == "/evaluator/phone")
    assert phone.placeholder.encode() in zipfile.ZipFile(io.BytesIO(odt)).read("content.xml")
    envelope = parse_bytes(odt, "evaluation-report.odt", today=TODAY)
    assert envelope.raw["/evaluator/phone"] == ""
    assert "phone" not in envelope.record["evaluator"]


@pytest.mark.parametrize("kind", KINDS)
def test_round_trip_holds_for_odt_on_random_records(
    kind: str, saved: dict[str, tuple[bytes, bytes]], drawn: dict[str, list[dict[str, Any]]]
) -> None:
    """Each record Hypothesis drew, filled, saved as .odt by LibreOffice, parses back to itself."""
    assert drawn[kind], "Hypothesis drew no records"
    differing = []
    for index, record in enumerate(drawn[kind]):
        _, odt = saved[f"drawn-{kind}-{index}.docx"]
        envelope = parse_bytes(odt, f"drawn-{kind}-{index}.odt", today=TODAY)
        assert envelope.status in ("valid", "invalid"), envelope.errors
        if envelope.record != record:
            differing.append((record, envelope.record))
    assert differing == []


@pytest.mark.parametrize("kind", KINDS)
def test_rows_added_as_plain_cells_are_read_in_order_and_flagged(
    kind: str, saved: dict[str, tuple[bytes, bytes]]
) -> None:
    _, odt = saved[f"rows-{kind}.docx"]
    _, expected = _with_plain_rows(kind)
    envelope = parse_bytes(odt, f"rows-{kind}.odt", today=TODAY)
    assert envelope.record == expected, envelope.errors
    # The flag names each plain row by its pointer in the raw answers (rows numbered as the file has them).
    flagged = envelope.flags["rows_without_controls"]
    warned = {w.path: w.message for w in envelope.warnings}
    for table in (q for q in load_layout(kind).questions() if q.columns):
        first = table.columns[0]
        typed = [envelope.raw[f"{row}/{first.field.name}"] for row in flagged if row.startswith(table.pointer + "/")]
        assert typed == [_typed_in_plain_cell(first, _added_row(table, n)[first.field.name]) for n in (0, 1)]
        assert warned[table.pointer].startswith("rows "), "both added rows are named, as the form numbers them"
        assert "were added without answer boxes" in warned[table.pointer]
        assert {w.field for w in envelope.warnings if w.path == table.pointer} == {f"{table.number} {table.label}"}


def test_same_odt_is_read_by_its_content_whatever_it_is_called(
    saved: dict[str, tuple[bytes, bytes]], tmp_path: Path
) -> None:
    docx, odt = saved["sample-growth-bid.docx"]
    (tmp_path / "bid.docx").write_bytes(odt)
    (tmp_path / "bid.odt").write_bytes(docx)
    first, second = parse_return(tmp_path / "bid.docx", today=TODAY), parse_return(tmp_path / "bid.odt", today=TODAY)
    assert first.record == second.record == lo74.source_record(SAMPLES["growth-bid"])
    assert [w.rule for w in first.warnings + second.warnings] == []
