"""Tables that the hand-written guidance notes include, generated from the project's data.

A guidance note says ``--8<-- "criteria-kent.md"`` where a table of facts
belongs; the table is written here from ``data/`` and the schemas, so the
prose around it can never quote a weight or a value band the data does not hold.

The tables are named from the data, not fixed: ``criteria-<set>.md`` and, for a
weighted set, ``weights-<set>.md`` for every set in ``data/criteria.yaml``;
``timetable-<name>.md`` for every timetable in ``data/timetable.yaml``;
``choices-<kind>-<field>.md`` for every field of a form with a list of choices;
the procurement tables with ``data/procurement.yaml`` and the risk tables with a
``risk_log`` in ``data/checklists.yaml``. So a project has exactly the tables its
data can fill, and a note that includes any other stops the build, naming the
note and the data it needs, rather than leaving a blank where the table was.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

from ..records.criteria import CriteriaSet, criteria_set, criteria_sets
from ..records.errors import CommissionError
from ..records.loading import load_data_file
from ..records.resources import resource_dir
from ..records.schemas import FieldSpec, fields, kinds
from ..rounds.timetable import Timetable, timetable
from .checklists import raw_data
from .markdown import cell, esc, slug, table
from .procurement import procurement_routes, procurement_steps
from .risk import risk_log

__all__ = ["available_includes", "check_includes", "include_names"]


def _criteria(found: CriteriaSet) -> str:
    rows = [[f"({c.id})", cell(c.title), cell(c.question), "Yes" if c.blocks_funding else "No"] for c in found.criteria]
    return table(["Criterion", "In short", "The question", "Must be met to be funded"], rows)


def _percent(value: Decimal | None) -> str:
    """12.5 -> '12.5%', 100.0 -> '100%'."""
    return f"{(value or Decimal(0)).normalize():f}%"


def _weights(weighted: CriteriaSet) -> str:
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


def _timetable(kent: Timetable) -> str:
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


def _choices(spec: FieldSpec) -> str:
    options = spec.enum or spec.item_enum or ()
    return "\n".join(f"- {esc(str(option))}" for option in options) + "\n"


def _has(name: str) -> bool:
    return (resource_dir("data") / name).is_file()


def _data_names(file: str) -> list[str]:
    """The top-level names in a data file: the timetables in ``timetable.yaml``."""
    raw = load_data_file(resource_dir("data") / file) if _has(file) else {}
    return [str(name) for name in raw] if isinstance(raw, Mapping) else []


def _tables() -> dict[str, Callable[[], str]]:
    """Every table this project's data can fill: file name -> the function that writes it."""
    out: dict[str, Callable[[], str]] = {}
    for name in criteria_sets() if _has("criteria.yaml") else ():
        found = criteria_set(name)
        out[f"criteria-{name}.md"] = lambda found=found: _criteria(found)
        if any(c.weight is not None for c in found.criteria):
            out[f"weights-{name}.md"] = lambda found=found: _weights(found)
    for name in _data_names("timetable.yaml"):
        out[f"timetable-{name}.md"] = lambda name=name: _timetable(timetable(name))
    if _has("procurement.yaml"):
        out |= {"procurement-routes.md": _routes, "procurement-steps.md": _procurement_steps}
    if _has("checklists.yaml") and "risk_log" in raw_data():
        out |= {
            "risk-grid.md": _risk_grid,
            "risk-bands.md": _risk_bands,
            "risk-columns.md": _risk_columns,
            "risk-examples.md": _risk_examples,
        }
    for kind in kinds():
        for spec in fields(kind):
            if spec.enum or spec.item_enum:
                out.setdefault(f"choices-{kind}-{slug(spec.pointer)}.md", lambda spec=spec: _choices(spec))
    return out


#: What a table's name says it needs, for the message when a note includes one the data cannot fill.
_NEEDS = (
    (re.compile(r"criteria-(.+)\.md"), "the criteria set '{}' in data/criteria.yaml"),
    (re.compile(r"weights-(.+)\.md"), "a criteria set '{}' with weights in data/criteria.yaml"),
    (re.compile(r"timetable-(.+)\.md"), "the timetable '{}' in data/timetable.yaml"),
    (re.compile(r"procurement-.+\.md"), "data/procurement.yaml"),
    (re.compile(r"risk-.+\.md"), "a risk_log in data/checklists.yaml"),
    (re.compile(r"choices-(.+)\.md"), "a form field with a list of choices ('{}': choices-<kind>-<field>.md)"),
)


def include_names() -> list[str]:
    """The names of the tables this project's notes may include."""
    return list(_tables())


def available_includes() -> dict[str, str]:
    """Every table this project's data can fill, written: name -> Markdown."""
    return {name: render() for name, render in _tables().items()}


def _needs(name: str) -> str:
    for pattern, needs in _NEEDS:
        if found := pattern.fullmatch(name):
            return "it needs " + needs.format(*found.groups())
    return "it is not a table the build makes"


#: ``--8<-- "name.md"``, the one-line form of a snippet, at any indent.
_SNIPPET = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"([^"]+)"', re.MULTILINE)


def check_includes(docs: Path, offered: Mapping[str, str]) -> None:
    """Stop, naming the note and the data, if a note includes a table this project cannot make."""
    problems = []
    for note in sorted(docs.rglob("*.md")):
        where = f"site/{note.relative_to(docs).as_posix()}"
        for name in _SNIPPET.findall(note.read_text(encoding="utf-8")):
            if name not in offered:
                problems.append(f"{where} includes {name}, which this project's data cannot fill: {_needs(name)}.")
    if problems:
        known = ", ".join(offered) or "none"
        raise CommissionError(
            "The guidance notes include tables this project cannot make:\n"
            + "\n".join(problems)
            + f"\nThe tables it can make: {known}."
        )
