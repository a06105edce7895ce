"""The round file's own settings: its name, the money, the hold-back, the scale, the thresholds.

Each setting is checked on its own and every problem is recorded (naming the
setting, its label and what is expected) rather than stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..records.criteria import Scale, criteria_set, scales
from ..records.money import MoneyError, parse_money
from .definition import DEFINITION_KEYS
from .evaluation import RoundMoney, round_money
from .moderation import Thresholds
from .problems import Problems
from .scale_check import report_scale

__all__ = ["LABELS", "RoundSettings", "read_settings"]

#: Every setting a round file may have, with the label its problems are reported under.
LABELS = {
    "name": "Round name",
    "money_available": "Money available",
    "hold_back_percent": "Share held back (per cent)",
    "hold_back_amount": "Amount held back",
    "decision_date": "Date of decision",
    "scale": "Scoring scale",
    "moderation": "Moderation thresholds",
    "bids": "Bids",
    "bids_from": "Bids from a batch register or a folder of returns",
    "evaluations": "Evaluation reports",
    "evaluations_from": "Evaluation reports from a batch register or a folder of returns",
    **DEFINITION_KEYS,
}
#: The round summary's name is a short answer (``short_text`` in the schemas).
_NAME_LIMIT = 200
_MODERATION = {
    "criteria_met_spread": "Moderation – criteria met spread",
    "weighted_score_spread": "Moderation – weighted score spread",
}


@dataclass(frozen=True)
class RoundSettings:
    """The settings; ``money`` is None when it could not be worked out (and a problem says why)."""

    name: str
    money: RoundMoney | None
    decision_date: dt.date | None
    #: None for a round whose reports have no scores and that names no scale.
    scale: Scale | None
    thresholds: Thresholds


class _Settings:
    def __init__(self, path: Path, raw: Mapping[str, Any], found: Problems) -> None:
        self.path, self.raw, self.found = path, raw, found

    def problem(self, key: str, message: str, value: Any = None, pointer: str = "", label: str = "") -> None:
        self.found.add(self.path, pointer or f"/{key}", label or LABELS.get(key, key), message, value)

    def keys(self) -> None:
        for key, value in self.raw.items():
            if key not in LABELS:
                hint = difflib.get_close_matches(str(key), list(LABELS), n=1)
                suggestion = f"; did you mean '{hint[0]}'?" if hint else f"; known keys: {', '.join(LABELS)}"
                self.problem(key, f"'{key}' is not a setting of a round file{suggestion}", value)

    def name(self) -> str:
        value = self.raw.get("name")
        if not isinstance(value, str) or not value.strip():
            self.problem(
                "name", "this must be filled in with a name for the round, such as 'Growth bids 2027-28'", value
            )
            return ""
        if len(value.strip()) > _NAME_LIMIT:
            count = len(value.strip())
            self.problem("name", f"keep the name to {_NAME_LIMIT} characters or fewer (it has {count})", value)
        return value.strip()

    def money(self, key: str, *, required: bool) -> Decimal | None:
        if key not in self.raw:
            if required:
                self.problem(key, "this must be filled in; enter an amount in pounds, such as 150000.00")
            return None
        try:
            return parse_money(self.raw[key])
        except MoneyError as exc:
            self.problem(key, str(exc), self.raw[key])
            return None

    def percent(self, key: str) -> Decimal | None:
        if key not in self.raw:
            return None
        value = self.raw[key]
        number = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                number = None
        if number is None or not number.is_finite() or not 0 <= number <= 100:
            self.problem(key, f"expected a percentage from 0 to 100, such as 10, not {value!r}", value)
            return None
        return number

    def date(self, key: str) -> dt.date | None:
        if key not in self.raw:
            return None
        try:
            return dt.date.fromisoformat(str(self.raw[key]))
        except ValueError:
            self.problem(key, f"expected a date such as 2027-09-24, not {self.raw[key]!r}", self.raw[key])
            return None

    def scale(self, default: str | None, weights: str | None) -> Scale | None:
        name = self.raw.get("scale")
        if name is not None and name not in scales():
            self.problem("scale", f"there is no scale '{name}'; choose one of {', '.join(scales())}", name)
            name = None
        if weights is None and name is None and default is None:
            return None  # a round without scores has no scale
        if not (name or default or criteria_set(weights or "").scale):
            self.problem("scale", f"name the scale the scores are on; choose one of {', '.join(scales())}")
            return None
        return report_scale(name or default, weights)

    def thresholds(self) -> Thresholds:
        default = Thresholds()
        block = self.raw.get("moderation", {})
        if not isinstance(block, Mapping):
            self.problem("moderation", f"expected the settings {' and '.join(_MODERATION)}", block)
            return default
        for key in block:
            if key not in _MODERATION:
                message = f"'{key}' is not a moderation setting; use {' or '.join(_MODERATION)}"
                self.problem("moderation", message, key, f"/moderation/{key}")
        met = block.get("criteria_met_spread", default.criteria_met_spread)
        if not isinstance(met, int) or isinstance(met, bool) or met < 0:
            message = f"expected a whole number of criteria, 0 or more, not {met!r}"
            self.problem(
                "moderation", message, met, "/moderation/criteria_met_spread", _MODERATION["criteria_met_spread"]
            )
            met = default.criteria_met_spread
        spread = block.get("weighted_score_spread", default.weighted_score_spread)
        if not isinstance(spread, int | float | Decimal) or isinstance(spread, bool) or not 0 <= spread < float("inf"):
            message = f"expected a number of points out of 100, 0 or more, not {spread!r}"
            pointer = "/moderation/weighted_score_spread"
            self.problem("moderation", message, spread, pointer, _MODERATION["weighted_score_spread"])
            spread = default.weighted_score_spread
        return Thresholds(met, Decimal(str(spread)))

    def round_money(self) -> RoundMoney | None:
        available = self.money("money_available", required=True)
        percent = self.percent("hold_back_percent")
        amount = self.money("hold_back_amount", required=False)
        if available is None:
            return None
        try:
            return round_money(available, percent, amount)
        except ValueError as exc:
            self.problem("hold_back_amount" if amount is not None else "hold_back_percent", str(exc))
            return None


def read_settings(
    path: Path, raw: Mapping[str, Any], found: Problems, default_scale: str | None = None, weights: str | None = None
) -> RoundSettings:
    """The settings of the round file at ``path``, with every problem recorded in ``found``.

    Without a ``scale:`` of its own the round is on ``default_scale`` (the project's), else on the usual
    scale of the ``weights`` criteria set; a round with neither has no scale (its reports have no scores).
    """
    settings = _Settings(path, raw, found)
    settings.keys()
    name = settings.name()
    money = settings.round_money()
    decision_date = settings.date("decision_date")
    scale = settings.scale(default_scale, weights)
    thresholds = settings.thresholds()
    return RoundSettings(name, money, decision_date, scale, thresholds)
