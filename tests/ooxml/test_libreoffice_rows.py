"""Rows added in LibreOffice itself (Table > Insert > Rows Below), typed into and saved as .docx, are read.

A Python macro runs inside soffice (tests/ooxml/macros/insert_rows.py): it puts
the cursor in the last row of each repeating table of a filled form,
dispatches ``.uno:InsertRowsAfter``, types into the new cells and saves as
.docx. LibreOffice copies the row's formatting, not its content controls, so
the new rows are plain cells. The return must parse to the example record
with the typed rows, a warning naming each table and the
``rows_without_controls`` flag. Growth bids also get rows between the first
two rows and above the first.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from generator.forms.layout import load_layout
from generator.ooxml.namespaces import qn
from generator.returns.parse import parse_return

from ..conftest import TODAY
from .added_rows import ADDED, cell_texts, example, filled, rows_of, tables, with_rows
from .test_libreoffice_typing import _office_environment

MACRO = Path(__file__).resolve().parent / "macros" / "insert_rows.py"
#: (kind, where): None puts the new rows below the last row, a number below that many rows (0: above the first).
JOBS: list[tuple[str, int | None]] = [(kind, None) for kind in ADDED] + [("growth-bid", 1), ("growth-bid", 0)]


def _name(kind: str, position: int | None) -> str:
    return f"{kind}-{'last' if position is None else position}.docx"


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory) -> Path:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed for this test; CI installs it with .ci/install-system"
    folder = tmp_path_factory.mktemp("rows")
    scripts = folder / "profile" / "user" / "Scripts" / "python"
    scripts.mkdir(parents=True)
    shutil.copy(MACRO, scripts / MACRO.name)
    jobs = []
    for kind, position in JOBS:
        source = folder / f"in-{_name(kind, position)}"
        source.write_bytes(filled(load_layout(kind), example(kind)))
        specs = [
            {
                "tag": table.columns[0].pointer,
                "position": position,
                "rows": [cell_texts(table, row) for row in ADDED[kind][table.pointer]],
            }
            for table in tables(kind)
        ]
        jobs.append({"in": str(source), "out": str(folder / _name(kind, position)), "tables": specs})
    (folder / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
    env = _office_environment() | {"ROWS_JOBS": str(folder / "jobs.json"), "ROWS_LOG": str(folder / "log.txt")}
    subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         f"vnd.sun.star.script:{MACRO.name}$insert?language=Python&location=user"],
        check=True, capture_output=True, timeout=240, env=env,
    )  # fmt: skip
    assert (folder / "log.txt").read_text(encoding="utf-8") == "done\n"
    return folder


def _expected(kind: str, position: int | None) -> tuple[dict[str, Any], list[str], dict[str, list[int]]]:
    """The record, the flag and each table's added row numbers that the rows typed at ``position`` must give."""
    record, flag, numbers = example(kind), [], {}
    for table in tables(kind):
        rows, new = rows_of(record, table.pointer), ADDED[kind][table.pointer]
        above = table.rows if position is None else position
        kept = min(above, len(rows))  # the form's empty rows are dropped from the record
        record = with_rows(record, table.pointer, rows[:kept] + new + rows[kept:])
        flag += [f"{table.pointer}/{above + n}" for n in range(len(new))]
        numbers[table.pointer] = [above + 1 + n for n in range(len(new))]
    return record, flag, numbers


@pytest.mark.parametrize(("kind", "position"), JOBS)
def test_rows_inserted_in_libreoffice_are_read(kind: str, position: int | None, added: Path) -> None:
    path = added / _name(kind, position)
    _assert_rows_are_plain(path, kind)
    envelope = parse_return(path, today=TODAY)
    record, flag, numbers = _expected(kind, position)
    assert (envelope.status, envelope.kind) == ("valid", kind), envelope.errors
    assert envelope.record == record
    assert sorted(envelope.flags["rows_without_controls"]) == sorted(flag)
    for table in tables(kind):
        (warning,) = [w for w in envelope.warnings if w.path == table.pointer]
        assert warning.field == f"{table.number} {table.label}"
        rows = numbers[table.pointer]
        wanted = f"row {rows[0]} was" if len(rows) == 1 else f"rows {' and '.join(map(str, rows))} were"
        assert warning.message.startswith(f"{wanted} added without answer boxes"), warning.message


def _assert_rows_are_plain(path: Path, kind: str) -> None:
    """What LibreOffice really wrote: each table has as many rows without any control as were added."""
    import zipfile

    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml")).find(qn("w:body"))
    for table in tables(kind):
        tag = table.columns[0].pointer
        element = next(t for t in body.iter(qn("w:tbl")) if any(s.get(qn("w:val")) == tag for s in t.iter(qn("w:tag"))))
        rows = element.findall(qn("w:tr"))[1:]
        plain = [r for r in rows if next(r.iter(qn("w:sdt")), None) is None]
        assert len(plain) == len(ADDED[kind][table.pointer]), (kind, table.pointer)
