"""A funding round decided within the money.

Here: reading and checking a round file and its settings, the scale check,
combining several evaluators (moderation), ranking and funding (evaluation),
the summary and workings as data, the round's workbook (``round.xlsx``), its
Word documents and a letter to each bidder, and the round's timetable.
``run.py`` puts the steps in order for ``commission evaluate``.

It uses ``records``, ``documents`` and ``spreadsheets``: it must not know file
formats, batches or the site.
"""
