"""The core promise: build the blank form, fill it as Word does, parse it back, get the same record."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.forms.layout import layout_kinds, load_layout
from generator.ooxml.fill import fill_form
from generator.returns.parse import parse_bytes

from ..conftest import ROOT
from .strategies import records

BLANKS = {kind: (ROOT / "forms" / f"{kind}.docx").read_bytes() for kind in layout_kinds()}


@pytest.mark.parametrize("kind", layout_kinds())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(data=st.data())
def test_fill_then_parse_gives_the_same_record(kind: str, data: st.DataObject) -> None:
    layout = load_layout(kind)
    record: dict[str, Any] = data.draw(records(layout))
    envelope = parse_bytes(fill_form(BLANKS[kind], layout, record), f"{kind}.docx")
    assert envelope.status in ("valid", "invalid"), envelope.errors
    assert envelope.record == record
