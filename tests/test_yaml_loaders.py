"""libyaml's loader and the pure-Python one read every YAML file alike, and aliases stay refused.

``records.loading`` reads YAML with libyaml's ``CSafeLoader`` when PyYAML has it
and the text cannot hold an alias or nest deep enough to crash it; everything
else goes through the pure-Python loader, which refuses aliases.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.records import loading
from generator.records.errors import UnreadableFileError

ROOT = Path(__file__).resolve().parent.parent
YAML_FILES = sorted(
    path
    for pattern in ("*.yaml", "*.yml")
    for path in ROOT.rglob(pattern)
    if not {".git", "build", "node_modules"} & set(path.relative_to(ROOT).parts)
)


def _typed(value: Any) -> Any:
    """``value`` with each scalar's type beside it, so ``OutOfRange("1e400")`` and ``"1e400"`` differ."""
    if isinstance(value, dict):
        return {_typed(key): _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, value)


def _outcome(text: str, *, libyaml: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """What ``parse_data_text`` gives, with the libyaml loader allowed or not: the data, or the error's words."""
    with monkeypatch.context() as patch:
        if not libyaml:
            patch.setattr(loading, "_LibyamlLoader", None)
        try:
            return _typed(loading.parse_data_text(text, "file.yaml", yaml_first=True))
        except UnreadableFileError as exc:
            return ("refused", str(exc))


def test_pyyaml_here_has_libyaml() -> None:
    assert yaml.__with_libyaml__
    assert loading._LibyamlLoader is not None


def test_the_repository_has_many_yaml_files_and_libyaml_reads_most() -> None:
    texts = [path.read_text(encoding="utf-8-sig") for path in YAML_FILES]
    assert len(texts) > 50
    assert sum(loading._libyaml_may_read(text) for text in texts) > len(texts) * 3 // 4


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_both_loaders_give_the_same_result(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert _outcome(text, libyaml=True, monkeypatch=monkeypatch) == _outcome(
        text, libyaml=False, monkeypatch=monkeypatch
    )
    if loading._libyaml_may_read(text):  # and libyaml itself, not the fallback, reads it the same
        try:
            pure = _typed(yaml.load(text, Loader=loading._NoAliasLoader))
        except yaml.YAMLError:
            return
        assert _typed(yaml.load(text, Loader=loading._LibyamlLoader)) == pure


def _billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev, this = chr(ord("a") + n - 1), chr(ord("a") + n)
        lines.append(f"{this}: &{this} [{','.join(['*' + prev] * 9)}]")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "text",
    [_billion_laughs(), "a: &x 1\nb: *x\n", "- &x [1]\n- *x\n", "a: *undefined\n"],
    ids=["billion-laughs", "scalar-alias", "list-alias", "undefined-alias"],
)
def test_aliases_are_refused_whichever_loader_is_present(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for libyaml in (True, False):
        kind, message = _outcome(text, libyaml=libyaml, monkeypatch=monkeypatch)
        assert kind == "refused"
        assert "alias" in message


def test_the_hostile_yaml_fixtures_are_refused_or_read_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = sorted((ROOT / "tests" / "fixtures" / "hostile").rglob("*.yaml"))
    assert any(path.name == "nested-deep.yaml" for path in hostile)
    for path in hostile:
        text = path.read_text(encoding="utf-8")
        assert _outcome(text, libyaml=True, monkeypatch=monkeypatch) == _outcome(
            text, libyaml=False, monkeypatch=monkeypatch
        )


@pytest.mark.parametrize("shape", ["flow", "block"])
def test_nesting_that_would_crash_libyaml_is_refused_without_a_crash(shape: str) -> None:
    depth = 100_000
    text = "[" * depth + "]" * depth if shape == "flow" else "- " * depth + "x"
    probe = (
        "import sys\nfrom generator.records.loading import parse_data_text\n"
        "from generator.records.errors import UnreadableFileError\n"
        "try:\n    parse_data_text(sys.stdin.read(), 'deep.yaml', yaml_first=True)\n"
        "except UnreadableFileError as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], input=text, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "nested more than" in done.stdout


def _project_outcome(text: str) -> Any:
    """What ``load_project_yaml`` gives: the data with its types, or the error's words."""
    try:
        return _typed(loading.load_project_yaml(text))
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date that does not exist
        return ("refused", str(exc))


def _safe_load_outcome(text: str) -> Any:
    try:
        return _typed(yaml.safe_load(text))
    except (yaml.YAMLError, ValueError) as exc:
        return ("refused", str(exc))


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_projects_own_yaml_reads_as_pyyamls_safe_loader_reads_it(path: Path) -> None:
    """Layouts, rules, criteria and timetables: libyaml's reading is PyYAML's ``safe_load``, aliases and all."""
    text = path.read_text(encoding="utf-8")
    try:
        expected = _safe_load_outcome(text)
    except RecursionError:  # nested past Python's stack (a hostile fixture): too deep for libyaml as well
        with pytest.raises(RecursionError):
            loading.load_project_yaml(text)
        return
    assert _project_outcome(text) == expected


@pytest.mark.parametrize(
    "text",
    ["a: &x [1, 2]\nb: *x\n", "a: *undefined\n", "a: [1, 2\n", "key: value\n\tbad: tab\n", "- 2027-02-30\n- 0x1F\n"],
    ids=["alias", "undefined-alias", "unclosed", "tab", "odd-scalars"],
)
def test_a_projects_own_yaml_keeps_safe_loads_aliases_and_error_words(text: str) -> None:
    assert _project_outcome(text) == _safe_load_outcome(text)


def test_a_projects_own_yaml_too_deep_for_libyaml_goes_to_the_pure_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    read_by: list[str] = []
    real_load = yaml.load

    def spy(text: str, Loader: Any) -> Any:
        read_by.append(Loader.__name__)
        return real_load(text, Loader=Loader)

    monkeypatch.setattr(loading.yaml, "load", spy)
    assert loading.load_project_yaml("a: [1]\n") == {"a": [1]}
    assert read_by == ["CSafeLoader"]
    read_by.clear()
    deep = "[" * 3000 + "]" * 3000
    assert loading._shallow_enough_for_libyaml(deep) is False
    with pytest.raises(RecursionError):  # as yaml.safe_load always did: never a crash in C
        loading.load_project_yaml(deep)
    assert "CSafeLoader" not in read_by
