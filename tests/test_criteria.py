"""The criteria as data, and their agreement with the evaluation-report schema."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.records import schemas
from generator.records.criteria import criteria_set, criteria_sets, scale, scales
from generator.records.errors import CommissionError


def test_herefordshire_weights_sum_to_exactly_100():
    weighted = criteria_set("herefordshire")
    assert len(weighted.criteria) == 11
    assert weighted.total_weight == Decimal(100)
    assert [c.weight for c in weighted.criteria][:5] == [
        Decimal(50),
        Decimal("12.5"),
        Decimal(10),
        Decimal("7.5"),
        Decimal(5),
    ]
    assert all(c.weight == Decimal("2.5") for c in weighted.criteria[5:])


def test_kent_criteria_a_to_g_match_the_evaluation_report_schema():
    kent = criteria_set("kent")
    assert kent.ids == list("abcdefg")
    report = schemas.schema_info("evaluation-report").contents
    assert list(report["properties"]["kent_criteria"]["properties"]) == kent.ids
    assert report["properties"]["criteria_met"]["maximum"] == len(kent.ids)
    assert [c.id for c in kent.criteria if c.blocks_funding] == ["f", "g"]


def test_weighted_criterion_numbers_match_the_schema_range():
    scores = schemas.schema_info("evaluation-report").contents["properties"]["weighted_scores"]
    item = scores["properties"]["scores"]["items"]["properties"]["criterion"]
    assert item["maximum"] == len(criteria_set("herefordshire").criteria)


def test_haringey_has_thirteen_yes_no_brief_challenge_questions():
    haringey = criteria_set("haringey")
    assert haringey.ids == [str(n) for n in range(1, 14)]
    assert haringey.answers == ("yes", "no")
    assert all(c.question.endswith("?") and c.weight is None for c in haringey.criteria)


def test_kent_answers_match_the_schema_answer_scale_best_first():
    enum = schemas.registry().contents("urn:commission:schema:defs:1.0.0")["$defs"]["criterion_answer"]["enum"]
    assert criteria_set("kent").answers == tuple(enum)


def test_scales_are_data_and_the_weighted_set_names_its_usual_one():
    assert criteria_set("herefordshire").scale == "herefordshire-0-4"
    four = scale("herefordshire-0-4")
    assert (four.bottom, four.top, four.label(Decimal(0))) == (0, 4, "No evidence")
    five = scale("strong-poor-1-5")
    assert (five.bottom, five.top, five.label(Decimal(5)), five.label(Decimal(1))) == (1, 5, "Strong", "Poor")
    assert scales() == ["herefordshire-0-4", "strong-poor-1-5"]
    assert criteria_sets() == ["kent", "herefordshire", "haringey"]


def test_an_unknown_scale_is_a_clear_error():
    with pytest.raises(CommissionError, match=r"no scoring scale called 'ten-point'.*known: herefordshire-0-4"):
        scale("ten-point")


def test_the_schema_words_each_kent_criterion_as_the_data_does():
    """The schema's titles and help come from data/criteria.yaml, so forms and documents agree."""
    properties = schemas.schema_info("evaluation-report").contents["properties"]["kent_criteria"]["properties"]
    for criterion in criteria_set("kent").criteria:
        assert properties[criterion.id]["title"] == f"({criterion.id}) {criterion.title}"
        assert properties[criterion.id]["description"] == criterion.question
