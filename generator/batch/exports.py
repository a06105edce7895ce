"""Turn the register into what an officer opens: a workbook, CSV files, JSON lines, an error report.

Every export is built from the register alone, streamed row by row, and
written atomically, so a re-run or an interrupted run gives the same files.
Every cell goes through :func:`cell_value`, so nothing a bidder typed can run
as a formula. File names are shown escaped (``names.py``), and every line of
``errors.txt`` is one line whatever a name or an answer holds, so nothing can
fake a line of the report.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..forms.layout import Question, every_version_questions, layout_kinds, load_layout
from ..records.issues import Issue
from ..records.wording import plural
from ..spreadsheets.workbook import Column, Table, write_workbook
from .atomic import atomic_path
from .cells import cell_value
from .identity import answer_at
from .names import printable
from .register import Register, Version

__all__ = ["Sheet", "organisation_of", "sheets", "write_csv", "write_error_report", "write_jsonl", "write_xlsx"]


@dataclass(frozen=True)
class Sheet:
    """One table of the export: a workbook sheet and a CSV file with the same rows."""

    name: str
    file_stem: str
    header: list[str]
    rows: Callable[[], Iterator[list[Any]]]


def _lookup(row: Version, pointer: str) -> Any:
    """The typed answer at a pointer, or what was typed if it could not be read as its type."""
    value = answer_at(row.record, pointer)
    if value is None and row.raw:
        return row.raw.get(pointer)
    return value


def _answer(row: Version, pointer: str, older: tuple[str, ...]) -> Any:
    """A question's answer, found under an older name if the return was made before it was renamed."""
    for name in (pointer, *older):
        if (value := _lookup(row, name)) is not None:
            return value
    return None


def organisation_of(row: Version) -> str | None:
    """The bidder's organisation, if the form has a box for it and it was filled in."""
    if row.kind not in layout_kinds():
        return None
    for question in load_layout(row.kind).questions():
        if question.pointer.endswith("/organisation"):
            value = _lookup(row, question.pointer)
            return str(value) if value not in (None, "") else None
    return None


def _reason(row: Version) -> str:
    return "; ".join(error["message"] for error in row.errors if error.get("rule") in ("unreadable", "skipped"))


def _others(row: Version, shown: str) -> str | None:
    return ", ".join(name for name in row.names if name != shown) or None


def _to_chase(row: Version) -> bool:
    """The current return of its bid, still in the folder, that is invalid or unreadable."""
    return row.current and row.gone_at is None and row.status in ("invalid", "unreadable")


def _files_sheet(register: Register) -> Sheet:
    header = ["File", "Status", "Form", "Version", "Organisation", "Problems", "Duplicate of", "Superseded by",
              "First seen", "Last seen", "Gone from the folder", "Reason", "SHA-256"]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for name, row in register.sightings():
            problems = len(row.errors) if row.status in ("invalid", "unreadable") else 0
            yield [name.path, row.status, row.kind, row.version, organisation_of(row), problems, name.duplicate_of,
                   row.superseded_by_path, name.first_seen, name.last_seen, name.gone_at, _reason(row) or None,
                   row.sha256]  # fmt: skip

    return Sheet("Files", "files", header, rows)


def _kind_sheet(
    register: Register, kind: str, questions: list[Question], older_names: Mapping[str, tuple[str, ...]]
) -> Sheet:
    header = ["File", "Version", "Status", "Also received as", "Received", "Gone from the folder", "Earlier versions",
              *(q.label for q in questions)]  # fmt: skip
    # The reference the register gave each bid that came without one (a column only where there are any).
    references = register.references(kind)
    header[1:1] = ["Reference"] if references else []

    def rows() -> Iterator[list[Any]]:
        for row in register.versions(kind, current=True):
            if row.status == "skipped":
                continue
            answers = [_answer(row, q.pointer, older_names.get(q.pointer, ())) for q in questions]
            reference = [references.get(row.bid or "")] if references else []
            yield [row.path, *reference, row.version, row.status, _others(row, row.path), row.first_seen, row.gone_at,
                   row.other_versions, *answers]  # fmt: skip

    return Sheet(kind, kind, header, rows)


def _table_rows(row: Version, table: Question) -> list[dict[str, Any]]:
    typed = _lookup(row, table.pointer)
    if isinstance(typed, list) and typed:
        return [item if isinstance(item, dict) else {} for item in typed]
    prefix = table.pointer + "/"
    found: dict[int, dict[str, Any]] = {}
    for pointer, value in (row.raw or {}).items():
        if pointer.startswith(prefix):
            index, _, name = pointer[len(prefix) :].partition("/")
            if index.isdigit() and value not in (None, "", False):
                found.setdefault(int(index), {})[name] = value
    return [found[index] for index in sorted(found)]


def _group_sheet(register: Register, kind: str, table: Question) -> Sheet:
    name = table.pointer.strip("/").replace("/", "-")
    header = ["File", "Row", *(column.label for column in table.columns)]

    def rows() -> Iterator[list[Any]]:
        for row in register.versions(kind, current=True):
            if row.status == "skipped":
                continue
            for number, item in enumerate(_table_rows(row, table), start=1):
                yield [row.path, number, *(item.get(column.field.name) for column in table.columns)]

    return Sheet(f"{kind} {name}", f"{kind}.{name}", header, rows)


def _history_sheet(register: Register) -> Sheet:
    header = ["File", "Also received as", "Form", "Version", "Status", "Organisation", "Recognised as", "Received",
              "Last seen", "Date on the form", "Superseded by", "Superseded on", "Gone from the folder", "SHA-256"]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for row in register.versions():
            if row.status == "skipped":
                continue
            yield [row.path, _others(row, row.path), row.kind, row.version, row.status, organisation_of(row), row.bid,
                   row.first_seen, row.last_seen, row.submitted, row.superseded_by_path, row.superseded_at,
                   row.gone_at, row.sha256]  # fmt: skip

    return Sheet("History", "history", header, rows)


def _errors_sheet(register: Register) -> Sheet:
    header = ["File", "Organisation", "Form", "Status", "Field", "Pointer", "Problem", "Value given"]

    def rows() -> Iterator[list[Any]]:
        for row in register.versions(current=True):
            if not _to_chase(row):
                continue
            organisation = organisation_of(row)
            for error in row.errors:
                value = error.get("value")
                shown = value if value is None or isinstance(value, str | int | float) else json.dumps(value)
                yield [row.path, organisation, row.kind, row.status, error.get("field"), error.get("path"),
                       error.get("message"), shown]  # fmt: skip

    return Sheet("Errors", "errors", header, rows)


def sheets(register: Register) -> list[Sheet]:
    """Every table of the export, in the order an officer reads them."""
    out = [_files_sheet(register)]
    for kind in register.kinds():
        if kind not in layout_kinds():
            continue
        questions, older_names = every_version_questions(kind)  # nothing an old return held is left out
        out.append(_kind_sheet(register, kind, [q for q in questions if not q.columns], older_names))
        out.extend(_group_sheet(register, kind, q) for q in questions if q.columns)
    out.append(_history_sheet(register))
    out.append(_errors_sheet(register))
    return out


def write_xlsx(register: Register, target: Path) -> None:
    """``returns.xlsx``: streamed, every cell a plain value, never a formula or link."""
    write_workbook(
        target, (Table(sheet.name, [Column(h) for h in sheet.header], sheet.rows()) for sheet in sheets(register))
    )


def write_csv(register: Register, folder: Path) -> list[Path]:
    """One CSV per sheet, UTF-8 with a byte-order mark so Excel reads £ right."""
    written = []
    for sheet in sheets(register):
        target = folder / f"{sheet.file_stem}.csv"
        with atomic_path(target) as temporary, open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([cell_value(h) for h in sheet.header])
            for values in sheet.rows():
                writer.writerow([cell_value(v) for v in values])
        written.append(target)
    return written


def write_jsonl(register: Register, target: Path) -> None:
    """``returns.jsonl``: every content ever received in full (raw answers, names, what superseded it), one a line."""
    with atomic_path(target) as temporary, open(temporary, "w", encoding="utf-8") as handle:
        for row in register.versions():
            data = row.to_dict()
            del data["parsed_at"]
            handle.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")


def _section(handle: TextIO, title: str, lines: Iterator[str]) -> None:
    """A titled list, written only if it has lines, streamed so memory does not grow with the register."""
    first = True
    for line in lines:
        if first:
            handle.write(f"{title}\n\n")
            first = False
        handle.write(f"    {printable(line)}\n")
    if not first:
        handle.write("\n")


def _day(stamp: str | None) -> str:
    return (stamp or "")[:10]


def write_error_report(register: Register, target: Path) -> None:
    """``errors.txt``: who to chase and for what, file by file, in plain English; then what else happened."""
    with atomic_path(target) as temporary, open(temporary, "w", encoding="utf-8") as handle:
        counts = register.counts()
        handle.write("Returns that need attention\n===========================\n\n")
        chased = 0
        for row in register.versions(current=True):
            if not _to_chase(row):
                continue
            chased += 1
            organisation = printable(organisation_of(row) or "organisation not known")
            what = "cannot be read" if row.status == "unreadable" else plural(len(row.errors), "problem")
            handle.write(f"{printable(row.path)}  ({organisation}): {what}\n")
            for error in row.errors:
                handle.write(f"    {printable(Issue.from_dict(error).line())}\n")
            handle.write("\n")
        if not chased:
            handle.write(
                "None: every file in the folder that may be a return was read, and each bid's latest return is valid.\n\n"
            )
        _section(
            handle,
            "Superseded by a later return of the same bid (kept in the register, not chased)",
            (
                f"{row.path} ({row.status}): superseded by {row.superseded_by_path}, received {_day(row.superseded_at)}"
                for row in register.versions()
                if not row.current and row.gone_at is None
            ),
        )
        _section(
            handle,
            "Same file under two names (both kept; chase the one received first only)",
            (
                f"{name.path} is the same file as {name.duplicate_of}, received earlier"
                for name, _ in register.sightings()
                if name.duplicate_of and name.gone_at is None
            ),
        )
        _section(
            handle,
            "No longer in the folder under this name (kept in the register)",
            (
                f"{name.path}: gone since {_day(name.gone_at)} ({row.status}, first seen {_day(name.first_seen)})"
                for name, row in register.sightings()
                if name.gone_at is not None
            ),
        )
        _section(
            handle,
            "Files that are not returns (left alone)",
            (
                f"{name.path}: {_reason(row)}"
                for name, row in register.sightings()
                if row.status == "skipped" and name.gone_at is None
            ),
        )
        summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("valid", "invalid", "unreadable", "skipped"))
        if counts.get("superseded"):
            summary += f"; {counts['superseded']} superseded"
        handle.write(f"Summary: {summary}\n")
