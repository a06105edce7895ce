"""Every shipped example: valid ones pass, invalid ones fail for exactly their one reason."""

from __future__ import annotations

import pytest
import yaml

from generator.records.loading import load_data_file
from generator.records.schemas import kinds
from generator.records.validation import validate_record
from tests.conftest import EXAMPLES, TODAY

KINDS = kinds()  # every kind the schemas define has examples
VALID = [(kind, path) for kind in KINDS for path in sorted((EXAMPLES / kind).glob("*.*"))]
INVALID = [
    (kind, case, expected)
    for kind in KINDS
    for case, expected in yaml.safe_load((EXAMPLES / kind / "invalid" / "expected.yaml").read_text()).items()
]


def test_each_kind_has_valid_and_invalid_examples():
    for kind in KINDS:
        assert any(k == kind for k, _ in VALID)
        assert sum(1 for k, _, _ in INVALID if k == kind) >= 5


@pytest.mark.parametrize(("kind", "path"), VALID, ids=lambda v: getattr(v, "name", v))
def test_valid_example_passes(kind, path):
    assert validate_record(load_data_file(path), kind, today=TODAY) == []


@pytest.mark.parametrize(("kind", "case", "expected"), INVALID, ids=lambda v: v if isinstance(v, str) else "")
def test_invalid_example_fails_with_the_expected_pointer(kind, case, expected):
    issues = validate_record(load_data_file(EXAMPLES / kind / "invalid" / f"{case}.yaml"), kind, today=TODAY)
    assert [(i.path, i.rule) for i in issues] == [(e["path"], e["rule"]) for e in expected]
    for issue in issues:
        assert issue.field and issue.message
        assert "is not of type '" not in issue.message and "does not match '" not in issue.message


def test_every_invalid_example_file_is_listed():
    for kind in KINDS:
        files = {p.stem for p in (EXAMPLES / kind / "invalid").glob("*.yaml")} - {"expected"}
        listed = {case for k, case, _ in INVALID if k == kind}
        assert files == listed
