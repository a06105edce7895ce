"""The criteria as data, and their agreement with the evaluation-report schema."""

from __future__ import annotations

from decimal import Decimal

from generator import schemas
from generator.criteria import criteria_set


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
