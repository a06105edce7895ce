"""Write tables as an officer-ready workbook, streamed so memory stays flat.

Each :class:`Table` becomes one sheet: a bold header row frozen in place, a
filter over the data, each column as wide as its label and its longest answer
(up to a cap, past which answers wrap), and cells typed by their column's kind.
A value that cannot be read as its column's type is written as the text it
was (made safe by :func:`cell_value`), so nothing is lost or hidden.

XlsxWriter writes each sheet's rows to a temporary file as they come
(``constant_memory``) and its column widths only when the workbook is closed,
so each table's rows are read once, measured as they are written. Only one row
is held at a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import math
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cells import cell_value

if TYPE_CHECKING:  # XlsxWriter is imported only to write a workbook: a batch's workers never need it
    from xlsxwriter import Workbook
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

__all__ = [
    "DATE_FORMAT",
    "KINDS",
    "MONEY_FORMAT",
    "SHEET_NAME_LIMIT",
    "WIDTH_CAP",
    "Column",
    "Table",
    "import_in_background",
    "sheet_names",
    "typed_value",
    "write_workbook",
]

#: Every kind of column: how its values are typed and shown.
KINDS = ("text", "date", "money", "number", "integer", "yes-no", "percent")
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = "£#,##0.00"
#: A percentage is held as the number the bidder gave (10 means 10%), shown with a % sign, never multiplied.
_PERCENT_FORMATS = ('0"%"', '0.0#"%"')
#: Excel's limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_LIMIT = 31
_FORBIDDEN_IN_NAMES = "[]:*?/\\"
#: The widest a column grows (in characters) before its answers wrap; the narrowest it is.
WIDTH_CAP = 50
_MIN_WIDTH = 6
_PADDING = 2
#: A sheet name cut to fit ends at a word if at least this much is left.
_SHORTEST_CUT = 16
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Excel's (and LibreOffice's, in Excel's files) first day: an earlier date is shown as an error, so it is kept as typed.
_FIRST_SPREADSHEET_DAY = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class Column:
    """One column of a table: its header and the kind of value it holds (one of :data:`KINDS`)."""

    label: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.label!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class Table:
    """One sheet: its title (the sheet's name is made from it), its columns and its rows, streamed."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def _number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return math.isfinite(value)


def _date(value: Any) -> dt.date | None:
    """The value as a date a spreadsheet can show, or None (kept as typed)."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:  # such as 2027-02-31: kept as typed
            return None
    if isinstance(value, dt.date):
        return value if value >= _FIRST_SPREADSHEET_DAY else None
    return None


def typed_value(value: Any, kind: str) -> Any:
    """The value as its column's kind holds it, or the value made safe as text if it is not of that kind."""
    if value is None:
        return None
    if kind == "date":
        day = _date(value)
        if day is not None:
            return day
    elif kind in ("money", "number", "percent"):
        if _number(value):
            return value
    elif kind == "integer":
        if _number(value) and value == int(value):
            return int(value)
    elif kind == "yes-no" and isinstance(value, bool):
        return "Yes" if value else "No"
    return cell_value(value)


def fits(value: Any, kind: str) -> bool:
    """Whether a value is written as its column's kind holds it (an empty value always fits); False: as text."""
    if value is None or kind == "text":
        return True
    if kind == "yes-no":
        return isinstance(value, bool)
    return not isinstance(typed_value(value, kind), str)


def _shown_length(value: Any, kind: str) -> int:
    """About how many characters a value shows in its column, to size the column: read from the value as given."""
    if value is None:
        return 0
    if isinstance(value, dt.date) or (kind == "date" and _date(value) is not None):
        return 10
    if isinstance(value, str):
        return max((len(line) for line in value[: WIDTH_CAP * 40].split("\n")), default=0)
    if isinstance(value, bool):
        return 3
    if kind == "money" and _number(value):
        return len(f"£{value:,.2f}")
    if kind == "percent":
        return len(str(value)) + 1
    return len(str(value))


def _wraps(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > WIDTH_CAP or "\n" in value)


_RESERVED_NAMES = frozenset({"history"})


class _Names:
    """Sheet names Excel accepts, made one at a time: at most 31 characters, none of []:*?/\\, all different."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def name(self, title: str) -> str:
        cleaned = "".join(" " if c in _FORBIDDEN_IN_NAMES or not c.isprintable() else c for c in title)
        whole = " ".join(cleaned.split()).strip("'").strip()
        base = whole[:SHEET_NAME_LIMIT].rstrip()
        if len(whole) > SHEET_NAME_LIMIT and whole[SHEET_NAME_LIMIT] != " ":
            words = base.rsplit(" ", 1)[0]  # cut between words, not inside one, if that leaves enough to tell
            base = words if len(words) >= _SHORTEST_CUT else base
        base = base or "Sheet"
        if base.casefold() in _RESERVED_NAMES:  # Excel refuses to let anyone rename a sheet to these
            base = f"{base} (sheet)"
        name, number = base, 2
        while name.casefold() in self._taken:
            suffix = f" ({number})"
            name, number = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix, number + 1
        self._taken.add(name.casefold())
        return name


def sheet_names(titles: Iterable[str]) -> list[str]:
    """The names :func:`write_workbook` gives sheets with these titles, in order."""
    names = _Names()
    return [names.name(title) for title in titles]


#: Each look a cell can have, as XlsxWriter's format properties: made once per workbook and shared.
_LOOKS: dict[str, dict[str, Any]] = {
    "header": {"bold": True},
    "header wrapped": {"bold": True, "text_wrap": True, "valign": "top"},
    "wrap": {"text_wrap": True, "valign": "top"},
    DATE_FORMAT: {"num_format": DATE_FORMAT},
    MONEY_FORMAT: {"num_format": MONEY_FORMAT},
    **{look: {"num_format": look} for look in _PERCENT_FORMATS},
}


def _look(value: Any, kind: str) -> str | None:
    """The look of a cell holding ``value`` (already typed) in a column of ``kind``; None for a plain cell."""
    if isinstance(value, dt.date):
        return DATE_FORMAT
    if kind == "money" and _number(value):
        return MONEY_FORMAT
    if kind == "percent" and _number(value):
        return _PERCENT_FORMATS[0] if value == int(value) else _PERCENT_FORMATS[1]
    if _wraps(value):
        return "wrap"
    return None


def _holds_as_a_number(value: int | float | Decimal) -> bool:
    """Whether a spreadsheet cell (a double) can hold the number: not one such as 1E+400."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


class _Sheet:
    """One sheet being written, a row at a time, measuring its columns as it goes.

    XlsxWriter keeps a sheet's column widths, filter and frozen header until the
    workbook is closed, so the rows are written as they come, once, and the columns
    are sized from what was written when the sheet is finished.
    """

    def __init__(self, sheet: Worksheet, table: Table, formats: dict[str, Format]) -> None:
        self._sheet = sheet
        self._formats = formats
        self._labels = [str(column.label) for column in table.columns]
        self._kinds = [column.kind for column in table.columns]
        self._widest = [0] * len(self._kinds)
        self._rows = 0
        for index, label in enumerate(self._labels):
            look = "header wrapped" if len(label) > WIDTH_CAP else "header"
            sheet.write_string(0, index, cell_value(label), formats[look])

    def add(self, values: Sequence[Any]) -> None:
        self._rows += 1
        row = self._rows
        for index, (value, kind) in enumerate(zip(values, self._kinds, strict=True)):
            if value is None:
                continue
            self._widest[index] = max(self._widest[index], _shown_length(value, kind))
            typed = typed_value(value, kind)
            look = _look(typed, kind)
            cell_format = self._formats[look] if look else None
            if isinstance(typed, str):
                self._sheet.write_string(row, index, typed, cell_format)
            elif isinstance(typed, dt.date):
                self._sheet.write_datetime(row, index, typed, cell_format)
            elif _holds_as_a_number(typed):
                self._sheet.write_number(row, index, typed, cell_format)
            else:  # a number too large for a spreadsheet cell (such as 1E+400): shown as it was typed
                self._sheet.write_string(row, index, cell_value(str(typed)))

    def finish(self) -> None:
        """Size each column to its label and its widest answer (up to the cap), freeze and filter the header."""
        for index, (label, widest) in enumerate(zip(self._labels, self._widest, strict=True)):
            width = min(max(len(label), widest, _MIN_WIDTH - _PADDING) + _PADDING, WIDTH_CAP + _PADDING)
            self._sheet.set_column(index, index, width)
        if self._labels:
            self._sheet.freeze_panes(1, 0)
            self._sheet.autofilter(0, 0, self._rows, len(self._labels) - 1)
            self._sheet.repeat_rows(0)
        self._sheet.set_landscape()


def _import_xlsxwriter() -> None:
    import xlsxwriter  # noqa: F401


def import_in_background() -> threading.Thread:
    """Start importing XlsxWriter in a thread, for a caller about to wait on others.

    A batch spends longer than that waiting for its workers; the import fills the wait, and
    :func:`write_workbook` later finds XlsxWriter loaded (or waits for the import to end).
    """
    global _importing
    thread = threading.Thread(target=_import_xlsxwriter, name="import-xlsxwriter", daemon=True)
    thread.start()
    _importing = thread
    return thread


#: The import :func:`import_in_background` started, which :func:`write_workbook` waits for.
_importing: threading.Thread | None = None


def write_workbook(path: Path, tables: Iterable[Table]) -> None:
    """Write ``tables`` as one sheet each to ``path``, atomically: the old file stays until the new one is whole.

    The temporary file is ``.NAME.*.tmp`` beside ``path`` (as ``batch`` names its own, so a batch's
    clean-up finds it if a run is killed while writing). A disk that fills up is an ``OSError``, as
    for any other file, although XlsxWriter meets it as it closes the workbook.
    """
    if _importing is not None:
        _importing.join()
    from xlsxwriter import Workbook
    from xlsxwriter.exceptions import FileCreateError

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        # Every text is written as text by write_string; these say so again for any other way in.
        options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        workbook = Workbook(temporary_name, options)
        try:
            _write_sheets(workbook, path, tables)
        except BaseException:
            _abandon(workbook)
            raise
        try:
            workbook.close()
        except FileCreateError as exc:  # what the disk said, as every other write says it
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            raise (cause or OSError(errno.EIO, os.strerror(errno.EIO), str(path))) from None
        with open(temporary, "rb") as saved:
            os.fsync(saved.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _write_sheets(workbook: Workbook, path: Path, tables: Iterable[Table]) -> None:
    formats = {look: workbook.add_format(properties) for look, properties in _LOOKS.items()}
    names = _Names()
    written = 0
    for table in tables:
        sheet = _Sheet(workbook.add_worksheet(names.name(table.title)), table, formats)
        for row in table.rows:
            sheet.add(row)
        sheet.finish()
        written += 1
    if not written:
        raise ValueError(f"{path}: a workbook needs at least one table")


def _abandon(workbook: Workbook) -> None:
    """Close the sheets' temporary row files now, as closing the workbook would, so none is left open."""
    for sheet in workbook.worksheets():
        with contextlib.suppress(Exception):
            sheet._opt_close()
