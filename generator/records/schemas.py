"""Load the JSON Schemas once, resolve them offline, and describe their fields.

Every schema file under ``schemas/`` goes into one immutable
``referencing.Registry``; nothing is ever fetched from the network. Each
document kind gets one compiled ``Draft202012Validator`` (with a format
checker, without which ``format: date`` is silently ignored), reused for
every record. Older released versions live in ``schemas/versions/<kind>/`` so
returns of every version keep validating against the schema they were made
from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .dereference import dereferenced
from .errors import CommissionError, UnknownKindError
from .resources import resource_dir

__all__ = [
    "FieldSpec",
    "SchemaInfo",
    "field_for_pointer",
    "fields",
    "forget_schemas",
    "kinds",
    "pattern_of",
    "registry",
    "schema_info",
    "validator",
]

_ID_PATTERN = re.compile(r"^urn:commission:schema:(?P<kind>[a-z-]+):(?P<version>\d+\.\d+\.\d+)$")
SHARED = "defs"


@dataclass(frozen=True)
class SchemaInfo:
    """One released version of one document kind's schema."""

    kind: str
    version: str
    id: str
    contents: Mapping[str, Any]
    current: bool

    @property
    def title(self) -> str:
        return str(self.contents.get("title", self.kind))


@dataclass(frozen=True)
class FieldSpec:
    """What the schema says about one field, wherever it was ``$ref``-ed from.

    ``pointer`` uses ``*`` for an array index (``/outcomes/*/description``).
    ``semantic`` names the shared definition behind it (``money``, ``date``,
    ``long_text``...), which is what coercion and widgets care about.
    """

    pointer: str
    title: str
    description: str
    type: str
    required: bool
    semantic: str | None = None
    format: str | None = None
    enum: tuple[Any, ...] | None = None
    item_enum: tuple[Any, ...] | None = None
    expected: str | None = None
    is_choice: bool = False
    schema: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def parent(self) -> str:
        return self.pointer.rsplit("/", 1)[0]

    @property
    def name(self) -> str:
        return self.pointer.rsplit("/", 1)[1]

    @property
    def in_repeating_group(self) -> bool:
        """True for a column of a table of rows (not for one choice of a list)."""
        return not self.is_choice and "/*/" in self.pointer + "/"


def _read_schema_files() -> list[tuple[dict[str, Any], bool]]:
    folder = resource_dir("schemas")
    found = [(path, True) for path in sorted(folder.glob("*.schema.json"))]
    found += [(path, False) for path in sorted(folder.glob("versions/*/*.schema.json"))]
    out = []
    for path, current in found:
        try:
            out.append((json.loads(path.read_text(encoding="utf-8")), current))
        except (OSError, ValueError) as exc:
            raise CommissionError(f"{path}: this schema file cannot be read ({exc}).") from exc
    return out


@cache
def _catalogue() -> tuple[Registry, dict[tuple[str, str], SchemaInfo]]:
    resources = []
    infos: dict[tuple[str, str], SchemaInfo] = {}
    for contents, current in _read_schema_files():
        schema_id = contents.get("$id", "")
        match = _ID_PATTERN.match(schema_id)
        if not match:
            raise CommissionError(
                f"Schema $id '{schema_id}' does not look like urn:commission:schema:<kind>:<version>."
            )
        resources.append((schema_id, Resource.from_contents(contents, default_specification=DRAFT202012)))
        kind, version = match["kind"], match["version"]
        if kind != SHARED:
            infos[(kind, version)] = SchemaInfo(kind, version, schema_id, contents, current)
    return Registry().with_resources(resources).crawl(), infos


def registry() -> Registry:
    """The one registry; it never retrieves anything it was not given."""
    return _catalogue()[0]


def kinds() -> list[str]:
    """Names of the document kinds, such as ``growth-bid``."""
    return sorted({kind for kind, _ in _catalogue()[1]})


def versions(kind: str) -> list[str]:
    """Every released version of a kind, oldest first."""
    return list(_versions(kind))


@cache
def _versions(kind: str) -> tuple[str, ...]:
    """Sorted once per kind (the catalogue never changes), since every parsed return asks."""
    schema_info(kind)
    return tuple(
        sorted((v for k, v in _catalogue()[1] if k == kind), key=lambda v: tuple(int(p) for p in v.split(".")))
    )


def schema_info(kind: str, version: str | None = None) -> SchemaInfo:
    """The schema of a kind: its current version unless one is asked for."""
    infos = _catalogue()[1]
    if version is None:
        for (k, _), info in infos.items():
            if k == kind and info.current:
                return info
        raise UnknownKindError(kind, kinds())
    try:
        return infos[(kind, version)]
    except KeyError:
        if kind not in kinds():
            raise UnknownKindError(kind, kinds()) from None
        raise CommissionError(
            f"Version {version} of the {kind} form is not one we have released (known: {', '.join(versions(kind))})."
        ) from None


@cache
def validator(kind: str, version: str | None = None) -> Draft202012Validator:
    """One compiled validator per kind and version, reused for every record.

    It checks the schema with its references written out in place, so no
    record's validation looks a ``$ref`` up; the registry still answers any
    reference that could not be written out.
    """
    info = schema_info(kind, version)
    contents = dereferenced(info.contents, registry().resolver(base_uri=info.id))
    return Draft202012Validator(contents, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def pattern_of(pointer: str) -> str:
    """``/outcomes/2/description`` -> ``/outcomes/*/description``."""
    return re.sub(r"/\d+(?=/|$)", "/*", pointer)


def _merged(node: Mapping[str, Any], resolver: Any) -> tuple[dict[str, Any], Any, str | None]:
    """Follow ``$ref`` chains; the referring node's own keywords win."""
    merged: dict[str, Any] = {}
    semantic = None
    while True:
        for key, value in node.items():
            merged.setdefault(key, value)
        ref = node.get("$ref")
        if not ref:
            break
        semantic = semantic or ref.rsplit("/", 1)[-1]
        resolved = resolver.lookup(ref)
        node, resolver = resolved.contents, resolved.resolver
    merged.pop("$ref", None)
    return merged, resolver, semantic


def _walk(node: Mapping[str, Any], resolver: Any, pointer: str, required: bool) -> Iterator[FieldSpec]:
    merged, resolver, semantic = _merged(node, resolver)
    item_enum = None
    if merged.get("type") == "array":
        items, _, item_semantic = _merged(merged.get("items", {}), resolver)
        item_enum = tuple(items["enum"]) if "enum" in items else None
        semantic = semantic or item_semantic
    if pointer:
        yield FieldSpec(
            pointer=pointer,
            title=str(merged.get("title", pointer.rsplit("/", 1)[-1])),
            description=str(merged.get("description", "")),
            type=str(merged.get("type", "string")),
            required=required,
            semantic=semantic,
            format=merged.get("format"),
            enum=tuple(merged["enum"]) if "enum" in merged else None,
            item_enum=item_enum,
            expected=merged.get("x-expected"),
            schema=merged,
        )
    if merged.get("type") == "object":
        needed = set(merged.get("required", ()))
        for name, child in merged.get("properties", {}).items():
            yield from _walk(child, resolver, f"{pointer}/{name}", name in needed)
    elif merged.get("type") == "array":
        items = _merged(merged.get("items", {}), resolver)[0]
        if "properties" in items:
            yield from _walk(merged["items"], resolver, f"{pointer}/*", True)
        elif pointer:
            # One choice of a multiple-choice list: named like the list itself.
            yield FieldSpec(
                pointer=f"{pointer}/*",
                title=str(merged.get("title", pointer)),
                description=str(merged.get("description", "")),
                type=str(items.get("type", "string")),
                required=True,
                semantic=semantic,
                enum=item_enum,
                expected=items.get("x-expected"),
                schema=items,
                is_choice=True,
            )


@cache
def fields(kind: str, version: str | None = None) -> tuple[FieldSpec, ...]:
    """Every field of a kind in schema order, containers included."""
    info = schema_info(kind, version)
    resolver = registry().resolver(base_uri=info.id)
    return tuple(_walk(info.contents, resolver, "", True))


@cache
def _field_index(kind: str, version: str | None) -> dict[str, FieldSpec]:
    return {spec.pointer: spec for spec in fields(kind, version)}


def field_for_pointer(kind: str, pointer: str, version: str | None = None) -> FieldSpec | None:
    """The field a concrete pointer (with row numbers) belongs to, if any."""
    return _field_index(kind, version).get(pattern_of(pointer))


def forget_schemas() -> None:
    """Read the schema files again on next use (after a release has changed them)."""
    for cached in (_catalogue, _versions, validator, fields, _field_index):
        cached.cache_clear()
