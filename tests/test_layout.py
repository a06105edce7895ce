"""Form layouts agree with their schemas: every field asked once, nothing invented."""

from __future__ import annotations

import pytest

from generator.forms.layout import WIDGETS, layout_kinds, load_layout
from generator.records.schemas import fields, kinds
from generator.returns.parse import record_from_answers

KINDS = layout_kinds()


def test_every_layout_is_of_a_kind_the_schemas_define():
    assert KINDS and set(KINDS) <= set(kinds())


@pytest.mark.parametrize("kind", KINDS)
def test_every_answerable_field_is_asked_exactly_once(kind):
    layout = load_layout(kind)
    asked = [box.pointer for box in layout.answer_boxes()]
    assert len(asked) == len(set(asked))
    tables = {q.pointer for q in layout.questions() if q.widget == "table"}
    leaves = {
        spec.pointer
        for spec in fields(kind)
        if spec.type != "object" and not spec.is_choice and not (spec.type == "array" and spec.pointer in tables)
    }
    assert set(asked) == leaves


@pytest.mark.parametrize("kind", KINDS)
def test_labels_and_help_come_from_the_schema(kind):
    for box in load_layout(kind).answer_boxes():
        assert box.label.endswith(box.field.title)
        assert box.help == box.field.description
        assert box.widget in WIDGETS
        assert box.placeholder


def test_growth_bid_widgets_follow_the_schema():
    widgets = {box.pointer: box.widget for box in load_layout("growth-bid").answer_boxes()}
    assert widgets["/annual_amount"] == "money"
    assert widgets["/start_date"] == "date"
    assert widgets["/client_group"] == "choice"
    assert widgets["/districts"] == "checkboxes"
    assert widgets["/applicant/is_commissioning_partner"] == "checkbox"
    assert widgets["/summary"] == "textarea"
    assert widgets["/outcomes/*/description"] == "textarea"


def test_record_from_raw_answers_coerces_and_drops_placeholders_and_empty_rows():
    layout = load_layout("growth-bid")
    placeholder = next(b.placeholder for b in layout.answer_boxes() if b.pointer == "/outcomes/*/description")
    record = record_from_answers(
        layout,
        {
            "/applicant/organisation": "Dartford Borough Council",
            "/annual_amount": "£12,500",
            "/start_date": "1 April 2027",
            "/outcomes/0/description": "Keep a tenancy",
            "/outcomes/1/description": placeholder,
            "/outcomes/2/description": "Find work",
            "/supporting_partners/0/support_confirmed": False,
        },
    )
    assert record == {
        "applicant": {"organisation": "Dartford Borough Council"},
        "annual_amount": 12500.0,
        "start_date": "2027-04-01",
        "outcomes": [{"description": "Keep a tenancy"}, {"description": "Find work"}],
    }
