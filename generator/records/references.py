"""How bids are numbered when the bidder did not give a reference: ``GB-2027-001``, ``GB-2027-002``...

The prefix and the year are data: a round file's ``reference:`` or the
project's ``round: reference:`` in ``commission.yaml``::

    reference: {prefix: GB, year: 2027}   # year: the project's closing date's year if left out

The numbers themselves are kept by the batch register (one per bid, never
reused or changed), so the same bid keeps its reference on every run. This
module only says what a reference looks like and reads the setting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .project import project_settings

__all__ = ["ReferenceScheme", "project_numbering", "project_numbering_problem", "read_scheme"]

_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,9}$")
_DIGITS = 3


@dataclass(frozen=True)
class ReferenceScheme:
    """``<prefix>-<year>-<NNN>``: what a new bid's reference looks like."""

    prefix: str
    year: int

    def make(self, number: int) -> str:
        return f"{self.prefix}-{self.year}-{number:0{_DIGITS}d}"

    def number_in(self, reference: str) -> int | None:
        """The number of a reference made by this scheme (None for any other reference)."""
        found = re.fullmatch(rf"{re.escape(self.prefix)}-{self.year}-(\d+)", reference)
        return int(found.group(1)) if found else None


def read_scheme(raw: Any, closing_date: dt.date | None) -> tuple[ReferenceScheme | None, str]:
    """The scheme a ``reference:`` setting says, or None and why it cannot be read."""
    if not isinstance(raw, Mapping) or not {"prefix"} <= set(raw) <= {"prefix", "year"}:
        return None, "expected how new bids are numbered, as {prefix: GB} or {prefix: GB, year: 2027}"
    prefix, year = raw["prefix"], raw.get("year", closing_date.year if closing_date else None)
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        return None, "the prefix is 1 to 10 letters or digits, starting with a letter, such as GB"
    if year is None:
        return None, "say the year the references carry, as year: 2027 (there is no closing date to take it from)"
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2999:
        return None, "the year is a four-figure year, such as 2027"
    return ReferenceScheme(prefix, year), ""


def project_numbering() -> tuple[str, ReferenceScheme] | None:
    """The kind of bid the project numbers and how, from ``commission.yaml`` ``round:`` (None: it does not).

    A setting that cannot be read numbers nothing here: the round reports it, where it reads it.
    """
    settings = project_settings()
    kinds = settings.round.get("kinds")
    kind = kinds.get("bid") if isinstance(kinds, Mapping) else None
    if not isinstance(kind, str) or "reference" not in settings.round:
        return None
    scheme, _ = read_scheme(settings.round["reference"], settings.closing_date)
    return (kind, scheme) if scheme else None


def project_numbering_problem() -> str | None:
    """Why ``round: reference:`` in ``commission.yaml`` numbers no bids (no year, say); None when it can or is not set.

    For the batch to say so, rather than leave the workbook without references unexplained.
    """
    settings = project_settings()
    if "reference" not in settings.round:
        return None
    _, problem = read_scheme(settings.round["reference"], settings.closing_date)
    return problem or None
