"""Run a round from its file: read and check, combine the evaluations, decide, write the results.

This is what ``commission evaluate`` does; each step lives in its own module
(``round_file``, ``moderation``, ``evaluation``, ``summary``, ``workbook``,
``word_documents``, ``outcome_letters``) and this one only puts them in order and says what happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..records.money import pounds
from .evaluation import RANKINGS, Decision, RoundResult, decide
from .moderation import Combined, combine
from .outcome_letters import outcome_letters, write_outcome_letters
from .round_file import RoundSpec, read_round
from .sources import Loader
from .summary import round_summary, round_workings, write_json
from .word_documents import render_round_documents
from .workbook import write_round_workbook

__all__ = ["RoundRun", "combined_views", "decide_round", "format_round", "run_round"]


@dataclass(frozen=True)
class RoundRun:
    spec: RoundSpec
    result: RoundResult
    written: tuple[Path, ...]


def combined_views(spec: RoundSpec) -> dict[str, Combined]:
    """Each evaluated bid's reports combined into one view (rule in ``generator.rounds.moderation``)."""
    criteria = spec.definition.criteria
    return {
        reference: combine([report.assessment for report in reports], criteria, spec.thresholds)
        for reference, reports in spec.reports.items()
    }


def decide_round(spec: RoundSpec) -> RoundResult:
    """The round's decision (rules in ``generator.rounds.evaluation``)."""
    definition = spec.definition
    return decide(
        spec.money,
        spec.bids,
        combined_views(spec),
        definition.criteria,
        ranking=RANKINGS[definition.ranking],
        not_eligible=definition.not_eligible,
    )


def run_round(
    path: Path, out: Path, today: dt.date | None = None, within: Path | None = None, loader: Loader | None = None
) -> RoundRun:
    """Decide the round in ``path``; write its summary, workings, workbook, Word documents and letters to ``out``.

    Its bids and reports are read only from inside ``within`` (default: the round file's folder);
    returned forms and registers through ``loader`` (see ``generator.rounds.sources``).
    """
    today = today or dt.date.today()
    spec = read_round(path, today, within, loader)
    result = decide_round(spec)
    summary = round_summary(spec, result)
    written = [
        write_json(summary, out / "round-summary.json"),
        write_json(round_workings(spec, result), out / "round-workings.json"),
        write_round_workbook(spec, result, out / "round.xlsx"),
    ]
    written += render_round_documents(summary, spec.reports, out, today, spec.definition.report_kind)
    written += write_outcome_letters(outcome_letters(spec, result, today), out, today)
    return RoundRun(spec, result, tuple(written))


def _score(outcome_score: object) -> str:
    return "-" if outcome_score is None else str(outcome_score)


def format_round(run: RoundRun) -> str:
    """The decision as a plain-text table for the terminal."""
    spec, result = run.spec, run.result
    money = result.money
    held = f"{money.hold_back_percent}%, " if money.hold_back_percent is not None else ""
    lines = [
        spec.name,
        f"Money available {pounds(money.available)}; held back {held}{pounds(money.hold_back)}; "
        f"to allocate {pounds(money.to_allocate)}",
        "",
        f"{'Rank':<5} {'Reference':<14} {'Met':>3} {'Score':>6} {'Amount':>14}  Decision",
    ]
    for o in result.outcomes:
        lines.append(
            f"{o.rank:<5} {o.bid.reference:<14} {o.combined.criteria_met:>3} {_score(o.combined.weighted_score):>6} "
            f"{pounds(o.bid.annual_amount):>14}  {o.decision}"
        )
    funded = result.with_decision(Decision.FUNDED)
    reserve = result.with_decision(Decision.RESERVE)
    lines += [
        "",
        f"Funded: {len(funded)} bid{'s' if len(funded) != 1 else ''}, {pounds(result.funded_amount)}; "
        f"unallocated {pounds(result.unallocated)}.",
        f"Reserve: {reserve[0].bid.reference} ({pounds(reserve[0].bid.annual_amount)})."
        if reserve
        else "Reserve: none.",
    ]
    if result.unevaluated:
        lines += ["", "Not ranked:"] + [
            f"  {u.bid.reference} {u.bid.organisation}: {u.reason}" for u in result.unevaluated
        ]
    flagged = [o for o in result.outcomes if o.combined.flags]
    if flagged:
        lines += ["", "Flagged for moderation:"]
        lines += [f"  {o.bid.reference}: {'; '.join(o.combined.flags)}" for o in flagged]
    if spec.warnings:
        lines += ["", "Warnings:"] + [f"  {w.extra['file']}: {w.field}: {w.message}" for w in spec.warnings]
    folders = {"evaluation-reports": "evaluation reports", "letters": "outcome letters"}
    shown = [path for path in run.written if path.parent.name not in folders]
    lines += ["", "Written:"] + [f"  {path}" for path in shown]
    for folder, what in folders.items():
        documents = [path for path in run.written if path.parent.name == folder]
        if documents:
            lines.append(f"  {documents[0].parent}/  ({len(documents)} {what})")
    return "\n".join(lines)
