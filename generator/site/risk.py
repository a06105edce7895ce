"""The risk log's scoring: probability x impact gives a score, the score a RAG category.

The facts live in the ``risk_log`` section of ``data/checklists.yaml``. The
source log does not say where each colour band starts; the bands there are the
toolkit's default and a test keeps them in line with the log's own examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..records.errors import CommissionError
from .checklists import raw_data

__all__ = ["RiskBand", "RiskExample", "RiskLog", "risk_log"]


@dataclass(frozen=True)
class RiskBand:
    start: int
    category: str
    colour: str


@dataclass(frozen=True)
class RiskExample:
    id: str
    heading: str
    risk: str
    probability: int
    impact: int
    actions: tuple[str, ...]

    @property
    def score(self) -> int:
        return self.probability * self.impact


@dataclass(frozen=True)
class RiskLog:
    columns: tuple[tuple[str, str], ...]
    scale: tuple[tuple[int, str], ...]
    bands: tuple[RiskBand, ...]
    examples: tuple[RiskExample, ...]

    @property
    def top(self) -> int:
        return max(value for value, _ in self.scale)

    def label(self, value: int) -> str:
        return dict(self.scale)[value]

    def score(self, probability: int, impact: int) -> int:
        """Probability times impact, each on the log's scale."""
        for what, value in (("probability", probability), ("impact", impact)):
            if not 1 <= value <= self.top:
                raise CommissionError(f"A risk's {what} must be from 1 to {self.top}, not {value}.")
        return probability * impact

    def band(self, score: int) -> RiskBand:
        """The red, amber or green band a score falls in."""
        if not 1 <= score <= self.top**2:
            raise CommissionError(f"A risk score must be from 1 to {self.top**2}, not {score}.")
        return [band for band in self.bands if band.start <= score][-1]


@cache
def risk_log() -> RiskLog:
    raw = raw_data().get("risk_log")
    if not raw:
        raise CommissionError("data/checklists.yaml has no 'risk_log' section.")
    bands = tuple(RiskBand(int(b["from"]), str(b["category"]), str(b["colour"])) for b in raw["bands"])
    if [b.start for b in bands] != sorted(b.start for b in bands) or bands[0].start != 1:
        raise CommissionError("data/checklists.yaml: the risk bands must start at 1 and go up.")
    return RiskLog(
        columns=tuple((str(c["name"]), str(c["holds"])) for c in raw["columns"]),
        scale=tuple((int(s["value"]), str(s["label"])) for s in raw["scale"]),
        bands=bands,
        examples=tuple(
            RiskExample(
                str(e["id"]),
                str(e["heading"]),
                str(e["risk"]),
                int(e["probability"]),
                int(e["impact"]),
                tuple(str(a) for a in e["actions"]),
            )
            for e in raw["examples"]
        ),
    )
