"""The schemas themselves: well formed, complete, offline and versioned."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from generator.records import schemas
from tests.conftest import ROOT

SCHEMA_FILES = sorted((ROOT / "schemas").glob("**/*.schema.json"))


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, dict]]:
    """Every (location, subschema) named under a ``properties`` keyword."""
    if isinstance(node, dict):
        for name, child in node.get("properties", {}).items():
            yield f"{where}/properties/{name}", child
        for key, child in node.items():
            yield from _properties(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _properties(child, f"{where}/{index}")


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for child in node.values():
            yield from _refs(child)
    elif isinstance(node, list):
        for child in node:
            yield from _refs(child)


def test_every_schema_file_is_a_kind_and_the_shared_definitions_exist():
    files = sorted(p.name.removesuffix(".schema.json") for p in (ROOT / "schemas").glob("*.schema.json"))
    assert schemas.kinds() == [name for name in files if name != "defs"]
    for kind in schemas.kinds():
        assert (ROOT / "schemas" / f"{kind}.schema.json").is_file()
    assert (ROOT / "schemas" / "defs.schema.json").is_file()


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_against_the_2020_12_metaschema(path):
    contents = _load(path)
    assert contents["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(contents)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_id_includes_its_kind_and_version(path):
    """The shipped ids are URNs; the kind is the file's name, the version its folder's for a released one."""
    contents = _load(path)
    assert re.fullmatch(r"urn:commission:schema:[a-z0-9-]+:\d+\.\d+\.\d+", contents["$id"])
    kind, version = schemas.identity_of_id(contents["$id"])
    assert kind == (path.parent.name if path.parent.parent.name == "versions" else path.name.split(".")[0])
    if path.parent.parent.name == "versions":
        assert version == path.name.removesuffix(".schema.json")


@pytest.mark.parametrize(
    ("schema_id", "found"),
    [
        ("urn:commission:schema:growth-bid:1.0.0", ("growth-bid", "1.0.0")),
        ("https://forms.example.gov.uk/schemas/community-grant/1.0.0", ("community-grant", "1.0.0")),
        ("https://forms.example.gov.uk/schemas/grant-2027/2.10.3/", ("grant-2027", "2.10.3")),
        ("https://forms.example.gov.uk/schemas/grant-2027/1.0.0.schema.json", ("grant-2027", "1.0.0")),
        ("https://forms.example.gov.uk/schemas/community-grant", None),
        ("https://forms.example.gov.uk/schemas/Grant/1.0.0", None),
        ("https://forms.example.gov.uk/1.0.0", None),
        ("community-grant/1.0.0", None),
    ],
)
def test_any_uri_names_its_kind_and_version_by_its_last_two_parts(schema_id, found):
    assert schemas.identity_of_id(schema_id) == found


def test_x_kind_and_x_version_say_them_whatever_the_id():
    contents = {"$id": "https://example.gov.uk/forms/current", "x-kind": "grant-2027", "x-version": "3.0.0"}
    assert schemas.schema_identity(contents) == ("grant-2027", "3.0.0")
    with pytest.raises(ValueError, match="does not end in <kind>/<version>"):
        schemas.schema_identity({"$id": "https://example.gov.uk/forms/current"})
    with pytest.raises(ValueError, match="is not three numbers"):
        schemas.schema_identity({"$id": "https://example.gov.uk/forms/current", "x-kind": "a", "x-version": "1"})


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_property_has_a_title_and_a_description(path):
    missing = [
        where
        for where, sub in _properties(_load(path))
        if not str(sub.get("title", "")).strip() or not str(sub.get("description", "")).strip()
    ]
    assert missing == []


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_ref_resolves_offline(path):
    contents = _load(path)
    resolver = schemas.registry().resolver(base_uri=contents["$id"])
    refs = list(_refs(contents))
    for ref in refs:
        assert resolver.lookup(ref).contents is not None, ref
    assert refs, "each schema uses the shared definitions"


def test_the_registry_never_fetches_an_unknown_uri():
    with pytest.raises(Unresolvable):
        schemas.registry().resolver().lookup("https://example.org/not-here.json")


def test_one_validator_per_kind_is_reused_with_a_format_checker():
    first = schemas.validator("growth-bid")
    assert schemas.validator("growth-bid") is first
    assert first.format_checker is not None


def test_field_index_names_every_growth_bid_question():
    pointers = {spec.pointer for spec in schemas.fields("growth-bid")}
    for pointer in [
        "/applicant/organisation",
        "/applicant/contact_names",
        "/applicant/email",
        "/applicant/phone",
        "/summary",
        "/client_group",
        "/districts",
        "/service_users",
        "/support_hours/per_week",
        "/support_hours/per_year",
        "/annual_amount",
        "/start_date",
        "/outcomes/*/description",
        *(f"/strategic_context/{letter}" for letter in "abcdefg"),
    ]:
        assert pointer in pointers


def test_service_specification_has_every_wolverhampton_section():
    pointers = {spec.pointer for spec in schemas.fields("service-specification")}
    for pointer in [
        "/service_name",
        "/overview",
        "/objectives",
        "/description",
        "/activities",
        "/outcomes",
        "/location",
        "/cost",
        "/performance_measures",
        "/performance_monitoring",
        "/terms/outline",
        "/terms/length_months",
    ]:
        assert pointer in pointers
    equality = [p for p in pointers if p.startswith("/equality_and_diversity/")]
    assert len(equality) == 8


def test_shared_lists_hold_kent_districts_and_client_groups():
    defs = _load(ROOT / "schemas" / "defs.schema.json")["$defs"]
    assert len(defs["kent_district"]["enum"]) == 12
    assert "Folkestone and Hythe" in defs["kent_district"]["enum"]
    assert len(defs["client_group"]["enum"]) == 21
    assert defs["criterion_answer"]["enum"] == ["met", "partly met", "not met"]


def test_unknown_kind_suggests_the_nearest_name():
    with pytest.raises(Exception, match="Did you mean 'growth-bid'"):
        schemas.schema_info("growth-bids")
