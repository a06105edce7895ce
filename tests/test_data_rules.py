"""Rules as data (``records.data_rules``): each comparison at its boundaries, checked when loaded.

The rules are parsed against the shipped growth-bid and evaluation-report schemas,
whose fields they name; the records are plain dictionaries.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records.data_rules import OPERATORS, RuleContext, parse_rules
from generator.records.errors import CommissionError
from generator.records.loading import load_data_file
from generator.records.rules import rules_for
from generator.records.validation import validate_record
from tests.conftest import EXAMPLES, TODAY

BID = load_data_file(EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml")
REPORT = load_data_file(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml")
WHERE = "forms/test.yaml"


def _rule(kind: str = "growth-bid", **entry: Any):
    [rule] = parse_rules([{"name": "r", **entry}], kind, "1.1.0", WHERE)
    return rule


def _check(rule, record: dict[str, Any], kind: str = "growth-bid", today: dt.date = TODAY, refused=frozenset()):
    return list(rule.check(record, RuleContext(kind, today, None, frozenset(refused))))


def _compares(op: str, a: Decimal, b: Decimal, low: Decimal = Decimal(1), high: Decimal = Decimal(1)) -> bool:
    """The comparisons, said once more the plain way, for the property tests."""
    if op == "between":
        return min(b * low, b * high) <= a <= max(b * low, b * high)
    return {
        "before": a < b,
        "after": a > b,
        "at-most": a <= b,
        "at-least": a >= b,
        "equal": a == b,
    }[op]


NUMBERS = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(op=st.sampled_from([op for op in OPERATORS if op != "between"]), yearly=NUMBERS, weekly=NUMBERS)
def test_each_comparison_of_two_answers_holds_exactly_when_it_should(op: str, yearly: Decimal, weekly: Decimal):
    rule = _rule(when="/support_hours/per_year", **{"is": op}, than="/support_hours/per_week")
    record = {"support_hours": {"per_year": float(yearly), "per_week": float(weekly)}}
    found = _check(rule, record)
    assert (found == []) is _compares(op, yearly, weekly)
    if found:
        [issue] = found
        assert (issue.path, issue.rule, issue.value) == ("/support_hours/per_year", "r", float(yearly))


@settings(max_examples=200, deadline=None)
@given(
    yearly=NUMBERS,
    weekly=NUMBERS,
    factors=st.tuples(st.integers(0, 60), st.integers(0, 60)),
)
def test_between_accepts_the_range_times_gives_and_nothing_else(yearly, weekly, factors):
    rule = _rule(
        when="/support_hours/per_year", **{"is": "between"}, than="/support_hours/per_week", times=list(factors)
    )
    found = _check(rule, {"support_hours": {"per_year": float(yearly), "per_week": float(weekly)}})
    assert (found == []) is _compares("between", yearly, weekly, Decimal(factors[0]), Decimal(factors[1]))


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    since=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    op=st.sampled_from(["before", "after", "at-most", "at-least", "equal"]),
)
def test_dates_compare_as_days_whatever_their_spelling(start, since, op):
    rule = _rule(when="/start_date", **{"is": op}, than="/submission_date")
    found = _check(rule, {"start_date": start.isoformat(), "submission_date": since.isoformat()})
    holds = {"before": start < since, "after": start > since, "at-most": start <= since}
    holds |= {"at-least": start >= since, "equal": start == since}
    assert (found == []) is holds[op]


def test_the_first_than_that_can_be_read_is_used_and_today_last():
    rule = _rule(when="/start_date", **{"is": "at-least"}, than=["/submission_date", "today"])
    assert _check(rule, {"start_date": "2026-08-10", "submission_date": "2026-08-10"}) == []
    [issue] = _check(rule, {"start_date": "2026-08-09", "submission_date": "2026-08-10"})
    assert issue.message == "9 August 2026 is before “Date of submission” (10 August 2026)"
    [issue] = _check(rule, {"start_date": "2026-07-31", "submission_date": "next week"})
    assert issue.message == "31 July 2026 is before today (1 August 2026)"
    assert _check(rule, {"start_date": "2026-08-01"}) == []


def test_a_literal_than_and_a_single_times_scale_the_comparison():
    rule = _rule(when="/support_hours/per_year", **{"is": "at-most"}, than=100, times=2)
    assert _check(rule, {"support_hours": {"per_year": 200}}) == []
    [issue] = _check(rule, {"support_hours": {"per_year": 200.5}})
    assert issue.message == "200.5 is more than 2 times 100: 200"


def test_each_compares_every_row_and_reports_the_row():
    rule = _rule("evaluation-report", each="/weighted_scores/scores/*/score", **{"is": "at-most"}, than=3)
    record = {"weighted_scores": {"scores": [{"score": 3}, {"score": 3.5}, {"score": "high"}]}}
    [issue] = _check(rule, record, "evaluation-report")
    assert (issue.path, issue.field, issue.value) == ("/weighted_scores/scores/1/score", "Scores, row 2: Score", 3.5)


def test_a_star_in_than_is_the_same_row_as_the_answer():
    rule = _rule(
        "evaluation-report",
        each="/weighted_scores/scores/*/score",
        **{"is": "at-least"},
        than="/weighted_scores/scores/*/criterion",
    )
    record = {"weighted_scores": {"scores": [{"score": 3, "criterion": 2}, {"score": 1, "criterion": 2}]}}
    assert [i.path for i in _check(rule, record, "evaluation-report")] == ["/weighted_scores/scores/1/score"]


def test_sum_stays_quiet_unless_every_row_can_be_read():
    rule = _rule(
        "evaluation-report",
        sum="/weighted_scores/scores/*/score",
        **{"is": "at-most"},
        than="/weighted_scores/scale_max",
    )
    rows = [{"score": 2}, {"score": 3}]
    [issue] = _check(rule, {"weighted_scores": {"scale_max": 4, "scores": rows}}, "evaluation-report")
    assert (issue.path, issue.value) == ("/weighted_scores/scale_max", 4)
    assert _check(rule, {"weighted_scores": {"scale_max": 5, "scores": rows}}, "evaluation-report") == []
    rows.append({"score": "none"})
    assert _check(rule, {"weighted_scores": {"scale_max": 4, "scores": rows}}, "evaluation-report") == []
    assert _check(rule, {"weighted_scores": {"scale_max": 4}}, "evaluation-report") == []


def test_count_counts_the_named_entries_answering_the_value():
    rule = _rule("evaluation-report", count="/kent_criteria/*/answer", equals="met", matches="/criteria_met")
    answers = {"a": {"answer": "met"}, "b": {"answer": "partly met"}, "c": {"answer": "met"}}
    assert _check(rule, {"kent_criteria": answers, "criteria_met": 2}, "evaluation-report") == []
    [issue] = _check(rule, {"kent_criteria": answers, "criteria_met": 3}, "evaluation-report")
    assert issue.path == "/criteria_met"
    assert "(2: a, c)" in issue.message
    assert _check(rule, {"criteria_met": 3}, "evaluation-report") == []  # nothing to count: the schema's to report


def test_required_if_asks_for_the_answer_only_when_the_condition_holds():
    rule = _rule(required="/applicant/phone", **{"if": "/applicant/is_commissioning_partner"})
    assert _check(rule, {"applicant": {"is_commissioning_partner": False}}) == []
    assert _check(rule, {"applicant": {"is_commissioning_partner": True, "phone": "01622 221179"}}) == []
    [issue] = _check(rule, {"applicant": {"is_commissioning_partner": True, "phone": " "}})
    assert (issue.path, issue.value) == ("/applicant/phone", None)
    assert issue.message.startswith("this must be filled in, as “")


def test_required_may_ask_for_a_whole_table():
    rule = _rule(required="/supporting_partners", **{"if": "/applicant/is_commissioning_partner"})
    assert [
        i.path for i in _check(rule, {"applicant": {"is_commissioning_partner": True}, "supporting_partners": []})
    ] == ["/supporting_partners"]
    assert _check(rule, {"applicant": {"is_commissioning_partner": True}, "supporting_partners": [{"x": 1}]}) == []


def test_required_if_equals_holds_only_for_that_answer():
    rule = _rule(
        "evaluation-report", required="/kent_criteria/a/evidence", **{"if": "/kent_criteria/a/answer"}, equals="met"
    )
    assert _check(rule, {"kent_criteria": {"a": {"answer": "not met"}}}, "evaluation-report") == []
    [issue] = _check(rule, {"kent_criteria": {"a": {"answer": "met"}}}, "evaluation-report")
    assert issue.message.endswith("is answered “met”")


def test_unique_reports_each_repeat_against_the_first():
    rule = _rule("evaluation-report", unique="/weighted_scores/scores/*/criterion")
    scores = [{"criterion": 1}, {"criterion": 2}, {"criterion": 1}, {"criterion": 1}]
    found = _check(rule, {"weighted_scores": {"scores": scores}}, "evaluation-report")
    assert [i.path for i in found] == ["/weighted_scores/scores/2/criterion", "/weighted_scores/scores/3/criterion"]
    assert found[0].message == "1 is already given in row 1; give each answer once"


def test_an_answer_the_schema_refused_is_not_spoken_of_again():
    rule = _rule(when="/support_hours/per_year", **{"is": "at-most"}, than="/support_hours/per_week")
    record = {"support_hours": {"per_year": 9, "per_week": 1}}
    assert len(_check(rule, record)) == 1
    assert _check(rule, record, refused={"/support_hours/per_year"}) == []
    assert _check(rule, record, refused={"/support_hours/per_week"}) == []


def test_a_message_fills_in_what_the_check_found():
    rule = _rule(
        when="/support_hours/per_year",
        **{"is": "between"},
        than="/support_hours/per_week",
        times=[51, 53],
        message="{label}: {value} is not {low} to {high} (about {middle}) from {than} in {than_label}",
    )
    [issue] = _check(rule, {"support_hours": {"per_year": 1, "per_week": 2}})
    assert issue.message == (
        "Support hours per service user in a full year: 1 is not 102 to 106 (about 104) from 2 in "
        "“Support hours per service user per week”"
    )


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"when": "/start_date", "is": "after", "than": "/submission_date", "colour": "red"}, "unknown key colour"),
        ({"when": "/start_date", "is": "later", "than": "/submission_date"}, "'is: later' is not one of before, after"),
        (
            {"when": "/start_day", "is": "after", "than": "/submission_date"},
            "'/start_day' is not a field of the growth-bid",
        ),
        ({"when": "/start_date", "is": "after", "than": "/annual_amount"}, "cannot be compared"),
        ({"when": "/start_date", "is": "after", "than": 12}, "is not a date"),
        ({"when": "/annual_amount", "is": "after", "than": "today"}, "'today' can only be compared with a date"),
        ({"when": "/start_date", "is": "after", "than": "/submission_date", "times": 2}, "'times' scales numbers"),
        ({"when": "/annual_amount", "is": "between", "than": 5}, "needs 'times: [LOW, HIGH]'"),
        ({"when": "/annual_amount", "is": "at-most", "than": 5, "times": [1, 2]}, "is one number"),
        ({"when": "/proposal_title", "is": "after", "than": "x"}, "can only be 'is: equal'"),
        ({"when": "/outcomes/*/description", "is": "equal", "than": "x"}, "use 'each:'"),
        ({"each": "/proposal_title", "is": "equal", "than": "x"}, "use * for the rows"),
        ({"when": "/support_hours", "is": "equal", "than": 1}, "is a group of questions"),
        ({"sum": "/outcomes/*/description", "is": "at-most", "than": 1}, "not numbers"),
        ({"when": "/start_date", "is": "after"}, "needs 'than:'"),
        ({"when": "/start_date", "sum": "/outcomes/*/x", "is": "after"}, "exactly one of"),
        ({"is": "after"}, "exactly one of"),
        ({"when": "/start_date", "is": "after", "than": "today", "message": "{when}"}, "uses {when}"),
        ({"when": "/start_date", "is": "after", "than": "today", "message": "{oops"}, "stray brace"),
        ({"required": "/applicant/phone"}, "'if: POINTER'"),
        ({"when": "/start_date", "matches": "/submission_date", "is": "equal"}, "give one or the other"),
    ],
)
def test_a_wrong_rule_is_refused_naming_the_file_the_rule_and_the_problem(entry, problem):
    with pytest.raises(CommissionError) as caught:
        parse_rules([{"name": "my-rule", **entry}], "growth-bid", "1.1.0", WHERE)
    assert str(caught.value).startswith(f"{WHERE}, rule 'my-rule': ")
    assert problem in str(caught.value)


def test_a_count_equals_must_be_an_answer_the_field_can_give():
    with pytest.raises(CommissionError, match="'equals: Met' is not one of the answers it could be"):
        parse_rules(
            [{"name": "c", "count": "/kent_criteria/*/answer", "equals": "Met", "matches": "/criteria_met"}],
            "evaluation-report",
            "1.1.0",
            WHERE,
        )


def test_a_rule_without_a_name_is_named_by_its_place():
    with pytest.raises(CommissionError, match=r"^forms/test.yaml, rule 2: each rule is a mapping with a 'name'"):
        parse_rules(
            [{"name": "a", "unique": "/outcomes/*/description"}, {"unique": "/x"}], "growth-bid", "1.1.0", WHERE
        )
    with pytest.raises(CommissionError, match="'rules' is a list"):
        parse_rules({"name": "a"}, "growth-bid", "1.1.0", WHERE)


def test_the_current_layouts_say_the_shipped_rules_as_data_and_1_0_0_keeps_python_s():
    current = {(type(r).__name__, r.name) for r in rules_for("growth-bid")}
    assert current == {("DataRule", "weekly-hours-match-yearly"), ("DataRule", "start-not-before-submission")}
    old = {(type(r).__name__, r.name) for r in rules_for("growth-bid", "1.0.0")}
    assert old == {("BusinessRule", "weekly-hours-match-yearly"), ("BusinessRule", "start-not-before-submission")}
    # What data cannot say (a criterion of the Herefordshire set) stays Python, for every version.
    assert ("BusinessRule", "weighted-scores-in-range") in {
        (type(r).__name__, r.name) for r in rules_for("evaluation-report")
    }


def _rule_issues(record: dict[str, Any], kind: str, version: str | None, today: dt.date) -> list[tuple[str, str]]:
    names = {rule.name for rule in rules_for(kind, version)}
    return sorted(
        (i.path, i.rule) for i in validate_record(record, kind, version=version, today=today) if i.rule in names
    )


@settings(max_examples=60, deadline=None)
@given(
    weekly=st.decimals(min_value="0.5", max_value=168, places=1),
    weeks=st.decimals(min_value=45, max_value=60, places=1),
    start=st.dates(dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    submitted=st.one_of(st.none(), st.dates(dt.date(2026, 7, 1), dt.date(2026, 9, 30))),
)
def test_the_growth_bid_rules_as_data_find_what_the_python_ones_found(weekly, weeks, start, submitted):
    record = copy.deepcopy(BID)
    record["support_hours"] = {"per_week": float(weekly), "per_year": float(min(weekly * weeks, Decimal(8760)))}
    record["start_date"] = start.isoformat()
    if submitted is None:
        record.pop("submission_date")
    else:
        record["submission_date"] = submitted.isoformat()
    assert _rule_issues(record, "growth-bid", None, TODAY) == _rule_issues(record, "growth-bid", "1.0.0", TODAY)


@settings(max_examples=60, deadline=None)
@given(
    answers=st.lists(st.sampled_from(["met", "partly met", "not met"]), min_size=7, max_size=7),
    stated=st.integers(0, 7),
    scores=st.lists(st.tuples(st.integers(1, 11), st.sampled_from([0, 1, 2.5, 4, 4.5, 5])), min_size=1, max_size=6),
)
def test_the_evaluation_rules_as_data_find_what_the_python_ones_found(answers, stated, scores):
    record = copy.deepcopy(REPORT)
    for key, answer in zip("abcdefg", answers, strict=True):
        record["kent_criteria"][key]["answer"] = answer
    record["criteria_met"] = stated
    rows = [{"criterion": c, "score": s, "justification": "Because."} for c, s in scores]
    record["weighted_scores"]["scores"] = rows
    now = _rule_issues(record, "evaluation-report", None, TODAY)
    assert now == _rule_issues(record, "evaluation-report", "1.0.0", TODAY)
