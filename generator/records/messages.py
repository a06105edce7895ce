"""Turn jsonschema's errors into sentences a bidder can act on.

jsonschema says ``'12,5OO' is not of type 'number'``; a bidder needs
"Annual amount: enter an amount in pounds, such as 12500.00". Each message
names the field by the label the person saw and says what is expected, using
the ``x-expected`` phrase that the schema keeps beside each field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .coerce import why_not_a_date
from .issues import Issue
from .schemas import FieldSpec, field_for_pointer, fields
from .wording import plural

if TYPE_CHECKING:  # jsonschema is imported only to explain an invalid record (records/fast_validation.py)
    from jsonschema.exceptions import ValidationError

__all__ = ["field_label", "issue_from_schema_error"]


def _pointer(parts: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def field_label(kind: str, pointer: str, version: str | None = None) -> str:
    """The label a person saw, with the row for repeating groups ("Outcomes, row 2: Outcome")."""
    spec = field_for_pointer(kind, pointer, version)
    if spec is None:
        return pointer.rsplit("/", 1)[-1] or "Document"
    rows = re.findall(r"/(\d+)(?=/)", pointer)
    if spec.is_choice:
        return spec.title
    parent = field_for_pointer(kind, pointer.rsplit("/", 1)[0], version)
    if parent is not None and parent.type == "object" and parent.semantic:
        # A field of a shared block (a contact, a criterion) is named with its block.
        return f"{parent.title} – {spec.title}"
    if spec.in_repeating_group and rows:
        group = field_for_pointer(kind, pointer[: pointer.index("/" + rows[0] + "/")], version)
        group_title = group.title if group else "Row"
        return f"{group_title}, row {int(rows[0]) + 1}: {spec.title}"
    return spec.title


def _expect(spec: FieldSpec | None, fallback: str) -> str:
    if spec is not None and spec.expected:
        return f"enter {spec.expected}"
    return fallback


def _choices(options: list[Any]) -> str:
    shown = [str(option) for option in options]
    if len(shown) > 6:
        return "choose one of the options in the list"
    return "choose one of: " + ", ".join(shown)


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _message(error: ValidationError, spec: FieldSpec | None, needs: str = "") -> str:
    keyword = error.validator
    limit = error.validator_value
    value = error.instance
    if keyword == "required":
        return "this must be filled in" + (f"; {_expect(spec, '')}" if spec and spec.expected else "")
    if keyword == "minLength":
        if not value.strip() or limit <= 1:
            return "this must be filled in"
        return f"enter at least {limit} characters"
    if keyword == "maxLength":
        return f"keep this to {limit:,} characters or fewer (it has {len(value):,})"
    if keyword == "enum":
        if spec is not None and spec.expected:
            return f"'{value}' is not one of the choices; choose {spec.expected}"
        return _choices(list(limit))
    if keyword in ("type", "format", "pattern"):
        if spec is not None and (spec.format == "date" or spec.semantic == "date") and (why := why_not_a_date(value)):
            return f"{why}; {_expect(spec, 'enter a date, such as 1 April 2027')}"
        return _expect(spec, f"this is not in the expected form ({error.message})")
    if keyword == "minimum":
        return f"{_expect(spec, 'enter a number')}; the smallest allowed is {_number(limit)}"
    if keyword == "exclusiveMinimum":
        return f"{_expect(spec, 'enter a number')}; it must be more than {_number(limit)}"
    if keyword in ("maximum", "exclusiveMaximum"):
        return f"{_expect(spec, 'enter a number')}; the largest allowed is {_number(limit)}"
    if keyword == "minItems":
        return ("add at least one entry" if limit == 1 else f"add at least {plural(limit, 'entry', 'entries')}") + needs
    if keyword == "maxItems":
        return f"give no more than {plural(limit, 'entry', 'entries')} (there are {len(value)})"
    if keyword == "uniqueItems":
        return "each choice should appear only once"
    return error.message


def _required_within(kind: str, pointer: str, version: str | None) -> list[str]:
    """What must be filled in of a group left out: each required answer inside it (through required groups),
    so a bidder who left all of (a) to (g) blank is told each one; the group itself if it is one answer."""
    spec = field_for_pointer(kind, pointer, version)
    if spec is None or spec.type != "object":
        return [pointer]
    pattern = spec.pointer
    inside = [
        child
        for child in fields(kind, version)
        if child.parent == pattern and child.required and "*" not in child.pointer[len(pattern) :]
    ]
    found = [
        leaf for child in inside for leaf in _required_within(kind, pointer + child.pointer[len(pattern) :], version)
    ]
    return found or [pointer]


def _row_needs(kind: str, spec: FieldSpec | None, version: str | None) -> str:
    """What each row of a table must have, named by column, for a table left empty."""
    if spec is None or spec.type != "array":
        return ""
    columns = [child.title for child in fields(kind, version) if child.parent == f"{spec.pointer}/*" and child.required]
    if not columns:
        return ""
    named = columns[0] if len(columns) == 1 else f"{', '.join(columns[:-1])} and {columns[-1]}"
    return f" (each with its {named})"


def issue_from_schema_error(kind: str, error: ValidationError, version: str | None = None) -> list[Issue]:
    """One jsonschema error becomes one issue per field it is about."""
    base = _pointer(error.absolute_path)
    if error.validator == "required":
        missing = [
            name for name in error.validator_value if isinstance(error.instance, dict) and name not in error.instance
        ]
        pointers = [leaf for name in missing for leaf in _required_within(kind, f"{base}/{name}", version)] or [base]
        return [_issue(kind, error, pointer, None, version) for pointer in pointers]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extras = [name for name in error.instance if name not in allowed]
        return [
            Issue(
                path=f"{base}/{name}",
                field=name,
                message=f"'{name}' is not a question on this form; check the spelling or remove it",
                value=error.instance[name],
                rule="additionalProperties",
            )
            for name in extras
        ]
    return [_issue(kind, error, base, error.instance, version)]


def _issue(kind: str, error: ValidationError, pointer: str, value: Any, version: str | None) -> Issue:
    spec = field_for_pointer(kind, pointer, version)
    return Issue(
        path=pointer,
        field=field_label(kind, pointer, version),
        message=_message(error, spec, _row_needs(kind, spec, version) if error.validator == "minItems" else ""),
        value=value,
        rule=str(error.validator),
    )
