"""Property: any text typed into the PDF form comes back as typed (pypdf's writer as the client)."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import coerce
from generator.layout import load_layout
from generator.returns import parse_bytes
from tests.conftest import EXAMPLES, ROOT, TODAY
from tests.pdf_clients import field_values, fill_pypdf

# Latin-1 letters, digits, punctuation, £ and newlines: what the field font can show.
_TEXT = (
    st.text(
        st.characters(min_codepoint=32, max_codepoint=255, blacklist_categories=("Cc", "Zs")) | st.sampled_from(" £\n"),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(organisation=_TEXT, summary=_TEXT, partner=st.booleans(), districts=st.sets(st.integers(0, 11), min_size=1))
def test_pdf_round_trip(tmp_path_factory, organisation: str, summary: str, partner: bool, districts: set[int]) -> None:
    layout = load_layout("growth-bid")
    record = yaml.safe_load((EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml").read_text())
    record["applicant"]["organisation"] = organisation
    record["summary"] = summary
    record["applicant"]["is_commissioning_partner"] = partner
    options = next(q.options for q in layout.questions() if q.pointer == "/districts")
    record["districts"] = [options[i] for i in sorted(districts)]
    out: Path = tmp_path_factory.mktemp("rt") / "filled.pdf"
    fill_pypdf(ROOT / "forms" / "growth-bid.pdf", field_values(layout, record), out)
    envelope = parse_bytes(out.read_bytes(), out.name, today=TODAY)
    assert envelope.record["applicant"]["organisation"] == coerce.to_text(
        organisation
    )  # the cleaning Word returns get too
    assert envelope.record["summary"] == coerce.to_text(summary)
    assert envelope.record["applicant"].get("is_commissioning_partner", False) is partner
    assert envelope.record["districts"] == record["districts"]
