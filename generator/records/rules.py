"""Business rules in Python: checks that a layout's ``rules:`` list cannot say, reported like schema errors.

Most rules are data (``records.data_rules``: the ``rules:`` at the end of a
kind's layout); :func:`rules_for` gives a kind's rules, the layout's first. A
Python rule is for what data cannot say, such as "a criterion of the
Herefordshire set", which needs the criteria data. Each is a named function of
the record that yields issues; a record with the fields missing or malformed
is left to the schema, so a rule only speaks about values it can read.

The Python rules marked ``before_data`` are the rules as they were written
before rules were data. The shipped layouts now say them as ``rules:``, but
the layouts released before then (1.0.0) have no ``rules:`` and never change,
so a version whose layout has no ``rules:`` key is checked by these instead,
exactly as it always was. Criteria a bid may fail (such as having two
supporting partners) are evaluation questions, not rules here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .criteria import criteria_set
from .data_rules import DataRule, RuleContext, layout_rules
from .issues import Issue

__all__ = ["YEAR_WEEKS", "YEAR_WEEKS_TOLERANCE", "BusinessRule", "Rule", "RuleContext", "rules_for"]

#: A full year is taken as 52 weeks of support.
YEAR_WEEKS = 52
#: Yearly hours are accepted from 51 to 53 weeks' worth of the weekly figure,
#: which allows for rounding, bank holidays and 53-week years.
YEAR_WEEKS_TOLERANCE = 1


@dataclass(frozen=True)
class BusinessRule:
    """A rule written in Python, for one kind."""

    name: str
    kind: str
    summary: str
    check: Callable[[Mapping[str, Any], RuleContext], Iterator[Issue]]
    #: Said as data in the layouts since: run only for a version whose layout has no ``rules:``.
    before_data: bool = False


#: A kind's rule, either way it is written: both have a ``name``, a ``summary`` and ``check(record, ctx)``.
Rule = BusinessRule | DataRule


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _hours(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def weekly_hours_match_yearly(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Issue]:
    hours = record.get("support_hours")
    if not isinstance(hours, Mapping):
        return
    weekly, yearly = _number(hours.get("per_week")), _number(hours.get("per_year"))
    if weekly is None or yearly is None or weekly <= 0:
        return
    low, high = weekly * (YEAR_WEEKS - YEAR_WEEKS_TOLERANCE), weekly * (YEAR_WEEKS + YEAR_WEEKS_TOLERANCE)
    if not low - 1e-9 <= yearly <= high + 1e-9:
        yield ctx.issue(
            "/support_hours/per_year",
            f"{_hours(yearly)} hours a year and {_hours(weekly)} hours a week do not agree "
            f"(52 weeks would be {_hours(weekly * YEAR_WEEKS)}); enter a yearly figure between "
            f"{_hours(low)} and {_hours(high)}, or correct the weekly hours",
            hours.get("per_year"),
            "weekly-hours-match-yearly",
        )


def start_not_before_submission(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Issue]:
    start = _date(record.get("start_date"))
    if start is None:
        return
    submitted = _date(record.get("submission_date"))
    since, what = (submitted, "the date of submission") if submitted else (ctx.today, "today")
    if start < since:
        yield ctx.issue(
            "/start_date",
            f"the start date {start:%-d %B %Y} is before {what} ({since:%-d %B %Y}); enter a date on or after it",
            record.get("start_date"),
            "start-not-before-submission",
        )


def criteria_met_matches_answers(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Issue]:
    answers = record.get("kent_criteria")
    stated = record.get("criteria_met")
    if not isinstance(answers, Mapping) or not isinstance(stated, int) or isinstance(stated, bool):
        return
    met = sorted(key for key, value in answers.items() if isinstance(value, Mapping) and value.get("answer") == "met")
    if stated != len(met):
        listed = ", ".join(f"({key})" for key in met) or "none"
        yield ctx.issue(
            "/criteria_met",
            f"this says {stated}, but {len(met)} criteria are answered 'met' ({listed}); "
            "partly met criteria do not count",
            stated,
            "criteria-met-matches-answers",
        )


def weighted_criteria_known(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Issue]:
    """What data cannot say: each weighted score is for a criterion of the Herefordshire set."""
    for row, criterion in _weighted_criteria(record):
        if f"/weighted_scores/scores/{row}/criterion" in ctx.refused:
            continue  # the schema has said what is wrong with it
        if criteria_set("herefordshire").get(criterion) is None:
            yield ctx.issue(
                f"/weighted_scores/scores/{row}/criterion",
                f"there is no weighted criterion {criterion}; use a number from 1 to "
                f"{len(criteria_set('herefordshire').criteria)}",
                criterion,
                "weighted-scores-in-range",
            )


def _weighted_criteria(record: Mapping[str, Any]) -> Iterator[tuple[int, int]]:
    block = record.get("weighted_scores")
    if not isinstance(block, Mapping) or not isinstance(block.get("scores"), list):
        return
    for row, score in enumerate(block["scores"]):
        criterion = score.get("criterion") if isinstance(score, Mapping) else None
        if isinstance(criterion, int) and not isinstance(criterion, bool):
            yield row, criterion


def weighted_scores_in_range(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Issue]:
    """Before rules were data: each score within the scale, each known criterion scored once."""
    block = record.get("weighted_scores")
    if not isinstance(block, Mapping) or not isinstance(block.get("scores"), list):
        return
    top = _number(block.get("scale_max"))
    known = criteria_set("herefordshire")
    seen: dict[str, int] = {}
    for row, score in enumerate(block["scores"]):
        if not isinstance(score, Mapping):
            continue
        criterion = score.get("criterion")
        value = _number(score.get("score"))
        if isinstance(criterion, int) and not isinstance(criterion, bool) and known.get(criterion) is not None:
            if str(criterion) in seen:
                yield ctx.issue(
                    f"/weighted_scores/scores/{row}/criterion",
                    f"criterion {criterion} is already scored in row {seen[str(criterion)] + 1}; score each criterion once",
                    criterion,
                    "weighted-scores-in-range",
                )
            seen.setdefault(str(criterion), row)
        if value is not None and top is not None and value > top:
            yield ctx.issue(
                f"/weighted_scores/scores/{row}/score",
                f"{_hours(value)} is above the top of the scale ({_hours(top)}); enter a score from 0 to {_hours(top)}",
                score.get("score"),
                "weighted-scores-in-range",
            )


_RULES = (
    BusinessRule(
        "weekly-hours-match-yearly",
        "growth-bid",
        f"Yearly support hours must be within {YEAR_WEEKS - YEAR_WEEKS_TOLERANCE} to "
        f"{YEAR_WEEKS + YEAR_WEEKS_TOLERANCE} times the weekly hours (a year is taken as {YEAR_WEEKS} weeks).",
        weekly_hours_match_yearly,
        before_data=True,
    ),
    BusinessRule(
        "start-not-before-submission",
        "growth-bid",
        "The proposed start date must not be before the date of submission (or today, if no date of submission is given).",
        start_not_before_submission,
        before_data=True,
    ),
    BusinessRule(
        "criteria-met-matches-answers",
        "evaluation-report",
        "The number of criteria met must equal the number of criteria (a) to (g) answered 'met'.",
        criteria_met_matches_answers,
        before_data=True,
    ),
    BusinessRule(
        "weighted-scores-in-range",
        "evaluation-report",
        "Each weighted score must be between 0 and the top of the scale, and each criterion scored once.",
        weighted_scores_in_range,
        before_data=True,
    ),
    BusinessRule(
        "weighted-scores-in-range",
        "evaluation-report",
        "Each weighted score must be for one of the Herefordshire weighted criteria, numbered from 1 to 11.",
        weighted_criteria_known,
    ),
)


def rules_for(kind: str, version: str | None = None) -> list[Rule]:
    """The business rules of a kind at ``version`` (default: the current one): its layout's, then Python's.

    A version whose layout has no ``rules:`` key was released before rules were
    data, and keeps the Python rules it was checked by (``before_data``).
    """
    written = layout_rules(kind, version)
    python = [rule for rule in _RULES if rule.kind == kind and (written is None or not rule.before_data)]
    return [*(written or ()), *python]
