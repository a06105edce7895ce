"""Returns re-saved by a real LibreOffice 7.4 parse, and lose only what LibreOffice 7.4 loses (issue 3).

The fixtures in ``tests/fixtures/returns/lo74/`` were made by
``tests/fixtures/make_lo74_returns.py``: our filler fills a blank form with a
source record, then LibreOffice 7.4.7.2 40(Build:2) (Debian 12's
4:7.4.7-1+deb12u14) re-saves it headless with
``--convert-to "docx:MS Word 2007 XML"``. CI never runs LibreOffice 7.4 for
these tests: the files are committed. They were made on the 1.0.0 forms
(``make_lo74_returns.MADE_ON``), so they also show that returns of an older
version, re-saved by LibreOffice, still read by their own version.

What LibreOffice 7.4.7.2 did to our forms, read from the files:

- every control's ``w:tag`` and ``w:lock`` is gone;
- the title (``w:alias``) is kept on plain-text controls and dropped on check
  boxes, date pickers and drop-downs (19 of the growth bid's 56 controls);
- ``w:showingPlcHdr`` is dropped from plain-text controls (kept on date and
  drop-down ones), so an unanswered text box holds its placeholder as plain text;
- a text control's line breaks are moved out of it, into a run of ``w:br``
  just before it in the same paragraph: the answer's lines run together with no
  space ("...within a year.We propose..."). How many breaks survives, where
  they were does not;
- values and control types survive: ``w:text`` (with ``w:multiLine``),
  ``w:date`` (with ``w:fullDate``, ``w:dateFormat``, ``w:lid``; its
  ``w:storeMappedDataAs`` and ``w:calendar`` are dropped), ``w:dropDownList``
  with its items, ``w14:checkbox`` with ``w14:checked`` (the glyphs' fonts
  are dropped); rows added to a table keep their cells and controls;
- core properties survive (``dc:identifier``, ``cp:version``,
  ``cp:category``, title, dates; ``dc:language`` is added); an empty
  ``docProps/custom.xml`` is added; ``docProps/app.xml`` names LibreOffice
  7.4.7.2; ``stylesWithEffects.xml``, ``webSettings.xml`` and the thumbnail
  are dropped.

So the record read back equals the source record with the line breaks of its
text answers removed, and the envelope says which answers ran together.
"""

from __future__ import annotations

import copy
import re
import zipfile
from typing import Any

import pytest

from generator.forms.layout import load_layout
from generator.ooxml.reader import form_signature
from generator.records.schemas import schema_info
from generator.returns.parse import Envelope, parse_bytes, parse_return

from .conftest import FIXTURES, TODAY
from .fixtures import make_lo74_returns as lo74

LO74 = FIXTURES / "returns" / "lo74"
TEXT = ("text", "textarea")


def _text_answers(kind: str, record: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str]]:
    """Every text answer in a record, by concrete JSON Pointer, as (the dict holding it, its key)."""
    found: dict[str, tuple[dict[str, Any], str]] = {}
    for question in load_layout(kind).questions():
        *parents, leaf = question.pointer.split("/")[1:]
        holder: Any = record
        for part in parents:
            holder = holder.get(part, {})
        if leaf not in holder:
            continue
        if question.widget in TEXT:
            found[question.pointer] = (holder, leaf)
        for index, row in enumerate(holder[leaf] if question.columns else []):
            for column in question.columns:
                if column.widget in TEXT and column.field.name in row:
                    found[f"{question.pointer}/{index}/{column.field.name}"] = (row, column.field.name)
    return found


def _multi_line(kind: str, record: dict[str, Any]) -> list[str]:
    return [pointer for pointer, (holder, key) in _text_answers(kind, record).items() if "\n" in holder[key]]


def _as_lo74_saves(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """The source record as LibreOffice 7.4 leaves it: every text answer's line breaks gone, lines run together."""
    saved = copy.deepcopy(record)
    for holder, key in _text_answers(kind, saved).values():
        holder[key] = holder[key].replace("\n", "")
    return saved


def other_than_older_version(envelope: Envelope) -> list[Any]:
    """The envelope's warnings but the one saying the fixture's version is older than the current form, checked."""
    current = schema_info(envelope.kind).version
    older = [w for w in envelope.warnings if w.rule == "older-version"]
    if current == lo74.MADE_ON:
        assert older == []
    else:
        [warning] = older
        assert f"version {lo74.MADE_ON} of the form, not the current {current}" in warning.message
    return [w for w in envelope.warnings if w.rule != "older-version"]


def test_the_fixtures_are_the_scripts_and_were_saved_by_libreoffice_74() -> None:
    assert sorted(p.name for p in LO74.iterdir()) == sorted([*lo74.SOURCES, "README.md"])
    for name in lo74.SOURCES:
        with zipfile.ZipFile(LO74 / name) as package:
            application = re.search(r"<Application>([^<]*)<", package.read("docProps/app.xml").decode()).group(1)
        assert application.startswith("LibreOffice/7.4.7.2$"), (name, application)


@pytest.mark.parametrize("name", list(lo74.SOURCES))
def test_source_record_survives_our_own_fill(name: str) -> None:
    """The record the fixture was made from reads back unchanged before LibreOffice touches it."""
    envelope = parse_bytes(lo74.filled(name, lo74.MADE_ON), name, today=TODAY)
    assert (envelope.status, envelope.record) == ("valid", lo74.source_record(name)), envelope.errors
    assert envelope.version == lo74.MADE_ON


@pytest.mark.parametrize("name", list(lo74.SOURCES))
def test_libreoffice_74_return_reads_back_all_but_its_line_breaks(name: str) -> None:
    kind, _ = lo74.SOURCES[name]
    source = lo74.source_record(name)
    before = parse_bytes(lo74.filled(name, lo74.MADE_ON), name, today=TODAY)
    envelope = parse_return(LO74 / name, today=TODAY)
    assert (envelope.status, envelope.kind, envelope.version) == ("valid", kind, before.version), envelope.errors
    assert envelope.version == lo74.MADE_ON, "read by the version it was made on"
    assert envelope.record == _as_lo74_saves(kind, source)
    warnings = other_than_older_version(envelope)
    # Every control lost its name and was matched by the question beside it.
    controls = len(form_signature(lo74.filled(name, lo74.MADE_ON))["controls"])
    assert envelope.flags["untagged_controls"] == controls
    assert warnings[0].message == f"{controls} answer boxes had lost their names; they were matched by label"
    # Exactly the answers that had line breaks ran together, and the envelope names each one.
    multi_line = _multi_line(kind, source)
    assert envelope.flags.get("lines_run_together", []) == multi_line
    assert [w.path for w in warnings[1:]] == multi_line
    assert all("lines have run together" in w.message for w in warnings[1:])


def test_the_loss_is_real_where_answers_had_line_breaks() -> None:
    """Growth bid and service specification have multi-line answers; the evaluation report has none."""
    lost = {
        lo74.SOURCES[name][0]: _multi_line(lo74.SOURCES[name][0], lo74.source_record(name)) for name in lo74.SOURCES
    }
    assert lost["growth-bid"][:2] == ["/summary", "/outcomes/3/description"]
    assert len(lost["growth-bid"]) == 5
    assert lost["service-specification"] == ["/overview", "/objectives", "/activities"]
    assert lost["evaluation-report"] == []
    summary = parse_return(LO74 / "lo74-resaved-growth-bid.docx", today=TODAY).record["summary"]
    assert "within a year.We propose" in summary


def test_growth_bid_keeps_boxes_dropdown_dates_money_and_added_rows() -> None:
    record = parse_return(LO74 / "lo74-resaved-growth-bid.docx", today=TODAY).record
    source = lo74.source_record("lo74-resaved-growth-bid.docx")
    assert record["districts"] == source["districts"] == ["Dartford", "Gravesham"]  # ten boxes left unticked
    assert [p["support_confirmed"] for p in record["supporting_partners"]] == [True, True, False]
    assert record["client_group"] == source["client_group"]
    assert (record["submission_date"], record["start_date"]) == (source["submission_date"], source["start_date"])
    assert record["annual_amount"] == source["annual_amount"]
    assert len(record["outcomes"]) == len(source["outcomes"]) == 7  # the blank form has 3 rows


def test_unanswered_text_box_is_empty_though_libreoffice_74_dropped_its_placeholder_flag() -> None:
    envelope = parse_return(LO74 / "lo74-resaved-evaluation-report.docx", today=TODAY)
    phone = next(q for q in load_layout("evaluation-report").questions() if q.pointer == "/evaluator/phone")
    assert envelope.raw["/evaluator/phone"] == phone.placeholder
    assert "phone" not in envelope.record["evaluator"]
