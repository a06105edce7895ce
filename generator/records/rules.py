"""Business rules: checks a JSON Schema cannot express, reported like schema errors.

Each rule is a named function of the record that yields issues; a record
with the fields missing or malformed is left to the schema to report, so a
rule only speaks about values it can read. Criteria a bid may fail (such as
having two supporting partners) are evaluation questions, not rules here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .criteria import criteria_set
from .issues import Issue
from .messages import field_label

__all__ = ["YEAR_WEEKS", "YEAR_WEEKS_TOLERANCE", "BusinessRule", "RuleContext", "rules_for"]

#: A full year is taken as 52 weeks of support.
YEAR_WEEKS = 52
#: Yearly hours are accepted from 51 to 53 weeks' worth of the weekly figure,
#: which allows for rounding, bank holidays and 53-week years.
YEAR_WEEKS_TOLERANCE = 1


@dataclass(frozen=True)
class RuleContext:
    kind: str
    today: dt.date
    version: str | None = None

    def issue(self, pointer: str, message: str, value: Any, rule: str) -> Issue:
        return Issue(pointer, field_label(self.kind, pointer, self.version), message, value, rule)


@dataclass(frozen=True)
class BusinessRule:
    name: str
    kind: str
    summary: str
    check: Callable[[Mapping[str, Any], RuleContext], Iterator[Issue]]


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


def weighted_scores_in_range(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Issue]:
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
        if isinstance(criterion, int) and not isinstance(criterion, bool):
            if known.get(criterion) is None:
                yield ctx.issue(
                    f"/weighted_scores/scores/{row}/criterion",
                    f"there is no weighted criterion {criterion}; use a number from 1 to {len(known.criteria)}",
                    criterion,
                    "weighted-scores-in-range",
                )
            elif str(criterion) in seen:
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
    ),
    BusinessRule(
        "start-not-before-submission",
        "growth-bid",
        "The proposed start date must not be before the date of submission (or today, if no date of submission is given).",
        start_not_before_submission,
    ),
    BusinessRule(
        "criteria-met-matches-answers",
        "evaluation-report",
        "The number of criteria met must equal the number of criteria (a) to (g) answered 'met'.",
        criteria_met_matches_answers,
    ),
    BusinessRule(
        "weighted-scores-in-range",
        "evaluation-report",
        "Each weighted score must be between 0 and the top of the scale, for a criterion from 1 to 11, scored once.",
        weighted_scores_in_range,
    ),
)


def rules_for(kind: str) -> list[BusinessRule]:
    """The business rules of one document kind, in a fixed order."""
    return [rule for rule in _RULES if rule.kind == kind]
