"""Validating against the written-out schema finds exactly what validating through ``$ref`` finds."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generator.records import schemas
from generator.records.dereference import dereferenced
from generator.records.loading import load_data_file
from tests.conftest import EXAMPLES

#: Values of the wrong kind, too long, too small, empty: what a bad record holds.
_ODD_VALUES: list[Any] = ["", "not a number", "x" * 5001, -1, 0, 12.345, True, None, [], {}, ["Nowhere"], "2027-02-30"]


def _records(kind: str) -> Iterator[Any]:
    folder = EXAMPLES / kind
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.json"), *folder.glob("invalid/*.yaml")]):
        if path.name != "expected.yaml":
            yield load_data_file(path)


def _leaves(record: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    children = record.items() if isinstance(record, dict) else enumerate(record) if isinstance(record, list) else ()
    for key, child in children:
        yield (*path, key)
        yield from _leaves(child, (*path, key))


def _changed(record: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(record)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if value is _REMOVED:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


_REMOVED = object()


def _mutations(record: Any) -> Iterator[Any]:
    yield record
    yield {**record, "not_a_question": "x"} if isinstance(record, dict) else record
    for index, path in enumerate(_leaves(record)):
        yield _changed(record, path, _REMOVED)
        yield _changed(record, path, _ODD_VALUES[index % len(_ODD_VALUES)])


def _errors(validator: Draft202012Validator, record: Any) -> list[tuple[Any, ...]]:
    return [
        (
            e.validator,
            e.validator_value,
            list(e.absolute_path),
            e.instance,
            e.message,
            sorted(e.schema.get("properties", {})),
        )
        for e in validator.iter_errors(record)
    ]


@pytest.mark.parametrize("kind", schemas.kinds())
def test_written_out_schema_reports_the_same_errors_in_the_same_order(kind: str) -> None:
    for version in schemas.versions(kind):
        info = schemas.schema_info(kind, version)
        through_refs = Draft202012Validator(
            info.contents, registry=schemas.registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        written_out = schemas.validator(kind, version)
        assert written_out.schema != info.contents, "the shipped schemas can be written out"
        checked = 0
        for record in _records(kind):
            for variant in _mutations(record):
                assert _errors(written_out, variant) == _errors(through_refs, variant)
                checked += 1
        assert checked > 50


def _resolver(schema: dict[str, Any]) -> Any:
    resource = Resource.from_contents(schema, default_specification=DRAFT202012)
    return Registry().with_resource(schema["$id"], resource).crawl().resolver(base_uri=schema["$id"])


def test_references_beside_annotations_are_written_out_and_the_original_is_untouched() -> None:
    schema = {
        "$id": "urn:test",
        "$defs": {"money": {"type": "number", "minimum": 0, "title": "Money"}},
        "properties": {"amount": {"$ref": "#/$defs/money", "title": "Amount"}},
    }
    original = copy.deepcopy(schema)
    out = dereferenced(schema, _resolver(schema))
    assert out["properties"]["amount"] == {"type": "number", "minimum": 0, "title": "Amount"}
    assert schema == original


@pytest.mark.parametrize(
    ("amount", "defs"),
    [
        ({"$ref": "#/$defs/money", "maximum": 10}, {"money": {"type": "number"}}),  # a check beside $ref
        ({"$ref": "#/$defs/loop"}, {"loop": {"properties": {"next": {"$ref": "#/$defs/loop"}}}}),  # recursive
        ({"$ref": "#/$defs/scoped"}, {"scoped": {"$id": "urn:inner", "type": "string"}}),  # $id below the root
        ({"$ref": "urn:elsewhere#/x"}, {}),  # nothing to point to
    ],
)
def test_what_cannot_be_written_out_faithfully_is_left_as_it_was(amount: dict[str, Any], defs: dict[str, Any]) -> None:
    schema = {"$id": "urn:test", "$defs": defs, "properties": {"amount": amount}}
    assert dereferenced(schema, _resolver(schema)) is schema
