"""Forms saved as .odt by a real LibreOffice 7.4 parse, and lose only what LibreOffice 7.4 loses.

The fixtures in ``tests/fixtures/returns/lo74-odt/`` were made by
``tests/fixtures/make_odt_returns.py --soffice <LibreOffice 7.4>``: our filler
fills a blank form with the source record of the 7.4 DOCX fixtures, then
LibreOffice 7.4.7.2 40(Build:2) (Debian 12's 4:7.4.7-1+deb12u14) converts it
headless with ``--convert-to odt``. CI never runs LibreOffice 7.4: the files
are committed. They were made on the 1.0.0 forms (``make_lo74_returns.MADE_ON``),
so they are read as returns of that older version.

What LibreOffice 7.4.7.2 writes for our forms in ODF, read from the files:

- the form's kind, version and category survive in ``meta.xml`` as
  ``OOXMLCorePropertyIdentifier``/``Version``/``Category``;
- no box keeps its tag or title (``loext:tag``/``loext:alias``): every plain
  text control becomes a ``text:text-input`` field (37 of the growth bid's 56
  boxes), check boxes and date pickers stay ``loext:content-control`` with
  their ``loext:checked``/``loext:current-date``, and a drop-down stays a
  content control with its ``loext:list-item`` entries but loses
  ``loext:dropdown``;
- an unanswered text box holds its grey prompt as the field's text;
- as in its DOCX, a text answer's line breaks are moved out of the field into
  ``text:line-break`` elements in front of it: its lines run together;
- a cell that Word's grid made span two columns (the performance measures'
  target) is written as a cell with ``table:number-columns-spanned="2"`` and
  a ``table:covered-table-cell`` after it; so does 25.2.

So every box is matched by the label beside it or its column under the
table's header, and the record equals the source record with the line breaks
of its text answers removed; the envelope names each answer that ran together.
"""

from __future__ import annotations

import re
import zipfile

import pytest

from generator.forms.layout import load_layout
from generator.ooxml.reader import form_signature
from generator.returns.parse import parse_return

from ..conftest import FIXTURES, TODAY
from ..fixtures import make_lo74_returns as lo74
from ..fixtures import make_odt_returns as odt
from ..test_returns_lo74 import _as_lo74_saves, _multi_line, other_than_older_version

LO74_ODT = FIXTURES / "returns" / "lo74-odt"


def test_the_fixtures_are_the_scripts_and_were_saved_by_libreoffice_74() -> None:
    assert sorted(p.name for p in LO74_ODT.iterdir()) == sorted([*odt.SOURCES, "README.md"])
    for name in odt.SOURCES:
        with zipfile.ZipFile(LO74_ODT / name) as package:
            meta = package.read("meta.xml").decode()
        generator = re.search(r"<meta:generator>([^<]*)<", meta).group(1)
        assert generator.startswith("LibreOffice/7.4.7.2$"), (name, generator)


@pytest.mark.parametrize("name", list(odt.SOURCES))
def test_libreoffice_74_odt_reads_back_all_but_its_line_breaks(name: str) -> None:
    kind, source_name = odt.SOURCES[name]
    source = lo74.source_record(source_name)
    envelope = parse_return(LO74_ODT / name, today=TODAY)
    assert (envelope.status, envelope.kind, envelope.version) == ("valid", kind, lo74.MADE_ON), envelope.errors
    assert envelope.record == _as_lo74_saves(kind, source)
    warnings = other_than_older_version(envelope)
    # Every box lost its name and was matched by the question beside it or its column.
    boxes = len(form_signature(lo74.filled(source_name, lo74.MADE_ON))["controls"])
    assert envelope.flags["untagged_controls"] == boxes
    assert warnings[0].message == f"{boxes} answer boxes had lost their names; they were matched by label"
    # Exactly the answers that had line breaks ran together, and the envelope names each one.
    multi_line = _multi_line(kind, source)
    assert envelope.flags.get("lines_run_together", []) == multi_line
    assert [w.path for w in warnings[1:]] == multi_line
    assert all("lines have run together" in w.message for w in warnings[1:])


def test_what_libreoffice_74_writes_in_odf() -> None:
    with zipfile.ZipFile(LO74_ODT / "lo74-saved-growth-bid.odt") as package:
        content, meta = package.read("content.xml").decode(), package.read("meta.xml").decode()
    assert "loext:tag=" not in content and "loext:alias=" not in content
    assert content.count("<text:text-input ") == 37
    assert content.count('<loext:content-control loext:checkbox="true"') == 16
    assert content.count('<loext:content-control loext:date="true"') == 2
    assert "<loext:content-control><loext:list-item " in content
    assert '"OOXMLCorePropertyCategory">commission-form<' in meta


def test_growth_bid_keeps_boxes_dropdown_dates_money_and_added_rows() -> None:
    record = parse_return(LO74_ODT / "lo74-saved-growth-bid.odt", today=TODAY).record
    source = lo74.source_record("lo74-resaved-growth-bid.docx")
    assert record["districts"] == source["districts"] == ["Dartford", "Gravesham"]
    assert [p["support_confirmed"] for p in record["supporting_partners"]] == [True, True, False]
    assert record["client_group"] == source["client_group"]
    assert (record["submission_date"], record["start_date"]) == (source["submission_date"], source["start_date"])
    assert record["annual_amount"] == source["annual_amount"]
    assert len(record["outcomes"]) == 7
    assert "within a year.We propose" in record["summary"]


def test_service_specification_reads_the_spanned_target_column() -> None:
    record = parse_return(LO74_ODT / "lo74-saved-service-specification.odt", today=TODAY).record
    source = lo74.source_record("lo74-resaved-service-specification.docx")
    assert record["performance_measures"] == source["performance_measures"]


def test_unanswered_text_box_is_empty_though_libreoffice_74_typed_its_prompt_in() -> None:
    envelope = parse_return(LO74_ODT / "lo74-saved-evaluation-report.odt", today=TODAY)
    phone = next(q for q in load_layout("evaluation-report").questions() if q.pointer == "/evaluator/phone")
    assert envelope.raw["/evaluator/phone"] == phone.placeholder
    assert "phone" not in envelope.record["evaluator"]
