"""The contract procurement guide and the procurement steps, from ``data/procurement.yaml``.

The route names are the choices of the service specification's procurement
route question, so the guidance and the form always offer the same routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from ..records.errors import CommissionError
from ..records.loading import load_project_yaml
from ..records.resources import resource_dir

__all__ = ["ProcurementRoute", "procurement_routes", "procurement_steps"]


@dataclass(frozen=True)
class ProcurementRoute:
    name: str
    family: str
    when: tuple[str, ...]
    amount: str
    exceptions: str
    agreement: str
    full_cost_recovery: str
    guidance: str


@cache
def _raw() -> dict:
    path = resource_dir("data") / "procurement.yaml"
    try:
        return dict(load_project_yaml(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise CommissionError(f"{path}: the procurement guide cannot be read ({exc}).") from exc


def procurement_routes() -> list[ProcurementRoute]:
    """The routes of the contract procurement guide, in the guide's order."""
    return [
        ProcurementRoute(
            name=str(r["name"]),
            family=str(r["family"]),
            when=tuple(str(w) for w in r.get("when") or ()),
            amount=str(r["amount"]),
            exceptions=str(r.get("exceptions") or ""),
            agreement=str(r["agreement"]),
            full_cost_recovery=str(r["full_cost_recovery"]),
            guidance=str(r["guidance"]),
        )
        for r in _raw()["routes"]
    ]


def procurement_steps() -> list[str]:
    """The eleven procurement steps, in order."""
    return [str(step) for step in _raw()["steps"]]
