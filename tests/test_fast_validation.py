"""jsonschema-rs, the fast path of validation, agrees with jsonschema on which records are valid.

``validate_record`` trusts jsonschema-rs only when it says "valid", so the check that
matters most is that it never calls valid what jsonschema refuses; these tests ask
for full agreement, on every example record and data file against every kind and
version, and on thousands of variants of the examples (wrong types, missing and
extra answers, impossible dates, odd whitespace, long text, rows added and taken away).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.records import fast_validation
from generator.records.loading import load_data_file
from generator.records.schemas import forget_schemas, kinds, validator, versions
from generator.records.validation import validate_record

ROOT = Path(__file__).resolve().parent.parent

KINDS_AND_VERSIONS = [(kind, version) for kind in kinds() for version in versions(kind)]


def _data_files() -> list[Path]:
    found = []
    for folder in (ROOT / "examples", ROOT / "tests" / "fixtures"):
        found += sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.json"))
    return [path for path in found if "hostile" not in path.parts]


def _loaded(path: Path) -> Any:
    return load_data_file(path)


DATA_FILES = _data_files()
#: The example records, by kind: the seeds of the generated variants.
EXAMPLES = {
    kind: [_loaded(path) for path in sorted((ROOT / "examples" / kind).rglob("*.yaml")) if path.name != "expected.yaml"]
    for kind in kinds()
    if (ROOT / "examples" / kind).is_dir()
}


def _agree(record: Any, kind: str, version: str) -> None:
    slow = validator(kind, version).is_valid(record)
    fast = fast_validation._compiled(kind, version).is_valid(record)
    assert fast == slow, (
        f"jsonschema-rs says {'valid' if fast else 'invalid'}, jsonschema the opposite: {record!r:.400}"
    )


def test_jsonschema_rs_is_installed_and_takes_every_shipped_schema() -> None:
    assert fast_validation.AVAILABLE
    for kind, version in KINDS_AND_VERSIONS:
        assert fast_validation._compiled(kind, version) is not None, (kind, version)


def test_the_examples_and_data_files_are_many_and_some_are_invalid() -> None:
    assert len(DATA_FILES) > 50
    verdicts = {
        validator(kind, version).is_valid(_loaded(path)) for path in DATA_FILES for kind, version in KINDS_AND_VERSIONS
    }
    assert verdicts == {True, False}


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_both_agree_on_every_data_file_against_every_kind_and_version(path: Path) -> None:
    record = _loaded(path)
    for kind, version in KINDS_AND_VERSIONS:
        _agree(record, kind, version)


#: Values put in place of answers: each is wrong for some question and right for others.
ODD_VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 1.0, 1.5, -0.5, 10**20, 2**63, 1e300, "", " ", "x", "0", "1.5",
    "2027-02-30", "2027-13-01", "2027-1-1", "01/04/2027", "2027-04-01", "2027-04-01\n", "2027-04-01T00:00",
    "٢٠٢٧-٠٤-٠١", "２０２７-０４-０１", "20270401", "a@b", "a@b.co", "a@b.co\n", "no-at-sign", "a b@c.de",
    "a\x1cb@c.de", "a\u00a0b@c.de", "a\u2028@c.de", "01234 567890", "01234567890\n", "+44 (0) 1234 567890",
    "+44 1234 56789O", "٠١٢٣٤٥٦٧٨٩٠", "x" * 5000, "£" * 300, [], [1], ["x"], [{}], {}, {"x": 1},
]  # fmt: skip


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a record, containers included (not the root)."""
    found = [here] if here else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*here, index))
    return found


def _parent(record: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        record = record[step]
    return record


@st.composite
def variants(draw: st.DrawFn) -> tuple[Any, str, str]:
    kind = draw(st.sampled_from(sorted(EXAMPLES)))
    version = draw(st.sampled_from(versions(kind)))
    record = copy.deepcopy(draw(st.sampled_from(EXAMPLES[kind])))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(record)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _parent(record, path), path[-1]
        change = draw(st.sampled_from(["replace", "delete", "extra", "grow", "text"]))
        if change == "replace":
            parent[last] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        elif change == "delete":
            del parent[last]
        elif change == "extra" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "notes", str(last) + "_2", ""]))] = copy.deepcopy(
                draw(st.sampled_from(ODD_VALUES))
            )
        elif change == "grow" and isinstance(parent, list):
            parent.extend(copy.deepcopy(parent[last]) for _ in range(draw(st.integers(min_value=1, max_value=12))))
        elif change == "text" and isinstance(parent[last], str):
            parent[last] = parent[last] + draw(st.text(max_size=30))
    return record, kind, version


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(variants())
def test_both_agree_on_thousands_of_variants_of_the_examples(variant: tuple[Any, str, str]) -> None:
    _agree(*variant)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(variants())
def test_validate_record_gives_the_same_issues_with_and_without_the_fast_path(
    variant: tuple[Any, str, str],
) -> None:
    record, kind, version = variant
    today = dt.date(2026, 12, 1)
    fast = validate_record(record, kind, version=version, today=today)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fast_validation, "is_valid", lambda *_args: False)
        slow = validate_record(record, kind, version=version, today=today)
    assert [issue.to_dict() for issue in fast] == [issue.to_dict() for issue in slow]


def test_a_value_json_cannot_hold_goes_to_jsonschema() -> None:
    kind = sorted(EXAMPLES)[0]
    record = copy.deepcopy(EXAMPLES[kind][0])
    record[next(iter(record))] = object()
    assert fast_validation.is_valid(record, kind) is False


def test_without_jsonschema_rs_validation_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_validation, "jsonschema_rs", None)
    for kind, records in EXAMPLES.items():
        assert fast_validation.is_valid(records[0], kind) is False
        assert validate_record(records[0], kind, today=dt.date(2026, 12, 1)) == validate_record(
            records[0], kind, today=dt.date(2026, 12, 1)
        )


def test_schemas_read_again_get_a_new_compiled_validator() -> None:
    """A project switched or a form released: the fast path checks against the schema as it is now."""
    kind, version = KINDS_AND_VERSIONS[0]
    before = fast_validation._compiled(kind, version)
    forget_schemas()
    after = fast_validation._compiled(kind, version)
    assert after is not None and after is not before
    assert fast_validation._compiled(kind, version) is after
