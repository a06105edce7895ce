"""Generate the site's pages from data, then build it with ``mkdocs build --strict``.

``site/`` is the source. The hand-written guidance notes live in
``site/guidance/``; the folders named in :data:`GENERATED` are rewritten from
scratch on every build, so nothing stale survives a removed form or checklist.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .checklists import Checklist, checklist, checklist_names
from ..records.errors import CommissionError
from ..forms.layout import layout_kinds, load_layout
from ..records.resources import project_root
from ..records.rules import rules_for
from .checklist_pages import checklist_page, checklists_index
from .downloads import Download, copy_downloads, downloads_page
from .form_guides import form_guide, forms_index
from .includes import INCLUDES
from .markdown import slug

__all__ = [
    "DEFAULT_OUT",
    "GENERATED",
    "BuildResult",
    "Generated",
    "SiteBuildError",
    "build_site",
    "find_source",
    "generate_pages",
]

#: Where the built site goes unless told otherwise (``site/`` is the source, never the output).
DEFAULT_OUT = Path("build/site")
#: Folders of ``site/`` that the build owns and rewrites.
GENERATED = ("checklists", "forms", "downloads", "includes")


class SiteBuildError(CommissionError):
    """mkdocs refused the site; the message carries its warnings."""


@dataclass(frozen=True)
class Generated:
    files: list[Path]
    downloads: list[Download]


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: list[Path]
    downloads: list[Download]

    @property
    def index(self) -> Path:
        return self.out / "index.html"


def find_source(start: Path | None = None) -> Path:
    """The folder holding ``mkdocs.yml`` and ``site/``: the checkout, or the current folder."""
    for folder in (start, project_root(), Path.cwd()):
        if folder is not None and (folder / "mkdocs.yml").is_file() and (folder / "site").is_dir():
            return folder
    raise CommissionError(
        "The guidance site's source (mkdocs.yml and site/) was not found. "
        "Run this from a copy of the project's repository."
    )


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _form_anchor(item: Checklist) -> str:
    """Link from a checklist bound to a form to the section of its form guide."""
    if not item.form_kind or item.form_kind not in layout_kinds():
        return ""
    for section in load_layout(item.form_kind).sections:
        if any(q.pointer.startswith(item.form_pointer + "/") for q in section.questions):
            return f"../forms/{item.form_kind}.md#{slug(f'{section.number}. {section.title}')}"
    return ""


def generate_pages(source: Path) -> Generated:
    """Write every generated page, table and download into ``source/site``; return the files written."""
    docs = source / "site"
    for name in GENERATED:
        shutil.rmtree(docs / name, ignore_errors=True)
    written: list[Path] = []
    downloads = copy_downloads(docs / "downloads")
    written += [docs / "downloads" / d.file for d in downloads]
    written.append(_write(docs / "downloads" / "index.md", downloads_page(downloads)))
    layouts = [load_layout(kind) for kind in layout_kinds()]
    for layout in layouts:
        mine = [d for d in downloads if d.kind == layout.kind and d.version is None]
        written.append(_write(docs / "forms" / f"{layout.kind}.md", form_guide(layout, rules_for(layout.kind, layout.version), mine)))
    written.append(_write(docs / "forms" / "index.md", forms_index(layouts)))
    lists = [checklist(name) for name in checklist_names()]
    for item in lists:
        written.append(_write(docs / "checklists" / f"{item.name}.md", checklist_page(item, _form_anchor(item))))
    written.append(_write(docs / "checklists" / "index.md", checklists_index(lists)))
    for name, render in INCLUDES.items():
        written.append(_write(docs / "includes" / name, render()))
    return Generated(written, downloads)


def build_site(out: Path = DEFAULT_OUT, source: Path | None = None) -> BuildResult:
    """Generate the pages, then run ``mkdocs build --strict`` into ``out``."""
    source = find_source(source)
    generated = generate_pages(source)
    out = out if out.is_absolute() else Path.cwd() / out
    if out.resolve().is_relative_to((source / "site").resolve()):
        raise CommissionError(f"{out}: the site cannot be built inside site/, which is its source.")
    # Not --quiet: it hides the warnings that --strict counts, and the build would pass.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"]
    command += ["--config-file", str(source / "mkdocs.yml"), "--site-dir", str(out)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, cwd=source, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SiteBuildError(f"mkdocs could not build the site:\n{(done.stdout + done.stderr).strip()}")
    return BuildResult(out, sorted(out.rglob("*.html")), generated.downloads)
