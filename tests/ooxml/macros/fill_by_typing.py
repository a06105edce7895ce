"""A LibreOffice Python macro that fills a form as a person would: it runs inside soffice.

It selects each content control's text with the view cursor and types the
answer (``.uno:InsertText``, Enter for a new paragraph); drop-downs get a list
item's display text; boxes are ticked. FILL_JOBS names a JSON list of
{"in": blank form, "out": where to save, "answers": {"tag|n": value}} (the
n-th control with that tag), so one soffice start fills many forms; a job may
also name a "filter" to save with (default "MS Word 2007 XML"; "writer8" saves
.odt) and set "record_changes" to type with Edit > Track Changes > Record on.
FILL_LOG names a file for "done" or the traceback.
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


def _paragraphs(text):
    items = text.createEnumeration()
    while items.hasMoreElements():
        item = items.nextElement()
        if item.supportsService("com.sun.star.text.TextTable"):
            for name in item.getCellNames():
                yield from _paragraphs(item.getCellByName(name).getText())
        else:
            yield item


def _controls(doc):
    found = []
    for paragraph in _paragraphs(doc.getText()):
        portions = paragraph.createEnumeration()
        while portions.hasMoreElements():
            portion = portions.nextElement()
            if portion.TextPortionType == "ContentControl":
                found.append(portion.ContentControl)
    return found


def _type(frame, dispatcher, view_cursor, control, text):
    # The headless build lacks the UI file of the button that shows a control's
    # title when the cursor enters it, so the title is cleared first.
    control.Alias = ""
    view_cursor.gotoRange(control.getStart(), False)
    view_cursor.gotoRange(control.getEnd(), True)
    for index, line in enumerate(text.split("\n")):
        if index:
            dispatcher.executeDispatch(frame, ".uno:InsertPara", "", 0, ())
        if line:
            dispatcher.executeDispatch(frame, ".uno:InsertText", "", 0, (_pv("Text", line),))


def _fill_one(desktop, dispatcher, job):
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["in"]), "_blank", 0, ())
    controller = doc.getCurrentController()
    frame, view_cursor = controller.getFrame(), controller.getViewCursor()
    doc.RecordChanges = bool(job.get("record_changes"))
    seen = {}
    for control in _controls(doc):
        seen[control.Tag] = seen.get(control.Tag, -1) + 1
        value = job["answers"].get(f"{control.Tag}|{seen[control.Tag]}")
        if value is None:
            continue
        if control.Checkbox:
            control.Checked = bool(value)
        elif len(control.ListItems):
            control.setString(value)
            control.ShowingPlaceHolder = False
        else:
            _type(frame, dispatcher, view_cursor, control, value)
    doc.storeToURL(uno.systemPathToFileUrl(job["out"]), (_pv("FilterName", job.get("filter", "MS Word 2007 XML")),))
    doc.close(True)


def fill(*args):
    desktop = XSCRIPTCONTEXT.getDesktop()  # type: ignore[name-defined]  # noqa: F821
    with open(os.environ["FILL_LOG"], "w", encoding="utf-8") as log:
        try:
            ctx = XSCRIPTCONTEXT.getComponentContext()  # type: ignore[name-defined]  # noqa: F821
            dispatcher = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            with open(os.environ["FILL_JOBS"], encoding="utf-8") as stream:
                jobs = json.load(stream)
            for job in jobs:
                _fill_one(desktop, dispatcher, job)
            log.write("done\n")
        except Exception:
            log.write(traceback.format_exc())
        finally:
            desktop.terminate()
