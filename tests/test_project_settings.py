"""A project is the folder with commission.yaml, found from where a command runs; its settings are checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.records import project, resources
from generator.records.errors import CommissionError


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("COMMISSION_PROJECT", raising=False)
    resources.project_root.cache_clear()
    project.forget_settings()
    yield
    resources.project_root.cache_clear()
    project.forget_settings()


def _project(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "commission.yaml").write_text(text, encoding="utf-8")
    return folder


def test_the_nearest_commission_yaml_above_the_current_folder_is_the_project(tmp_path, monkeypatch):
    root = _project(tmp_path / "council", "partnership: Anytown Partnership\nclosing_date: 2027-01-31\n")
    (root / "returns" / "week-1").mkdir(parents=True)
    monkeypatch.chdir(root / "returns" / "week-1")
    assert resources.project_root() == root.resolve()
    settings = project.project_settings()
    assert (settings.partnership, settings.closing_date) == ("Anytown Partnership", dt.date(2027, 1, 31))
    assert settings.colours.primary == settings.colours.accent


def test_the_variable_wins_and_no_project_anywhere_means_the_built_in_example(tmp_path, monkeypatch):
    chosen = _project(tmp_path / "chosen", "partnership: Chosen\n")
    monkeypatch.chdir(_project(tmp_path / "here", "partnership: Here\n"))
    monkeypatch.setenv("COMMISSION_PROJECT", str(chosen))
    assert project.project_settings().partnership == "Chosen"
    monkeypatch.delenv("COMMISSION_PROJECT")
    resources.project_root.cache_clear()
    (tmp_path / "nowhere").mkdir()
    monkeypatch.chdir(tmp_path / "nowhere")
    assert resources.project_root() == resources.builtin_root()
    assert project.project_settings().partnership == "Supporting People in Kent"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("partnership: X\ncolour: red\n", "unknown setting colour"),
        ("contact: {email: a@b.uk}\n", "say whose round this is"),
        ("partnership: X\ncontact: {email: not-an-address}\n", "is not an email address"),
        ("partnership: X\ncolours: {primary: blue}\n", "give a colour as #rrggbb"),
        ("partnership: X\nclosing_date: 31/08/2026\n", "give a date as YYYY-MM-DD"),
        ("partnership: X\nlogo: missing.png\n", "there is no file"),
        ("partnership: X\nround: kent\n", "holds round settings such as 'ranking: kent'"),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_file_and_the_setting(tmp_path, text, problem):
    folder = _project(tmp_path / "council", text)
    with pytest.raises(CommissionError, match=problem) as caught:
        project.read_settings(folder)
    assert str(folder / "commission.yaml") in str(caught.value)


def test_the_round_settings_are_kept_for_the_round_to_check(tmp_path):
    """``round:`` is the project's default for its round files; generator.rounds checks it where it reads it."""
    folder = _project(tmp_path / "council", "partnership: X\nround: {ranking: kent, criteria: kent}\n")
    assert project.read_settings(folder).round == {"ranking": "kent", "criteria": "kent"}
    assert project.read_settings(_project(tmp_path / "other", "partnership: Y\n")).round == {}
    assert project.read_settings(resources.builtin_root()).round["ranking"] == "kent"
