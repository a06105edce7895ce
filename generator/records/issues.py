"""A problem found in a document, named by JSON Pointer and field label."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Issue"]


@dataclass(frozen=True)
class Issue:
    """One thing wrong (or worth a look) in a record.

    ``path`` is the field's JSON Pointer, ``field`` its label as the person saw
    it, ``message`` says what is expected in plain English. ``rule`` names the
    schema keyword or business rule that found it, for officers and tests.
    ``question`` is the question's number as printed on the form ("3.6"), or
    empty where the problem is not one question's. ``extra["detail"]`` keeps what a library said, for an
    officer or a bug report (``to_dict``'s ``detail``); a bidder is never shown it.
    """

    path: str
    field: str
    message: str
    value: Any = None
    rule: str = ""
    severity: str = "error"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    question: str = ""

    def line(self) -> str:
        """How a bidder is told: the question's number and label as on the form, then the problem."""
        label = " ".join(part for part in (self.question, self.field) if part)
        return f"{label}: {self.message}" if label else self.message

    def to_dict(self) -> dict[str, Any]:
        out = {"path": self.path, "field": self.field, "message": self.message, "value": self.value, "rule": self.rule}
        if self.severity != "error":
            out["severity"] = self.severity
        if self.question:
            out["question"] = self.question
        if self.extra.get("detail"):
            out["detail"] = self.extra["detail"]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Issue:
        """An issue as ``to_dict`` stored it (in a register, say), its question number and all."""
        return cls(
            path=str(data.get("path") or ""),
            field=str(data.get("field") or ""),
            message=str(data.get("message") or ""),
            value=data.get("value"),
            rule=str(data.get("rule") or ""),
            severity=str(data.get("severity") or "error"),
            question=str(data.get("question") or ""),
            extra={"detail": str(data["detail"])} if data.get("detail") else {},
        )

    def __str__(self) -> str:
        where = self.path or "/"
        return f"{where}  {self.field}: {self.message}"
