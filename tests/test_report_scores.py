"""Weighted scores out of 100, and scores that are not on the round's scale."""

from __future__ import annotations

import copy
from decimal import Decimal

from generator.criteria import criteria_set
from generator.loading import load_data_file
from generator.report_scores import report_scale, scale_issues, weighted_score, weighted_score_of_report
from tests.conftest import EXAMPLES

HEREFORDSHIRE = criteria_set("herefordshire")
DARTFORD = load_data_file(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml")


def test_the_dartford_example_scores_50_by_hand():
    # 1: 3/4 x 50 = 37.5; 3: 4/4 x 10 = 10; 7: 4/4 x 2.5 = 2.5; total 50.00
    assert weighted_score_of_report(DARTFORD, report_scale()) == Decimal("50.00")


def test_the_top_of_the_scale_everywhere_scores_100_on_either_scale():
    for name in ("herefordshire-0-4", "strong-poor-1-5"):
        scale = report_scale(name)
        assert weighted_score({c.id: scale.top for c in HEREFORDSHIRE.criteria}, scale, HEREFORDSHIRE) == 100


def test_unscored_criteria_add_nothing_and_totals_round_half_up():
    scale = report_scale("herefordshire-0-4")
    # 2: 1/4 x 12.5 = 3.125 -> 3.13; 11: 1/4 x 2.5 = 0.625; together 3.75
    assert weighted_score({"2": Decimal(1)}, scale, HEREFORDSHIRE) == Decimal("3.13")
    assert weighted_score({"2": Decimal(1), "11": Decimal(1)}, scale, HEREFORDSHIRE) == Decimal("3.75")
    assert weighted_score({}, scale, HEREFORDSHIRE) == Decimal("0.00")


def test_a_report_without_weighted_scores_has_no_weighted_score():
    record = copy.deepcopy(DARTFORD)
    del record["weighted_scores"]
    assert weighted_score_of_report(record, report_scale()) is None
    assert scale_issues(record, report_scale()) == []


def test_the_herefordshire_set_scores_on_its_0_to_4_scale_unless_a_round_says_otherwise():
    assert report_scale().name == "herefordshire-0-4"
    assert report_scale("strong-poor-1-5").name == "strong-poor-1-5"


def test_a_report_scored_out_of_4_does_not_fit_a_1_to_5_round():
    issues = scale_issues(DARTFORD, report_scale("strong-poor-1-5"))
    assert [(i.path, i.field) for i in issues] == [("/weighted_scores/scale_max", "Top of the scoring scale")]
    assert "whose top is 5, not 4" in issues[0].message


def test_a_score_between_the_points_of_the_scale_is_named_with_its_row():
    record = copy.deepcopy(DARTFORD)
    record["weighted_scores"]["scores"][1]["score"] = 2.5
    issues = scale_issues(record, report_scale())
    assert [i.path for i in issues] == ["/weighted_scores/scores/1/score"]
    assert issues[0].field == "Scores, row 2: Score"
    assert "2.5 is not a point of the scale 'herefordshire-0-4'; give one of 0 (No evidence)" in issues[0].message


def test_zero_is_not_a_point_of_the_1_to_5_scale():
    record = copy.deepcopy(DARTFORD)
    record["weighted_scores"] = {"scale_max": 5, "scores": [{"criterion": 1, "score": 0, "justification": "None."}]}
    issues = scale_issues(record, report_scale("strong-poor-1-5"))
    assert [i.path for i in issues] == ["/weighted_scores/scores/0/score"]
