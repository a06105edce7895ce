"""Tables that the hand-written guidance notes include, generated from data.

A guidance note says ``--8<-- "kent-criteria.md"`` where a table of facts
belongs; the table is written here from ``data/`` and the schemas, so the
prose around it can never quote a weight or a value band the data does not hold.

A table is offered only where the project holds its data (the ``kent`` criteria
set, a ``kent`` timetable, ``data/procurement.yaml``...): a project without it
gets no such file, and a note that includes one anyway stops the build with the
note's name and the data it lacks, rather than a blank where the table was.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

from ..records.criteria import criteria_set
from ..records.errors import CommissionError
from ..records.schemas import field_for_pointer
from ..rounds.timetable import timetable
from .markdown import cell, esc, table
from .procurement import procurement_routes, procurement_steps
from .risk import risk_log

__all__ = ["INCLUDES", "available_includes", "check_includes"]


def _kent_criteria() -> str:
    kent = criteria_set("kent")
    rows = [[f"({c.id})", cell(c.title), cell(c.question), "Yes" if c.blocks_funding else "No"] for c in kent.criteria]
    return table(["Criterion", "In short", "The question", "Must be met to be funded"], rows)


def _percent(value: Decimal | None) -> str:
    """12.5 -> '12.5%', 100.0 -> '100%'."""
    return f"{(value or Decimal(0)).normalize():f}%"


def _weights() -> str:
    weighted = criteria_set("herefordshire")
    rows = [[c.id, cell(c.title), _percent(c.weight)] for c in weighted.criteria]
    rows.append(["", "**Total**", f"**{_percent(weighted.total_weight)}**"])
    return table(["No.", "Criterion", "Weight"], rows)


def _routes() -> str:
    """One table for each family of routes (purchasing, funding), in the guide's order."""
    headers = [
        "Route",
        "Best when any of these apply",
        "Guide amount",
        "Agreement",
        "Full cost recovery",
        "Rules to follow",
    ]
    parts = []
    routes = procurement_routes()
    for family in dict.fromkeys(r.family for r in routes):
        rows = [
            [
                f"**{cell(r.name)}**",
                "<br>".join(cell(w) for w in r.when) or "Not stated",
                cell(r.amount) + (f"<br>*{cell(r.exceptions)}*" if r.exceptions else ""),
                cell(r.agreement),
                cell(r.full_cost_recovery),
                cell(r.guidance),
            ]
            for r in routes
            if r.family == family
        ]
        parts += [f"### {esc(family)}", "", table(headers, rows)]
    return "\n".join(parts)


def _procurement_steps() -> str:
    return "\n".join(f"{number}. {esc(step)}" for number, step in enumerate(procurement_steps(), start=1)) + "\n"


def _risk_grid() -> str:
    log = risk_log()
    values = [value for value, _ in log.scale]
    rows = []
    for probability in reversed(values):
        row = [f"**{probability}** {cell(log.label(probability))}"]
        for impact in values:
            score = log.score(probability, impact)
            row.append(f"{score} {log.band(score).colour}")
        rows.append(row)
    headers = ["Probability ↓ / Impact →", *[f"{v} {cell(log.label(v))}" for v in values]]
    return table(headers, rows)


def _risk_bands() -> str:
    log = risk_log()
    ends = [band.start - 1 for band in log.bands[1:]] + [log.top**2]
    rows = [[cell(b.colour), cell(b.category), f"{b.start} to {end}"] for b, end in zip(log.bands, ends, strict=True)]
    return table(["Colour", "Category", "Scores"], rows)


def _risk_columns() -> str:
    return table(["Column", "What it holds"], [[cell(name), cell(holds)] for name, holds in risk_log().columns])


def _risk_examples() -> str:
    log = risk_log()
    rows = [
        [
            e.id,
            cell(f"{e.heading}: {e.risk}"),
            f"{e.probability} ({cell(log.label(e.probability))})",
            f"{e.impact} ({cell(log.label(e.impact))})",
            str(e.score),
            cell(f"{log.band(e.score).category}, {log.band(e.score).colour}"),
            "<br>".join(cell(a) for a in e.actions),
        ]
        for e in log.examples
    ]
    return table(["No.", "Risk", "Probability", "Impact", "Score", "Category", "Actions"], rows)


def _kent_timetable() -> str:
    kent = timetable("kent")

    def month(offset: int) -> str:
        """Steps count months from the round's first month."""
        return calendar.month_name[(kent.first_month - 1 + offset) % 12 + 1]

    rows = []
    for step in kent.steps:
        if step.opens is None:
            when = f"By {month(step.due)}"
        elif step.opens == step.due:
            when = month(step.due)
        else:
            when = f"{month(step.opens)} to {month(step.due)}"
        rows.append([str(step.number), cell(step.who), cell(step.what), when, cell(step.duration_text) or " "])
    return table(["Step", "Who", "What happens", "When", "How long"], rows)


def _enum_list(kind: str, pointer: str) -> Callable[[], str]:
    def render() -> str:
        spec = field_for_pointer(kind, pointer)
        options = (spec.enum or spec.item_enum or ()) if spec else ()
        if not options:
            raise CommissionError(f"the {kind} form has no list of choices at {pointer}")
        return "\n".join(f"- {esc(str(option))}" for option in options) + "\n"

    return render


#: File name in site/includes/ -> the function that writes it.
INCLUDES: dict[str, Callable[[], str]] = {
    "kent-criteria.md": _kent_criteria,
    "kent-timetable.md": _kent_timetable,
    "herefordshire-weights.md": _weights,
    "procurement-routes.md": _routes,
    "procurement-steps.md": _procurement_steps,
    "risk-grid.md": _risk_grid,
    "risk-bands.md": _risk_bands,
    "risk-columns.md": _risk_columns,
    "risk-examples.md": _risk_examples,
    "client-groups.md": _enum_list("growth-bid", "/client_group"),
    "kent-districts.md": _enum_list("growth-bid", "/districts"),
}


def available_includes() -> tuple[dict[str, str], dict[str, str]]:
    """The tables this project's data can fill (name -> text), and why each other one cannot (name -> reason)."""
    offered: dict[str, str] = {}
    missing: dict[str, str] = {}
    for name, render in INCLUDES.items():
        try:
            offered[name] = render()
        except (CommissionError, OSError, KeyError) as exc:
            missing[name] = str(exc).rstrip(".") or type(exc).__name__
    return offered, missing


#: ``--8<-- "name.md"``, the one-line form of a snippet, at any indent.
_SNIPPET = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"([^"]+)"', re.MULTILINE)


def check_includes(docs: Path, offered: Mapping[str, str], missing: Mapping[str, str]) -> None:
    """Stop, naming the note and the data, if a note includes a table this project cannot make."""
    problems = []
    for note in sorted(docs.rglob("*.md")):
        where = f"site/{note.relative_to(docs).as_posix()}"
        for name in _SNIPPET.findall(note.read_text(encoding="utf-8")):
            if name in missing:
                problems.append(f"{where} includes {name}, but this project has no data for it ({missing[name]}).")
            elif name not in offered:
                known = ", ".join(offered) or "none"
                problems.append(
                    f"{where} includes {name}, which is not a table the build makes (it can make: {known})."
                )
    if problems:
        raise CommissionError("The guidance notes include tables this project cannot make:\n" + "\n".join(problems))
