"""Combining several evaluators: middle answer, mean score, moderated override, flags."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.records.criteria import criteria_set
from generator.rounds.moderation import Thresholds, combine
from tests.round_builder import assessment

KENT = criteria_set("kent")


def test_one_evaluator_is_taken_as_it_is():
    view = combine([assessment("abcdfg", "e", "62.50")], KENT)
    assert view.criteria_met == 6
    assert view.answers["e"] == "partly met"
    assert view.weighted_score == Decimal("62.50")
    assert view.flags == ()
    assert view.rule == "one evaluator"


def test_with_three_evaluators_a_criterion_is_met_when_two_say_so():
    view = combine([assessment("ab"), assessment("a"), assessment("b")], KENT)
    assert view.answers["a"] == "met"
    assert view.answers["b"] == "met"
    assert view.criteria_met == 2


def test_with_two_evaluators_who_disagree_the_lower_answer_is_taken():
    view = combine([assessment("a", "b"), assessment("", "ab")], KENT)
    assert view.answers["a"] == "partly met"
    assert view.answers["b"] == "partly met"
    assert view.criteria_met == 0


def test_with_four_evaluators_split_two_and_two_a_criterion_is_not_met():
    view = combine([assessment("a"), assessment("a"), assessment("", "a"), assessment("")], KENT)
    assert view.answers["a"] == "partly met"
    assert view.criteria_met == 0


def test_weighted_score_is_the_mean_rounded_half_up():
    # (50.00 + 25.00 + 72.50) / 3 = 49.1666... -> 49.17; (10.01 + 10.00) / 2 = 10.005 -> 10.01
    assert combine([assessment(score=s) for s in ("50", "25", "72.50")], KENT).weighted_score == Decimal("49.17")
    assert combine([assessment(score=s) for s in ("10.01", "10.00")], KENT).weighted_score == Decimal("10.01")


def test_reports_without_weighted_scores_are_left_out_of_the_mean():
    view = combine([assessment(score="40"), assessment(), assessment(score="60")], KENT)
    assert view.weighted_score == Decimal("50.00")
    assert combine([assessment(), assessment()], KENT).weighted_score is None


def test_a_moderated_report_overrides_the_others():
    view = combine(
        [
            assessment("abcdefg", score="90", who="A"),
            assessment("fg", score="10", who="B"),
            assessment("adfg", score="37.50", moderated=True, who="M"),
        ],
        KENT,
    )
    assert view.criteria_met == 4
    assert view.weighted_score == Decimal("37.50")
    assert view.moderated_by is not None and view.moderated_by.evaluator == "M"
    assert view.flags == ()
    assert "moderated report by M" in view.rule


def test_two_moderated_reports_for_one_bid_are_refused():
    with pytest.raises(ValueError, match="only one moderated"):
        combine([assessment(moderated=True), assessment(moderated=True)], KENT)


def test_a_spread_of_scores_above_the_threshold_is_flagged_and_at_it_is_not():
    limits = Thresholds(criteria_met_spread=1, weighted_score_spread=Decimal(15))
    at = combine([assessment("fg", score="50"), assessment("fg", score="65")], KENT, limits)
    above = combine([assessment("fg", score="50"), assessment("fg", score="65.01")], KENT, limits)
    assert at.flags == ()
    assert above.flags == ("weighted scores range from 50 to 65.01, a spread of 15.01 points (more than 15)",)


def test_a_spread_of_criteria_met_above_the_threshold_is_flagged():
    limits = Thresholds(criteria_met_spread=1)
    assert combine([assessment("abfg"), assessment("afg")], KENT, limits).flags == ()
    flagged = combine([assessment("abcfg"), assessment("afg")], KENT, limits)
    assert flagged.flags == ("evaluators count from 3 to 5 criteria met, a spread of more than 1",)


def test_disagreement_on_a_criterion_that_decides_funding_is_always_flagged():
    view = combine([assessment("abcdefg"), assessment("abcdef")], KENT, Thresholds(criteria_met_spread=7))
    assert view.answers["g"] == "not met"
    assert view.flags == (
        "evaluators disagree on (g) Revenue funding identified, which decides whether the bid can be funded",
    )


def test_combining_nothing_is_a_programming_error():
    with pytest.raises(ValueError):
        combine([], KENT)
