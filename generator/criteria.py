"""The published criteria, read from ``data/criteria.yaml``: the one place they live.

Validation, the evaluation, the forms, the documents and the site all read
criteria from here, so a weight or a wording changes in one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import yaml

from .errors import CommissionError
from .resources import resource_dir

__all__ = ["CriteriaSet", "Criterion", "criteria_set"]


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    question: str = ""
    weight: Decimal | None = None
    blocks_funding: bool = False


@dataclass(frozen=True)
class CriteriaSet:
    name: str
    title: str
    rule: str
    criteria: tuple[Criterion, ...]

    def get(self, criterion_id: str | int) -> Criterion | None:
        return next((c for c in self.criteria if c.id == str(criterion_id)), None)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.criteria]

    @property
    def total_weight(self) -> Decimal:
        return sum((c.weight or Decimal(0) for c in self.criteria), Decimal(0))


@cache
def _all() -> dict[str, CriteriaSet]:
    path = resource_dir("data") / "criteria.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    sets = {}
    for name, body in raw.items():
        criteria = tuple(
            Criterion(
                id=str(item["id"]),
                title=item["title"],
                question=item.get("question", ""),
                weight=Decimal(str(item["weight"])) if "weight" in item else None,
                blocks_funding=bool(item.get("blocks_funding", False)),
            )
            for item in body["criteria"]
        )
        sets[name] = CriteriaSet(name, body["title"], body.get("rule", ""), criteria)
        weighted = [c for c in criteria if c.weight is not None]
        if weighted and sets[name].total_weight != 100:
            raise CommissionError(f"{path}: the weights of '{name}' add up to {sets[name].total_weight}, not 100.")
    return sets


def criteria_set(name: str) -> CriteriaSet:
    """``kent``, ``herefordshire``..."""
    try:
        return _all()[name]
    except KeyError:
        raise CommissionError(f"There is no criteria set called '{name}' in data/criteria.yaml.") from None
