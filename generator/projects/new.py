"""``commission new DIR``: a working project, from the built-in Kent example or a one-form starter.

The Kent copy has every current schema and frozen version, layout, blank
form, template, data file, guidance note and example (with a round to
evaluate), so a council can change one thing at a time. The starter
(``--minimal``) has one small kind, ``community-grant`` (with an https
``$id`` and two rules), the shared definitions to ``$ref``, and its blank
forms built; it needs no template.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..records.errors import CommissionError
from ..records.resources import SETTINGS_FILE, builtin_root

__all__ = ["FOLDERS", "NewProject", "new_project"]

#: The folders every project has (some may start empty).
FOLDERS = ("schemas", "forms", "templates", "data", "site")
#: What the Kent copy takes from the built-in example besides FOLDERS: the example records and round.
EXAMPLES = "examples"
#: Folders of site/ that ``commission site build`` writes; a copy never takes them.
_GENERATED_SITE = {"checklists", "forms", "downloads", "includes"}
_STARTER = Path(__file__).resolve().parent / "minimal"
_SHARED = "defs.schema.json"
_PLACEHOLDER = "Your partnership's name"

_SETTINGS = """\
# This folder is a commission project: every command run in it (or in a folder below it) uses
# its schemas/ forms/ templates/ data/ site/. Edit these settings; only `partnership` is needed.
#
# partnership: whose round this is; on the forms' and the site's pages.
partnership: {partnership}
# contact: whom bidders ask (any of name, email, phone, address).
contact: {{name: Commissioning team, email: commissioning@example.gov.uk}}
# returns: where bidders send their filled forms (email and/or a postal address).
returns: {{email: grants@example.gov.uk}}
# closing_date: the day returns are due, YYYY-MM-DD.
# closing_date: 2027-03-31
# colours: #rrggbb for headings and links (primary) and highlights (accent) on the forms and site.
colours: {{primary: "#1d4f91", accent: "#1d4f91"}}
# logo: an image file in this folder for the forms and site, such as site/assets/logo.png.
# logo: site/assets/logo.png
"""


@dataclass(frozen=True)
class NewProject:
    """What ``new_project`` made: the folder, and the files in each top-level folder."""

    folder: Path
    files: dict[str, int]
    minimal: bool


def _refuse_unless_empty(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CommissionError(f"{folder} already exists and is not empty: choose a new folder for the project.")


def _ignore_generated(directory: str, names: list[str]) -> set[str]:
    ignored = {name for name in names if name == "__pycache__"}
    if Path(directory).name == "site" and Path(directory).parent == builtin_root():
        ignored |= _GENERATED_SITE & set(names)
    return ignored


def _copy_example(folder: Path) -> None:
    source = builtin_root()
    for name in (*FOLDERS, EXAMPLES):
        if (source / name).is_dir():
            shutil.copytree(source / name, folder / name, ignore=_ignore_generated)
        else:
            (folder / name).mkdir()


def _copy_starter(folder: Path) -> None:
    shutil.copytree(_STARTER, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    for name in FOLDERS:
        (folder / name).mkdir(exist_ok=True)
    shutil.copy(builtin_root() / "schemas" / _SHARED, folder / "schemas" / _SHARED)


def _build_forms(folder: Path) -> None:
    """Build the starter's blank forms inside the new project, then point the run back where it was."""
    from ..forms.build import build_forms
    from .switch import switch_project

    before = os.environ.get("COMMISSION_PROJECT")
    switch_project(folder)
    try:
        build_forms(folder / "forms")
    finally:
        switch_project(Path(before) if before else None)


def _example_round() -> str:
    """The built-in example's ``round:`` block as written (with its comments), for the Kent copy's settings."""
    lines = (builtin_root() / SETTINGS_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((index for index, line in enumerate(lines) if line.startswith("round:")), None)
    if start is None:
        return ""
    end = next((index for index in range(start + 1, len(lines)) if lines[index][:1] not in (" ", "#", "\n")), None)
    block = "".join(lines[start:end])
    return "# round: what a round is over and how it is decided (see the README, 'Decide a funding round').\n" + block


def new_project(folder: Path, *, minimal: bool = False, name: str | None = None) -> NewProject:
    """Make a project in ``folder`` (new, or an empty one): the Kent example, or the one-form starter."""
    _refuse_unless_empty(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if minimal:
        _copy_starter(folder)
    else:
        _copy_example(folder)
    partnership = json.dumps(name.strip() if name and name.strip() else _PLACEHOLDER, ensure_ascii=False)
    settings = _SETTINGS.format(partnership=partnership) + ("" if minimal else _example_round())
    (folder / SETTINGS_FILE).write_text(settings, encoding="utf-8")
    if minimal:
        _build_forms(folder)
    files = {
        child.name: sum(1 for path in child.rglob("*") if path.is_file())
        for child in sorted(folder.iterdir())
        if child.is_dir()
    }
    return NewProject(folder, files, minimal)
