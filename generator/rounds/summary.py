"""The round's results as data: ``round-summary.json`` and the workings behind it.

``round-summary.json`` has the shape the round-summary template and schema
expect (money as numbers rounded to the penny). ``round-workings.json`` shows
how each decision was reached: every evaluator's answers and score, the
combined view, and any flag for moderation, so a decision can be checked by
hand.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..records.money import as_json_number
from .evaluation import Decision, Outcome, RoundResult
from .moderation import Assessment
from .round_file import RoundSpec

__all__ = ["round_summary", "round_workings", "write_json"]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _score(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _bid_row(outcome: Outcome) -> dict[str, Any]:
    bid = outcome.bid
    return {
        "rank": outcome.rank,
        "reference": bid.reference,
        "organisation": bid.organisation,
        "proposal_title": bid.proposal_title,
        "annual_amount": as_json_number(bid.annual_amount),
        "criteria_met": outcome.combined.criteria_met,
        "weighted_score": _score(outcome.combined.weighted_score),
        "decision": str(outcome.decision),
        "reason": outcome.reason,
    }


def round_summary(spec: RoundSpec, result: RoundResult) -> dict[str, Any]:
    """The decision in the agreed ``round-summary.json`` shape."""
    money = result.money
    head: dict[str, Any] = {"name": spec.name, "money_available": as_json_number(money.available)}
    if money.hold_back_percent is not None:
        head["hold_back_percent"] = _number(money.hold_back_percent)
    head["hold_back_amount"] = as_json_number(money.hold_back)
    head["money_to_allocate"] = as_json_number(money.to_allocate)
    if spec.decision_date is not None:
        head["decision_date"] = spec.decision_date.isoformat()
    return {
        "round": head,
        "bids": [_bid_row(outcome) for outcome in result.outcomes],
        "totals": {
            "bids": len(result.outcomes),
            "funded_count": len(result.with_decision(Decision.FUNDED)),
            "funded_amount": as_json_number(result.funded_amount),
            "reserve_amount": as_json_number(result.reserve_amount),
            "unallocated": as_json_number(result.unallocated),
        },
        "unevaluated": [
            {"reference": u.bid.reference, "organisation": u.bid.organisation, "reason": u.reason}
            for u in result.unevaluated
        ],
    }


def _assessment(item: Assessment) -> dict[str, Any]:
    return {
        "file": item.source,
        "evaluator": item.evaluator,
        "moderated": item.moderated,
        "answers": item.answers,
        "weighted_score": _score(item.weighted_score),
    }


def round_workings(spec: RoundSpec, result: RoundResult) -> dict[str, Any]:
    """How each decision was reached, for anyone checking the round by hand."""
    return {
        "round": spec.name,
        "scale": None
        if spec.scale is None
        else {"name": spec.scale.name, "points": {str(p.score): p.label for p in spec.scale.points}},
        "moderation_thresholds": {
            "criteria_met_spread": spec.thresholds.criteria_met_spread,
            "weighted_score_spread": _number(spec.thresholds.weighted_score_spread),
        },
        "bids": [
            {
                "rank": outcome.rank,
                "reference": outcome.bid.reference,
                "submission_date": outcome.bid.submitted.isoformat(),
                "combined_by": outcome.combined.rule,
                "answers": outcome.combined.answers,
                "criteria_met": outcome.combined.criteria_met,
                "weighted_score": _score(outcome.combined.weighted_score),
                "flagged_for_moderation": list(outcome.combined.flags),
                "evaluations": [_assessment(a) for a in outcome.combined.assessments],
            }
            for outcome in result.outcomes
        ],
        "warnings": [
            {"file": w.extra["file"], "path": w.path, "field": w.field, "message": w.message} for w in spec.warnings
        ],
    }


def write_json(payload: dict[str, Any], path: Path) -> Path:
    """Pretty, UTF-8 JSON with a final newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
