"""A problem found in a document, named by JSON Pointer and field label."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Issue"]


@dataclass(frozen=True)
class Issue:
    """One thing wrong (or worth a look) in a record.

    ``path`` is the field's JSON Pointer, ``field`` its label as the person saw
    it, ``message`` says what is expected in plain English. ``rule`` names the
    schema keyword or business rule that found it, for officers and tests.
    """

    path: str
    field: str
    message: str
    value: Any = None
    rule: str = ""
    severity: str = "error"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out = {"path": self.path, "field": self.field, "message": self.message, "value": self.value, "rule": self.rule}
        if self.severity != "error":
            out["severity"] = self.severity
        return out

    def __str__(self) -> str:
        where = self.path or "/"
        return f"{where}  {self.field}: {self.message}"
