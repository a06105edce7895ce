"""Validate a record: the schema first, then the business rules, every problem at once.

The rules are the kind's at that version (``rules.rules_for``): those its layout
says as data, read by ``records.data_rules`` from the layout file itself so this
layer needs nothing of the form model, then the Python ones. They are told which
answers the schema refused, so a malformed answer is reported once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from . import fast_validation
from .issues import Issue
from .messages import issue_from_schema_error
from .numbers import MAX_DIGITS, OutOfRange
from .rules import RuleContext, rules_for
from .schemas import field_for_pointer, schema_info, validator

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


def _out_of_range(issue: Issue) -> Issue:
    """Say why a number was not read as one, in front of what is expected."""
    if not isinstance(issue.value, OutOfRange):
        return issue
    if "nan" in issue.value.lower():
        why = f"{issue.value} is not a number"
    else:
        why = f"{issue.value} is too large to be a real answer (no answer has more than {MAX_DIGITS} digits)"
    return replace(issue, message=f"{why}; {issue.message}", rule="number-range")


def _not_a_record(record: Any, kind: str, version: str | None) -> Issue | None:
    """A file that answers none of the form's questions is named as such, and none of its content is echoed.

    Listing its entries one by one would print any file someone names (a password file, say) line by line.
    """
    title = schema_info(kind, version).title
    if not isinstance(record, Mapping):
        held = "nothing" if record is None else "a list" if isinstance(record, list) else "plain text or a number"
        return Issue(
            "",
            "Document",
            f"this is not a {title} record: it holds {held}, not answers to its questions",
            rule="not-a-record",
        )
    if record and not any(field_for_pointer(kind, "/" + str(key), version) for key in record):
        return Issue(
            "",
            "Document",
            f"this is not a {title} record: none of its entries is a question on the form",
            rule="not-a-record",
        )
    return None


def validate_record(record: Any, kind: str, *, version: str | None = None, today: dt.date | None = None) -> list[Issue]:
    """All issues with ``record`` as ``kind``; an empty list means valid.

    ``today`` pins the date for rules that compare with it (tests pin it).
    """
    if (wrong := _not_a_record(record, kind, version)) is not None:
        return [wrong]
    issues: list[Issue] = []
    # jsonschema-rs says quickly that a record is valid; jsonschema explains one that may not be.
    valid = fast_validation.is_valid(record, kind, version)
    for error in () if valid else validator(kind, version).iter_errors(record):
        issues.extend(_out_of_range(issue) for issue in issue_from_schema_error(kind, error, version))
    issues.sort(key=lambda issue: _path_order(issue.path))
    issues = _without_repeats(issues)
    if isinstance(record, Mapping):
        refused = frozenset(issue.path for issue in issues)
        context = RuleContext(kind=kind, today=today or dt.date.today(), version=version, refused=refused)
        for rule in rules_for(kind, version):
            issues.extend(rule.check(record, context))
    return issues
