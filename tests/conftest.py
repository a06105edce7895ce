"""Shared fixtures: the repository's folders, a pinned 'today', and a scratch copy of the built-in project."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.projects.switch import switch_project
from generator.records import resources

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: Every test that depends on "today" uses this date.
TODAY = dt.date(2026, 8, 1)


@pytest.fixture
def today() -> dt.date:
    return TODAY


def reread_project() -> None:
    """Read the project's files again: a test has just changed them, or chosen another project."""
    resources.project_root.cache_clear()
    switch_project(resources.project_root())


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the built-in project (schemas, forms, templates, data) that the toolkit reads instead, to
    release or edit a shipped form in without touching the checkout."""
    for name in ("schemas", "forms", "templates", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.setenv("COMMISSION_PROJECT", str(tmp_path))
    switch_project(tmp_path)
    yield tmp_path
    monkeypatch.delenv("COMMISSION_PROJECT")
    switch_project(None)


def shown_width(sheet: object, column: int) -> int:
    """A sheet's column width in characters, as Excel shows it (openpyxl, reading the file back).

    A file holds a width with the cell's padding, as Excel writes it (52 characters is
    52.7109375), and one ``<col>`` entry for neighbouring columns of the same width.
    """
    for dimension in sheet.column_dimensions.values():  # type: ignore[attr-defined]
        if dimension.min <= column <= dimension.max and dimension.width:
            return int(dimension.width)
    raise AssertionError(f"column {column} has no width of its own")
