"""A LibreOffice Python macro that adds rows to a form's tables as a bidder would: it runs inside soffice.

For each table it puts the view cursor in a row (the last, unless told
otherwise), dispatches ``.uno:InsertRowsAfter`` (Table > Insert > Rows Below;
``.uno:InsertRowsBefore`` for rows above the first), moves into each new
cell and types (``.uno:InsertText``, Enter for a new paragraph), then saves
as .docx. ROWS_JOBS names a JSON list of {"in": form, "out": where to save,
"tables": [{"tag": a control tag in the table, "position": data rows above
the new ones (null: all), "rows": [[cell text, ...], ...]}]}; ROWS_LOG names a
file for "done" or the traceback.
"""

import json
import os
import traceback

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _pv(name, value):
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def _tags_in(text):
    items = text.createEnumeration()
    while items.hasMoreElements():
        paragraph = items.nextElement()
        if paragraph.supportsService("com.sun.star.text.TextTable"):
            continue
        portions = paragraph.createEnumeration()
        while portions.hasMoreElements():
            portion = portions.nextElement()
            if portion.TextPortionType == "ContentControl":
                yield portion.ContentControl.Tag


def _table_with(doc, tag):
    tables = doc.getTextTables()
    for index in range(tables.getCount()):
        table = tables.getByIndex(index)
        for name in table.getCellNames():
            if tag in _tags_in(table.getCellByName(name).getText()):
                return table
    raise LookupError(f"no table holds a control tagged {tag}")


def _cell(table, column, row):
    """Cell by column index and 1-based table row (the header is row 1)."""
    return table.getCellByName(f"{chr(ord('A') + column)}{row}")


def _type(frame, dispatcher, view_cursor, cell, text):
    view_cursor.gotoRange(cell.getText().getStart(), False)
    for index, line in enumerate(text.split("\n")):
        if index:
            dispatcher.executeDispatch(frame, ".uno:InsertPara", "", 0, ())
        if line:
            dispatcher.executeDispatch(frame, ".uno:InsertText", "", 0, (_pv("Text", line),))


def _add_rows(frame, dispatcher, view_cursor, table, spec):
    data_rows = table.getRows().getCount() - 1
    position = data_rows if spec.get("position") is None else spec["position"]
    for typed in spec["rows"]:
        if position == 0:  # above the first row: Table > Insert > Rows Above
            view_cursor.gotoRange(_cell(table, 0, 2).getText().getStart(), False)
            dispatcher.executeDispatch(frame, ".uno:InsertRowsBefore", "", 0, ())
        else:
            view_cursor.gotoRange(_cell(table, 0, position + 1).getText().getStart(), False)
            dispatcher.executeDispatch(frame, ".uno:InsertRowsAfter", "", 0, ())
        new_row = position + 2  # table rows count from 1, and the header is row 1
        for column, text in enumerate(typed):
            if text:
                _type(frame, dispatcher, view_cursor, _cell(table, column, new_row), text)
        position += 1


def _one(desktop, dispatcher, job):
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["in"]), "_blank", 0, ())
    controller = doc.getCurrentController()
    frame, view_cursor = controller.getFrame(), controller.getViewCursor()
    for spec in job["tables"]:
        _add_rows(frame, dispatcher, view_cursor, _table_with(doc, spec["tag"]), spec)
    doc.storeToURL(uno.systemPathToFileUrl(job["out"]), (_pv("FilterName", "MS Word 2007 XML"),))
    doc.close(True)


def insert(*args):
    desktop = XSCRIPTCONTEXT.getDesktop()  # type: ignore[name-defined]  # noqa: F821
    with open(os.environ["ROWS_LOG"], "w", encoding="utf-8") as log:
        try:
            ctx = XSCRIPTCONTEXT.getComponentContext()  # type: ignore[name-defined]  # noqa: F821
            dispatcher = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            with open(os.environ["ROWS_JOBS"], encoding="utf-8") as stream:
                jobs = json.load(stream)
            for job in jobs:
                _one(desktop, dispatcher, job)
            log.write("done\n")
        except Exception:
            log.write(traceback.format_exc())
        finally:
            desktop.terminate()
