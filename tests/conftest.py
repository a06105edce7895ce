"""Shared fixtures: the repository's folders and a pinned 'today'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: Every test that depends on "today" uses this date.
TODAY = dt.date(2026, 8, 1)


@pytest.fixture
def today() -> dt.date:
    return TODAY
