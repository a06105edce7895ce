"""What a round is over, as data: which kinds, which of their fields, which criteria, scale and rule.

A round reads a handful of answers from each bid (its amount, organisation,
title, date of submission, and whether the applicant may bid at all) and from
each evaluation report (the bid it is about, the evaluator, the answer to each
criterion, the scores). Which fields those are is not known to the code: the
round file says so, or the project's ``commission.yaml`` under ``round:`` for
every round file of the project, or else the built-in example's::

    kinds: {bid: growth-bid, report: evaluation-report}
    fields: {amount: /annual_amount, organisation: /applicant/organisation, title: /proposal_title,
             submitted: /submission_date, eligible: /applicant/is_commissioning_partner,
             contact_name: /applicant/contact_names, contact_email: /applicant/email}
    report_fields: {reference: /bid/reference, organisation: /bid/organisation, evaluator: /evaluator/name,
                    answers: /kent_criteria, scores: /weighted_scores}
    criteria: kent
    weights: herefordshire
    scale: herefordshire-0-4
    ranking: kent
    reference: {prefix: GB}      # bids without a reference become GB-<year>-001...; year: the closing date's

``contact_name`` and ``contact_email`` are not the round's: they say whom the
batch's letters to bidders are addressed to (:func:`project_bid_fields`).

A key the round file gives replaces the project's whole (so a round over
another kind never inherits the example's fields). Every field named is
looked up in its kind's schema before any bid is read, so a misspelt pointer
is one problem naming the file, the key and the field, not a crash later.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.criteria import CriteriaSet, criteria_set, criteria_sets, scales
from ..records.issues import Issue
from ..records.project import project_round, project_settings, read_settings
from ..records.references import ReferenceScheme, read_scheme
from ..records.schemas import FieldSpec, field_for_pointer, kinds, versions
from .evaluation import NOT_ELIGIBLE, RANKINGS
from .problems import Problems

__all__ = [
    "BID_FIELDS",
    "DEFINITION_KEYS",
    "REPORT_FIELDS",
    "RoundDefinition",
    "answers_of",
    "project_bid_fields",
    "read_definition",
    "value_at",
]

#: What each bid field is for, and whether a round must have it.
BID_FIELDS: dict[str, tuple[str, bool]] = {
    "amount": ("the amount asked for each year, in pounds", True),
    "organisation": ("the organisation making the bid", True),
    "title": ("the proposal's name", True),
    "submitted": ("the date the bid was sent", True),
    "reference": ("the bid's reference (else each bid entry gives it)", False),
    "eligible": ("a tick saying the applicant may bid (unticked: not ranked)", False),
    "contact_name": ("the person to write to about the bid (the batch's letters)", False),
    "contact_email": ("their email address (the batch's letters and chase.csv)", False),
}
#: What each evaluation report field is for, and whether a round must have it.
REPORT_FIELDS: dict[str, tuple[str, bool]] = {
    "reference": ("the reference of the bid it evaluates", True),
    "organisation": ("the organisation that made that bid", True),
    "evaluator": ("the evaluator's name", True),
    "answers": ("the answer to each criterion, as {<criterion id>: {answer: ...}}", True),
    "scores": ("the weighted scores, as {scale_max: ..., scores: [{criterion, score}...]}", False),
}
#: The settings of a round that say what it is over, with the label their problems are reported under.
DEFINITION_KEYS = {
    "kinds": "Kinds of the bids and reports",
    "fields": "Bid fields",
    "report_fields": "Evaluation report fields",
    "criteria": "Criteria",
    "weights": "Weights of the scores",
    "ranking": "Ranking rule",
    "not_eligible": "Reason a bid is not eligible",
    "reference": "How bids without a reference are numbered",
}
#: The type a field must have in its schema, by what it is for.
_TYPES: dict[str, Callable[[FieldSpec], bool]] = {
    "amount": lambda spec: spec.semantic == "money" or spec.type in {"number", "integer"},
    "submitted": lambda spec: spec.semantic == "date" or spec.format == "date",
    "eligible": lambda spec: spec.type == "boolean",
    "answers": lambda spec: spec.type == "object",
    "scores": lambda spec: spec.type == "object",
    "contact_email": lambda spec: spec.semantic == "email" or spec.format == "email",
}
_TYPE_WORDS = {
    "amount": "an amount of money",
    "submitted": "a date",
    "eligible": "a tick box (true or false)",
    "answers": "a group of answers",
    "scores": "a group of scores",
    "contact_email": "an email address",
}


@dataclass(frozen=True)
class RoundDefinition:
    """The kinds, fields, criteria and rule of a round, checked against the schemas."""

    bid_kind: str
    report_kind: str
    bid_fields: Mapping[str, str]
    report_fields: Mapping[str, str]
    criteria: CriteriaSet
    weights: str | None
    ranking: str
    not_eligible: str
    #: The project's scale for its rounds (a round file's own ``scale:`` wins); None: the weights' usual one.
    scale: str | None = None
    #: How a bid without a reference is numbered (``reference: {prefix: GB}``); None: each bid must have one.
    numbering: ReferenceScheme | None = None

    def needed(self) -> tuple[str, ...]:
        """The bid fields a version of the bid form must ask for a bid made on it to be ranked."""
        return tuple(self.bid_fields[role] for role in ("amount", "organisation", "title", "submitted"))


def value_at(record: Any, pointer: str) -> Any:
    """The value at a JSON Pointer in ``record`` (``None`` when it is not there)."""
    node = record
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


class _Reader:
    """Reads each setting from the round file or, when it is silent, from the project's ``round:``."""

    def __init__(self, path: Path, raw: Mapping[str, Any], found: Problems) -> None:
        self.found = found
        self.own, self.path = raw, path
        self.project, self.project_path = project_round()
        #: The settings a problem has been recorded for, so one mistake is not reported twice.
        self.bad: set[str] = set()

    def get(self, key: str) -> tuple[Any, Path, str]:
        """The setting, the file it came from and its pointer there."""
        if key in self.own:
            return self.own[key], self.path, f"/{key}"
        return self.project.get(key), self.project_path, f"/round/{key}"

    def problem(self, key: str, message: str, value: Any = None, more: str = "") -> None:
        _, file, pointer = self.get(key)
        self.bad.add(key)
        label = DEFINITION_KEYS.get(key, key) + (f" – {more}" if more else "")
        self.found.add(file, pointer + (f"/{more}" if more else ""), label, message, value)

    def name(self, key: str, known: list[str], what: str, *, required: bool = True) -> str | None:
        value, _, _ = self.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or value not in known:
            shown = f"'{value}'" if isinstance(value, str) else "none"
            self.problem(key, f"there is no {what} {shown}; known: {', '.join(known)}", value)
            return None
        return value

    def project_scale(self) -> str | None:
        """The project's scale (the round file's own ``scale:`` is read and checked with its other settings)."""
        value = self.project.get("scale")
        if value is not None and value not in scales():
            message = f"there is no scale '{value}'; choose one of {', '.join(scales())}"
            self.found.add(self.project_path, "/round/scale", "Scoring scale", message, value)
            return None
        return value

    def kinds(self) -> tuple[str | None, str | None]:
        value, _, _ = self.get("kinds")
        if not isinstance(value, Mapping) or set(value) != {"bid", "report"}:
            self.problem(
                "kinds", "expected the kind of the bids and of their reports, as {bid: ..., report: ...}", value
            )
            return None, None
        known = kinds()
        out: list[str | None] = []
        for which in ("bid", "report"):
            kind = value[which]
            if kind not in known:
                self.problem("kinds", f"'{kind}' is not a kind of this project; known: {', '.join(known)}", kind, which)
                out.append(None)
            else:
                out.append(kind)
        return out[0], out[1]

    def fields(self, key: str, kind: str | None, roles: Mapping[str, tuple[str, bool]]) -> dict[str, str]:
        value, _, _ = self.get(key)
        if not isinstance(value, Mapping):
            needs = ", ".join(role for role, (_, must) in roles.items() if must)
            self.problem(key, f"expected a pointer for each of {needs}, such as {{amount: /annual_amount}}", value)
            return {}
        out: dict[str, str] = {}
        for role, pointer in value.items():
            if role not in roles:
                hint = difflib.get_close_matches(str(role), list(roles), n=1)
                also = f"did you mean '{hint[0]}'?" if hint else f"the fields are {', '.join(roles)}"
                self.problem(key, f"'{role}' is not a field a round reads; {also}", role, str(role))
            elif kind is not None and (message := _pointer_problem(kind, role, pointer)):
                self.problem(key, message, pointer, role)
            else:
                out[role] = pointer
        for role, (purpose, must) in roles.items():
            if must and role not in value:
                self.problem(key, f"say which field is {purpose}, as '{role}: /pointer'", None, role)
        return out


def _pointer_problem(kind: str, role: str, pointer: Any) -> str:
    """Why ``pointer`` cannot be the ``role`` field of a ``kind`` record ('' when it can)."""
    if not isinstance(pointer, str) or not pointer.startswith("/") or "*" in pointer:
        return f"expected a JSON Pointer to one field, such as /annual_amount, not {pointer!r}"
    # The newest version asking it: bids made on older versions are checked for it one by one (round_file).
    asking = (field_for_pointer(kind, pointer, version) for version in reversed(versions(kind)))
    spec = next((found for found in asking if found is not None), None)
    if spec is None:
        return f"the {kind} form has no field {pointer}"
    if spec.in_repeating_group or pointer != spec.pointer:
        return f"{pointer} is a field of a table row in the {kind} form; name a field that has one answer"
    check = _TYPES.get(role)
    if check is not None and not check(spec):
        return f"{pointer} in the {kind} form is not {_TYPE_WORDS[role]}"
    return ""


def project_bid_fields() -> tuple[str | None, dict[str, str], list[Issue]]:
    """The kind bids are made on and the bid fields the project's ``round:`` names, each checked.

    For what reads bids outside a round (the batch's letters): fields that are
    wrong are left out and their problems given, the rest kept. A project
    without ``round:`` has the built-in example's, which names no kind of a
    project without growth bids: then no kind and no fields.
    """
    found = Problems()
    reader = _Reader(project_round()[1], {}, found)
    value, _, _ = reader.get("kinds")
    bid_kind = value.get("bid") if isinstance(value, Mapping) else None
    if not isinstance(bid_kind, str) or bid_kind not in kinds():
        return None, {}, []
    return bid_kind, reader.fields("fields", bid_kind, BID_FIELDS), found.items


def _reference_year(raw: Mapping[str, Any], project_path: Path) -> dt.date | None:
    """The date whose year new references carry: the project's closing date, else that of the project the
    round's settings come from (the built-in example's, for a project without ``round:``), else the round's
    own date of decision."""
    settings = project_settings()
    closing = settings.closing_date
    if closing is None and project_path.parent != settings.folder:
        closing = read_settings(project_path.parent).closing_date
    if closing is None and "decision_date" in raw:
        try:
            return dt.date.fromisoformat(str(raw["decision_date"]))
        except ValueError:
            return None  # the round's settings report the date
    return closing


def read_definition(path: Path, raw: Mapping[str, Any], found: Problems) -> RoundDefinition | None:
    """What the round in ``path`` is over, or ``None`` with every problem recorded in ``found``."""
    reader = _Reader(path, raw, found)
    before = len(found.errors)
    bid_kind, report_kind = reader.kinds()
    bid_fields = reader.fields("fields", bid_kind, BID_FIELDS)
    report_fields = reader.fields("report_fields", report_kind, REPORT_FIELDS)
    answered = [name for name in criteria_sets() if criteria_set(name).answers]
    criteria_name = reader.name("criteria", answered, "criteria set with answers")
    weighted = [name for name in criteria_sets() if criteria_set(name).total_weight]
    weights = reader.name("weights", weighted, "weighted criteria set", required=False)
    ranking = reader.name("ranking", list(RANKINGS), "ranking rule")
    scale = reader.project_scale()
    if "scores" in report_fields and weights is None and "weights" not in reader.bad:
        reader.problem("weights", "the reports have scores, so name the criteria set that weights them")
    not_eligible, _, _ = reader.get("not_eligible")
    if not_eligible is not None and (not isinstance(not_eligible, str) or not not_eligible.strip()):
        reader.problem("not_eligible", "expected a sentence saying why such a bid is not ranked", not_eligible)
    numbering, _, _ = reader.get("reference")
    if numbering is not None:
        numbering, why = read_scheme(numbering, _reference_year(reader.own, reader.project_path))
        if numbering is None:
            reader.problem("reference", why, reader.get("reference")[0])
    criteria = criteria_set(criteria_name) if criteria_name else None
    if criteria is not None and report_kind is not None and "answers" in report_fields:
        missing = [
            c.id for c in criteria.criteria if field_for_pointer(report_kind, _answer(report_fields, c.id)) is None
        ]
        if missing:
            reader.problem(
                "report_fields",
                f"{report_fields['answers']} in the {report_kind} form has no answer for criteria "
                f"{', '.join(missing)} of '{criteria.name}'",
                report_fields["answers"],
                "answers",
            )
    if len(found.errors) > before or None in (bid_kind, report_kind, criteria, ranking):
        return None
    assert bid_kind and report_kind and criteria and ranking  # for the type checker: checked just above
    reason = (not_eligible or "").strip() or NOT_ELIGIBLE
    return RoundDefinition(
        bid_kind, report_kind, bid_fields, report_fields, criteria, weights, ranking, reason, scale, numbering
    )


def _answer(report_fields: Mapping[str, str], criterion: str) -> str:
    return f"{report_fields['answers']}/{criterion}/answer"


def answers_of(record: Mapping[str, Any], definition: RoundDefinition) -> dict[str, str]:
    """A report's answer to each criterion of the round."""
    block = value_at(record, definition.report_fields["answers"]) or {}
    return {key: value["answer"] for key, value in block.items() if isinstance(value, Mapping)}
