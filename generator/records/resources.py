"""Where the project's data folders live: a council's project folder, or the built-in example.

The project is found as mkdocs finds ``mkdocs.yml``: the ``COMMISSION_PROJECT``
variable (``commission --project DIR`` sets it), else the nearest folder holding
``commission.yaml``, from the current folder up; with none, the built-in
example. A wheel carries the example (``schemas/``, ``forms/``, ``templates/``,
``data/``, ``site/``, ``commission.yaml``) inside the package as
``generator/_resources``; a checkout (or editable install) reads it from the
repository root. Everything else asks this module, never ``__file__``.

A project's file overrides the built-in one of the same name. What a project
lacks that commands need as shared infrastructure (the shared definitions,
the criteria data) is read from the built-in example: :func:`resource_file`.
The kinds are always the project's own, never the example's.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

__all__ = [
    "SETTINGS_FILE",
    "builtin_root",
    "is_bundled",
    "project_root",
    "resource_dir",
    "resource_file",
    "use_project",
]

#: The file that makes a folder a project.
SETTINGS_FILE = "commission.yaml"

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # generator/, above records/


def builtin_root() -> Path:
    """The built-in example project: inside an installed package, or the checkout's root."""
    bundled = _PACKAGE_DIR / "_resources"
    if (bundled / "schemas").is_dir():
        return bundled
    return _PACKAGE_DIR.parent


def is_bundled(folder: Path) -> bool:
    """Whether ``folder`` is the example inside an installed package, which no command should write into."""
    return folder.resolve() == (_PACKAGE_DIR / "_resources").resolve()


def _enclosing_project(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    return None


@cache
def project_root() -> Path:
    """The folder holding ``schemas/`` and friends: ``COMMISSION_PROJECT`` if set, else the nearest folder
    with a ``commission.yaml`` from the current one up, else the built-in example."""
    if chosen := os.environ.get("COMMISSION_PROJECT"):
        return Path(chosen).resolve()
    return _enclosing_project(Path.cwd().resolve()) or builtin_root()


def resource_dir(name: str) -> Path:
    """One of ``schemas``, ``forms``, ``templates``, ``data``."""
    return project_root() / name


def resource_file(folder: str, name: str) -> Path:
    """``folder/name`` of the project, or the built-in copy when the project has none (it may not exist either)."""
    own = resource_dir(folder) / name
    return own if own.exists() else builtin_root() / folder / name


def use_project(folder: Path | None) -> None:
    """Make ``folder`` the project for the rest of the run (None: find it again); callers forget what they cached."""
    if folder is None:
        os.environ.pop("COMMISSION_PROJECT", None)
    else:
        os.environ["COMMISSION_PROJECT"] = str(folder.resolve())
    project_root.cache_clear()
