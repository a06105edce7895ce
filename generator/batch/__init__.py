"""Many returns at once: parallel, resumable, into a register and exports that lose nothing.

``run.py`` drives a batch (``run_batch``); ``worker.py`` parses each file in a
worker process under time and memory limits; ``register.py`` is the SQLite
register; ``exports.py`` writes the CSV, workbook, JSON lines and error report
from it, in one pass (the workbook through ``spreadsheets``). Uses ``returns``
and the form model; must not know rounds, documents or the site.
"""
