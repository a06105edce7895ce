"""A compiled validator (jsonschema-rs) that says quickly when a record is valid; jsonschema explains the rest.

Checking a valid return with jsonschema took about a quarter of reading a Word
return (issue 19); jsonschema-rs checks it about a hundred times faster. It only
ever answers "valid": anything else (invalid, or a value it cannot take, such as a
Python object JSON has no type for) goes to jsonschema, which stays the one
authority on what is wrong and how to say it. So the two must agree on validity,
and where they could differ, this module makes jsonschema-rs do what jsonschema does:

- ``format``: jsonschema's ``FormatChecker`` checks ``date`` as ``YYYY-MM-DD`` read by
  ``date.fromisoformat`` and ``email`` as holding an ``@``; jsonschema-rs checks email
  by RFC 5321. Both are given to jsonschema-rs as the same Python checks; any other
  format it does not know is ignored, as jsonschema ignores formats it has no checker for.
- ``pattern``: jsonschema searches with Python's ``re`` (``$`` before a final newline,
  Python's ``\\s``); jsonschema-rs uses a Rust regex engine whose ``\\s`` and ``$`` differ.
  Each ``pattern`` is handed over as a format of its own, checked by the same ``re.search``.

tests/test_fast_validation.py checks the two agree on every example record and on
thousands of variants of them. Without jsonschema-rs installed, nothing here is used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

try:
    import jsonschema_rs
except ImportError:  # pragma: no cover - the fallback: jsonschema alone
    jsonschema_rs = None

__all__ = ["AVAILABLE", "is_valid"]

#: True when jsonschema-rs is importable here.
AVAILABLE = jsonschema_rs is not None

#: jsonschema's own ``date`` check (jsonschema/_format.py, ``is_date``).
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_date(text: str) -> bool:
    try:
        return bool(_DATE.fullmatch(text) and dt.date.fromisoformat(text))
    except ValueError:
        return False


def _is_email(text: str) -> bool:
    """jsonschema's ``email`` check (``is_email``): an ``@`` somewhere."""
    return "@" in text


#: The formats jsonschema's ``FORMAT_CHECKER`` checks in our schemas, with its own rules.
_FORMATS: dict[str, Callable[[str], bool]] = {"date": _is_date, "email": _is_email, "idn-email": _is_email}


class _Unsuitable(Exception):
    """The schema holds something this module does not hand over faithfully: jsonschema alone checks it."""


def _searcher(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern)
    return lambda text: compiled.search(text) is not None


#: Keywords whose value is data, not a schema: copied as they are.
_DATA = frozenset({"const", "enum", "default", "examples"})
#: Keywords whose value maps names to schemas: the names are not keywords.
_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def _converted(node: Any, patterns: dict[str, str]) -> Any:
    """``node`` with each ``pattern`` as a format named for it (``x-pattern-N``) in an ``allOf``.

    A ``$ref`` left in place (one ``records.dereference`` could not write out), ``patternProperties``
    or a format not in ``_FORMATS`` make the schema unsuitable: jsonschema alone checks its records.
    """
    if isinstance(node, list):
        return [_converted(item, patterns) for item in node]
    if not isinstance(node, Mapping):
        return node
    if "$ref" in node or "$dynamicRef" in node or "patternProperties" in node:
        raise _Unsuitable  # a reference left in place; names matched by Rust's regex engine, not Python's
    if "format" in node and node["format"] not in _FORMATS:
        raise _Unsuitable  # a format whose checks jsonschema-rs and jsonschema might not share
    out = {}
    for key, value in node.items():
        if key in _DATA:
            out[key] = value
        elif key in _MAPS and isinstance(value, Mapping):
            out[key] = {name: _converted(child, patterns) for name, child in value.items()}
        else:
            out[key] = _converted(value, patterns)
    if isinstance(pattern := out.get("pattern"), str):
        del out["pattern"]
        name = patterns.setdefault(pattern, f"x-pattern-{len(patterns)}")
        out["allOf"] = [*out.get("allOf", []), {"format": name}]
    return out


#: Compiled validators by the schema they were made from: ``schemas.forget_schemas`` (a project switched,
#: a form released) gives a kind a new resolved schema, and so a new validator here.
_COMPILED: dict[int, tuple[Mapping[str, Any], Any]] = {}


def _compiled(kind: str, version: str | None) -> Any:
    """One jsonschema-rs validator per kind and version, from the schema jsonschema checks (None: not suitable)."""
    from .schemas import resolved_schema

    schema = resolved_schema(kind, version)
    held = _COMPILED.get(id(schema))
    if held is None or held[0] is not schema:
        held = _COMPILED[id(schema)] = (schema, _compile(schema))
    return held[1]


def _compile(schema: Mapping[str, Any]) -> Any:
    patterns: dict[str, str] = {}
    try:
        converted = _converted(schema, patterns)
    except _Unsuitable:
        return None
    formats = {**_FORMATS, **{name: _searcher(pattern) for pattern, name in patterns.items()}}
    return jsonschema_rs.Draft202012Validator(
        converted, formats=formats, validate_formats=True, ignore_unknown_formats=True, offline=True
    )


def is_valid(record: Any, kind: str, version: str | None = None) -> bool:
    """True when ``record`` is certainly valid against ``kind``'s schema; False means ask jsonschema."""
    if jsonschema_rs is None:
        return False
    compiled = _compiled(kind, version)
    if compiled is None:
        return False
    try:
        return bool(compiled.is_valid(record))
    except Exception:  # a value JSON has no type for, a number too big for it: jsonschema decides
        return False
