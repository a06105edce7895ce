"""Several evaluators, one view of a bid: the documented combination rule.

* A moderated report, when there is one, overrides every other report for
  the bid: its answers and its weighted score are the bid's.
* Otherwise each criterion takes the evaluators' middle answer, counting
  ``met`` as best and ``not met`` as worst; with an even number of evaluators
  the lower of the two middle answers is taken. So a criterion counts as met
  only when more than half of the evaluators say it is met.
* The weighted score is the mean of the evaluators' weighted scores (each
  already rounded to two places), rounded to two places, halves up. Reports
  without weighted scores are left out of the mean; with none, there is none.
* Without a moderated report, a bid is flagged for moderation when the
  evaluators' counts of criteria met differ by more than one threshold, their
  weighted scores by more than another, or they disagree on a criterion that
  decides whether the bid can be funded at all (Kent (f) and (g)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..records.criteria import CriteriaSet
from ..records.money import to_penny

__all__ = ["Assessment", "Combined", "Thresholds", "combine"]


@dataclass(frozen=True)
class Assessment:
    """What one evaluation report says about one bid."""

    source: str
    evaluator: str
    answers: dict[str, str]
    weighted_score: Decimal | None
    moderated: bool = False

    def met(self, criteria: CriteriaSet) -> int:
        best = criteria.answers[0]
        return sum(1 for c in criteria.criteria if self.answers.get(c.id) == best)


@dataclass(frozen=True)
class Thresholds:
    """How far evaluators may differ before a bid is flagged for moderation."""

    criteria_met_spread: int = 1
    weighted_score_spread: Decimal = Decimal(15)


@dataclass(frozen=True)
class Combined:
    """The bid's answers, count of criteria met and weighted score after combining."""

    answers: dict[str, str]
    criteria_met: int
    weighted_score: Decimal | None
    assessments: tuple[Assessment, ...]
    moderated_by: Assessment | None = None
    flags: tuple[str, ...] = ()

    @property
    def rule(self) -> str:
        if self.moderated_by is not None:
            return f"moderated report by {self.moderated_by.evaluator} overrides the others"
        count = len(self.assessments)
        if count == 1:
            return "one evaluator"
        return f"middle answer of {count} evaluators; mean weighted score"


def _middle_answer(answers: Sequence[str], order: Sequence[str]) -> str:
    ranked = sorted(answers, key=order.index)
    return ranked[len(ranked) // 2]


def _flags(assessments: Sequence[Assessment], criteria: CriteriaSet, limits: Thresholds) -> list[str]:
    flags = []
    counts = [a.met(criteria) for a in assessments]
    if max(counts) - min(counts) > limits.criteria_met_spread:
        flags.append(
            f"evaluators count from {min(counts)} to {max(counts)} criteria met, "
            f"a spread of more than {limits.criteria_met_spread}"
        )
    scores = [a.weighted_score for a in assessments if a.weighted_score is not None]
    if len(scores) > 1 and max(scores) - min(scores) > limits.weighted_score_spread:
        flags.append(
            f"weighted scores range from {min(scores)} to {max(scores)}, "
            f"a spread of {max(scores) - min(scores)} points (more than {limits.weighted_score_spread})"
        )
    for criterion in criteria.criteria:
        if criterion.blocks_funding and len({a.answers.get(criterion.id) for a in assessments}) > 1:
            flags.append(
                f"evaluators disagree on ({criterion.id}) {criterion.title}, which decides whether the bid can be funded"
            )
    return flags


def combine(assessments: Sequence[Assessment], criteria: CriteriaSet, limits: Thresholds | None = None) -> Combined:
    """One bid's assessments (at least one; at most one moderated) combined by the rule above."""
    if not assessments:
        raise ValueError("combine() needs at least one assessment")
    limits = limits or Thresholds()
    moderated = [a for a in assessments if a.moderated]
    if len(moderated) > 1:
        raise ValueError("a bid can have only one moderated report")
    if moderated:
        chosen = moderated[0]
        answers = dict(chosen.answers)
        score = chosen.weighted_score
        flags: list[str] = []
    else:
        answers = {
            c.id: _middle_answer([a.answers[c.id] for a in assessments], criteria.answers) for c in criteria.criteria
        }
        scores = [a.weighted_score for a in assessments if a.weighted_score is not None]
        score = to_penny(sum(scores, Decimal(0)) / len(scores)) if scores else None
        flags = _flags(assessments, criteria, limits) if len(assessments) > 1 else []
    met = sum(1 for c in criteria.criteria if answers.get(c.id) == criteria.answers[0])
    return Combined(answers, met, score, tuple(assessments), moderated[0] if moderated else None, tuple(flags))
