"""Weighted scores out of 100 worked by hand, and scores that are not on the round's scale."""

from __future__ import annotations

import copy
from decimal import Decimal

from generator.records.loading import load_data_file
from generator.records.scoring import weighted_score
from generator.rounds.scale_check import report_scale, scale_issues
from tests.conftest import EXAMPLES

#: Where the shipped evaluation report keeps its scores, as the built-in round says.
REPORT = {"kind": "evaluation-report", "at": "/weighted_scores"}
DARTFORD = load_data_file(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml")


def scored(scale_max: int, **scores: int) -> dict:
    """A report with these weighted scores (``c1=3`` is criterion 1 scored 3)."""
    record = copy.deepcopy(DARTFORD)
    rows = [{"criterion": int(k[1:]), "score": v, "justification": "Because."} for k, v in scores.items()]
    record["weighted_scores"] = {"scale_max": scale_max, "scores": rows}
    return record


def test_the_dartford_example_scores_50_by_hand():
    # 1: 3/4 x 50 = 37.5; 3: 4/4 x 10 = 10; 7: 4/4 x 2.5 = 2.5; total 50.00
    assert weighted_score(DARTFORD) == Decimal("50.00")


def test_the_top_of_the_scale_everywhere_scores_100_on_either_scale():
    for top in (4, 5):
        assert weighted_score(scored(top, **{f"c{n}": top for n in range(1, 12)})) == 100


def test_on_the_1_to_5_scale_poor_still_earns_a_fifth_of_the_weight():
    # 1: 1/5 x 50 = 10; 2: 3/5 x 12.5 = 7.5
    assert weighted_score(scored(5, c1=1, c2=3)) == Decimal("17.50")


def test_unscored_criteria_add_nothing_and_the_total_rounds_half_up():
    # 2: 1/4 x 12.5 = 3.125 -> 3.13; with 11: 1/4 x 2.5 = 0.625, together 3.75 (rounded once)
    assert weighted_score(scored(4, c2=1)) == Decimal("3.13")
    assert weighted_score(scored(4, c2=1, c11=1)) == Decimal("3.75")


def test_a_report_without_weighted_scores_has_no_weighted_score():
    record = copy.deepcopy(DARTFORD)
    del record["weighted_scores"]
    assert weighted_score(record) is None
    assert scale_issues(record, report_scale(), **REPORT) == []


def test_the_herefordshire_set_scores_on_its_0_to_4_scale_unless_a_round_says_otherwise():
    assert report_scale().name == "herefordshire-0-4"
    assert report_scale("strong-poor-1-5").name == "strong-poor-1-5"


def test_a_report_scored_out_of_4_does_not_fit_a_1_to_5_round():
    issues = scale_issues(DARTFORD, report_scale("strong-poor-1-5"), **REPORT)
    assert [(i.path, i.field) for i in issues] == [("/weighted_scores/scale_max", "Top of the scoring scale")]
    assert "whose top is 5, not 4" in issues[0].message


def test_a_score_between_the_points_of_the_scale_is_named_with_its_row():
    record = copy.deepcopy(DARTFORD)
    record["weighted_scores"]["scores"][1]["score"] = 2.5
    issues = scale_issues(record, report_scale(), **REPORT)
    assert [i.path for i in issues] == ["/weighted_scores/scores/1/score"]
    assert issues[0].field == "Scores, row 2: Score"
    assert "2.5 is not a point of the scale 'herefordshire-0-4'; give one of 0 (No evidence)" in issues[0].message


def test_zero_is_not_a_point_of_the_1_to_5_scale():
    record = copy.deepcopy(DARTFORD)
    record["weighted_scores"] = {"scale_max": 5, "scores": [{"criterion": 1, "score": 0, "justification": "None."}]}
    issues = scale_issues(record, report_scale("strong-poor-1-5"), **REPORT)
    assert [i.path for i in issues] == ["/weighted_scores/scores/0/score"]
