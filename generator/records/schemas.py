"""Load the JSON Schemas once, resolve them offline, and describe their fields.

Every schema file under ``schemas/`` goes into one immutable
``referencing.Registry``; nothing is ever fetched from the network. Each
document kind gets one compiled ``Draft202012Validator`` (with a format
checker, without which ``format: date`` is silently ignored), reused for
every record. Older released versions live in ``schemas/versions/<kind>/`` so
returns of every version keep validating against the schema they were made
from.

A schema's kind and version come from its ``x-kind`` and ``x-version``, else from
its ``$id``, which may be any URI (see :func:`identity_of_id`). A file that cannot
be used (broken JSON, no kind or version, one shared with another file) breaks
only its own kind: :func:`schema_info` of that kind names the file and the
problem, and every other kind works. A project without its own shared
definitions (``defs.schema.json``) uses the built-in ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .dereference import dereferenced
from .errors import BrokenSchemaError, CommissionError, UnknownKindError
from .resources import resource_dir, resource_file

if TYPE_CHECKING:  # imported when a validator is first made: a valid record needs only jsonschema-rs
    from jsonschema import Draft202012Validator

__all__ = [
    "KIND_PATTERN",
    "FieldSpec",
    "SchemaInfo",
    "field_for_pointer",
    "fields",
    "forget_schemas",
    "identity_of_id",
    "kind_of_id",
    "kinds",
    "pattern_of",
    "registry",
    "resolved_schema",
    "schema_identity",
    "schema_info",
    "schema_problems",
    "validator",
    "versioned_id",
]

#: The shared definitions' file is ``defs.schema.json``; it is no document kind.
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


#: A kind is what the forms, layouts and commands call it: lower-case letters, digits and hyphens.
KIND_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")


def identity_of_id(schema_id: str) -> tuple[str, str] | None:
    """The kind and version an ``$id`` names by its shape, if it has one.

    A URN's last two colon-separated parts (``urn:commission:schema:growth-bid:1.0.0``),
    any other URI's last two path segments (``https://forms.example.gov.uk/schemas/grant-2027/1.0.0``,
    a trailing ``.json`` or ``.schema.json`` dropped).
    """
    parsed = urlsplit(schema_id)
    if not parsed.scheme:
        return None
    if parsed.scheme.lower() == "urn":
        parts = schema_id.split(":")
    else:
        parts = [part for part in parsed.path.split("/") if part]
    if len(parts) < 2:
        return None
    kind, version = parts[-2], parts[-1].removesuffix(".json").removesuffix(".schema")
    if KIND_PATTERN.match(kind) and VERSION_PATTERN.match(version):
        return kind, version
    return None


def schema_identity(contents: Mapping[str, Any]) -> tuple[str, str]:
    """A schema's kind and version: ``x-kind``/``x-version`` when it has them, else from its ``$id``.

    Raises ``ValueError`` saying what is wrong, for the catalogue to report against the file.
    """
    schema_id = contents.get("$id")
    if not isinstance(schema_id, str) or not urlsplit(schema_id).scheme:
        raise ValueError(
            f"its $id {schema_id!r} is not a URI (such as https://example.gov.uk/schemas/<kind>/<version>)"
        )
    from_id = identity_of_id(schema_id)
    kind = contents.get("x-kind", from_id[0] if from_id else None)
    version = contents.get("x-version", from_id[1] if from_id else None)
    if kind is None or version is None:
        raise ValueError(
            f"its $id '{schema_id}' does not end in <kind>/<version> (or :<kind>:<version>), "
            "and it has no x-kind and x-version to say them"
        )
    if not isinstance(kind, str) or not KIND_PATTERN.match(kind):
        raise ValueError(f"its kind {kind!r} is not lower-case letters, digits and hyphens (such as grant-2027)")
    if not isinstance(version, str) or not VERSION_PATTERN.match(version):
        raise ValueError(f"its version {version!r} is not three numbers with dots (such as 1.0.0)")
    return kind, version


@dataclass(frozen=True)
class _Catalogue:
    """Every schema file that could be read, and a problem for each kind whose files could not."""

    registry: Registry
    infos: dict[tuple[str, str], SchemaInfo]
    #: Kind -> what is wrong with one of its files ("schemas/x.schema.json: ..."); ``SHARED`` for the shared one.
    broken: dict[str, str]


def _file_kind(path: Path, folder: Path) -> str:
    """The kind a schema file is named for: ``<kind>.schema.json`` or ``versions/<kind>/<version>.schema.json``."""
    relative = path.relative_to(folder).parts
    return relative[1] if relative[0] == "versions" else path.name.removesuffix(".schema.json")


def _file_version(path: Path, folder: Path) -> str | None:
    relative = path.relative_to(folder).parts
    return path.name.removesuffix(".schema.json") if relative[0] == "versions" else None


@cache
def _catalogue() -> _Catalogue:
    """Read every schema file once; a file that cannot be used breaks only its own kind.

    Its problem is kept, not raised, so commands about other kinds still work and a
    command about this kind names the file and what is wrong with it.
    """
    folder = resource_dir("schemas")
    found = [(path, True) for path in sorted(folder.glob("*.schema.json"))]
    shared = resource_file("schemas", f"{SHARED}.schema.json")
    if shared.parent != folder and shared.is_file():  # a project without its own: the built-in ones, to $ref
        found.insert(0, (shared, True))
    found += [(path, False) for path in sorted(folder.glob("versions/*/*.schema.json"))]
    resources: dict[str, tuple[Path, Resource[Any]]] = {}
    infos: dict[tuple[str, str], SchemaInfo] = {}
    owners: dict[tuple[str, str], Path] = {}
    broken: dict[str, str] = {}
    for path, current in found:
        named = SHARED if path.name == f"{SHARED}.schema.json" else _file_kind(path, folder)
        try:
            text = path.read_text(encoding="utf-8")
            try:
                contents = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"it is not valid JSON ({exc.msg}: line {exc.lineno}, column {exc.colno})") from None
            if not isinstance(contents, dict):
                raise ValueError("it holds no JSON object")
            schema_id = contents.get("$id")
            if named == SHARED:
                if not isinstance(schema_id, str) or not urlsplit(schema_id).scheme:
                    raise ValueError(f"its $id {schema_id!r} is not a URI")
                kind, version = SHARED, ""
            else:
                kind, version = schema_identity(contents)
                if kind != named:
                    raise ValueError(f"it says it is the schema of '{kind}', but it is filed as '{named}'")
                if (filed := _file_version(path, folder)) is not None and filed != version:
                    raise ValueError(f"it says it is version {version}, but it is filed as version {filed}")
            if schema_id in resources:
                raise ValueError(f"its $id '{schema_id}' is also the $id of {resources[schema_id][0]}")
            if (kind, version) in owners:
                raise ValueError(f"version {version} of '{kind}' is also defined by {owners[(kind, version)]}")
            if problem := _schema_problem(text):
                raise ValueError(problem)
        except (OSError, ValueError) as exc:
            broken.setdefault(named, f"{path}: this schema file cannot be used: {exc}.")
            continue
        resources[schema_id] = (path, Resource.from_contents(contents, default_specification=DRAFT202012))
        if kind != SHARED:
            owners[(kind, version)] = path
            infos[(kind, version)] = SchemaInfo(kind, version, schema_id, contents, current)
    usable = {key: info for key, info in infos.items() if key[0] not in broken}
    registry = Registry().with_resources((uri, resource) for uri, (_, resource) in resources.items()).crawl()
    return _Catalogue(registry, usable, broken)


def _fast_schema_check(schema: Any) -> bool:
    """Whether jsonschema-rs (when installed) finds ``schema`` a JSON Schema: 60 times quicker than jsonschema's check."""
    try:
        import jsonschema_rs
    except ImportError:
        return False
    try:
        return bool(jsonschema_rs.meta.is_valid(schema))
    except (ValueError, TypeError, jsonschema_rs.ReferencingError):
        return False  # jsonschema says why


@cache
def _schema_problem(text: str) -> str | None:
    """Why a schema file's JSON is not a JSON Schema (draft 2020-12), naming where; None if it is one.

    Checked once per text in a run: each project read (a test's copy, a batch worker) has the same files.
    """
    schema = json.loads(text)
    if _fast_schema_check(schema):
        return None  # jsonschema-rs finds it a schema: jsonschema is imported only to explain one that is not
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/" + "/".join(str(part) for part in exc.path) if exc.path else "its top level"
        return f"it is not a valid JSON Schema: at {where}, {exc.message}"
    return None


def _usable(kind: str) -> None:
    """Raise the problem of a kind whose schema files (or the shared definitions) cannot be used."""
    broken = _catalogue().broken
    if problem := broken.get(kind):
        raise BrokenSchemaError(kind, problem)
    if problem := broken.get(SHARED):
        raise BrokenSchemaError(SHARED, problem)


def schema_problems() -> dict[str, str]:
    """Each kind whose schema files cannot be used (``defs`` for the shared definitions), with the problem."""
    return dict(_catalogue().broken)


def kind_of_id(schema_id: str) -> tuple[str, str] | None:
    """The kind and version of a schema by its ``$id`` (as a template's identifier names it), if we have it."""
    for info in _catalogue().infos.values():
        if info.id == schema_id:
            return info.kind, info.version
    return identity_of_id(schema_id)


def versioned_id(info: SchemaInfo, version: str) -> str | None:
    """``info``'s ``$id`` with ``version`` in place of its own, if the id carries the version by its shape."""
    if identity_of_id(info.id) != (info.kind, info.version):
        return None
    head, _, tail = info.id.rpartition(info.version)
    return head + version + tail


def registry() -> Registry:
    """The one registry; it never retrieves anything it was not given."""
    return _catalogue().registry


def kinds() -> list[str]:
    """Names of the document kinds, such as ``growth-bid``: those whose files cannot be used too.

    So a command going through every kind stops at the broken one and names its file.
    """
    found = {kind for kind, _ in _catalogue().infos} | set(_catalogue().broken)
    return sorted(found - {SHARED})


def versions(kind: str) -> list[str]:
    """Every released version of a kind, oldest first."""
    return list(_versions(kind))


@cache
def _versions(kind: str) -> tuple[str, ...]:
    """Sorted once per kind (the catalogue never changes), since every parsed return asks."""
    schema_info(kind)
    return tuple(
        sorted((v for k, v in _catalogue().infos if k == kind), key=lambda v: tuple(int(p) for p in v.split(".")))
    )


def schema_info(kind: str, version: str | None = None) -> SchemaInfo:
    """The schema of a kind: its current version unless one is asked for."""
    _usable(kind)
    infos = _catalogue().infos
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
def resolved_schema(kind: str, version: str | None = None) -> Mapping[str, Any]:
    """The schema a kind's records are checked against: its references written out in place, where they can be.

    jsonschema's validator and jsonschema-rs's (``records.fast_validation``) are both made from it.
    """
    info = schema_info(kind, version)
    return dereferenced(info.contents, registry().resolver(base_uri=info.id))


@cache
def validator(kind: str, version: str | None = None) -> Draft202012Validator:
    """One compiled validator per kind and version, reused for every record.

    It checks the schema with its references written out in place, so no
    record's validation looks a ``$ref`` up; the registry still answers any
    reference that could not be written out.
    """
    from jsonschema import Draft202012Validator

    contents = resolved_schema(kind, version)
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
    for cached in (_catalogue, _versions, resolved_schema, validator, fields, _field_index):
        cached.cache_clear()
