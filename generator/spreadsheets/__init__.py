"""The only package that knows XlsxWriter: officer-ready sheets.

It owns how a table becomes a workbook sheet someone can use at once: a bold
header row frozen in place, a filter over the data, columns wide enough for
their labels and answers (long answers capped and wrapped), dates as real
dates shown ``dd/mm/yyyy``, money as numbers shown ``£#,##0.00``, yes/no as
``Yes``/``No``, and sheet names Excel accepts. It owns formula safety too
(``cells.py``): every text is written as text, never as a formula or a link.
Callers describe tables (:class:`Table`, :class:`Column`) and stream their
rows; a value that cannot be read as its column's type is written as the text
it was, and the caller says so in the row. It may import ``generator.records``
only; batch and rounds use it.

``workbook.py`` holds the public API (``Column``, ``Table``, ``write_workbook``,
``sheet_names``); ``cells.py`` the cell safety rule (``cell_value``). This file
imports nothing, so importing either never runs the other.
"""
