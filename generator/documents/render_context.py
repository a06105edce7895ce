"""What a template sees: the validated record, every optional field present, plus derived values.

Templates ask ``{% if cost.notes %}``, so an optional field left out of the
record is filled in as ``None`` (read from the schema's field index), and a
misspelt name is an error rather than silently blank. Values a document
needs but the record does not hold (the criteria titles beside their
answers, the count of each answer, the weighted score, the bids grouped by
decision) are worked out here, once, and declared by :func:`derived` so
``commission templates check`` knows every name a template may use.

No field of a project's kinds is named here: the round's own settings
(``round:`` in ``commission.yaml``: the report kind, where its answers and
scores are, the criteria and weights) say which kind is assessed and where,
``data/criteria.yaml`` gives the criteria and their answers, and the
summary's schema gives its list of bids and the decision that groups them.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..records.criteria import criteria_set
from ..records.project import project_round
from ..records.schemas import FieldSpec, fields, schema_info
from ..records.scoring import weighted_block

__all__ = ["aliases", "build_context", "canonical", "derived", "document_title", "known_pointers"]

#: The round's summary: the toolkit's own output (``commission evaluate``), the same for every project.
SUMMARY_KIND = "round-summary"
#: Derived names every document has.
_EVERY_DOCUMENT = frozenset(["/document", "/document/title", "/document/kind", "/document/version", "/document/issued"])
_CRITERION_NAMES = ("id", "title", "question", "answer", "evidence", "blocks_funding")
_ROW_NAMES = ("criterion", "title", "weight", "score", "scale_max", "points", "justification")


@dataclass(frozen=True)
class _Assessment:
    """Where the round's evaluation reports keep their answers and scores, and the criteria those are against.

    Read from the project's ``round:`` (``commission.yaml``), as the round reads it: the report kind, the
    ``report_fields`` ``answers`` and ``scores``, the ``criteria`` and the ``weights``.
    """

    kind: str
    answers: str
    criteria: str
    scores: str | None
    weights: str | None


def _assessment(kind: str) -> _Assessment | None:
    """The round's assessment if ``kind`` is its report kind; None otherwise, or if the round does not say.

    A round setting that is not as expected gives None here: ``commission evaluate`` names the problem.
    """
    settings, _ = project_round()
    kinds, report_fields = settings.get("kinds"), settings.get("report_fields")
    if not isinstance(kinds, Mapping) or kinds.get("report") != kind or not isinstance(report_fields, Mapping):
        return None
    answers, criteria = report_fields.get("answers"), settings.get("criteria")
    if not isinstance(answers, str) or not isinstance(criteria, str):
        return None
    scores, weights = report_fields.get("scores"), settings.get("weights")
    if not isinstance(scores, str) or not isinstance(weights, str):
        scores = weights = None
    return _Assessment(kind, answers, criteria, scores, weights)


def _slug(answer: str) -> str:
    """An answer as a template names its count: 'partly met' is ``counts.partly_met``."""
    return re.sub(r"\W+", "_", answer.strip().lower()).strip("_")


def _decisions(kind: str, version: str | None = None) -> tuple[FieldSpec, FieldSpec] | None:
    """The summary's list of bids and the choice in each that decides its group, found in its schema."""
    specs = [spec for spec in fields(kind, version) if spec.enum and spec.parent.count("/*") == 1]
    lists = {spec.pointer: spec for spec in fields(kind, version)}
    for choice in specs:
        listed = lists.get(choice.parent.removesuffix("/*"))
        if listed is not None and listed.parent == "":
            return listed, choice
    return None


def _groups(kind: str, version: str | None = None) -> dict[str, str]:
    """Each group a summary's bids fall into, by the decision's value: {'not funded': 'not_funded', ...}."""
    found = _decisions(kind, version) if kind == SUMMARY_KIND else None
    return {str(value): _slug(str(value)) for value in found[1].enum} if found else {}


def derived(kind: str, version: str | None = None) -> frozenset[str]:
    """Every derived name a template for ``kind`` may use, as JSON Pointers (``*`` for a list item)."""
    names = set(_EVERY_DOCUMENT)
    if (assessment := _assessment(kind)) is not None:
        answers = criteria_set(assessment.criteria).answers
        names |= {"/criteria", "/criteria/*", *(f"/criteria/*/{name}" for name in _CRITERION_NAMES)}
        names |= {"/counts", "/counts/total", *(f"/counts/{_slug(answer)}" for answer in answers)}
        names.add("/weighted")
        if assessment.scores is not None:
            names |= {"/weighted/total", "/weighted/scale_max", "/weighted/rows", "/weighted/rows/*"}
            names |= {f"/weighted/rows/*/{name}" for name in _ROW_NAMES}
    names |= {f"/{group}" for group in _groups(kind, version).values()}
    return frozenset(names)


def aliases(kind: str, version: str | None = None) -> dict[str, str]:
    """Derived lists whose items have the fields of a list in the record (a summary's groups of bids)."""
    found = _decisions(kind, version) if kind == SUMMARY_KIND else None
    if not found:
        return {}
    return {f"/{group}": found[0].pointer for group in _groups(kind, version).values()}


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


def _evaluation(record: Mapping[str, Any], assessment: _Assessment) -> dict[str, Any]:
    """The criteria beside their answers, the count of each answer and the weighted score, as the round has them."""
    criteria = criteria_set(assessment.criteria)
    answers = _at(record, assessment.answers) or {}
    rows = [
        {
            "id": criterion.id,
            "title": criterion.title,
            "question": criterion.question,
            "answer": (answers.get(criterion.id) or {}).get("answer"),
            "evidence": (answers.get(criterion.id) or {}).get("evidence"),
            "blocks_funding": criterion.blocks_funding,
        }
        for criterion in criteria.criteria
    ]
    given = [row["answer"] for row in rows]
    counts = {_slug(answer): given.count(answer) for answer in criteria.answers}
    counts["total"] = len(given)
    weighted = None
    if assessment.scores is not None and assessment.weights is not None:
        block = weighted_block(_at(record, assessment.scores), assessment.weights)
        if block is not None:
            weighted = {"total": block.total, "scale_max": block.scale_max, "rows": [asdict(r) for r in block.rows]}
    return {"criteria": rows, "counts": counts, "weighted": weighted}


def _summary(record: Mapping[str, Any], kind: str, version: str | None) -> dict[str, Any]:
    """The summary's bids in a list per decision (``funded``, ``reserve``, ...), in the summary's order."""
    found = _decisions(kind, version)
    if found is None:
        return {}
    listed, choice = found
    groups = _groups(kind, version)
    out: dict[str, list[Any]] = {group: [] for group in groups.values()}
    for bid in _at(record, listed.pointer) or []:
        out[groups[bid[choice.name]]].append(bid)
    return out


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
    if (assessment := _assessment(kind)) is not None:
        context.update(_evaluation(context, assessment))
    if kind == SUMMARY_KIND:
        context.update(_summary(context, kind, version))
    return context


def known_pointers(kind: str, version: str | None = None) -> frozenset[str]:
    """Every name a template for ``kind`` may use: the schema's fields and the derived values."""
    return frozenset(spec.pointer for spec in fields(kind, version)) | derived(kind, version)


def canonical(pointer: str, kind: str) -> str:
    """A name as the schema spells it (a template may use a shorter alias, such as ``bid`` for a field group)."""
    for alias, target in aliases(kind).items():
        if pointer == alias or pointer.startswith(alias + "/"):
            return target + pointer[len(alias) :]
    return pointer
