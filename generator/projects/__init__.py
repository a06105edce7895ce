"""A council's own project folder: making one (``commission new``) and switching the run to one.

A project is a folder with ``commission.yaml`` beside ``schemas/ forms/
templates/ data/ site/`` (how commands find it is :mod:`generator.records.resources`;
what the settings say is :mod:`generator.records.project`). This package owns
starting one, from the built-in Kent example or from a one-form starter
(``minimal/``), and pointing a run at one (``--project``), forgetting what was
read from the last: :mod:`.new` and :mod:`.switch` (imported by name, so
neither pulls in the other).
"""
