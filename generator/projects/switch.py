"""Point the rest of a run at another project, forgetting everything read from the last one."""

from __future__ import annotations

from pathlib import Path

from ..forms import layout, matching
from ..records import project, resources, schemas


def switch_project(folder: Path | None) -> None:
    """Make ``folder`` the project (None: find it again from the current folder), and forget the old one's files.

    Schemas, layouts, rules and settings are cached per run; a cache left from
    another project would give its kinds to this one.
    """
    resources.use_project(folder)
    schemas.forget_schemas()
    layout.forget_layouts()
    matching.forget_lookups()
    project.forget_settings()
