"""The published criteria, read from ``data/criteria.yaml``: the one place they live.

Validation, the evaluation, the forms, the documents and the site all read
criteria from here, so a weight or a wording changes in one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from .errors import CommissionError, entry_named
from .loading import load_project_yaml
from .resources import resource_file

__all__ = ["CriteriaSet", "Criterion", "Scale", "ScalePoint", "criteria_set", "criteria_sets", "scale", "scales"]

#: The top-level key of ``data/criteria.yaml`` that holds scoring scales, not a criteria set.
SCALES_KEY = "scales"


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
    answers: tuple[str, ...] = ()
    scale: str | None = None

    def get(self, criterion_id: str | int) -> Criterion | None:
        return next((c for c in self.criteria if c.id == str(criterion_id)), None)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.criteria]

    @property
    def total_weight(self) -> Decimal:
        return sum((c.weight or Decimal(0) for c in self.criteria), Decimal(0))


@dataclass(frozen=True)
class ScalePoint:
    score: Decimal
    label: str


@dataclass(frozen=True)
class Scale:
    """The points an evaluator may give one criterion, such as 0 to 4 or Strong (5) to Poor (1)."""

    name: str
    title: str
    points: tuple[ScalePoint, ...]

    @property
    def bottom(self) -> Decimal:
        return min(point.score for point in self.points)

    @property
    def top(self) -> Decimal:
        return max(point.score for point in self.points)

    def allows(self, score: Decimal) -> bool:
        return any(point.score == score for point in self.points)

    def label(self, score: Decimal) -> str | None:
        return next((point.label for point in self.points if point.score == score), None)

    def describe(self) -> str:
        """Every point as '0 (No evidence)', lowest first, for messages."""
        shown = sorted(self.points, key=lambda point: point.score)
        return ", ".join(f"{point.score} ({point.label})" for point in shown)


def _path() -> Path:
    return resource_file("data", "criteria.yaml")


def _raw() -> dict[str, Any]:
    """The whole file: criteria sets by name, and the scales under ``scales``."""
    return _read(_path())


@cache
def _read(path: Path) -> dict[str, Any]:
    """Read once per file, so each project (its own ``data/criteria.yaml``) is read once."""
    return load_project_yaml(path.read_text(encoding="utf-8"))


def _scales() -> dict[str, Scale]:
    return _scales_in(_path())


@cache
def _scales_in(path: Path) -> dict[str, Scale]:
    out = {}
    for name, body in (_read(path).get(SCALES_KEY) or {}).items():
        points = tuple(ScalePoint(Decimal(str(p["score"])), str(p["label"])) for p in body["points"])
        if len(points) < 2 or len({p.score for p in points}) != len(points):
            raise CommissionError(f"{_path()}: the scale '{name}' needs at least two points, each a different score.")
        out[name] = Scale(name, body["title"], points)
    return out


def _all() -> dict[str, CriteriaSet]:
    return _sets_in(_path())


@cache
def _sets_in(path: Path) -> dict[str, CriteriaSet]:
    raw = {name: body for name, body in _read(path).items() if name != SCALES_KEY}
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
        sets[name] = CriteriaSet(
            name,
            body["title"],
            body.get("rule", ""),
            criteria,
            answers=tuple(str(answer) for answer in body.get("answers", ())),
            scale=body.get("scale"),
        )
        if sets[name].scale is not None and sets[name].scale not in _scales_in(path):
            raise CommissionError(f"{path}: '{name}' names the scale '{sets[name].scale}', which is not under scales.")
        weighted = [c for c in criteria if c.weight is not None]
        if weighted and sets[name].total_weight != 100:
            raise CommissionError(f"{path}: the weights of '{name}' add up to {sets[name].total_weight}, not 100.")
    return sets


def criteria_set(name: str) -> CriteriaSet:
    """``kent``, ``herefordshire``..."""
    return entry_named(_all(), name, "criteria set", "data/criteria.yaml")


def criteria_sets() -> list[str]:
    """The names of every criteria set, in file order."""
    return list(_all())


def scales() -> list[str]:
    """The names of every scoring scale, in file order."""
    return list(_scales())


def scale(name: str) -> Scale:
    """``herefordshire-0-4``, ``strong-poor-1-5``..."""
    return entry_named(_scales(), name, "scoring scale", "data/criteria.yaml")
