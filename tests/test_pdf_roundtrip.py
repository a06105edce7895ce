"""Property: fill the blank PDF form as a client does, parse it back, get the same record (every kind).

The records are the Word round trip's (tests/ooxml/strategies.py), with names in
other scripts mixed into the free text and tables as full as the PDF form allows.
The client is pypdf's writer or our own filler (pdftk and PyPDFForm start a
process or re-read the file, too slow for many examples; test_pdf_forms fills
with them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.forms.layout import layout_kinds, load_layout
from generator.returns.parse import parse_bytes
from tests.conftest import ROOT, TODAY
from tests.ooxml.strategies import free_text, records
from tests.pdf_clients import field_values, fill_own, fill_pypdf

_NAMES = st.sampled_from(
    ["Αθηνά Παπαδοπούλου", "Ольга Петрова", "Łukasz Wróbel", "Şule Ağaoğlu", "Nguyễn Thị Hương", "שרה כהן", "ليلى حسن"]
)


def _text(multiline: bool) -> st.SearchStrategy[str]:
    names = st.lists(_NAMES, min_size=1, max_size=4).map(("\n" if multiline else " ").join)
    return st.one_of(free_text(multiline), names, st.tuples(names, free_text(multiline)).map(" £".join))


@pytest.mark.parametrize("kind", layout_kinds())
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.large_base_example],
)
@given(data=st.data())
def test_fill_then_parse_gives_the_same_record(kind: str, data: st.DataObject, tmp_path_factory) -> None:
    layout = load_layout(kind)
    record: dict[str, Any] = data.draw(records(layout, text=_text, rows=lambda table: table.rows))
    fill = data.draw(st.sampled_from([fill_pypdf, fill_own]))
    out: Path = tmp_path_factory.mktemp("rt") / f"{kind}.pdf"
    fill(ROOT / "forms" / f"{kind}.pdf", field_values(layout, record), out)
    envelope = parse_bytes(out.read_bytes(), out.name, today=TODAY)
    assert envelope.status in ("valid", "invalid"), envelope.errors
    assert envelope.record == record
