"""A schema with every ``$ref`` replaced by what it points to, worked out once.

jsonschema looks a ``$ref`` up in the registry (URL joining, pointer walking)
every time it meets one, for every record: about half the time of validating a
return. Our schemas use ``$ref`` only to share definitions, beside annotations
(title, description), so the same schema with each reference written out in
place validates exactly alike. Anything this cannot write out faithfully (a
cycle, an ``$id`` or anchor below the root, ``$ref`` beside other validating
keywords) leaves the schema as it was, and the registry resolves it as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from referencing.exceptions import Unresolvable

__all__ = ["dereferenced"]

#: Keywords whose value is one subschema, a list of them, or a map of names to them (JSON Schema 2020-12).
_ONE = frozenset(
    {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}
    | {"unevaluatedItems", "unevaluatedProperties", "additionalItems"}
)
_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_MAP = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
#: Keywords that say something about a field without checking it: safe beside a ``$ref``.
_ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$comment", "deprecated", "x-expected"})
#: Keywords that change how references resolve below the root: not written out.
_SCOPE = frozenset({"$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"})


class _Kept(Exception):
    """This schema is left as it is: some reference cannot be written out faithfully."""


def dereferenced(schema: Mapping[str, Any], resolver: Any) -> Mapping[str, Any]:
    """``schema`` with its references written out, or ``schema`` itself when that cannot be done faithfully."""
    try:
        return {key: _keyword(key, value, resolver, frozenset()) for key, value in schema.items()}
    except _Kept:
        return schema


def _keyword(key: str, value: Any, resolver: Any, seen: frozenset[int]) -> Any:
    if key in _ONE:
        return _schema(value, resolver, seen)
    if key in _LIST and isinstance(value, list):
        return [_schema(item, resolver, seen) for item in value]
    if key in _MAP and isinstance(value, Mapping):
        return {name: _schema(item, resolver, seen) for name, item in value.items()}
    return value


def _schema(node: Any, resolver: Any, seen: frozenset[int]) -> Any:
    if not isinstance(node, Mapping):
        return node  # a boolean schema
    if _SCOPE & node.keys():
        raise _Kept
    own = {key: _keyword(key, value, resolver, seen) for key, value in node.items() if key != "$ref"}
    if "$ref" not in node:
        return own
    if not own.keys() <= _ANNOTATIONS:
        raise _Kept
    try:
        resolved = resolver.lookup(node["$ref"])
    except Unresolvable:
        raise _Kept from None
    if id(resolved.contents) in seen:
        raise _Kept  # a recursive definition cannot be written out
    target = _schema(resolved.contents, resolved.resolver, seen | {id(resolved.contents)})
    if not isinstance(target, Mapping):
        raise _Kept
    return {**target, **own}  # the referring node's annotations win, as in schemas.FieldSpec
