"""A council's own kind in its own project: any schema ``$id``, rules as data, and one broken file breaking one kind.

Each test points the toolkit at a scratch project (``COMMISSION_PROJECT``) holding the
shared definitions and a new kind, ``grant-2027``, whose ``$id`` is an https URI.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.documents.render import template_kind
from generator.forms.layout import load_layout
from generator.forms.release import release
from generator.ooxml.fill import fill_form
from generator.records import schemas
from generator.records.errors import CommissionError
from generator.records.loading import load_data_file
from generator.records.rules import rules_for
from generator.records.validation import validate_record
from generator.returns.parse import parse_bytes
from tests.conftest import EXAMPLES, ROOT, TODAY, reread_project

KIND = "grant-2027"
DEFS = "urn:commission:schema:defs:1.0.0#/$defs"


def _field(ref: str, title: str, **more: Any) -> dict[str, Any]:
    return {"$ref": f"{DEFS}/{ref}", "title": title, "description": f"The {title.lower()}.", **more}


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": f"https://forms.example.gov.uk/schemas/{KIND}/1.0.0",
    "title": "Community grant 2027",
    "description": "A small grant for a community project.",
    "type": "object",
    "additionalProperties": False,
    "required": ["organisation", "project_start", "project_end", "amount_requested", "budget"],
    "properties": {
        "organisation": _field("organisation_name", "Organisation"),
        "is_registered_charity": {"type": "boolean", "title": "Registered charity", "description": "Tick if so."},
        "charity_number": _field("short_text", "Charity number"),
        "project_start": _field("date", "Project start date"),
        "project_end": _field("date", "Project end date"),
        "support_hours": {
            "type": "object",
            "title": "Support hours",
            "description": "Hours of support.",
            "additionalProperties": False,
            "properties": {
                "per_week": {"type": "number", "title": "Hours a week", "description": "Weekly hours."},
                "per_year": {"type": "number", "title": "Hours a year", "description": "Yearly hours."},
            },
        },
        "amount_requested": _field("money", "Amount requested"),
        "budget": {
            "type": "array",
            "title": "Budget",
            "description": "What the money is for.",
            "minItems": 1,
            "items": {
                "type": "object",
                "title": "Budget line",
                "description": "One item.",
                "additionalProperties": False,
                "required": ["item", "cost"],
                "properties": {"item": _field("short_text", "Item"), "cost": _field("money", "Cost")},
            },
        },
        "checks": {
            "type": "object",
            "title": "Checks",
            "description": "The two checks.",
            "additionalProperties": False,
            "properties": {
                "a": {"$ref": f"{DEFS}/criterion_assessment", "title": "(a) Local", "description": "Local."},
                "b": {"$ref": f"{DEFS}/criterion_assessment", "title": "(b) Lasting", "description": "Lasting."},
            },
        },
        "criteria_met": {"type": "integer", "title": "Checks met", "description": "How many are met.", "minimum": 0},
    },
}

RULES = [
    {
        "name": "ends-after-start",
        "when": "/project_end",
        "is": "after",
        "than": "/project_start",
        "message": "The end date must be after the start date",
    },
    {
        "name": "hours-add-up",
        "when": "/support_hours/per_year",
        "is": "between",
        "than": "/support_hours/per_week",
        "times": [51, 53],
    },
    {"name": "total-within-amount", "sum": "/budget/*/cost", "is": "at-most", "than": "/amount_requested"},
    {"name": "number-if-charity", "required": "/charity_number", "if": "/is_registered_charity"},
    {"name": "count-met", "count": "/checks/*/answer", "equals": "met", "matches": "/criteria_met"},
]

LAYOUT: dict[str, Any] = {
    "kind": KIND,
    "layout_version": 1,
    "title": "Community grant 2027",
    "subtitle": "A council's own form",
    "instructions": "Answer every question.",
    "identity": ["/organisation"],
    "sections": [
        {
            "title": "About you",
            "questions": ["/organisation", "/is_registered_charity", "/charity_number"],
        },
        {
            "title": "The project",
            "questions": [
                "/project_start",
                "/project_end",
                "/support_hours/per_week",
                "/support_hours/per_year",
                "/amount_requested",
                {"pointer": "/budget", "rows": 3},
                "/checks/a/answer",
                "/checks/a/evidence",
                "/checks/b/answer",
                "/checks/b/evidence",
                "/criteria_met",
            ],
        },
    ],
    "rules": RULES,
}

RECORD: dict[str, Any] = {
    "organisation": "Hythe Community Larder",
    "is_registered_charity": True,
    "charity_number": "1234567",
    "project_start": "2027-04-01",
    "project_end": "2028-03-31",
    "support_hours": {"per_week": 240, "per_year": 12480},
    "amount_requested": 9000.0,
    "budget": [{"item": "Rent", "cost": 6000.0}, {"item": "Food", "cost": 3000.0}],
    "checks": {
        "a": {"answer": "met", "evidence": "Serves the town."},
        "b": {"answer": "partly met", "evidence": "Three years."},
    },
    "criteria_met": 1,
}


@pytest.fixture
def council(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project of its own: the shared definitions, the criteria data and the grant-2027 kind."""
    project = tmp_path / "project"
    (project / "schemas").mkdir(parents=True)
    (project / "forms").mkdir()
    (project / "templates").mkdir()
    shutil.copy(ROOT / "schemas" / "defs.schema.json", project / "schemas")
    shutil.copytree(ROOT / "data", project / "data")
    (project / "schemas" / f"{KIND}.schema.json").write_text(json.dumps(SCHEMA, indent=2), encoding="utf-8")
    (project / "forms" / f"{KIND}.yaml").write_text(yaml.safe_dump(LAYOUT, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("COMMISSION_PROJECT", str(project))
    reread_project()
    yield project
    monkeypatch.delenv("COMMISSION_PROJECT")
    reread_project()


def _found(record: Any) -> list[tuple[str, str, str]]:
    return [(i.path, i.rule, i.message) for i in validate_record(record, KIND, today=TODAY)]


def test_an_https_id_names_a_kind_with_digits_and_its_version(council: Path):
    assert schemas.kinds() == [KIND]
    info = schemas.schema_info(KIND)
    assert (info.kind, info.version, info.id) == (KIND, "1.0.0", SCHEMA["$id"])
    assert schemas.kind_of_id(SCHEMA["$id"]) == (KIND, "1.0.0")
    assert _found(RECORD) == []


def test_a_template_naming_an_https_id_is_for_that_kind_and_version(council: Path):
    assert template_kind(Path("letter.docx"), SCHEMA["$id"]) == (KIND, "1.0.0")
    with pytest.raises(CommissionError, match="add --kind"):
        template_kind(Path("letter.docx"), "https://forms.example.gov.uk/schemas/nothing-we-have/1.0.0")


def test_x_kind_and_x_version_win_over_the_id(council: Path):
    named = dict(SCHEMA, **{"$id": "https://forms.example.gov.uk/grants/current.json", "x-kind": KIND})
    named["x-version"] = "2.1.0"
    (council / "schemas" / f"{KIND}.schema.json").write_text(json.dumps(named), encoding="utf-8")
    reread_project()
    assert (schemas.schema_info(KIND).kind, schemas.schema_info(KIND).version) == (KIND, "2.1.0")


def test_each_rule_of_the_issue_is_checked_with_its_message(council: Path):
    record = copy.deepcopy(RECORD)
    record["project_end"] = "2027-04-01"
    record["support_hours"]["per_year"] = 12000
    record["budget"][1]["cost"] = 3500.0
    record.pop("charity_number")
    record["criteria_met"] = 2
    assert _found(record) == [
        ("/project_end", "ends-after-start", "The end date must be after the start date"),
        (
            "/support_hours/per_year",
            "hours-add-up",
            "12,000 is not between 51 and 53 times “Hours a week” (240): 12,240 to 12,720",
        ),
        (
            "/amount_requested",
            "total-within-amount",
            "the total of “Cost” in “Budget” (£9,500.00, 2 rows) is more than “Amount requested” (£9,000.00)",
        ),
        ("/charity_number", "number-if-charity", "this must be filled in, as “Registered charity” is ticked"),
        (
            "/criteria_met",
            "count-met",
            "the number of “Answer” in “Checks” answered “met” (1: a) is not equal to “Checks met” (2)",
        ),
    ]


def test_rules_stay_quiet_about_answers_they_cannot_read(council: Path):
    record = copy.deepcopy(RECORD)
    record["project_end"] = "soon"
    record["support_hours"]["per_year"] = "lots"
    record["budget"][1]["cost"] = "three thousand"
    record["is_registered_charity"] = False
    record.pop("charity_number")
    record.pop("checks")
    assert {rule for _, rule, _ in _found(record)} == {"format", "type"}


def test_the_new_kind_builds_and_its_filled_word_form_is_read_and_checked(council: Path, tmp_path: Path):
    out = tmp_path / "built"
    assert main(["forms", "build", "--out", str(out)]) == 0
    assert sorted(path.name for path in out.iterdir()) == [f"{KIND}.docx", f"{KIND}.pdf"]
    record = copy.deepcopy(RECORD)
    record["project_end"] = "2027-03-01"
    filled = fill_form((out / f"{KIND}.docx").read_bytes(), load_layout(KIND), record)
    envelope = parse_bytes(filled, "grant.docx", today=TODAY)
    assert (envelope.kind, envelope.version, envelope.status) == (KIND, "1.0.0", "invalid")
    assert envelope.record == record
    assert [(i.path, i.rule) for i in envelope.errors] == [("/project_end", "ends-after-start")]


def test_validate_command_reads_a_record_of_the_new_kind(council: Path, tmp_path: Path, capsys):
    record = tmp_path / "bid.json"
    record.write_text(json.dumps(RECORD), encoding="utf-8")
    assert main(["validate", str(record), "--kind", KIND]) == 0


def test_the_form_guide_lists_the_rules_written_from_their_labels(council: Path):
    layout = load_layout(KIND)
    assert [rule.name for rule in layout.rules or ()] == [rule["name"] for rule in RULES]
    assert [rule.summary for rule in layout.rules or ()] == [
        "The end date must be after the start date.",
        "“Hours a year” must be between 51 and 53 times “Hours a week”.",
        "The total of “Cost” in “Budget” must be no more than “Amount requested”.",
        "“Charity number” must be filled in if “Registered charity” is answered.",
        "The number of “Answer” in “Checks” answered “met” must equal “Checks met”.",
    ]


def _broken(council: Path, name: str, text: str) -> Path:
    path = council / "schemas" / name
    path.write_text(text, encoding="utf-8")
    shutil.copy(council / "forms" / f"{KIND}.yaml", council / "forms" / f"{path.name.split('.')[0]}.yaml")
    reread_project()
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "Expecting property name"),
        (json.dumps({"$id": "https://forms.example.gov.uk/schemas/other"}), "does not end in <kind>/<version>"),
        (json.dumps(dict(SCHEMA, **{"$id": "https://forms.example.gov.uk/b/other/1.0"})), "does not end in"),
        (json.dumps(dict(SCHEMA, **{"$id": "https://forms.example.gov.uk/b/Other/1.0.0"})), "does not end in"),
        (json.dumps(dict(SCHEMA, **{"$id": "not a uri"})), "is not a URI"),
        (json.dumps(dict(SCHEMA, **{"$id": "https://forms.example.gov.uk/b/grant-2027/1.0.0"})), "filed as 'other'"),
    ],
)
def test_one_broken_schema_file_breaks_only_its_own_kind(council: Path, tmp_path: Path, text: str, problem: str):
    path = _broken(council, "other.schema.json", text)
    record = tmp_path / "bid.json"
    record.write_text(json.dumps(RECORD), encoding="utf-8")
    assert main(["validate", str(record), "--kind", KIND]) == 0
    assert schemas.kinds() == sorted([KIND, "other"])
    with pytest.raises(CommissionError) as caught:
        schemas.schema_info("other")
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_the_broken_kinds_command_names_the_file_and_its_problem(council: Path, tmp_path: Path, capsys):
    path = _broken(council, "other.schema.json", "{not json")
    record = tmp_path / "other.json"
    record.write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(record), "--kind", "other"]) == 2
    said = capsys.readouterr().err
    assert str(path) in said
    assert "cannot be used" in said
    assert main(["forms", "build", "--out", str(tmp_path / "built")]) == 2  # building every form needs it too


def test_two_files_of_one_kind_and_version_break_that_kind_naming_both(council: Path):
    version_file = council / "schemas" / "versions" / KIND / "1.0.0.schema.json"
    version_file.parent.mkdir(parents=True)
    version_file.write_text(json.dumps(SCHEMA), encoding="utf-8")
    reread_project()
    with pytest.raises(CommissionError) as caught:
        schemas.schema_info(KIND)
    assert str(version_file) in str(caught.value)
    assert f"{KIND}.schema.json" in str(caught.value)


def test_release_moves_the_version_on_in_an_https_id_and_keeps_the_old_one(council: Path):
    assert main(["forms", "build", "--out", str(council / "forms")]) == 0
    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 0
    reread_project()
    assert schemas.versions(KIND) == ["1.0.0", "1.1.0"]
    assert schemas.schema_info(KIND).id == "https://forms.example.gov.uk/schemas/grant-2027/1.1.0"
    assert schemas.schema_info(KIND, "1.0.0").id == SCHEMA["$id"]
    assert [r.name for r in load_layout(KIND, "1.0.0").rules or ()] == [r["name"] for r in RULES]


def test_release_refuses_an_id_that_does_not_carry_the_version(council: Path):
    fixed = dict(SCHEMA, **{"$id": "https://forms.example.gov.uk/grants/community", "x-kind": KIND})
    fixed["x-version"] = "1.0.0"
    (council / "schemas" / f"{KIND}.schema.json").write_text(json.dumps(fixed), encoding="utf-8")
    reread_project()
    with pytest.raises(CommissionError, match="does not end in the version"):
        release(KIND, "1.1.0")
    assert not (council / "schemas" / "versions").exists()


def test_a_wrong_rule_stops_the_layout_and_validation_naming_the_file_and_rule(council: Path, tmp_path: Path, capsys):
    wrong = copy.deepcopy(LAYOUT)
    wrong["rules"][0]["than"] = "/project_begins"
    (council / "forms" / f"{KIND}.yaml").write_text(yaml.safe_dump(wrong), encoding="utf-8")
    reread_project()
    with pytest.raises(CommissionError) as caught:
        load_layout(KIND)
    assert str(caught.value) == (
        f"forms/{KIND}.yaml, rule 'ends-after-start': '/project_begins' is not a field of the {KIND} schema "
        "(version 1.0.0)."
    )
    record = tmp_path / "bid.json"
    record.write_text(json.dumps(RECORD), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(record), "--kind", KIND]) == 2
    assert "rule 'ends-after-start'" in capsys.readouterr().err


def test_a_released_layout_keeps_its_rules_and_the_oldest_keeps_python_s(shipped_copy: Path):
    kind = "growth-bid"
    current = schemas.schema_info(kind).version
    assert main(["forms", "release", kind, "--next-version", "9.0.0"]) == 0
    reread_project()
    frozen = yaml.safe_load((shipped_copy / "forms" / "versions" / kind / current / "layout.yaml").read_text())
    assert [rule["name"] for rule in frozen["rules"]] == [rule.name for rule in load_layout(kind).rules or ()]
    record = load_data_file(EXAMPLES / kind / "dartford-young-people-leaving-care.yaml")
    record["support_hours"] = {"per_week": 10, "per_year": 100}
    for version, written in ((current, "DataRule"), ("9.0.0", "DataRule"), ("1.0.0", "BusinessRule")):
        found = [i for i in validate_record(record, kind, version=version, today=TODAY) if i.rule.endswith("yearly")]
        assert [(i.path, "52 weeks would be 520" in i.message) for i in found] == [("/support_hours/per_year", True)]
        assert {type(rule).__name__ for rule in rules_for(kind, version)} == {written}
