"""One evaluator's weighted score, and the check that it was given on the round's scale.

Each scored criterion adds ``score / top of the scale x weight``, so a bid
scoring the top of the scale on every criterion gets 100 whatever the scale;
a criterion left unscored adds nothing (nothing is guessed in the bid's
favour). The total is rounded once, to two places, halves up. This is the
same sum the evaluation report document shows, which only knows the top of
the scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .criteria import CriteriaSet, Scale, criteria_set, scale
from .issues import Issue
from .messages import field_label
from .money import to_penny

__all__ = ["WEIGHTED_SET", "report_scale", "scale_issues", "weighted_score", "weighted_score_of_report"]

#: The criteria set the evaluation report's ``weighted_scores`` are scored against.
WEIGHTED_SET = "herefordshire"
_KIND = "evaluation-report"


def report_scale(name: str | None = None) -> Scale:
    """The named scale, or the weighted criteria set's usual one."""
    return scale(name or criteria_set(WEIGHTED_SET).scale or "")


def weighted_score(scores: Mapping[str, Decimal], on: Scale, criteria: CriteriaSet) -> Decimal:
    """Points out of 100, rounded to two decimal places (halves up)."""
    total = Decimal(0)
    for criterion in criteria.criteria:
        if criterion.id in scores and criterion.weight is not None:
            total += scores[criterion.id] / on.top * criterion.weight
    return to_penny(total)


def _scores(record: Mapping[str, Any]) -> dict[str, Decimal]:
    block = record.get("weighted_scores") or {}
    return {str(row["criterion"]): Decimal(str(row["score"])) for row in block.get("scores", ())}


def weighted_score_of_report(record: Mapping[str, Any], on: Scale) -> Decimal | None:
    """The weighted score of a valid evaluation report, or None when it has no weighted scores."""
    if not record.get("weighted_scores"):
        return None
    return weighted_score(_scores(record), on, criteria_set(WEIGHTED_SET))


def scale_issues(record: Mapping[str, Any], on: Scale) -> list[Issue]:
    """Scores that are not points of the round's scale (a valid report may still use another scale)."""
    block = record.get("weighted_scores")
    if not isinstance(block, Mapping):
        return []
    issues = []
    top = block.get("scale_max")
    if Decimal(str(top)) != on.top:
        issues.append(
            Issue(
                "/weighted_scores/scale_max",
                field_label(_KIND, "/weighted_scores/scale_max"),
                f"this round scores on the scale '{on.name}' ({on.describe()}), whose top is {on.top}, not {top}",
                top,
                "round-scale",
            )
        )
    for row, item in enumerate(block.get("scores", ())):
        value = Decimal(str(item["score"]))
        if not on.allows(value):
            pointer = f"/weighted_scores/scores/{row}/score"
            issues.append(
                Issue(
                    pointer,
                    field_label(_KIND, pointer),
                    f"{item['score']} is not a point of the scale '{on.name}'; give one of {on.describe()}",
                    item["score"],
                    "round-scale",
                )
            )
    return issues
