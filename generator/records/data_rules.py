"""Business rules written as data: the ``rules:`` list at the end of a kind's layout.

A council can say "the end date is after the start date" in its layout instead
of in Python. Each entry has a ``name`` and one subject:

- ``when: POINTER`` (one answer) or ``each: POINTER`` (every row's answer, the
  pointer holding a ``*``), ``sum: POINTER`` (the total of every row's answer)
  or ``count: POINTER, equals: VALUE`` (how many rows answer VALUE); compared
  ``is:`` one of :data:`OPERATORS` ``than:`` a pointer, a literal, ``today``
  (for dates) or a list of these, the first that can be read being used;
  ``times:`` scales the ``than`` value (two factors give the range of
  ``between``); ``matches: POINTER`` is short for ``is: equal, than: POINTER``.
  In an ``each`` rule, a ``*`` in ``than`` is the same row.
- ``required: POINTER, if: POINTER`` (optionally ``equals: VALUE``): the first
  must be answered when the second is ticked, answered, or answers VALUE.
- ``unique: POINTER``: no two rows give the same answer.

``message:`` (optional) says what is wrong, with ``{value}``, ``{label}``,
``{than}``, ``{than_label}``, ``{low}``, ``{high}``, ``{middle}``, ``{count}``,
``{counted}`` and ``{first}`` filled in; without it a plain-English message names
both questions by label and value. ``summary:`` (optional) is what the site's
form guide says of the rule; without it one is written from the labels.

A rule only speaks about values it can read: a missing or malformed answer, or
one the schema has already refused, is left to the schema. The list is checked
when it is loaded (unknown keys, an unknown ``is:``, a pointer that is not a
field of the schema, comparing a date with a number), so a mistake stops with
the layout file, the rule's name and the problem, not at the first return.

This module is in ``records``, below the form model, so validation can read a
kind's rules without knowing forms: :func:`layout_rules` reads only the
``rules:`` key of the layout file of a kind and version. ``forms.layout`` calls
the same function, so a layout whose rules are wrong does not load either.
"""

from __future__ import annotations

import datetime as dt
import json
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .errors import CommissionError
from .issues import Issue
from .loading import load_project_yaml
from .messages import field_label
from .resources import project_root, resource_dir
from .schemas import FieldSpec, fields, schema_info

__all__ = [
    "OPERATORS",
    "DataRule",
    "RuleContext",
    "forget_rules",
    "frozen_folder",
    "layout_file",
    "layout_rules",
    "parse_rules",
]

#: How a value may be compared with another.
OPERATORS = ("before", "after", "at-most", "at-least", "equal", "between")
_SUBJECTS = ("when", "each", "sum", "count", "required", "unique")
_COMMON = {"name", "message", "summary"}
_KEYS = {
    "when": {"is", "than", "times", "matches"},
    "each": {"is", "than", "times", "matches"},
    "sum": {"is", "than", "times", "matches"},
    "count": {"equals", "is", "than", "times", "matches"},
    "required": {"if", "equals"},
    "unique": set(),
}
_PLACEHOLDERS = ("value", "label", "than", "than_label", "low", "high", "middle", "count", "counted", "first")
_TODAY = "today"
_MISSING = object()

#: What each comparison says when it fails, and what it asks for, for numbers and for dates.
_FAILS = {
    "before": ("is not less than", "is not before"),
    "after": ("is not more than", "is not after"),
    "at-most": ("is more than", "is after"),
    "at-least": ("is less than", "is before"),
    "equal": ("is not equal to", "is not the same as"),
}
_ASKS = {
    "before": ("must be less than", "must be before"),
    "after": ("must be more than", "must be after"),
    "at-most": ("must be no more than", "must not be after"),
    "at-least": ("must be at least", "must not be before"),
    "equal": ("must equal", "must be the same as"),
}
_HOLDS: dict[str, Callable[[Any, Any], bool]] = {
    "before": lambda a, b: a < b,
    "after": lambda a, b: a > b,
    "at-most": lambda a, b: a <= b,
    "at-least": lambda a, b: a >= b,
    "equal": lambda a, b: a == b,
}


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know beyond the record: the kind, the date it counts as today, and what the schema refused."""

    kind: str
    today: dt.date
    version: str | None = None
    #: Pointers the schema has already reported; a rule does not speak about their values again.
    refused: frozenset[str] = frozenset()

    def issue(self, pointer: str, message: str, value: Any, rule: str) -> Issue:
        return Issue(pointer, field_label(self.kind, pointer, self.version), message, value, rule)


@dataclass(frozen=True)
class _Reading:
    """How the answers at one pointer are read: ``number``, ``date`` or ``other`` (compared only for equality)."""

    kind: str
    money: bool = False


@dataclass(frozen=True)
class DataRule:
    """One entry of a layout's ``rules:`` list, checked and ready to run."""

    name: str
    summary: str
    form: str
    subject: str
    reading: _Reading
    labels: Mapping[str, str] = field(compare=False, repr=False)
    op: str = "equal"
    than: tuple[Any, ...] = ()
    factors: tuple[Decimal, Decimal] = (Decimal(1), Decimal(1))
    equals: Any = _MISSING
    condition: str = ""
    message: str | None = None

    def check(self, record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Issue]:
        """The issues this rule finds in ``record``."""
        if self.form == "required":
            yield from self._required(record, ctx)
        elif self.form == "unique":
            yield from self._unique(record, ctx)
        elif self.form in ("sum", "count"):
            yield from self._aggregate(record, ctx)
        else:
            for pointer, keys, raw in _matches(record, self.subject) or ():
                value = _read(raw, self.reading) if pointer not in ctx.refused else None
                if value is not None:
                    yield from self._compare(record, ctx, value, keys, pointer, raw, {})

    def _compare(
        self,
        record: Mapping[str, Any],
        ctx: RuleContext,
        value: Any,
        keys: tuple[str, ...],
        pointer: str,
        raw: Any,
        extra: dict[str, str],
    ) -> Iterator[Issue]:
        found = self._than(record, ctx, keys)
        if found is None:
            return
        other, other_pointer, other_label = found
        if self.op == "between":
            low, high = sorted((other * self.factors[0], other * self.factors[1]))
            if low <= value <= high:
                return
            fails = "is not between"
        else:
            low = high = other * self.factors[0] if self.reading.kind == "number" else other
            if _HOLDS[self.op](value, low):
                return
            fails = _FAILS[self.op][self.reading.kind == "date"]
        shown = dict(
            extra,
            value=_show(value, self.reading),
            than=_show(other, self.reading),
            than_label=other_label,
            low=_show(low, self.reading),
            high=_show(high, self.reading),
            middle=_show((low + high) / 2, self.reading) if self.reading.kind == "number" else "",
        )
        shown.setdefault("label", field_label(ctx.kind, pointer, ctx.version))
        if self.message is not None:
            message = self.message.format_map(_Blank(shown))
        else:
            # The answer's own label heads the issue; a total or a count is named, as it has no box of its own.
            lead = shown["value"] if "lead" not in extra else f"{extra['lead']} ({shown['value']}{extra['details']})"
            message = f"{lead} {fails} {self._described(shown)}"
        if self.form in ("sum", "count") and other_pointer:
            yield ctx.issue(other_pointer, message, _at(record, other_pointer), self.name)
        else:
            yield ctx.issue(pointer, message, raw, self.name)

    def _described(self, shown: Mapping[str, str]) -> str:
        """The other side of a failed comparison, in words: "51 and 53 times “Weekly hours” (240): 12,240 to 12,720"."""
        than = (
            shown["than_label"] if shown["than_label"] == shown["than"] else f"{shown['than_label']} ({shown['than']})"
        )
        if self.op == "between":
            if self.factors == (Decimal(1), Decimal(1)):
                return than
            factors = f"{_show(self.factors[0], _NUMBER)} and {_show(self.factors[1], _NUMBER)} times"
            return f"{factors} {than}: {shown['low']} to {shown['high']}"
        if self.factors[0] != 1:
            return f"{_show(self.factors[0], _NUMBER)} times {than}: {shown['low']}"
        return than

    def _than(self, record: Mapping[str, Any], ctx: RuleContext, keys: tuple[str, ...]) -> tuple[Any, str, str] | None:
        """The first of the ``than`` alternatives that can be read: its value, pointer (if any) and label."""
        for choice in self.than:
            if choice == _TODAY:
                return ctx.today, "", "today"
            if isinstance(choice, str) and choice.startswith("/"):
                pointer = _bound(choice, keys)
                raw = _at(record, pointer)
                value = _read(raw, self.reading) if pointer not in ctx.refused else None
                if value is not None:
                    return value, pointer, f"“{field_label(ctx.kind, pointer, ctx.version)}”"
                continue
            return choice, "", _show(choice, self.reading)
        return None

    def _aggregate(self, record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Issue]:
        found = _matches(record, self.subject)
        if found is None:
            return
        label = self.labels[self.subject]
        if self.form == "count":
            counted = [keys[0] for pointer, keys, raw in found if raw == self.equals and pointer not in ctx.refused]
            value = Decimal(len(counted))
            listed = ", ".join(_key(k) for k in counted) or "none"
            shown = {"count": str(len(counted)), "counted": listed, "details": f": {listed}"}
            shown["lead"] = f"the number of {label} answered “{self.equals}”"
        else:
            readings = [_read(raw, self.reading) if pointer not in ctx.refused else None for pointer, _, raw in found]
            if any(reading is None for reading in readings):
                return
            value = sum(readings, Decimal(0))
            rows = f", {len(readings)} row{'s' if len(readings) != 1 else ''}"
            shown = {"lead": f"the total of {label}", "count": str(len(readings)), "details": rows}
        table = self.subject.split("/*", 1)[0]
        yield from self._compare(record, ctx, value, (), table, _at(record, table), shown)

    def _required(self, record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Issue]:
        for pointer, keys, raw in _matches(record, self.condition) or ():
            if pointer in ctx.refused or not (raw == self.equals if self.equals is not _MISSING else _answered(raw)):
                continue
            needed = _bound(self.subject, keys)
            if not _answered(_at(record, needed)):
                label = field_label(ctx.kind, pointer, ctx.version)
                said = "is ticked" if raw is True else f"is answered “{_show(raw, _OTHER)}”"
                shown = {"label": field_label(ctx.kind, needed, ctx.version), "than_label": f"“{label}”"}
                shown |= {"than": _show(raw, _OTHER)}
                message = (
                    self.message.format_map(_Blank(shown))
                    if self.message is not None
                    else f"this must be filled in, as “{label}” {said}"
                )
                yield ctx.issue(needed, message, None, self.name)

    def _unique(self, record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Issue]:
        seen: dict[str, tuple[str, ...]] = {}
        for pointer, keys, raw in _matches(record, self.subject) or ():
            if pointer in ctx.refused or not _answered(raw):
                continue
            token = json.dumps(raw, sort_keys=True, default=str)
            if token not in seen:
                seen[token] = keys
                continue
            shown = {"value": _show(raw, _OTHER), "first": _key(seen[token][-1])}
            shown["label"] = field_label(ctx.kind, pointer, ctx.version)
            message = (
                self.message.format_map(_Blank(shown))
                if self.message is not None
                else f"{shown['value']} is already given in {shown['first']}; give each answer once"
            )
            yield ctx.issue(pointer, message, raw, self.name)


_NUMBER = _Reading("number")
_OTHER = _Reading("other")


class _Blank(dict[str, str]):
    """Placeholders a message uses that this check has nothing for are left empty."""

    def __missing__(self, key: str) -> str:
        return ""


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _matches(record: Any, pattern: str) -> list[tuple[str, tuple[str, ...], Any]] | None:
    """Each (pointer, row keys, value) a pattern names; None when a table it goes through cannot be read."""
    found: list[tuple[str, tuple[str, ...], Any]] = [("", (), record)]
    for part in pattern.split("/")[1:]:
        step = []
        for where, keys, node in found:
            if part != "*":
                step.append((f"{where}/{part}", keys, _child(node, _unescape(part))))
            elif isinstance(node, list):
                step += [(f"{where}/{i}", (*keys, str(i)), item) for i, item in enumerate(node)]
            elif isinstance(node, Mapping):
                step += [(f"{where}/{key}", (*keys, str(key)), item) for key, item in node.items()]
            else:
                return None
        found = step
    return found


def _child(node: Any, part: str) -> Any:
    if isinstance(node, Mapping):
        return node.get(part, _MISSING)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return _MISSING


def _at(record: Any, pointer: str) -> Any:
    """The value at a concrete pointer, or ``_MISSING``."""
    node = record
    for part in pointer.split("/")[1:]:
        node = _child(node, _unescape(part))
    return node


def _bound(pattern: str, keys: tuple[str, ...]) -> str:
    """A pattern with its ``*`` replaced, in order, by the row keys of the answer it is compared with."""
    parts = pattern.split("/")
    rows = iter(keys)
    return "/".join(next(rows, "*") if part == "*" else part for part in parts)


def _answered(value: Any) -> bool:
    if value is _MISSING or value is None or value is False:
        return False
    if isinstance(value, str | list | Mapping):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def _read(value: Any, reading: _Reading) -> Any:
    """A value as the rule compares it, or None when it cannot be read (left to the schema)."""
    if reading.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        number = Decimal(str(value))
        return number if number.is_finite() else None
    if reading.kind == "date":
        if not isinstance(value, str) or len(value) != 10:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None if value is _MISSING or value is None else value


def _show(value: Any, reading: _Reading) -> str:
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        if reading.money:
            return f"£{Decimal(value):,.2f}"
        text = f"{Decimal(value):,f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if value is True or value is False:
        return "yes" if value else "no"
    return str(value)


def _key(key: str) -> str:
    """A row as people count it ("row 2"), or a named entry as it is named."""
    return f"row {int(key) + 1}" if key.isdigit() else key


# --- Reading and checking a ``rules:`` list ------------------------------------------------------------


class _Problem(Exception):
    """A mistake in one rule, reported with the layout file and the rule's name."""


def _segments_match(pattern: str, pointer: str) -> bool:
    one, other = pattern.split("/"), pointer.split("/")
    return len(one) == len(other) and all(a in ("*", b) for a, b in zip(one, other, strict=True))


class _Schema:
    """The fields of one kind and version, looked up by pattern (``*`` for any row or named entry)."""

    def __init__(self, kind: str, version: str) -> None:
        self.kind, self.version = kind, version
        self.specs = fields(kind, version)

    def matching(self, pattern: Any, key: str, *, rows: bool | None, groups: bool = False) -> list[FieldSpec]:
        """The fields ``pattern`` names; ``groups``: a table or block may be named too (what ``required`` asks for)."""
        if not isinstance(pattern, str) or not pattern.startswith("/"):
            raise _Problem(f"'{key}' is a JSON Pointer such as /start_date; got {pattern!r}")
        if rows is True and "*" not in pattern:
            raise _Problem(f"'{key}: {pattern}' names one answer; use * for the rows it goes through")
        if rows is False and "*" in pattern:
            raise _Problem(f"'{key}: {pattern}' names many answers; use 'each:' to check every row")
        found = [spec for spec in self.specs if _segments_match(pattern, spec.pointer)]
        if not found:
            raise _Problem(f"'{pattern}' is not a field of the {self.kind} schema (version {self.version})")
        if not groups and any(spec.type in ("object", "array") for spec in found):
            raise _Problem(f"'{pattern}' is a group of questions, not one answer")
        return found

    def reading(self, specs: Sequence[FieldSpec]) -> _Reading:
        spec = specs[0]
        if spec.type in ("number", "integer"):
            return _Reading("number", spec.semantic == "money")
        if spec.format == "date":
            return _Reading("date")
        return _Reading("other")

    def label(self, pattern: str, specs: Sequence[FieldSpec]) -> str:
        """A field named for a summary: “Score” in “Scores” for a column, else its title."""
        title = f"“{specs[0].title}”"
        if "*" in pattern:
            group = next((s for s in self.specs if s.pointer == pattern.split("/*", 1)[0]), None)
            return f"{title} in “{group.title}”" if group is not None else title
        return title


def _factors(raw: Any, op: str) -> tuple[Decimal, Decimal]:
    if raw is None:
        if op == "between":
            raise _Problem("'is: between' needs 'times: [LOW, HIGH]', the range of the 'than' value")
        return Decimal(1), Decimal(1)
    values = raw if isinstance(raw, list) else [raw]
    if len(values) != (2 if op == "between" else 1):
        wanted = "two numbers, [LOW, HIGH]" if op == "between" else "one number"
        raise _Problem(f"'times' for 'is: {op}' is {wanted}; got {raw!r}")
    numbers = [_read(value, _NUMBER) for value in values]
    if any(number is None for number in numbers):
        raise _Problem(f"'times' is a number or a list of numbers; got {raw!r}")
    return numbers[0], numbers[-1]


def _literal(value: Any, reading: _Reading) -> Any:
    if value == _TODAY:
        if reading.kind != "date":
            raise _Problem("'today' can only be compared with a date")
        return _TODAY
    if reading.kind == "other":
        if isinstance(value, list | Mapping):
            raise _Problem(f"'than' is a pointer, a value or a list of these; got {value!r}")
        return value
    read = _read(value.isoformat() if isinstance(value, dt.date) else value, reading)
    if read is None:
        raise _Problem(f"'than: {value!r}' is not a {reading.kind}, but the answer it is compared with is")
    return read


def _than(entry: Mapping[str, Any], schema: _Schema, reading: _Reading, subject: str) -> tuple[Any, ...]:
    raw = entry["matches"] if "matches" in entry else entry.get("than")
    if raw is None:
        raise _Problem("a comparison needs 'than:' (a pointer, a value or 'today'), or 'matches:'")
    choices = raw if isinstance(raw, list) else [raw]
    out = []
    for choice in choices:
        if isinstance(choice, str) and choice.startswith("/"):
            if choice.count("*") > subject.count("*") or (("sum" in entry or "count" in entry) and "*" in choice):
                raise _Problem(f"'than: {choice}' has a * that is not a row of '{subject}'")
            other = schema.reading(schema.matching(choice, "than", rows=None))
            if other.kind != reading.kind:
                raise _Problem(
                    f"'{choice}' is a {other.kind} but '{subject}' is a {reading.kind}: they cannot be compared"
                )
            out.append(choice)
        else:
            out.append(_literal(choice, reading))
    return tuple(out)


def _rule(entry: Any, schema: _Schema) -> DataRule:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise _Problem(f"each rule is a mapping with a 'name'; got {entry!r}")
    subjects = [key for key in _SUBJECTS if key in entry]
    if len(subjects) != 1:
        raise _Problem(f"a rule has exactly one of {', '.join(_SUBJECTS)}; this has {', '.join(subjects) or 'none'}")
    form = subjects[0]
    allowed = _COMMON | {form} | _KEYS[form]
    if unknown := sorted(set(entry) - allowed):
        raise _Problem(
            f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} (a {form} rule takes {', '.join(sorted(allowed))})"
        )
    for key in ("message", "summary"):
        if key in entry and not isinstance(entry[key], str):
            raise _Problem(f"'{key}' is text; got {entry[key]!r}")
    message = entry.get("message")
    if message is not None:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}
        except ValueError as exc:
            raise _Problem(f"'message' has a stray brace ({exc}); write {{{{ for a brace") from None
        if unknown := sorted(names - set(_PLACEHOLDERS)):
            raise _Problem(
                f"'message' uses {{{unknown[0]}}}; it may use {', '.join('{' + p + '}' for p in _PLACEHOLDERS)}"
            )
    subject = entry[form]
    rows = {"when": False, "required": None}.get(form, True)
    specs = schema.matching(subject, form, rows=rows, groups=form == "required")
    reading = schema.reading(specs)
    labels = {subject: schema.label(subject, specs)}
    built: dict[str, Any] = {"name": entry["name"], "form": form, "subject": subject, "message": message}
    if form in ("required", "unique"):
        if form == "required":
            condition = entry.get("if")
            if condition is None:
                raise _Problem("a required rule says when: 'if: POINTER'")
            condition_specs = schema.matching(condition, "if", rows=None)
            if subject.count("*") > condition.count("*"):
                raise _Problem(f"'required: {subject}' has a * that is not a row of 'if: {condition}'")
            labels[condition] = schema.label(condition, condition_specs)
            built |= {"condition": condition, "equals": _equals(entry, condition_specs)}
        built["reading"] = reading
    else:
        if form == "sum" and reading.kind != "number":
            raise _Problem(f"'sum: {subject}' adds up answers that are not numbers")
        if form == "count":
            if "equals" not in entry:
                raise _Problem("a count rule says which answer it counts: 'equals: VALUE'")
            built["equals"] = _equals(entry, specs)
            reading = _NUMBER
        op = "equal" if "matches" in entry else entry.get("is")
        if "matches" in entry and ("is" in entry or "than" in entry):
            raise _Problem("'matches: POINTER' is short for 'is: equal, than: POINTER'; give one or the other")
        if op not in OPERATORS:
            raise _Problem(f"'is: {op}' is not one of {', '.join(OPERATORS)}")
        if reading.kind == "other" and op != "equal":
            raise _Problem(f"'{subject}' is neither a number nor a date, so it can only be 'is: equal'")
        if reading.kind != "number" and "times" in entry:
            raise _Problem(f"'times' scales numbers, and '{subject}' is not one")
        than = _than(entry, schema, reading, subject)
        for choice in than:
            if isinstance(choice, str) and choice.startswith("/"):
                labels[choice] = schema.label(choice, schema.matching(choice, "than", rows=None))
        built |= {"reading": reading, "op": op, "than": than, "factors": _factors(entry.get("times"), op)}
    rule = DataRule(summary="", labels=labels, **built)
    summary = entry.get("summary") or (_sentence(message) if message and "{" not in message else _summary(rule))
    return replace(rule, summary=summary)


def _equals(entry: Mapping[str, Any], specs: Sequence[FieldSpec]) -> Any:
    if "equals" not in entry:
        return _MISSING
    value = entry["equals"]
    choices = specs[0].enum or specs[0].item_enum
    if choices and value not in choices:
        raise _Problem(f"'equals: {value}' is not one of the answers it could be ({', '.join(map(str, choices))})")
    return value


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def _summary(rule: DataRule) -> str:
    """The rule in one sentence from the labels of its fields, for the site's form guide."""
    subject = rule.labels[rule.subject]
    if rule.form == "required":
        condition = rule.labels[rule.condition]
        when = f"answers “{rule.equals}”" if rule.equals is not _MISSING else "is answered"
        return f"{subject} must be filled in if {condition} {when}."
    if rule.form == "unique":
        return f"No two rows may give the same {subject}."
    if rule.form == "sum":
        subject = f"The total of {subject}"
    elif rule.form == "count":
        subject = f"The number of {subject} answered “{rule.equals}”"
    elif rule.form == "each":
        subject = f"Each {subject}"
    alternatives = [
        "today" if choice == _TODAY else rule.labels.get(choice, _show(choice, rule.reading)) for choice in rule.than
    ]
    than = alternatives[0] + "".join(f" (or {other}, if there is none)" for other in alternatives[1:])
    factors = [_show(factor, _NUMBER) for factor in rule.factors]
    if rule.op == "between":
        return f"{subject} must be between {factors[0]} and {factors[1]} times {than}."
    scaled = f"{factors[0]} times " if rule.factors[0] != 1 else ""
    return f"{subject} {_ASKS[rule.op][rule.reading.kind == 'date']} {scaled}{than}."


def parse_rules(raw: Any, kind: str, version: str, where: str) -> tuple[DataRule, ...]:
    """A layout's ``rules:`` list, each checked against the schema of ``kind`` at ``version``.

    Raises :class:`CommissionError` naming ``where`` (the layout file), the rule and what is wrong.
    """
    if not isinstance(raw, list):
        raise CommissionError(f"{where}: 'rules' is a list of rules, each with a name; got {raw!r}.")
    schema = _Schema(kind, version)
    out = []
    for number, entry in enumerate(raw, start=1):
        name = entry.get("name") if isinstance(entry, Mapping) else None
        try:
            out.append(_rule(entry, schema))
        except _Problem as exc:
            rule = f"rule '{name}'" if isinstance(name, str) and name else f"rule {number}"
            raise CommissionError(f"{where}, {rule}: {exc}.") from None
    return tuple(out)


# --- Where the rules are: the layout file of a kind and version ----------------------------------------


def frozen_folder(kind: str, version: str) -> Path:
    """Where a released version's layout and blank forms are kept: ``forms/versions/<kind>/<version>/``."""
    return resource_dir("forms") / "versions" / kind / version


def layout_file(kind: str, version: str | None = None) -> Path:
    """The layout file of ``version`` (default: the current one, ``forms/<kind>.yaml``)."""
    if version is None or version == schema_info(kind).version:
        return resource_dir("forms") / f"{kind}.yaml"
    return frozen_folder(kind, version) / "layout.yaml"


def layout_rules(kind: str, version: str | None = None) -> tuple[DataRule, ...] | None:
    """The ``rules:`` of a kind's layout at ``version``; None when the layout has no ``rules:`` key (or no layout).

    None, not an empty list, so the caller can tell a layout that says "no rules"
    from one released before rules were data (whose rules are still Python's).
    Read again whenever the file changes, so a release or an edit is never missed.
    """
    version = schema_info(kind, version).version
    path = layout_file(kind, version)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    return _rules_in(path, stamp, kind, version)


@cache
def _rules_in(path: Path, stamp: int, kind: str, version: str) -> tuple[DataRule, ...] | None:
    try:
        raw = load_project_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CommissionError(f"{path}: this layout cannot be read ({exc}).") from None
    if not isinstance(raw, Mapping) or "rules" not in raw:
        return None
    try:
        where = str(path.relative_to(project_root()))
    except ValueError:
        where = str(path)
    return parse_rules(raw["rules"], kind, version, where)


def forget_rules() -> None:
    """Read the rules again on next use (a project or its schemas changed)."""
    _rules_in.cache_clear()
