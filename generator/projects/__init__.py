"""A council's own project folder: making one (``commission new``) and switching the run to one.

A project is a folder with ``commission.yaml`` beside ``schemas/ forms/
templates/ data/ site/`` (how commands find it is :mod:`generator.records.resources`;
what the settings say is :mod:`generator.records.project`). This package owns
starting one, from the built-in Kent example or from a one-form starter
(``minimal/``), and pointing a run at one (``--project``), forgetting what was
read from the last.
"""

from .new import NewProject, new_project
from .switch import switch_project

__all__ = ["NewProject", "new_project", "switch_project"]
