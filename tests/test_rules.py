"""The business rules, one behaviour per test, at their boundaries."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from generator.records.loading import load_data_file
from generator.records.rules import rules_for
from generator.records.schemas import kinds
from generator.records.validation import validate_record
from tests.conftest import EXAMPLES, TODAY

BID = load_data_file(EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml")
REPORT = load_data_file(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml")


def _rules(record, kind="growth-bid", today=TODAY):
    return [(i.path, i.rule) for i in validate_record(record, kind, today=today) if "-" in i.rule]


def _bid(**changes):
    record = copy.deepcopy(BID)
    for dotted, value in changes.items():
        target = record
        *parents, leaf = dotted.split("__")
        for part in parents:
            target = target[part]
        if value is None:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return record


@pytest.mark.parametrize(
    ("weekly", "yearly", "ok"),
    [
        (4.5, 234, True),  # exactly 52 weeks
        (4.5, 229.5, True),  # 51 weeks: lowest accepted
        (4.5, 238.5, True),  # 53 weeks: highest accepted
        (4.5, 229.4, False),
        (4.5, 238.6, False),
        (10, 100, False),
    ],
)
def test_weekly_hours_times_52_must_agree_with_yearly_within_a_week(weekly, yearly, ok):
    record = _bid(support_hours={"per_week": weekly, "per_year": yearly})
    found = _rules(record)
    assert (found == []) is ok
    if not ok:
        assert found == [("/support_hours/per_year", "weekly-hours-match-yearly")]


def test_hours_rule_explains_the_arithmetic():
    [issue] = validate_record(_bid(support_hours={"per_week": 10, "per_year": 100}), "growth-bid", today=TODAY)
    assert "52 weeks would be 520" in issue.message
    assert "between 510 and 530" in issue.message


def test_hours_rule_stays_quiet_when_the_schema_already_objects():
    issues = validate_record(_bid(support_hours={"per_week": "four", "per_year": 100}), "growth-bid", today=TODAY)
    assert [i.rule for i in issues] == ["type"]


def test_start_date_on_the_submission_date_is_allowed():
    assert _rules(_bid(start_date="2026-08-14")) == []


def test_start_date_before_the_submission_date_is_refused():
    assert _rules(_bid(start_date="2026-08-13")) == [("/start_date", "start-not-before-submission")]


def test_without_a_submission_date_the_start_is_compared_with_today():
    record = _bid(submission_date=None, start_date="2026-07-31")
    issues = validate_record(record, "growth-bid", today=dt.date(2026, 8, 1))
    assert ("/start_date", "start-not-before-submission") in [(i.path, i.rule) for i in issues]
    assert "today" in next(i.message for i in issues if i.rule == "start-not-before-submission")
    later = validate_record(record, "growth-bid", today=dt.date(2026, 7, 31))
    assert "start-not-before-submission" not in [i.rule for i in later]


def test_a_bid_with_one_supporting_partner_is_still_valid():
    """Criterion (d) is for the evaluation to judge, not a validation error."""
    assert validate_record(_bid(supporting_partners=[{"organisation": "Kent Police"}]), "growth-bid", today=TODAY) == []


def test_criteria_met_must_count_the_met_answers():
    record = copy.deepcopy(REPORT)
    record["criteria_met"] = 5
    assert _rules(record, "evaluation-report") == [("/criteria_met", "criteria-met-matches-answers")]
    record["kent_criteria"]["a"]["answer"] = "partly met"
    assert _rules(record, "evaluation-report") == []


@pytest.mark.parametrize(("score", "ok"), [(0, True), (4, True), (4.5, False)])
def test_weighted_scores_must_sit_within_the_scale(score, ok):
    record = copy.deepcopy(REPORT)
    record["weighted_scores"]["scores"][0]["score"] = score
    found = _rules(record, "evaluation-report")
    assert (found == []) is ok


def test_negative_weighted_score_is_refused_by_the_schema():
    record = copy.deepcopy(REPORT)
    record["weighted_scores"]["scores"][0]["score"] = -1
    assert [(i.path, i.rule) for i in validate_record(record, "evaluation-report", today=TODAY)] == [
        ("/weighted_scores/scores/0/score", "minimum")
    ]


def test_each_weighted_criterion_is_scored_once():
    record = copy.deepcopy(REPORT)
    record["weighted_scores"]["scores"][1]["criterion"] = 1
    assert _rules(record, "evaluation-report") == [("/weighted_scores/scores/1/criterion", "weighted-scores-in-range")]


def test_every_rule_has_a_name_and_a_summary():
    for kind in kinds():
        for rule in rules_for(kind):
            assert rule.name and rule.summary.endswith(".")
    assert {r.name for r in rules_for("growth-bid")} == {"weekly-hours-match-yearly", "start-not-before-submission"}
