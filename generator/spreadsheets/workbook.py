"""Write tables as an officer-ready workbook, streamed so memory stays flat.

Each :class:`Table` becomes one sheet: a bold header row frozen in place, a
filter over the data, each column as wide as its label and its longest answer
(up to a cap, past which answers wrap), and cells typed by their column's kind.
A value that cannot be read as its column's type is written as the text it
was (made safe by :func:`cell_value`), so nothing is lost or hidden.

openpyxl's write-only mode sets column widths before the first row, so each
table's rows are measured first: rows that can be read again (a list, or any
other collection, such as a caller's own spool) are read twice; a generator's
are converted into a temporary file as they are measured, then replayed into
the sheet. Only one row is held at a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import math
import os
import pickle  # only our own temporary spool, written and read back in this process
import re
import sys
import tempfile
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .cells import cell_value

if TYPE_CHECKING:  # openpyxl is imported only to write a workbook: a batch's workers never need it
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:  # such as 2027-02-31: kept as typed
            return None
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


#: The looks of a header cell (not number formats, which the other looks are named by).
_HEADER, _HEADER_WRAPPED = "header", "header wrapped"


class _Styles:
    """The few looks a sheet's cells have, each made once, so a styled cell costs little more than a plain one."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        from openpyxl.cell.cell import Cell

        self._sheet = sheet
        self._cell = Cell
        self._made: dict[str, Any] = {}

    def _style(self, look: str) -> Any:
        if look not in self._made:
            from openpyxl.cell import WriteOnlyCell
            from openpyxl.styles import Alignment, Font

            template = WriteOnlyCell(self._sheet)
            if look in ("wrap", _HEADER_WRAPPED):
                template.alignment = Alignment(wrap_text=True, vertical="top")
            if look in (_HEADER, _HEADER_WRAPPED):
                template.font = Font(bold=True)
            elif look != "wrap":
                template.number_format = look
            self._made[look] = template._style  # the cell's own style array, shared by the cells below
        return self._made[look]

    def header(self, label: Any, *, wraps: bool) -> Any:
        """A column's label: bold, and wrapped if it is longer than a column is wide."""
        look = _HEADER_WRAPPED if wraps else _HEADER
        return self._cell(self._sheet, row=1, column=1, value=label, style_array=self._style(look))

    def cell(self, value: Any, kind: str) -> Any:
        """A plain value, or a styled cell where the kind has a display format or a long text must wrap."""
        if isinstance(value, dt.date):
            look = DATE_FORMAT
        elif kind == "money" and _number(value):
            look = MONEY_FORMAT
        elif kind == "percent" and _number(value):
            look = _PERCENT_FORMATS[0] if value == int(value) else _PERCENT_FORMATS[1]
        elif _wraps(value):
            look = "wrap"
        else:
            return value
        return self._cell(self._sheet, row=1, column=1, value=value, style_array=self._style(look))


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


def _measured(table: Table, rows: Iterable[Sequence[Any]], spool: IO[bytes] | None) -> tuple[list[int], int]:
    """Each column's widest shown value and the number of rows; every converted row into ``spool`` if given."""
    kinds = [column.kind for column in table.columns]
    widths = [0] * len(kinds)
    count = 0
    for row in rows:
        for index, (value, kind) in enumerate(zip(row, kinds, strict=True)):
            if value is not None:
                widths[index] = max(widths[index], _shown_length(value, kind))
        if spool is not None:
            values = [typed_value(value, kind) for value, kind in zip(row, kinds, strict=True)]
            pickle.dump(values, spool, protocol=pickle.HIGHEST_PROTOCOL)
        count += 1
    return widths, count


def _replayed(spool: IO[bytes], count: int) -> Iterator[list[Any]]:
    spool.seek(0)
    for _ in range(count):
        yield pickle.load(spool)  # noqa: S301 (our own spool, written above in this process)


def _converted(table: Table) -> Iterator[list[Any]]:
    kinds = [column.kind for column in table.columns]
    for row in table.rows:
        yield [typed_value(value, kind) for value, kind in zip(row, kinds, strict=True)]


def _write_sheet(workbook: Workbook, name: str, table: Table) -> None:
    with contextlib.ExitStack() as stack:
        if isinstance(table.rows, Collection) and not isinstance(table.rows, Iterator):
            contents, count = _measured(table, table.rows, None)
            converted = _converted(table)
        else:
            spool = stack.enter_context(tempfile.TemporaryFile())
            contents, count = _measured(table, table.rows, spool)
            converted = _replayed(spool, count)
        _fill_sheet(workbook.create_sheet(name), table, contents, count, converted)


def _fill_sheet(
    sheet: WriteOnlyWorksheet, table: Table, contents: list[int], count: int, converted: Iterator[list[Any]]
) -> None:
    from openpyxl.utils import get_column_letter

    labels = [str(column.label) for column in table.columns]
    kinds = [column.kind for column in table.columns]
    for index, (label, widest) in enumerate(zip(labels, contents, strict=True), start=1):
        width = min(max(len(label), widest, _MIN_WIDTH - _PADDING) + _PADDING, WIDTH_CAP + _PADDING)
        sheet.column_dimensions[get_column_letter(index)].width = width
    if labels:
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(labels))}{count + 1}"
        sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    styles = _Styles(sheet)
    sheet.append([styles.header(cell_value(label), wraps=len(label) > WIDTH_CAP) for label in labels])
    for values in converted:
        sheet.append([styles.cell(value, kind) for value, kind in zip(values, kinds, strict=True)])


def _import_openpyxl() -> None:
    """Import openpyxl without numpy (about half its import time) unless something else already loaded numpy.

    openpyxl imports numpy only to count numpy's number types as numbers; no value written here is
    one (``cells.cell_value`` gives plain ``int``/``float``/``Decimal``/``str``/dates), so a batch need
    not pay for it. The ``None`` entry makes ``import numpy`` fail inside openpyxl's ``try`` and is
    removed at once, so later code can still import numpy normally.
    """
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import openpyxl  # noqa: F401
    finally:
        if sys.modules.get("numpy", False) is None:
            del sys.modules["numpy"]


def import_in_background() -> threading.Thread:
    """Start importing openpyxl (a tenth of a second or more) in a thread, for a caller about to wait on others.

    A batch spends that long waiting for its workers; the import fills the wait, and
    :func:`write_workbook` later finds openpyxl loaded (or waits for the import to end).
    Nothing else may import numpy meanwhile (see :func:`_import_openpyxl`); the batch's
    parent never does.
    """
    global _importing
    thread = threading.Thread(target=_import_openpyxl, name="import-openpyxl", daemon=True)
    thread.start()
    _importing = thread
    return thread


#: The import :func:`import_in_background` started, which :func:`write_workbook` waits for.
_importing: threading.Thread | None = None


def write_workbook(path: Path, tables: Iterable[Table]) -> None:
    """Write ``tables`` as one sheet each to ``path``, atomically: the old file stays until the new one is whole.

    The temporary file is ``.NAME.*.tmp`` beside ``path`` (as ``batch`` names its own, so a batch's
    clean-up finds it if a run is killed while writing). A disk that fills up is an ``OSError``, as
    for any other file, although openpyxl's streamed sheets meet it inside lxml.
    """
    from lxml.etree import SerialisationError

    if _importing is not None:
        _importing.join()
    _import_openpyxl()
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    try:
        _write_workbook(workbook, path, tables)
    except SerialisationError as exc:
        _abandon(workbook)
        code = errno.ENOSPC if "ENOSPC" in str(exc) else errno.EFBIG
        raise OSError(code, os.strerror(code), str(path)) from None


def _write_workbook(workbook: Workbook, path: Path, tables: Iterable[Table]) -> None:
    names = _Names()
    written = 0
    for table in tables:
        _write_sheet(workbook, names.name(table.title), table)
        written += 1
    if not written:
        raise ValueError(f"{path}: a workbook needs at least one table")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        workbook.save(temporary)
        with open(temporary, "rb") as saved:
            os.fsync(saved.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _abandon(workbook: Workbook) -> None:
    """Close the sheets' half-written streams now, so their failure is not printed later when they are collected."""
    for sheet in workbook.worksheets:
        stream = getattr(getattr(sheet, "_writer", None), "xf", None)
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.close()
