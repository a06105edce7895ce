"""Letters to bidders, written from Word templates the officer can edit.

``writing.py`` holds what every letter shares: finding its template (the
project's ``templates/<name>.docx``, else the built-in one), filling it in
through the sandboxed engine of :mod:`generator.documents`, file names made
safe from a bidder's organisation and kept unique, and a folder of letters
replaced in one step. ``chase.py`` writes the batch's ``letters/`` and
``chase.csv``: one letter for each bid whose current return needs the
bidder to act.

It uses the batch's register (``batch``), the form model and round
definition for whom to write to, ``documents`` and ``records``; nothing but
the command line and the demo imports it.
"""
