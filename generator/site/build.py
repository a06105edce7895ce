"""Generate the site's pages from the project's data, then build it with ``mkdocs build --strict``.

The project's ``site/`` holds what the council wrote: the home page, notes in
folders, assets. The build copies that into a work folder (``<out>-source``:
``docs/`` and the ``mkdocs.yml`` made for it, see :mod:`.assemble`), writes the
folders named in :data:`GENERATED` there from scratch (so nothing stale
survives a removed form or checklist), and builds from it. The project's own
``site/`` is never written, so the built-in example works installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..forms.layout import layout_kinds, load_layout
from ..records.errors import CommissionError
from ..records.project import ProjectSettings, project_settings
from ..records.resources import project_root, resource_dir
from ..records.rules import rules_for
from .assemble import COLOURS_CSS, CONFIG_FILE, copy_project_site, mkdocs_config
from .checklist_pages import checklist_page, checklists_index
from .checklists import Checklist, checklist, checklist_names
from .colours import colours_css
from .downloads import Download, copy_downloads, downloads_page
from .form_guides import form_guide, forms_index
from .includes import available_includes, check_includes
from .markdown import GENERATED_NOTE, esc, slug

__all__ = [
    "DEFAULT_OUT",
    "GENERATED",
    "Assembled",
    "BuildResult",
    "Generated",
    "SiteBuildError",
    "assemble",
    "build_site",
    "find_source",
    "generate_pages",
]

#: Where the built site goes unless told otherwise (``site/`` is the source, never the output).
DEFAULT_OUT = Path("build/site")
#: Folders of the docs that the build owns and rewrites (a project's own folders of these names are not copied).
GENERATED = ("checklists", "forms", "downloads", "includes")


class SiteBuildError(CommissionError):
    """mkdocs refused the site; the message carries its warnings."""


@dataclass(frozen=True)
class Generated:
    files: list[Path]
    downloads: list[Download]
    #: The nav entries of the generated pages, in the order they go after the project's own.
    nav: list[Any]


@dataclass(frozen=True)
class Assembled:
    out: Path
    docs: Path
    config: Path
    generated: Generated


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: list[Path]
    downloads: list[Download]
    #: The assembled docs folder and the mkdocs config made for it (``mkdocs serve -f CONFIG`` serves it).
    docs: Path
    config: Path

    @property
    def index(self) -> Path:
        return self.out / "index.html"


def find_source(start: Path | None = None) -> Path:
    """The project folder whose ``site/`` (and optional ``mkdocs.yml``) the site is made from."""
    return (start or project_root()).resolve()


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


def _checklists() -> list[Checklist]:
    """The project's checklists, if it has ``data/checklists.yaml``."""
    if not (resource_dir("data") / "checklists.yaml").is_file():
        return []
    return [checklist(name) for name in checklist_names()]


def generate_pages(docs: Path) -> Generated:
    """Write every generated page, table and download into ``docs``; return what was written and the nav it makes."""
    for name in GENERATED:
        shutil.rmtree(docs / name, ignore_errors=True)
    written: list[Path] = []
    nav: list[Any] = []
    lists = _checklists()
    if lists:
        for item in lists:
            written.append(_write(docs / "checklists" / f"{item.name}.md", checklist_page(item, _form_anchor(item))))
        written.append(_write(docs / "checklists" / "index.md", checklists_index(lists)))
        nav.append({"Checklists": ["checklists/index.md", *[f"checklists/{item.name}.md" for item in lists]]})
    downloads = copy_downloads(docs / "downloads")
    written += [docs / "downloads" / d.file for d in downloads]
    layouts = [load_layout(kind) for kind in layout_kinds()]
    for layout in layouts:
        mine = [d for d in downloads if d.kind == layout.kind and d.version is None]
        guide = form_guide(layout, rules_for(layout.kind, layout.version), mine)
        written.append(_write(docs / "forms" / f"{layout.kind}.md", guide))
    if layouts:
        written.append(_write(docs / "forms" / "index.md", forms_index(layouts)))
        nav.append({"Form guides": ["forms/index.md", *[f"forms/{layout.kind}.md" for layout in layouts]]})
    written.append(_write(docs / "downloads" / "index.md", downloads_page(downloads)))
    nav.append({"Downloads": "downloads/index.md"})
    offered = available_includes()
    for name, text in offered.items():
        written.append(_write(docs / "includes" / name, text))
    check_includes(docs, offered)
    return Generated(written, downloads, nav)


def _home_page(settings: ProjectSettings) -> str:
    """A project without an ``index.md`` of its own still has a home page."""
    return "\n".join(
        [
            f"# {esc(settings.partnership)}",
            "",
            GENERATED_NOTE.format(source="commission.yaml (write site/index.md to replace this page)"),
            "",
            "Guidance, form guides and blank forms to download. Choose from the menu.",
            "",
        ]
    )


def _logo(settings: ProjectSettings, docs: Path) -> str | None:
    """The logo, copied beside the assets; its path as the theme wants it."""
    if settings.logo is None:
        return None
    shutil.copyfile(settings.logo, docs / "assets" / settings.logo.name)
    return f"assets/{settings.logo.name}"


def assemble(out: Path, source: Path | None = None, work: Path | None = None) -> Assembled:
    """The docs folder and the mkdocs config for ``out``, in ``work`` (``<out>-source`` unless told)."""
    source = find_source(source)
    out = (out if out.is_absolute() else Path.cwd() / out).resolve()
    if out.is_relative_to((source / "site").resolve()):
        raise CommissionError(f"{out}: the site cannot be built inside site/, which is its source.")
    work = (work or out.with_name(f"{out.name}-source")).resolve()
    if work.is_relative_to((source / "site").resolve()) or out.is_relative_to(work) or work.is_relative_to(out):
        raise CommissionError(f"{work}: the work folder must be outside site/ and apart from the built site.")
    docs = work / "docs"
    copy_project_site(source / "site", docs, GENERATED)
    settings = project_settings()
    if not (docs / "index.md").is_file():
        _write(docs / "index.md", _home_page(settings))
    _write(docs / COLOURS_CSS, colours_css(settings.colours))
    generated = generate_pages(docs)
    config = mkdocs_config(source, docs, out, settings, generated.nav, GENERATED, _logo(settings, docs))
    path = _write(work / CONFIG_FILE, yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return Assembled(out, docs, path, generated)


def build_site(out: Path = DEFAULT_OUT, source: Path | None = None, work: Path | None = None) -> BuildResult:
    """Put the site together in ``work``, then run ``mkdocs build --strict`` into ``out``."""
    made = assemble(out, source, work)
    # Not --quiet: it hides the warnings that --strict counts, and the build would pass.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--config-file", str(made.config)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, cwd=made.config.parent, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SiteBuildError(f"mkdocs could not build the site:\n{(done.stdout + done.stderr).strip()}")
    pages = sorted(made.out.rglob("*.html"))
    return BuildResult(made.out, pages, made.generated.downloads, made.docs, made.config)
