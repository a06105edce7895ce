"""What a template sees: the validated record, every optional field present, plus derived values.

Templates ask ``{% if cost.notes %}``, so an optional field left out of the
record is filled in as ``None`` (read from the schema's field index), and a
misspelt name is an error rather than silently blank. Values a document
needs but the record does not hold (the Kent criteria titles beside their
answers, the weighted score, the bids grouped by decision) are worked out
here, once, and declared in :data:`DERIVED` so ``commission templates check``
knows every name a template may use.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from ..records.criteria import criteria_set
from ..records.schemas import fields, schema_info
from ..records.scoring import weighted_rows, weighted_score

__all__ = ["ALIASES", "DERIVED", "build_context", "canonical", "document_title", "known_pointers"]

_BID_DECISIONS = {"funded": "funded", "reserve": "reserve", "not funded": "not_funded", "not fundable": "not_fundable"}

#: Every derived name a template may use, as JSON Pointers (``*`` for a list item).
DERIVED: dict[str, frozenset[str]] = {
    "*": frozenset(["/document", "/document/title", "/document/kind", "/document/version", "/document/issued"]),
    "service-specification": frozenset(),
    "evaluation-report": frozenset(
        [
            "/criteria",
            "/criteria/*",
            *(f"/criteria/*/{name}" for name in ("id", "title", "question", "answer", "evidence", "blocks_funding")),
            "/counts",
            *(f"/counts/{name}" for name in ("met", "partly_met", "not_met", "total")),
            "/weighted",
            "/weighted/total",
            "/weighted/scale_max",
            "/weighted/rows",
            "/weighted/rows/*",
            *(
                f"/weighted/rows/*/{name}"
                for name in ("criterion", "title", "weight", "score", "scale_max", "points", "justification")
            ),
        ]
    ),
    "round-summary": frozenset(f"/{group}" for group in _BID_DECISIONS.values()),
}

#: Derived lists whose items have the fields of a list in the record.
ALIASES: dict[str, dict[str, str]] = {
    "round-summary": {f"/{group}": "/bids" for group in _BID_DECISIONS.values()},
}


def _children(kind: str, version: str | None) -> dict[str, list[str]]:
    """Field names under each object in the schema, keyed by the object's pointer pattern."""
    out: dict[str, list[str]] = {}
    for spec in fields(kind, version):
        if not spec.is_choice:
            out.setdefault(spec.parent, []).append(spec.name)
    return out


def _fill(value: Any, pattern: str, children: Mapping[str, list[str]]) -> Any:
    if isinstance(value, dict):
        for name in children.get(pattern, ()):
            value.setdefault(name, None)
        for name, item in value.items():
            _fill(item, f"{pattern}/{name}", children)
    elif isinstance(value, list):
        for item in value:
            _fill(item, f"{pattern}/*", children)
    return value


#: The schema's pattern for a finished document's own name: JSON Pointers in braces, filled from the record.
TITLE_PATTERN = "x-document-title"
_POINTER = re.compile(r"\{(/[^{}]*)\}")


def _at(record: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:]:
        if not isinstance(record, Mapping) or part not in record:
            return None
        record = record[part]
    return record


def document_title(record: Mapping[str, Any], kind: str, version: str | None = None) -> str:
    """A finished document's own name ("Service specification: Floating support"), for its footer and properties.

    The schema says how it is made (``x-document-title``, pointers in braces);
    a version released without one takes the current schema's, and a record
    lacking a value it names gets the schema's title, never a name with a gap.
    """
    pattern = schema_info(kind, version).contents.get(TITLE_PATTERN) or schema_info(kind).contents.get(TITLE_PATTERN)
    values = {pointer: _at(record, pointer) for pointer in _POINTER.findall(pattern or "")}
    if not pattern or any(value in (None, "") for value in values.values()):
        return str(schema_info(kind, version).title)
    return _POINTER.sub(lambda match: str(values[match[1]]), pattern)


def _evaluation(record: Mapping[str, Any]) -> dict[str, Any]:
    kent = criteria_set("kent")
    answers = record["kent_criteria"]
    rows = [
        {
            "id": criterion.id,
            "title": criterion.title,
            "question": criterion.question,
            "answer": answers[criterion.id]["answer"],
            "evidence": answers[criterion.id]["evidence"],
            "blocks_funding": criterion.blocks_funding,
        }
        for criterion in kent.criteria
    ]
    given = [row["answer"] for row in rows]
    counts = {
        "met": given.count("met"),
        "partly_met": given.count("partly met"),
        "not_met": given.count("not met"),
        "total": len(given),
    }
    weighted = None
    total = weighted_score(record)
    if total is not None:
        weighted = {
            "total": total,
            "scale_max": record["weighted_scores"]["scale_max"],
            "rows": [asdict(row) for row in weighted_rows(record)],
        }
    return {"criteria": rows, "counts": counts, "weighted": weighted}


def _round(record: Mapping[str, Any]) -> dict[str, Any]:
    groups: dict[str, list[Any]] = {group: [] for group in _BID_DECISIONS.values()}
    for bid in record["bids"]:
        groups[_BID_DECISIONS[bid["decision"]]].append(bid)
    return groups


_DERIVERS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "evaluation-report": _evaluation,
    "round-summary": _round,
}


def build_context(
    record: Mapping[str, Any], kind: str, *, issued: dt.date, version: str | None = None
) -> dict[str, Any]:
    """The template context for a record already validated as ``kind``."""
    info = schema_info(kind, version)
    context = _fill(copy.deepcopy(dict(record)), "", _children(kind, version))
    context["document"] = {
        "title": document_title(record, kind, version),
        "kind": info.title,
        "version": info.version,
        "issued": issued.isoformat(),
    }
    deriver = _DERIVERS.get(kind)
    if deriver is not None:
        context.update(deriver(context))
    return context


def known_pointers(kind: str, version: str | None = None) -> frozenset[str]:
    """Every name a template for ``kind`` may use: the schema's fields and the derived values."""
    return frozenset(spec.pointer for spec in fields(kind, version)) | DERIVED["*"] | DERIVED.get(kind, frozenset())


def canonical(pointer: str, kind: str) -> str:
    """A name as the schema spells it (a template may use a shorter alias, such as ``bid`` for a field group)."""
    for alias, target in ALIASES.get(kind, {}).items():
        if pointer == alias or pointer.startswith(alias + "/"):
            return target + pointer[len(alias) :]
    return pointer
