"""The scale a round's weighted scores are given on, and the check that each report used it.

A weighted score is worked out in one place, ``generator.records.scoring``
(``score / top of the scale x weight``, unscored criteria adding nothing), from
the report's own ``scale_max``. A round names its scale (``herefordshire-0-4``,
``strong-poor-1-5``...), so before a report's score is used this module checks
that the report's top matches and every score is one of the scale's points.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..records.criteria import Scale, criteria_set, scale
from ..records.issues import Issue
from ..records.messages import field_label
from ..records.scoring import WEIGHTED_SET
from .definition import value_at

__all__ = ["report_scale", "scale_issues"]


def report_scale(name: str | None = None, weights: str | None = None) -> Scale:
    """The named scale, or the usual one of the weighted criteria set (the documents' one by default)."""
    return scale(name or criteria_set(weights or WEIGHTED_SET).scale or "")


def scale_issues(record: Mapping[str, Any], on: Scale, *, kind: str, at: str) -> list[Issue]:
    """Scores that are not points of the round's scale (a valid report may still use another scale).

    ``at`` is where a ``kind`` report keeps its block of scores (the round says which field that is).
    """
    block = value_at(record, at)
    if not isinstance(block, Mapping):
        return []
    issues = []
    top = block.get("scale_max")
    if Decimal(str(top)) != on.top:
        issues.append(
            Issue(
                f"{at}/scale_max",
                field_label(kind, f"{at}/scale_max"),
                f"this round scores on the scale '{on.name}' ({on.describe()}), whose top is {on.top}, not {top}",
                top,
                "round-scale",
            )
        )
    for row, item in enumerate(block.get("scores", ())):
        value = Decimal(str(item["score"]))
        if not on.allows(value):
            pointer = f"{at}/scores/{row}/score"
            issues.append(
                Issue(
                    pointer,
                    field_label(kind, pointer),
                    f"{item['score']} is not a point of the scale '{on.name}'; give one of {on.describe()}",
                    item["score"],
                    "round-scale",
                )
            )
    return issues
