"""The weighted score of an evaluation report, from the Herefordshire weights.

Each scored criterion contributes ``score / scale_max x weight``; criteria
not scored contribute nothing, so the total is out of 100. The evaluation
report document and the round ranking both use these functions, so a score
is worked out in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .criteria import criteria_set
from .errors import CommissionError
from .money import decimal

__all__ = ["WeightedBlock", "WeightedRow", "block_score", "weighted_block", "weighted_rows", "weighted_score"]

_HUNDREDTH = Decimal("0.01")
WEIGHTED_SET = "herefordshire"


@dataclass(frozen=True)
class WeightedRow:
    """One scored criterion and what it adds to the weighted score."""

    criterion: str
    title: str
    weight: Decimal
    score: Decimal
    scale_max: Decimal
    points: Decimal
    justification: str


def _contributions(report: Mapping[str, Any]) -> list[tuple[WeightedRow, Decimal]]:
    """Each score with its row and its exact (unrounded) contribution."""
    block = report.get("weighted_scores")
    if not isinstance(block, Mapping):
        return []
    return _block_contributions(block, WEIGHTED_SET)


def _block_contributions(block: Mapping[str, Any], weights: str) -> list[tuple[WeightedRow, Decimal]]:
    scale = decimal(block["scale_max"])
    known = criteria_set(weights)
    out = []
    for entry in block["scores"]:
        criterion = known.get(entry["criterion"])
        if criterion is None or criterion.weight is None:
            raise CommissionError(
                f"Weighted criterion {entry['criterion']} is not in data/criteria.yaml ({weights}); "
                f"use a number from 1 to {len(known.criteria)}."
            )
        score = decimal(entry["score"])
        exact = score / scale * criterion.weight
        row = WeightedRow(
            criterion=criterion.id,
            title=criterion.title,
            weight=criterion.weight,
            score=score,
            scale_max=scale,
            points=exact.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP),
            justification=str(entry.get("justification", "")),
        )
        out.append((row, exact))
    return out


def weighted_rows(report: Mapping[str, Any]) -> list[WeightedRow]:
    """The scored criteria of a (validated) report, in the order given; empty without scores."""
    return [row for row, _ in _contributions(report)]


def weighted_score(report: Mapping[str, Any]) -> Decimal | None:
    """The report's weighted score out of 100, to two places; ``None`` when it has no weighted scores.

    The total is rounded once, from the exact contributions, so it does not
    carry the rounding of each row.
    """
    if not isinstance(report.get("weighted_scores"), Mapping):
        return None
    total = sum((exact for _, exact in _contributions(report)), Decimal(0))
    return total.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def block_score(block: Any, weights: str) -> Decimal | None:
    """The weighted score of one block of scores (``scale_max`` and ``scores``) by the set ``weights``.

    A round names where its reports keep their scores and whose weights apply,
    so it asks for the score of that block; ``None`` when there is none.
    """
    if not isinstance(block, Mapping):
        return None
    total = sum((exact for _, exact in _block_contributions(block, weights)), Decimal(0))
    return total.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class WeightedBlock:
    """One block of scores worked out: its total out of 100, the top of its scale as given, and its rows."""

    total: Decimal
    scale_max: Any
    rows: list[WeightedRow]


def weighted_block(block: Any, weights: str) -> WeightedBlock | None:
    """A (validated) block of scores by the set ``weights``, for a document to show; ``None`` when there is none."""
    if not isinstance(block, Mapping):
        return None
    contributions = _block_contributions(block, weights)
    total = sum((exact for _, exact in contributions), Decimal(0)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    return WeightedBlock(total, block["scale_max"], [row for row, _ in contributions])
