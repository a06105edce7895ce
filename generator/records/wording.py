"""Small pieces of plain English every message shares."""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 problem``, ``2 problems``, ``0 problems``: the count with its noun in the right number."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"
