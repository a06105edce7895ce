"""What a template sees: the record with every optional field present, plus declared derived values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from generator.documents.render_context import aliases, build_context, derived, document_title
from generator.records.criteria import criteria_set
from generator.records.loading import load_data_file
from generator.records.schemas import fields, schema_info, versions
from tests.conftest import EXAMPLES, ROOT, TODAY, reread_project

EXAMPLE = {
    "service-specification": EXAMPLES / "service-specification" / "floating-support-young-people.yaml",
    "evaluation-report": EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml",
    "round-summary": EXAMPLES / "round-summary" / "kent-growth-round-2026.yaml",
}


def _pointers(value: Any, where: str = "") -> Iterator[str]:
    if where:
        yield where
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _pointers(item, f"{where}/{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _pointers(item, f"{where}/*")


def _context(kind: str) -> dict[str, Any]:
    return build_context(load_data_file(EXAMPLE[kind]), kind, issued=TODAY)


@pytest.mark.parametrize("kind", sorted(EXAMPLE))
def test_every_name_in_the_context_is_a_schema_field_or_declared(kind):
    context = _context(kind)
    schema = {spec.pointer for spec in fields(kind)}
    declared = derived(kind)
    aliased = set(aliases(kind))
    undeclared = {
        pointer
        for pointer in _pointers(context)
        if pointer not in schema and pointer not in declared and not any(pointer.startswith(a + "/") for a in aliased)
    }
    assert undeclared == set()


@pytest.mark.parametrize("kind", sorted(EXAMPLE))
def test_every_declared_name_is_in_the_context(kind):
    present = set(_pointers(_context(kind)))
    assert (derived(kind)) - present == set()


@pytest.mark.parametrize("kind", sorted(EXAMPLE))
def test_derived_names_never_hide_a_field(kind):
    top = {spec.pointer for spec in fields(kind) if spec.pointer.count("/") == 1}
    assert {p for p in derived(kind) if p.count("/") == 1} & top == set()


def test_optional_fields_left_out_are_present_as_none():
    record = load_data_file(EXAMPLE["service-specification"])
    del record["innovation"], record["cost"]["notes"], record["outcomes"][0]["indicator"]
    context = build_context(record, "service-specification", issued=TODAY)
    assert context["innovation"] is None
    assert context["cost"]["notes"] is None
    assert context["outcomes"][0]["indicator"] is None
    assert "notes" not in record["cost"], "the record itself is not changed"


def test_the_document_block_names_title_schema_version_and_date_of_issue():
    context = build_context(
        load_data_file(EXAMPLE["service-specification"]), "service-specification", issued=dt.date(2027, 1, 5)
    )
    assert context["document"] == {
        "title": "Service specification: North Kent Floating Support for Care Leavers",
        "kind": "Service specification",
        "version": schema_info("service-specification").version,  # the form's current version, not the template's
        "issued": "2027-01-05",
    }
    oldest = versions("service-specification")[0]
    assert oldest != context["document"]["version"], "a released version is older than the current one"
    older = build_context(
        load_data_file(EXAMPLE["service-specification"]), "service-specification", issued=TODAY, version=oldest
    )
    assert older["document"]["version"] == oldest, "a record of an older version names that version"


def test_the_documents_name_follows_the_schemas_pattern_and_never_has_a_gap():
    """``x-document-title`` in the schema; a frozen version without one uses the current one's; no value, no gap."""
    record = load_data_file(EXAMPLE["service-specification"])
    assert "x-document-title" not in schema_info("service-specification", "1.0.0").contents
    named = "Service specification: North Kent Floating Support for Care Leavers"
    assert document_title(record, "service-specification", "1.0.0") == named
    record["service_name"] = ""
    assert document_title(record, "service-specification") == schema_info("service-specification").title


def test_evaluation_context_puts_the_kent_titles_beside_the_answers():
    context = _context("evaluation-report")
    record = load_data_file(EXAMPLE["evaluation-report"])
    kent = criteria_set("kent")
    assert [row["title"] for row in context["criteria"]] == [c.title for c in kent.criteria]
    assert [row["answer"] for row in context["criteria"]] == [
        record["kent_criteria"][c.id]["answer"] for c in kent.criteria
    ]
    answers = [v["answer"] for v in record["kent_criteria"].values()]
    assert context["counts"] == {
        "met": answers.count("met"),
        "partly_met": answers.count("partly met"),
        "not_met": answers.count("not met"),
        "total": 7,
    }
    assert context["weighted"]["total"] is not None


def test_round_context_groups_the_bids_by_decision_in_rank_order():
    context = _context("round-summary")
    record = load_data_file(EXAMPLE["round-summary"])
    for group, decision in (
        ("funded", "funded"),
        ("reserve", "reserve"),
        ("not_funded", "not funded"),
        ("not_fundable", "not fundable"),
    ):
        assert [b["reference"] for b in context[group]] == [
            b["reference"] for b in record["bids"] if b["decision"] == decision
        ]


def test_the_assessment_is_found_where_the_projects_round_says_not_by_a_field_name(shipped_copy):
    """A project whose reports keep their answers and scores under other names gets the same derived values."""
    renames = {"kent_criteria": "assessment", "weighted_scores": "scores_given"}
    expected = _context("evaluation-report")
    schema = shipped_copy / "schemas" / "evaluation-report.schema.json"
    settings = (ROOT / "commission.yaml").read_text(encoding="utf-8")
    text = schema.read_text(encoding="utf-8")
    for old, new in renames.items():
        text, settings = text.replace(f'"{old}"', f'"{new}"'), settings.replace(f"/{old}", f"/{new}")
    schema.write_text(text, encoding="utf-8")
    (shipped_copy / "commission.yaml").write_text(settings, encoding="utf-8")
    reread_project()
    record = load_data_file(EXAMPLE["evaluation-report"])
    renamed = {renames.get(key, key): value for key, value in record.items()}
    context = build_context(renamed, "evaluation-report", issued=TODAY)
    assert "kent_criteria" not in context and context["assessment"] == record["kent_criteria"]
    ids = [criterion.id for criterion in criteria_set("kent").criteria]
    assert [row["id"] for row in context["criteria"]] == ids
    assert [row["answer"] for row in context["criteria"]] == [record["kent_criteria"][i]["answer"] for i in ids]
    assert context["weighted"] is not None and context["weighted"]["rows"]
    for name in ("criteria", "counts", "weighted"):
        assert context[name] == expected[name], name
    assert derived("evaluation-report") >= {"/criteria/*/answer", "/counts/partly_met", "/weighted/total"}
