"""A round's timetable as dates: the steps in ``data/timetable.yaml`` laid out from a start date.

The rule, so anyone can check a date by hand: steps run one after another,
each starting the day after the one before ends; a step that ``opens`` in a
later month waits for the first day of that month; it lasts its duration,
or, without one, runs to the end of its due month. Months are shifted by the
number of months between the timetable's first month and the start date, and
a step that ends after the last day of its due month is marked late.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..records.errors import CommissionError, entry_named
from ..records.loading import load_project_yaml
from ..records.resources import resource_file

__all__ = ["DatedStep", "Step", "Timetable", "format_schedule", "schedule", "timetable", "timetables"]

_MONTHS = [name.lower() for name in calendar.month_name]
_DURATION = re.compile(r"^(?P<count>\d+) (?P<unit>day|days|week|weeks)$")


@dataclass(frozen=True)
class Step:
    number: int
    who: str
    what: str
    opens: int | None
    due: int
    duration: dt.timedelta | None
    duration_text: str


@dataclass(frozen=True)
class Timetable:
    name: str
    title: str
    first_month: int
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class DatedStep:
    step: Step
    start: dt.date
    end: dt.date
    due_by: dt.date

    @property
    def late(self) -> bool:
        return self.end > self.due_by

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step.number,
            "who": self.step.who,
            "what": self.step.what,
            "duration": self.step.duration_text or None,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "due_by": self.due_by.isoformat(),
            "late": self.late,
        }


def _month(value: Any, where: str) -> int:
    try:
        return _MONTHS.index(str(value).strip().lower())
    except ValueError:
        raise CommissionError(f"{where}: '{value}' is not a month; write it in full, such as June.") from None


def _duration(value: Any, where: str) -> dt.timedelta | None:
    if value is None:
        return None
    match = _DURATION.match(str(value).strip())
    if not match or int(match["count"]) < 1:
        raise CommissionError(f"{where}: the duration '{value}' should be a number of days or weeks, such as 2 weeks.")
    days = int(match["count"]) * (7 if match["unit"].startswith("week") else 1)
    return dt.timedelta(days=days)


def _all() -> dict[str, Timetable]:
    """The current project's timetables (a project's ``data/timetable.yaml`` replaces the example's, which a
    project without one uses)."""
    return _read(resource_file("data", "timetable.yaml"))


@cache
def _read(path: Path) -> dict[str, Timetable]:
    raw = load_project_yaml(path.read_text(encoding="utf-8"))
    tables = {}
    for name, body in raw.items():
        first = _month(body["first_month"], f"{path}: {name}")
        steps = []
        for item in body["steps"]:
            where = f"{path}: {name}, step {item.get('step')}"
            opens = (_month(item["opens"], where) - first) % 12 if "opens" in item else None
            due = (_month(item["due"], where) - first) % 12
            if opens is not None and opens > due:
                raise CommissionError(f"{where}: it opens after the month it is due.")
            steps.append(
                Step(
                    number=int(item["step"]),
                    who=str(item["who"]),
                    what=str(item["what"]),
                    opens=opens,
                    due=due,
                    duration=_duration(item.get("duration"), where),
                    duration_text=str(item.get("duration") or ""),
                )
            )
        if [s.number for s in steps] != list(range(1, len(steps) + 1)):
            raise CommissionError(f"{path}: the steps of '{name}' should be numbered 1, 2, 3... in order.")
        tables[name] = Timetable(name, str(body["title"]), first, tuple(steps))
    return tables


def timetables() -> list[str]:
    """The names of the timetables in ``data/timetable.yaml``, in file order."""
    return list(_all())


def timetable(name: str | None = None) -> Timetable:
    """A timetable from ``data/timetable.yaml`` by name; without one, the file's first.

    An unknown name is refused, listing the names there are.
    """
    tables = _all()
    if name is None:
        if not tables:
            raise CommissionError(f"{resource_file('data', 'timetable.yaml')} has no timetable.")
        return next(iter(tables.values()))
    return entry_named(tables, name, "timetable", "data/timetable.yaml")


def _first_of(start: dt.date, months_on: int) -> dt.date:
    index = start.year * 12 + start.month - 1 + months_on
    return dt.date(index // 12, index % 12 + 1, 1)


def _last_of(start: dt.date, months_on: int) -> dt.date:
    first = _first_of(start, months_on)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def schedule(table: Timetable, start: dt.date) -> list[DatedStep]:
    """Each step's start, end and due date for a round starting on ``start`` (rule in the module docstring)."""
    dated = []
    cursor = start
    for step in table.steps:
        begin = cursor if step.opens is None else max(cursor, _first_of(start, step.opens))
        due_by = _last_of(start, step.due)
        end = begin + step.duration - dt.timedelta(days=1) if step.duration else max(due_by, begin)
        dated.append(DatedStep(step, begin, end, due_by))
        cursor = end + dt.timedelta(days=1)
    return dated


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def format_schedule(table: Timetable, dated: list[DatedStep]) -> str:
    """The timetable as a plain-text table, one step per block."""
    start = dated[0].start if dated else None
    lines = [f"{table.title}, starting {start:%A} {start.day} {start:%B %Y}" if start else table.title, ""]
    lines.append(f"{'Step':<5} {'From':<16} {'To':<16} {'Due by':<16} Who")
    for item in dated:
        late = "  LATE" if item.late else ""
        lines.append(
            f"{item.step.number:<5} {_day(item.start):<16} {_day(item.end):<16} {_day(item.due_by):<16} "
            f"{item.step.who}{late}"
        )
        length = f" ({item.step.duration_text})" if item.step.duration_text else " (to the end of the month)"
        lines.append(f"{'':<5} {item.step.what}{length}")
    return "\n".join(lines)
