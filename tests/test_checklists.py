"""Checklists, the risk log and the procurement guide as data, and their agreement with the schemas."""

from __future__ import annotations

import pytest

from generator.records import schemas
from generator.records.criteria import criteria_set
from generator.records.errors import CommissionError
from generator.site.checklists import _checklist, checklist, checklist_names
from generator.site.procurement import procurement_routes, procurement_steps
from generator.site.risk import risk_log


def test_the_four_checklists_are_there_in_order():
    assert checklist_names() == ["planning-questions", "brief-challenge", "compact-proofing", "equality-and-diversity"]


def test_planning_questions_are_ten_with_their_sub_questions():
    planning = checklist("planning-questions")
    assert [item.id for item in planning.top_level] == [str(n) for n in range(1, 11)]
    # Questions 7, 8 and 9 stand alone; the others have 3, 4, 4, 2, 4, 3 and 4 sub-questions.
    assert [len(item.sub) for item in planning.top_level] == [3, 4, 4, 2, 4, 3, 0, 0, 0, 4]
    assert all(sub.id.startswith(f"{item.id}.") for item in planning.top_level for sub in item.sub)


def test_brief_challenge_is_the_evaluations_thirteen_yes_no_questions():
    brief = checklist("brief-challenge")
    haringey = criteria_set("haringey")
    assert len(brief.top_level) == 13
    assert [(item.id, item.text) for item in brief.items()] == [(c.id, c.question) for c in haringey.criteria]
    assert brief.item_titles() == {c.id: c.title for c in haringey.criteria}
    assert all(item.text.endswith("?") for item in brief.top_level)


def test_compact_proofing_has_both_parts():
    compact = checklist("compact-proofing")
    assert [(group.title, len(group.items)) for group in compact.groups] == [
        ("Funding and procurement", 15),
        ("Contract management", 13),
    ]
    notice = [item.text for item in compact.items() if "3 months" in item.text]
    assert len(notice) == 2  # notice of changed funding, and of withdrawn funding


def test_equality_items_are_the_eight_schema_properties_in_order():
    equality = checklist("equality-and-diversity")
    block = schemas.schema_info("service-specification").contents["properties"]["equality_and_diversity"]
    assert [item.id for item in equality.items()] == list(block["properties"])
    assert list(block["properties"]) == block["required"]
    assert len(equality.top_level) == 8
    assert equality.item_titles()["complaints"] == block["properties"]["complaints"]["title"]


def test_a_checklist_bound_to_a_form_must_match_its_fields():
    body = {
        "title": "Equality",
        "intro": "Check it.",
        "source": "Somewhere",
        "form": {"kind": "service-specification", "pointer": "/equality_and_diversity"},
        "groups": [{"items": [{"id": "complaints", "text": "Complaints?"}]}],
    }
    with pytest.raises(CommissionError, match="must be the fields of /equality_and_diversity"):
        _checklist("equality", body, "checklists.yaml")


def test_repeated_item_ids_are_refused():
    body = {
        "title": "T",
        "intro": "I",
        "source": "S",
        "groups": [{"items": [{"id": "1", "text": "A"}, {"id": "1", "text": "B"}]}],
    }
    with pytest.raises(CommissionError, match="uses the item id 1 more than once"):
        _checklist("twice", body, "checklists.yaml")


def test_risk_score_is_probability_times_impact_with_a_rag_band():
    log = risk_log()
    assert [value for value, _ in log.scale] == [1, 2, 3, 4, 5]
    assert log.score(4, 4) == 16
    # Every example in the source log keeps its published score and colour.
    published = {"1.1": (10, "Amber"), "2.1": (16, "Red"), "3.1": (12, "Amber")}
    assert {e.id: (e.score, log.band(e.score).colour) for e in log.examples} == published
    # Every possible score falls in exactly one band, and the colours only go up.
    colours = [log.band(p * i).colour for p in range(1, 6) for i in range(1, 6)]
    assert set(colours) == {"Green", "Amber", "Red"}
    assert log.band(1).colour == "Green" and log.band(25).colour == "Red"


@pytest.mark.parametrize(("probability", "impact"), [(0, 3), (3, 6)])
def test_risk_scores_off_the_scale_are_refused(probability, impact):
    with pytest.raises(CommissionError, match="from 1 to 5"):
        risk_log().score(probability, impact)


def test_procurement_routes_are_the_choices_of_the_specification_form():
    spec = schemas.schema_info("service-specification").contents
    choices = spec["properties"]["terms"]["properties"]["procurement_route"]["enum"]
    assert [route.name for route in procurement_routes()] == choices


def test_procurement_guide_keeps_the_value_bands():
    bands = {route.name: route.amount for route in procurement_routes()}
    assert bands["Class I & II purchasing"] == "Less than £30,000 a year"
    assert bands["Restricted procurement process"] == "£30,000 to £50,000 a year"
    assert bands["Small grants"] == "Less than £5,000"
    assert bands["Grant-in-aid"] == "No limit"
    families = [route.family for route in procurement_routes()]
    assert families == ["Purchasing"] * 3 + ["Funding"] * 4


def test_there_are_eleven_procurement_steps_from_specification_to_monitoring():
    steps = procurement_steps()
    assert len(steps) == 11
    assert "specification" in steps[0] and "Monitor the contract" in steps[-1]
