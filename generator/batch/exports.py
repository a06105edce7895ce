"""Turn the register into what an officer opens: a workbook, CSV files, JSON lines, an error report.

Every export is built from the register alone and written atomically, so a
re-run or an interrupted run gives the same files. All of them come from one
pass: each content received is read from the register and decoded once
(:meth:`Register.versions`), then its names are listed without decoding
anything (:meth:`Register.listing`). Rows go straight into the CSV files and
JSON lines as they are made; the workbook's and the report's are kept in
temporary files until their sheets and sections can be written in order, so
memory does not grow with the register.

Every cell goes through :func:`cell_value`, so nothing a bidder typed can run
as a formula. File names are shown escaped (``names.py``), and every line of
``errors.txt`` is one line whatever a name or an answer holds, so nothing can
fake a line of the report.
"""

from __future__ import annotations

import contextlib
import csv
import json
import pickle  # only our own temporary spools, written and read back in this process
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TextIO

from ..forms.layout import Question, every_version_questions, layout_kinds, load_layout
from ..records.errors import CommissionError
from ..records.issues import Issue
from ..records.money import decimal
from ..records.project import project_settings
from ..records.references import project_numbering
from ..records.schemas import fields
from ..records.wording import plural
from ..spreadsheets.workbook import Column, Table, fits, write_workbook
from .atomic import atomic_path
from .cells import cell_value
from .identity import answer_at
from .names import printable
from .register import Listed, Register, Version

__all__ = ["Exported", "Sheet", "amount_pointer", "organisation_of", "write_exports"]

#: The statuses a file in the folder can have, in the order the report counts them.
_STATUSES = ("valid", "invalid", "unreadable", "skipped")
#: How a question's widget is shown in the workbook (any other widget is text).
_WIDGET_KINDS = {"money": "money", "date": "date", "checkbox": "yes-no", "number": "number"}
#: At most this many answers are named in a row's status as kept as typed; the rest are counted.
_NAMED_AS_TYPED = 3


@dataclass(frozen=True)
class Sheet:
    """One table of the export: a workbook sheet (named from ``title``) and ``csv/<file_stem>.csv``, same rows."""

    title: str
    file_stem: str
    columns: tuple[Column, ...]

    @property
    def header(self) -> list[str]:
        return [column.label for column in self.columns]


@dataclass
class Exported:
    """What the exports found while writing: files in the folder by status, and names that are copies."""

    counts: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[str, str | None]] = field(default_factory=list)


def _columns(*specs: str | tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(spec) if isinstance(spec, str) else Column(*spec) for spec in specs)


FILES = Sheet("Files", "files", _columns(
    "File", "Status", "Form", "Version", "Organisation", ("Problems", "integer"), "Duplicate of", "Superseded by",
    "First seen", "Last seen", "Gone from the folder", "Reason", "SHA-256"))  # fmt: skip
HISTORY = Sheet("Every version received", "history", _columns(
    "File", "Also received as", "Form", "Version", "Status", "Organisation", "Recognised as", "Received",
    "Last seen", ("Date on the form", "date"), "Superseded by", "Superseded on", "Gone from the folder", "SHA-256"))  # fmt: skip
ERRORS = Sheet("Errors", "errors", _columns(
    "File", "Organisation", "Form", "Status", "Field", "Pointer", "Problem", "Value given"))  # fmt: skip
SUMMARY = _columns("Counted by", "Which", ("Number", "integer"), ("Amount", "money"))
_KIND_FIXED = _columns("File", "Version", "Status", "Also received as", "Received", "Gone from the folder",
                       ("Earlier versions", "integer"))  # fmt: skip
_STATUS_COLUMN = 2


def _kind_of(question: Question) -> str:
    """The workbook column kind of a question, from its widget on the form."""
    kind = _WIDGET_KINDS.get(question.widget, "text")
    return "integer" if kind == "number" and question.field.type == "integer" else kind


def _lookup(row: Version, pointer: str) -> tuple[Any, bool]:
    """The typed answer at a pointer, or what was typed if it could not be read as its type (and False)."""
    value = answer_at(row.record, pointer)
    if value is None and row.raw:
        return row.raw.get(pointer), False
    return value, True


def _answer(row: Version, pointer: str, older: tuple[str, ...]) -> tuple[Any, bool]:
    """A question's answer, found under an older name if the return was made before it was renamed."""
    for name in (pointer, *older):
        value, typed = _lookup(row, name)
        if value is not None:
            return value, typed
    return None, True


def organisation_of(row: Version) -> str | None:
    """The bidder's organisation, if the form has a box for it and it was filled in."""
    if row.kind not in layout_kinds():
        return None
    for question in load_layout(row.kind).questions():
        if question.pointer.endswith("/organisation"):
            value, _ = _lookup(row, question.pointer)
            return str(value) if value not in (None, "") else None
    return None


def amount_pointer(kind: str) -> str | None:
    """The question that holds the amount a bid asks for, from data: the project's ``round:`` settings, else the schema.

    A project's round names its bid kind and that kind's amount (``round: {kinds: {bid: ...}, fields: {amount: ...}}``
    in ``commission.yaml``); a kind it does not name counts its only sum of money outside a table, if it has one.
    """
    try:
        settings = project_settings().round
    except CommissionError:  # the project's own commands report it; the workbook only loses its totals
        settings = {}
    named_kinds = settings.get("kinds") if isinstance(settings.get("kinds"), Mapping) else {}
    named_fields = settings.get("fields") if isinstance(settings.get("fields"), Mapping) else {}
    if named_kinds.get("bid") == kind:
        pointer = named_fields.get("amount")
        return pointer if isinstance(pointer, str) and pointer.startswith("/") else None
    money = [spec.pointer for spec in fields(kind) if spec.semantic == "money" and not spec.in_repeating_group]
    return money[0] if len(money) == 1 else None


def _problems(row: Version) -> int:
    return len(row.errors) if row.status in ("invalid", "unreadable") else 0


def _reason(row: Version) -> str:
    return "; ".join(error["message"] for error in row.errors if error.get("rule") in ("unreadable", "skipped"))


def _others(row: Version, shown: str) -> str | None:
    return ", ".join(name for name in row.names if name != shown) or None


def _to_chase(row: Version) -> bool:
    """The current return of its bid, still in the folder, that is invalid or unreadable."""
    return row.current and row.gone_at is None and row.status in ("invalid", "unreadable")


def _day(stamp: str | None) -> str:
    return (stamp or "")[:10]


class _Spool:
    """Rows kept in a temporary file, to be read back (more than once) in the order they came."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._count = 0
        self._at_end = True

    def add(self, row: Sequence[Any]) -> None:
        if not self._at_end:  # read since the last row was added
            self._file.seek(0, 2)
            self._at_end = True
        pickle.dump(list(row), self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[list[Any]]:
        self._at_end = False
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)  # noqa: S301 (our own spool, written above in this process)

    def __contains__(self, row: object) -> bool:
        return any(kept == row for kept in self)

    def close(self) -> None:
        self._file.close()


class _Output:
    """One sheet being written: its CSV file at once, its workbook rows spooled until the workbook is written."""

    def __init__(
        self, sheet: Sheet, folder: Path, csv_files: contextlib.ExitStack, spools: contextlib.ExitStack
    ) -> None:
        self.sheet = sheet
        temporary = csv_files.enter_context(atomic_path(folder / f"{sheet.file_stem}.csv"))
        handle = csv_files.enter_context(open(temporary, "w", encoding="utf-8-sig", newline=""))  # noqa: SIM115
        self._csv = csv.writer(handle)
        self._csv.writerow([cell_value(label) for label in sheet.header])
        self.rows = _Spool()
        spools.callback(self.rows.close)

    def add(self, values: Sequence[Any], shown: Sequence[Any] | None = None) -> None:
        """A row: ``values`` in the CSV file; ``shown`` (default: the same) in the workbook."""
        self._csv.writerow([cell_value(value) for value in values])
        self.rows.add(values if shown is None else shown)

    def table(self) -> Table:
        return Table(self.sheet.title, self.sheet.columns, self.rows)


class _Report:
    """A section of ``errors.txt`` kept in a temporary file until the report is written in order."""

    def __init__(self, title: str, stack: contextlib.ExitStack) -> None:
        self.title = title
        self.file: TextIO = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))  # noqa: SIM115
        self.lines = 0

    def line(self, text: str) -> None:
        self.file.write(f"    {printable(text)}\n")
        self.lines += 1

    def copy_to(self, handle: TextIO) -> None:
        """The titled list, only if it has lines."""
        if not self.lines:
            return
        handle.write(f"{self.title}\n\n")
        self.file.seek(0)
        for text in self.file:
            handle.write(text)
        handle.write("\n")


class _Facts:
    """What the names' listing needs of each content, kept in a private temporary database so memory stays flat."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a private database on disk, removed when closed
        self._db.execute(
            "CREATE TABLE facts (id INTEGER PRIMARY KEY, organisation TEXT, problems INTEGER, reason TEXT, "
            "superseded_by TEXT)"
        )
        self._db.execute("CREATE TABLE amounts (kind TEXT NOT NULL, amount REAL NOT NULL, exact TEXT NOT NULL)")

    def keep(self, row: Version, organisation: str | None) -> None:
        self._db.execute(
            "INSERT INTO facts VALUES (?, ?, ?, ?, ?)",
            (row.id, organisation, _problems(row), _reason(row) or None, row.superseded_by_path),
        )

    def of(self, content: int) -> tuple[str | None, int, str | None, str | None]:
        """(organisation, problems, reason, superseded by) of a content; nothing known for one still pending."""
        found = self._db.execute(
            "SELECT organisation, problems, reason, superseded_by FROM facts WHERE id = ?", (content,)
        ).fetchone()
        return tuple(found) if found else (None, 0, None, None)

    def amount(self, kind: str, amount: Decimal) -> None:
        self._db.execute("INSERT INTO amounts VALUES (?, ?, ?)", (kind, float(amount), str(amount)))

    def amounts(self, kind: str) -> tuple[int, Decimal, Decimal | None]:
        """How many bids of a kind asked for an amount, the total, and the median."""
        count = self._db.execute("SELECT COUNT(*) FROM amounts WHERE kind = ?", (kind,)).fetchone()[0]
        total = sum(
            (Decimal(exact) for (exact,) in self._db.execute("SELECT exact FROM amounts WHERE kind = ?", (kind,))),
            Decimal(0),
        )
        if not count:
            return 0, total, None
        middle = [
            Decimal(exact)
            for (exact,) in self._db.execute(
                "SELECT exact FROM amounts WHERE kind = ? ORDER BY amount LIMIT ? OFFSET ?",
                (kind, 2 - count % 2, (count - 1) // 2),
            )
        ]
        return count, total, sum(middle, Decimal(0)) / len(middle)

    def close(self) -> None:
        self._db.close()


@dataclass(frozen=True)
class _Kind:
    """A kind's sheet and its tables' sheets, and what its rows are made from."""

    name: str
    questions: tuple[Question, ...]
    tables: tuple[Question, ...]
    older: Mapping[str, tuple[str, ...]]
    amount: str | None
    references: Mapping[str, str]  # the reference the register gave each bid that came without one

    @property
    def fixed(self) -> tuple[Column, ...]:
        """The columns before the answers: a ``Reference`` column only where the register gave any."""
        return _KIND_FIXED[:1] + ((Column("Reference"),) if self.references else ()) + _KIND_FIXED[1:]


def _kinds(register: Register) -> list[_Kind]:
    kinds = []
    for kind in register.kinds():
        if kind not in layout_kinds():
            continue
        questions, older = every_version_questions(kind)  # nothing an old return held is left out
        kinds.append(
            _Kind(
                kind,
                tuple(q for q in questions if not q.columns),
                tuple(q for q in questions if q.columns),
                older,
                amount_pointer(kind),
                register.references(kind),
            )
        )
    return kinds


def _kind_sheet(kind: _Kind) -> Sheet:
    answers = tuple(Column(q.label, _kind_of(q)) for q in kind.questions)
    return Sheet(load_layout(kind.name).title, kind.name, kind.fixed + answers)


def _group_sheet(kind: str, table: Question) -> Sheet:
    name = table.pointer.strip("/").replace("/", "-")
    columns = (Column("File"), Column("Row", "integer"), *(Column(c.label, _kind_of(c)) for c in table.columns))
    return Sheet(table.label, f"{kind}.{name}", columns)


def _table_rows(row: Version, table: Question) -> tuple[list[dict[str, Any]], bool]:
    """A table's rows, and whether they are the typed answers (False: as typed, because they could not be read)."""
    value, typed = _lookup(row, table.pointer)
    if isinstance(value, list) and value:
        return [item if isinstance(item, dict) else {} for item in value], typed
    prefix = table.pointer + "/"
    found: dict[int, dict[str, Any]] = {}
    for pointer, answer in (row.raw or {}).items():
        if pointer.startswith(prefix):
            index, _, name = pointer[len(prefix) :].partition("/")
            if index.isdigit() and answer not in (None, "", False):
                found.setdefault(int(index), {})[name] = answer
    return [found[index] for index in sorted(found)], not found


def _status_shown(status: str, as_typed: list[str]) -> str:
    """A row's status, saying which answers are shown as typed because they could not be read as their type."""
    if not as_typed:
        return status
    named = ", ".join(as_typed[:_NAMED_AS_TYPED])
    if len(as_typed) > _NAMED_AS_TYPED:
        named += f" and {len(as_typed) - _NAMED_AS_TYPED} more"
    return f"{status} (kept as typed: {named})"


class _Pass:
    """One pass over the register, writing every export."""

    def __init__(self, register: Register, out: Path, stack: contextlib.ExitStack) -> None:
        self.register = register
        self.out = out
        self.stack = stack
        self.kinds = {kind.name: kind for kind in _kinds(register)}
        self.facts = _Facts()
        stack.callback(self.facts.close)
        self.chase = _Report("", stack)
        self.chased = 0
        self.superseded = _Report(
            "Superseded by a later return of the same bid (kept in the register, not chased)", stack
        )
        self.copies = _Report("Same file under two names (both kept; chase the one received first only)", stack)
        self.gone = _Report("No longer in the folder under this name (kept in the register)", stack)
        self.not_returns = _Report("Files that are not returns (left alone)", stack)
        self.counts: dict[str, int] = {}
        self.by_form: dict[str, int] = {}
        self.by_version: dict[tuple[str, str], int] = {}
        self.duplicates: list[tuple[str, str | None]] = []
        self.outputs: dict[str, tuple[_Output, list[_Output]]] = {}

    def run(self) -> Exported:
        folder = self.out / "csv"
        with contextlib.ExitStack() as csv_files:  # each CSV file replaces the old one once it is whole
            files = _Output(FILES, folder, csv_files, self.stack)
            sheets: list[_Output] = []
            for kind in self.kinds.values():
                kind_sheet = _Output(_kind_sheet(kind), folder, csv_files, self.stack)
                groups = [_Output(_group_sheet(kind.name, t), folder, csv_files, self.stack) for t in kind.tables]
                self.outputs[kind.name] = (kind_sheet, groups)
                sheets += [kind_sheet, *groups]
            history = _Output(HISTORY, folder, csv_files, self.stack)
            errors = _Output(ERRORS, folder, csv_files, self.stack)
            with atomic_path(self.out / "returns.jsonl") as temporary, open(temporary, "w", encoding="utf-8") as jsonl:
                for row in self.register.versions():
                    self._content(row, jsonl, history, errors)
            for listed in self.register.listing():
                self._name(listed, files)
        write_workbook(
            self.out / "returns.xlsx",
            [Table("Summary", SUMMARY, self._summary()), *(o.table() for o in (files, *sheets, history, errors))],
        )
        self._report()
        return Exported(self.counts, self.duplicates)

    def _content(self, row: Version, jsonl: TextIO, history: _Output, errors: _Output) -> None:
        """Everything one content gives: its line of JSON, its rows, what its names need, what to chase."""
        data = row.to_dict()
        del data["parsed_at"]
        jsonl.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
        organisation = organisation_of(row)
        self.facts.keep(row, organisation)
        if not row.current and row.gone_at is None:
            self.superseded.line(
                f"{row.path} ({row.status}): superseded by {row.superseded_by_path}, received {_day(row.superseded_at)}"
            )
        if row.status == "skipped":
            return
        history.add([row.path, _others(row, row.path), row.kind, row.version, row.status, organisation, row.bid,
                     row.first_seen, row.last_seen, row.submitted, row.superseded_by_path, row.superseded_at,
                     row.gone_at, row.sha256])  # fmt: skip
        if not row.current:
            return
        kind = self.kinds.get(row.kind or "")
        if kind is not None:
            self._kind_rows(row, kind, *self.outputs[kind.name])
        if _to_chase(row):
            self._chase(row, organisation, errors)

    def _kind_rows(self, row: Version, kind: _Kind, sheet: _Output, groups: list[_Output]) -> None:
        answers: list[Any] = []
        as_typed: list[str] = []
        for question, column in zip(kind.questions, sheet.sheet.columns[len(kind.fixed) :], strict=True):
            value, typed = _answer(row, question.pointer, kind.older.get(question.pointer, ()))
            answers.append(value)
            if value not in (None, "", []) and (not typed or not fits(value, column.kind)):
                as_typed.append(question.label)
        for table, group in zip(kind.tables, groups, strict=True):
            items, typed = _table_rows(row, table)
            if not typed:
                as_typed.append(table.label)
            for number, item in enumerate(items, start=1):
                group.add([row.path, number, *(item.get(column.field.name) for column in table.columns)])
        reference = [kind.references.get(row.bid or "")] if kind.references else []
        fixed = [row.path, *reference, row.version, row.status, _others(row, row.path), row.first_seen, row.gone_at,
                 row.other_versions]  # fmt: skip
        shown = list(fixed)
        shown[_STATUS_COLUMN + len(reference)] = _status_shown(row.status, as_typed)
        sheet.add([*fixed, *answers], [*shown, *answers])
        if kind.amount and row.status == "valid" and row.gone_at is None:
            value, typed = _answer(row, kind.amount, kind.older.get(kind.amount, ()))
            try:
                amount = decimal(value) if typed and value is not None else None
            except ValueError:
                amount = None
            if amount is not None:
                self.facts.amount(kind.name, amount)

    def _chase(self, row: Version, organisation: str | None, errors: _Output) -> None:
        self.chased += 1
        for error in row.errors:
            value = error.get("value")
            shown = value if value is None or isinstance(value, str | int | float) else json.dumps(value)
            errors.add([row.path, organisation, row.kind, row.status, error.get("field"), error.get("path"),
                        error.get("message"), shown])  # fmt: skip
        who = printable(organisation or "organisation not known")
        what = "cannot be read" if row.status == "unreadable" else plural(len(row.errors), "problem")
        self.chase.file.write(f"{printable(row.path)}  ({who}): {what}\n")
        for error in row.errors:
            self.chase.file.write(f"    {printable(Issue.from_dict(error).line())}\n")
        self.chase.file.write("\n")

    def _name(self, listed: Listed, files: _Output) -> None:
        """Everything one name gives: its row of the Files sheet, and its lines of the report."""
        name = listed.name
        organisation, problems, reason, superseded_by = self.facts.of(listed.content)
        files.add([name.path, listed.status, listed.kind, listed.version, organisation, problems, name.duplicate_of,
                   superseded_by, name.first_seen, name.last_seen, name.gone_at, reason, listed.sha256])  # fmt: skip
        if name.duplicate_of and name.gone_at is None:
            self.copies.line(f"{name.path} is the same file as {name.duplicate_of}, received earlier")
            self.duplicates.append((name.path, name.duplicate_of))
        if name.gone_at is not None:
            self.gone.line(
                f"{name.path}: gone since {_day(name.gone_at)} ({listed.status}, first seen {_day(name.first_seen)})"
            )
            return
        if listed.status == "skipped":
            self.not_returns.line(f"{name.path}: {reason or ''}")
        status = "superseded" if listed.superseded else listed.status
        self.counts[status] = self.counts.get(status, 0) + 1
        if listed.kind is not None:
            self.by_form[listed.kind] = self.by_form.get(listed.kind, 0) + 1
            version = (listed.kind, listed.version or "")
            self.by_version[version] = self.by_version.get(version, 0) + 1

    def _summary(self) -> Iterator[list[Any]]:
        """How many files are in the folder, by status, form and version; what the current valid bids ask for."""
        for status in (*_STATUSES, "superseded", *sorted(set(self.counts) - {*_STATUSES, "superseded"})):
            yield ["Status", status, self.counts.get(status, 0), None]
        for kind, count in sorted(self.by_form.items()):
            yield ["Form", _form_title(kind), count, None]
        not_known = sum(self.counts.values()) - sum(self.by_form.values())
        if not_known:
            yield ["Form", "none known (unreadable, or not a return)", not_known, None]
        for (kind, version), count in sorted(self.by_version.items()):
            yield ["Version", f"{_form_title(kind)} {version}".strip(), count, None]
        yield ["All", "files in the folder now", sum(self.counts.values()), None]
        for kind in self.kinds.values():
            if kind.amount is None:
                continue
            count, total, median = self.facts.amounts(kind.name)
            label = next((q.label for q in kind.questions if q.pointer == kind.amount), kind.amount)
            which = f"{_form_title(kind.name)}: {label} (current valid returns in the folder, one for each bid)"
            yield ["Total asked for", which, count, total]
            yield ["Median asked for", which, count, median]

    def _report(self) -> None:
        """``errors.txt``: who to chase and for what, file by file, in plain English; then what else happened."""
        with atomic_path(self.out / "errors.txt") as temporary, open(temporary, "w", encoding="utf-8") as handle:
            handle.write("Returns that need attention\n===========================\n\n")
            if self.chased:
                self.chase.file.seek(0)
                for text in self.chase.file:
                    handle.write(text)
            else:
                handle.write(
                    "None: every file in the folder that may be a return was read, and each bid's latest return "
                    "is valid.\n\n"
                )
            for section in (self.superseded, self.copies, self.gone, self.not_returns):
                section.copy_to(handle)
            summary = ", ".join(f"{self.counts.get(s, 0)} {s}" for s in _STATUSES)
            if self.counts.get("superseded"):
                summary += f"; {self.counts['superseded']} superseded"
            handle.write(f"Summary: {summary}\n")


def _form_title(kind: str) -> str:
    return load_layout(kind).title if kind in layout_kinds() else kind


def prepare() -> None:
    """Read what settling the register and writing the exports will: every form's layouts, the project's settings.

    Each is read once and kept, so reading them early (see :func:`prepare_in_background`) takes
    them off the time after the last file. A file that cannot be read is left for those steps to report.
    """
    for kind in layout_kinds():
        with contextlib.suppress(Exception):
            every_version_questions(kind)
            amount_pointer(kind)
    with contextlib.suppress(Exception):
        project_numbering()


def prepare_in_background() -> threading.Thread:
    """Run :func:`prepare` in a thread, for a batch about to wait for its workers.

    The caller joins it before settling the register, and before anything could forget the
    project's files (``switch_project``), so nothing it reads outlives the project it was read for.
    """
    thread = threading.Thread(target=prepare, name="prepare-exports", daemon=True)
    thread.start()
    return thread


def write_exports(register: Register, out: Path) -> Exported:
    """Every export of the register, from one pass over it: ``returns.xlsx``, ``csv/``, ``returns.jsonl``, ``errors.txt``."""
    with contextlib.ExitStack() as stack:
        return _Pass(register, out, stack).run()
