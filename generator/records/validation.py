"""Validate a record: the schema first, then the business rules, every problem at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .issues import Issue
from .messages import issue_from_schema_error
from .rules import RuleContext, rules_for
from .schemas import validator

__all__ = ["validate_record"]


def _path_order(pointer: str) -> list[tuple[int, int | str]]:
    """Sort pointers as people read them: row 10 after row 2."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in pointer.split("/")]


def _without_repeats(issues: list[Issue]) -> list[Issue]:
    """``format`` and ``pattern`` can both object to one value in the same words: say it once."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for issue in issues:
        if (issue.path, issue.message) not in seen:
            seen.add((issue.path, issue.message))
            kept.append(issue)
    return kept


def validate_record(record: Any, kind: str, *, version: str | None = None, today: dt.date | None = None) -> list[Issue]:
    """All issues with ``record`` as ``kind``; an empty list means valid.

    ``today`` pins the date for rules that compare with it (tests pin it).
    """
    issues: list[Issue] = []
    for error in validator(kind, version).iter_errors(record):
        issues.extend(issue_from_schema_error(kind, error, version))
    issues.sort(key=lambda issue: _path_order(issue.path))
    issues = _without_repeats(issues)
    if isinstance(record, Mapping):
        context = RuleContext(kind=kind, today=today or dt.date.today(), version=version)
        for rule in rules_for(kind):
            issues.extend(rule.check(record, context))
    return issues
