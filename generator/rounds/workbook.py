"""``round.xlsx``: the round's decision as a workbook an officer can sort, filter and print.

Two sheets, named and headed from the round's own data (the bid kind's title,
its fields' labels, the criteria set's titles), never from a shipped form's
field names:

* **the ranking**: every ranked bid in rank order, then the bids not ranked,
  with its reference, organisation, title, amount and date of submission;
  each criterion's combined answer, the count of criteria met and the weighted
  score; how the evaluators were combined; each evaluator's name, answers,
  score for each weighted criterion and weighted score (``Evaluator 1``,
  ``Evaluator 2``... in the order the round file lists the reports, a moderated
  report marked so); the decision and its reason;
* **Moderation**: one row for each reason a bid is flagged for moderation
  (:mod:`generator.rounds.moderation`), with the evaluators' counts of criteria
  met and weighted scores beside it, so the panel sees what to talk about.

The cells are typed (money, dates, numbers) by ``generator.spreadsheets``,
which also neutralises text that a spreadsheet would run as a formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..records.criteria import Criterion, criteria_set
from ..records.messages import field_label
from ..records.schemas import schema_info
from ..spreadsheets.workbook import Column, Table, write_workbook
from .definition import value_at
from .evaluation import RoundResult
from .moderation import Assessment
from .outcome_letters import NOT_RANKED
from .round_file import RoundSpec

__all__ = ["MODERATION_SHEET", "ranking_sheet_title", "round_tables", "write_round_workbook"]

#: The title of the sheet of bids flagged for moderation.
MODERATION_SHEET = "Moderation"


def ranking_sheet_title(spec: RoundSpec) -> str:
    """The ranking sheet's name, from the bid kind's title ("Growth bid application ranking")."""
    return f"{schema_info(spec.definition.bid_kind).title} ranking"


def _bid_columns(spec: RoundSpec) -> list[Column]:
    definition = spec.definition
    kind, fields = definition.bid_kind, definition.bid_fields
    if "reference" in fields:
        reference = field_label(kind, fields["reference"])
    else:  # the bids' references come from the round file; the reports name them under this label
        reference = field_label(definition.report_kind, definition.report_fields["reference"])
    return [
        Column("Rank", "integer"),
        Column(reference, "text"),
        Column(field_label(kind, fields["organisation"]), "text"),
        Column(field_label(kind, fields["title"]), "text"),
        Column(field_label(kind, fields["amount"]), "money"),
        Column(field_label(kind, fields["submitted"]), "date"),
    ]


def _evaluator_name(assessment: Assessment) -> str:
    return f"{assessment.evaluator} (moderated)" if assessment.moderated else assessment.evaluator


def _scores(spec: RoundSpec, reference: str, weighted: Sequence[Criterion]) -> list[dict[str, object]]:
    """Each report's score for each weighted criterion, in the order of the bid's assessments."""
    at = spec.definition.report_fields.get("scores")
    out = []
    for report in spec.reports.get(reference, ()):
        block = value_at(report.record, at) if at else None
        entries = block.get("scores", []) if isinstance(block, Mapping) else []
        given = {str(e.get("criterion")): e.get("score") for e in entries if isinstance(e, Mapping)}
        out.append({c.id: given.get(c.id) for c in weighted})
    return out


def _ranking(spec: RoundSpec, result: RoundResult) -> Table:
    criteria = spec.definition.criteria.criteria
    scored = spec.definition.weights is not None
    weighted = criteria_set(spec.definition.weights).criteria if spec.definition.weights else ()
    slots = max((len(o.combined.assessments) for o in result.outcomes), default=0)
    columns = _bid_columns(spec)
    columns += [Column(f"({c.id}) {c.title}", "text") for c in criteria]
    columns.append(Column("Criteria met", "integer"))
    if scored:
        columns.append(Column("Weighted score", "number"))
    columns.append(Column("Combined by", "text"))
    for slot in range(1, slots + 1):
        columns.append(Column(f"Evaluator {slot}", "text"))
        columns += [Column(f"Evaluator {slot} – ({c.id}) {c.title}", "text") for c in criteria]
        columns += [Column(f"Evaluator {slot} – score {c.id}: {c.title}", "number") for c in weighted]
        if scored:
            columns.append(Column(f"Evaluator {slot} – weighted score", "number"))
    columns += [Column("Decision", "text"), Column("Reason", "text")]

    rows: list[list[Any]] = []
    for outcome in result.outcomes:
        bid, view = outcome.bid, outcome.combined
        row: list[Any] = [outcome.rank, bid.reference, bid.organisation, bid.proposal_title]
        row += [bid.annual_amount, bid.submitted]
        row += [view.answers.get(c.id) for c in criteria]
        row.append(view.criteria_met)
        if scored:
            row.append(view.weighted_score)
        row.append(view.rule)
        scores = _scores(spec, bid.reference, weighted)
        for slot in range(slots):
            given = view.assessments[slot] if slot < len(view.assessments) else None
            row.append(_evaluator_name(given) if given else None)
            row += [given.answers.get(c.id) if given else None for c in criteria]
            row += [scores[slot].get(c.id) if given and slot < len(scores) else None for c in weighted]
            if scored:
                row.append(given.weighted_score if given else None)
        row += [str(outcome.decision), outcome.reason]
        rows.append(row)
    blank = len(columns) - len(_bid_columns(spec)) - 2  # all but the bid's own columns, decision and reason
    for left_out in result.unevaluated:
        bid = left_out.bid
        row = [None, bid.reference, bid.organisation, bid.proposal_title, bid.annual_amount, bid.submitted]
        rows.append(row + [None] * blank + [NOT_RANKED, left_out.reason])
    return Table(ranking_sheet_title(spec), columns, rows)


def _listed(values: Sequence[object]) -> str:
    return "; ".join(str(value) for value in values)


def _moderation(spec: RoundSpec, result: RoundResult) -> Table:
    columns = [
        *_bid_columns(spec)[:3],
        Column("Why flagged", "text"),
        Column("Evaluators", "text"),
        Column("Criteria met by each", "text"),
    ]
    scored = spec.definition.weights is not None
    if scored:
        columns.append(Column("Weighted score of each", "text"))
    columns += [Column("Decision", "text")]
    criteria = spec.definition.criteria
    rows: list[list[Any]] = []
    for outcome in result.outcomes:
        assessments = outcome.combined.assessments
        for flag in outcome.combined.flags:
            row: list[Any] = [outcome.rank, outcome.bid.reference, outcome.bid.organisation, flag]
            row.append(_listed([_evaluator_name(a) for a in assessments]))
            row.append(_listed([a.met(criteria) for a in assessments]))
            if scored:
                row.append(_listed(["–" if a.weighted_score is None else a.weighted_score for a in assessments]))
            row.append(str(outcome.decision))
            rows.append(row)
    return Table(MODERATION_SHEET, columns, rows)


def round_tables(spec: RoundSpec, result: RoundResult) -> list[Table]:
    """The workbook's sheets: the ranking, then the bids flagged for moderation."""
    return [_ranking(spec, result), _moderation(spec, result)]


def write_round_workbook(spec: RoundSpec, result: RoundResult, path: Path) -> Path:
    """Write ``round.xlsx`` (or any ``path``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(path, round_tables(spec, result))
    return path
