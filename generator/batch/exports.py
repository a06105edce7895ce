"""Turn the register into what an officer opens: a workbook, CSV files, JSON lines, an error report.

Every export is built from the register alone, streamed row by row, and
written atomically, so a re-run or an interrupted run gives the same files.
Every cell goes through :func:`cell_value`, so nothing a bidder typed can run
as a formula.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ..forms.layout import Question, layout_kinds, load_layout
from .atomic import atomic_path
from .cells import cell_value
from .register import Register, Row

__all__ = ["Sheet", "organisation_of", "sheets", "write_csv", "write_error_report", "write_jsonl", "write_xlsx"]

_SHEET_NAME_LIMIT = 31


@dataclass(frozen=True)
class Sheet:
    """One table of the export: a workbook sheet and a CSV file with the same rows."""

    name: str
    file_stem: str
    header: list[str]
    rows: Callable[[], Iterator[list[Any]]]


def _lookup(row: Row, pointer: str) -> Any:
    """The typed answer at a pointer, or what was typed if it could not be read as its type."""
    value: Any = row.record
    for part in pointer.split("/")[1:]:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            value = None
    if value is None and row.raw:
        return row.raw.get(pointer)
    return value


def organisation_of(row: Row) -> str | None:
    """The bidder's organisation, if the form has a box for it and it was filled in."""
    if row.kind not in layout_kinds():
        return None
    for question in load_layout(row.kind).questions():
        if question.pointer.endswith("/organisation"):
            value = _lookup(row, question.pointer)
            return str(value) if value not in (None, "") else None
    return None


def _reason(row: Row) -> str:
    return "; ".join(error["message"] for error in row.errors if error.get("rule") in ("unreadable", "skipped"))


def _files_sheet(register: Register) -> Sheet:
    header = ["File", "Status", "Form", "Version", "Organisation", "Problems", "Duplicate of", "Reason", "SHA-256"]

    def rows() -> Iterator[list[Any]]:
        for row in register.rows():
            problems = len(row.errors) if row.status in ("invalid", "unreadable") else 0
            reason = _reason(row)
            yield [row.path, row.status, row.kind, row.version, organisation_of(row), problems, row.duplicate_of,
                   reason or None, row.sha256]  # fmt: skip

    return Sheet("Files", "files", header, rows)


def _kind_sheet(register: Register, kind: str, questions: list[Question]) -> Sheet:
    header = ["File", "Version", "Status", "Duplicate of", *(q.label for q in questions)]

    def rows() -> Iterator[list[Any]]:
        for row in register.rows(kind):
            if row.status == "skipped":
                continue
            answers = [_lookup(row, q.pointer) for q in questions]
            yield [row.path, row.version, row.status, row.duplicate_of, *answers]

    return Sheet(kind, kind, header, rows)


def _table_rows(row: Row, table: Question) -> list[dict[str, Any]]:
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
        for row in register.rows(kind):
            if row.status == "skipped":
                continue
            for number, item in enumerate(_table_rows(row, table), start=1):
                yield [row.path, number, *(item.get(column.field.name) for column in table.columns)]

    return Sheet(f"{kind} {name}", f"{kind}.{name}", header, rows)


def _errors_sheet(register: Register) -> Sheet:
    header = ["File", "Organisation", "Form", "Status", "Field", "Pointer", "Problem", "Value given"]

    def rows() -> Iterator[list[Any]]:
        for row in register.rows():
            if row.status not in ("invalid", "unreadable"):
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
        questions = list(load_layout(kind).questions())
        out.append(_kind_sheet(register, kind, [q for q in questions if not q.columns]))
        out.extend(_group_sheet(register, kind, q) for q in questions if q.columns)
    out.append(_errors_sheet(register))
    return out


def _sheet_titles(sheets_: list[Sheet]) -> list[str]:
    """Names Excel accepts: at most 31 characters, none of []:*?/\\, all different."""
    titles: list[str] = []
    for sheet in sheets_:
        base = "".join(" " if c in "[]:*?/\\" else c for c in sheet.name)[:_SHEET_NAME_LIMIT]
        title, number = base, 2
        while title.lower() in (t.lower() for t in titles):
            suffix = f" ({number})"
            title, number = base[: _SHEET_NAME_LIMIT - len(suffix)] + suffix, number + 1
        titles.append(title)
    return titles


def write_xlsx(register: Register, target: Path) -> None:
    """``returns.xlsx``: streamed (write-only), every cell a plain value, never a formula or link."""
    workbook = Workbook(write_only=True)
    all_sheets = sheets(register)
    for sheet, title in zip(all_sheets, _sheet_titles(all_sheets), strict=True):
        worksheet = workbook.create_sheet(title)
        worksheet.append([cell_value(h) for h in sheet.header])
        for values in sheet.rows():
            worksheet.append([cell_value(v) for v in values])
    with atomic_path(target) as temporary:
        workbook.save(temporary)


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
    """``returns.jsonl``: every file's full register row (raw answers included), one per line."""
    with atomic_path(target) as temporary, open(temporary, "w", encoding="utf-8") as handle:
        for row in register.rows():
            data = row.to_dict()
            del data["parsed_at"]
            handle.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")


def write_error_report(register: Register, target: Path) -> None:
    """``errors.txt``: who to chase and for what, file by file, in plain English."""
    with atomic_path(target) as temporary, open(temporary, "w", encoding="utf-8") as handle:
        counts = register.counts()
        handle.write("Returns that need attention\n===========================\n\n")
        chased = 0
        for row in register.rows():
            if row.status not in ("invalid", "unreadable"):
                continue
            chased += 1
            organisation = organisation_of(row) or "organisation not known"
            what = "cannot be read" if row.status == "unreadable" else f"{len(row.errors)} problem(s)"
            handle.write(f"{row.path}  ({organisation}): {what}\n")
            for error in row.errors:
                handle.write(f"    {error.get('field')}: {error.get('message')}\n")
            handle.write("\n")
        if not chased:
            handle.write("None: every return was read and is valid.\n\n")
        duplicates = [row for row in register.rows() if row.duplicate_of]
        if duplicates:
            handle.write("Same file under two names (both kept; chase the original only)\n\n")
            for row in duplicates:
                handle.write(f"    {row.path} is the same file as {row.duplicate_of}\n")
            handle.write("\n")
        skipped = [row for row in register.rows() if row.status == "skipped"]
        if skipped:
            handle.write("Files that are not returns (left alone)\n\n")
            for row in skipped:
                handle.write(f"    {row.path}: {_reason(row)}\n")
            handle.write("\n")
        summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("valid", "invalid", "unreadable", "skipped"))
        handle.write(f"Summary: {summary}\n")
