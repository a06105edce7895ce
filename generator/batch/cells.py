"""Safe export cells: the rule lives in :mod:`generator.spreadsheets.cells`, kept here for batch's own imports."""

from __future__ import annotations

from ..spreadsheets.cells import CELL_LIMIT, CUT_MARKER, cell_value

__all__ = ["CELL_LIMIT", "CUT_MARKER", "cell_value"]
