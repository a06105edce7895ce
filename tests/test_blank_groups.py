"""A group of questions left blank is told question by question, not as one message for the group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.forms.layout import load_layout
from generator.records.loading import load_data_file
from generator.records.schemas import fields
from generator.records.validation import validate_record

from .conftest import EXAMPLES, TODAY

KIND = "evaluation-report"


def _example() -> dict:
    return load_data_file(EXAMPLES / KIND / "ashford-mental-health-first-evaluator.yaml")


def _required_leaves(group: str) -> list[str]:
    """Every answer of ``group`` the schema requires, found from the schema, not listed here."""
    specs = {spec.pointer: spec for spec in fields(KIND)}

    def needed(pointer: str) -> bool:
        while pointer != group:
            if not specs[pointer].required:
                return False
            pointer = pointer.rsplit("/", 1)[0]
        return True

    return sorted(
        spec.pointer
        for spec in specs.values()
        if spec.pointer.startswith(group + "/")
        and spec.type != "object"
        and "*" not in spec.pointer
        and needed(spec.pointer)
    )


def test_all_of_the_criteria_left_out_names_each_answer_missing() -> None:
    record = _example()
    del record["kent_criteria"]
    issues = validate_record(record, KIND, today=TODAY)
    paths = sorted(issue.path for issue in issues)
    assert paths == _required_leaves("/kent_criteria")
    assert "/kent_criteria" not in paths
    assert all(issue.message.startswith("this must be filled in") for issue in issues)


def test_an_empty_group_names_each_answer_missing_with_its_question_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = _example()
    record["kent_criteria"] = {}
    path = tmp_path / "report.json"
    path.write_text(json.dumps(record, default=str), encoding="utf-8")
    assert main(["validate", str(path), "--kind", KIND, "--json", "--today", TODAY.isoformat()]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    numbers = {question.pointer: question.number for question in load_layout(KIND).questions()}
    missing = _required_leaves("/kent_criteria")
    criteria = [error for error in errors if error["path"].startswith("/kent_criteria/")]
    assert [error["path"] for error in criteria] == sorted(missing, key=lambda pointer: list(numbers).index(pointer))
    assert [error["question"] for error in criteria] == [numbers[pointer] for pointer in [e["path"] for e in criteria]]


def test_an_empty_table_says_what_each_row_needs() -> None:
    record = _example()
    record["weighted_scores"] = {"scale_max": 5, "scores": []}
    schema_columns = [
        spec.title for spec in fields(KIND) if spec.parent == "/weighted_scores/scores/*" and spec.required
    ]
    issues = [issue for issue in validate_record(record, KIND, today=TODAY) if issue.path == "/weighted_scores/scores"]
    assert issues, "an empty table of scores is refused by the schema (minItems)"
    assert all(title in issues[0].message for title in schema_columns)
