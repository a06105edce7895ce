"""Put a project's site together: its own notes and assets, the built-in assets, and the mkdocs config.

A project's ``site/`` holds only what the council wrote (an ``index.md``, notes
in folders, its own ``assets/``); it may be read-only, as the built-in example is
inside an installed package. So the build copies it into a work folder, adds the
built-in assets the project has not replaced, and writes the configuration
there: the nav from what exists, the name, colours, logo and contact line from
``commission.yaml``.
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..records.errors import CommissionError
from ..records.loading import load_project_yaml
from ..records.project import Contact, ProjectSettings
from ..records.resources import builtin_root

__all__ = [
    "BUILTIN_ASSETS",
    "CONFIG_FILE",
    "contact_line",
    "copy_project_site",
    "merge_nav",
    "mkdocs_config",
    "own_nav",
]

#: The project's own mkdocs settings, if any (theme features, extensions, a ``nav:`` of its own pages).
CONFIG_FILE = "mkdocs.yml"
#: Assets the built-in site brings; a project's file of the same name replaces one.
BUILTIN_ASSETS = ("extra.css", "checklists.js", "theme-fixes.js")
#: The generated stylesheet that carries the project's colours.
COLOURS_CSS = "assets/colours.css"
#: Settings of the built-in mkdocs.yml that describe the built-in example, not every project.
_EXAMPLES_OWN = ("nav", "site_name", "site_description")


def copy_project_site(site: Path, docs: Path, generated: Sequence[str]) -> None:
    """The project's own pages and assets into ``docs``, then the built-in assets it lacks."""
    shutil.rmtree(docs, ignore_errors=True)
    if site.is_dir():
        shutil.copytree(site, docs, ignore=shutil.ignore_patterns(*generated, "__pycache__"))
    (docs / "assets").mkdir(parents=True, exist_ok=True)
    for name in BUILTIN_ASSETS:
        if not (docs / "assets" / name).exists():
            shutil.copyfile(builtin_root() / "site" / "assets" / name, docs / "assets" / name)


_REFRESH = '''"""Written by `commission site build`. Do not edit.

Under `mkdocs serve`, before each rebuild: copy the project's notes that changed since into docs/ again,
so an edited note shows without building the whole site again.
"""

import shutil
from pathlib import Path

SOURCE = Path({source!r})
DOCS = Path({docs!r})
SKIP = {skip!r}


def on_pre_build(config, **kwargs):
    for path in SOURCE.rglob("*"):
        parts = path.relative_to(SOURCE).parts
        if not path.is_file() or parts[0] in SKIP:
            continue
        target = DOCS.joinpath(*parts)
        if not target.exists() or path.stat().st_mtime > target.stat().st_mtime:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
'''
#: The hook ``mkdocs serve`` runs before each rebuild, in the work folder.
REFRESH_HOOK = "refresh_notes.py"


def refresh_hook(site: Path, docs: Path, generated: Sequence[str]) -> Path:
    """Write the hook that keeps the copied notes fresh under ``mkdocs serve``; return its path."""
    path = docs.parent / REFRESH_HOOK
    text = _REFRESH.format(source=str(site.resolve()), docs=str(docs), skip=sorted({*generated, "__pycache__"}))
    path.write_text(text, encoding="utf-8")
    return path


def _title(path: Path) -> str:
    """A folder's section name: ``guidance`` -> ``Guidance``, ``how-to-bid`` -> ``How to bid``."""
    return path.name.replace("-", " ").replace("_", " ").capitalize()


def _pages(folder: Path, docs: Path) -> list[str]:
    """The Markdown files of a folder, ``index.md`` first, then by name."""
    files = sorted(folder.glob("*.md"), key=lambda p: (p.name != "index.md", p.name))
    return [p.relative_to(docs).as_posix() for p in files]


def own_nav(docs: Path, generated: Sequence[str]) -> list[Any]:
    """The project's pages in folder order: the home page, other top-level pages, then one section a folder."""
    nav: list[Any] = [{"Home": "index.md"}]
    nav += [page for page in _pages(docs, docs) if page != "index.md"]
    skip = {"assets", *generated}
    for folder in sorted(p for p in docs.iterdir() if p.is_dir() and p.name not in skip):
        if pages := _pages(folder, docs):
            nav.append({_title(folder): pages})
    return nav


def _pages_of(entry: Any) -> list[str]:
    return [entry] if isinstance(entry, str) else list(entry)


def merge_nav(own: Sequence[Any], generated: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The project's nav with each generated section it names filled from what was generated, in its order.

    A generated page the project's nav does not list goes at the end of its section; one it lists that
    was not generated (a kind the project lacks) is left out; a section it does not name goes last.
    """
    made = {title: _pages_of(pages) for section in generated for title, pages in section.items()}
    nav: list[Any] = []
    for entry in own:
        title = next(iter(entry)) if isinstance(entry, Mapping) and len(entry) == 1 else None
        if title not in made:
            nav.append(entry)
            continue
        listed = [page for page in _pages_of(entry[title]) if page in made[title]]
        pages = listed + [page for page in made.pop(title) if page not in listed]
        nav.append({title: pages[0] if len(pages) == 1 and isinstance(entry[title], str) else pages})
    nav += [{title: pages[0] if len(pages) == 1 else pages} for title, pages in made.items()]
    return nav


def _link(text: str, href: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'


def _reach(contact: Contact) -> list[str]:
    parts = [html.escape(contact.name)] if contact.name else []
    if contact.email:
        parts.append(_link(contact.email, f"mailto:{contact.email}"))
    if contact.phone:
        parts.append(_link(contact.phone, "tel:" + "".join(contact.phone.split())))
    if contact.address:
        parts.append(html.escape(contact.address))
    return parts


def contact_line(settings: ProjectSettings) -> str:
    """The footer's line: the partnership, whom to ask, where returns go and by when (HTML, escaped)."""
    parts = [html.escape(settings.partnership) + "."]
    if ask := _reach(settings.contact):
        parts.append("Questions: " + ", ".join(ask) + ".")
    if send := _reach(settings.returns):
        parts.append("Send returns to " + ", ".join(send) + ".")
    if settings.closing_date:
        day = settings.closing_date
        parts.append(f"Closing date: {day.day} {day:%B %Y}.")
    return " ".join(parts)


def _read_config(path: Path) -> dict[str, Any]:
    try:
        raw = load_project_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CommissionError(f"{path}: the site's settings cannot be read ({exc}).") from exc
    if not isinstance(raw, Mapping):
        raise CommissionError(f"{path}: holds mkdocs settings such as 'site_name: ...'.")
    return dict(raw)


#: Settings that name files or folders beside ``mkdocs.yml``, which mkdocs reads from the config's own folder.
_PATH_LISTS = ("hooks", "watch")
#: Settings that name files inside the docs folder (the project's site/, copied), or a web address.
_SITE_FILES = ("extra_css", "extra_javascript")


def _beside(value: Any, folder: Path) -> Any:
    """A path written in ``folder/mkdocs.yml``, as an absolute one (it is left alone if it is one already)."""
    return str((folder / value).resolve()) if isinstance(value, str) and not Path(value).is_absolute() else value


def anchored(config: Mapping[str, Any], folder: Path) -> dict[str, Any]:
    """A project's mkdocs settings with its paths made absolute, so they still work from the work folder.

    mkdocs reads ``hooks:``, ``watch:``, ``INHERIT:`` and ``theme: custom_dir:`` from the folder of the
    config file, which the build writes elsewhere (``<out>-source``).
    """
    out = dict(config)
    for key in _PATH_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [_beside(path, folder) for path in out[key]]
        elif isinstance(out.get(key), str):
            out[key] = [_beside(out[key], folder)]
    if "INHERIT" in out:
        out["INHERIT"] = _beside(out["INHERIT"], folder)
    theme = out.get("theme")
    if isinstance(theme, Mapping) and "custom_dir" in theme:
        out["theme"] = {**theme, "custom_dir": _beside(theme["custom_dir"], folder)}
    return out


def _check_site_files(config: Mapping[str, Any], docs: Path, own: Path) -> None:
    """Each stylesheet and script the project's mkdocs.yml names is in its site/ (or is a web address)."""
    for key in _SITE_FILES:
        for entry in config.get(key) or []:
            name = entry.get("path") if isinstance(entry, Mapping) else entry
            if not isinstance(name, str) or "://" in name or name.startswith("//") or name == COLOURS_CSS:
                continue
            if not (docs / name).is_file():
                raise CommissionError(
                    f"{own}, {key}: there is no {name} in the project's site/ folder; {key} names files there "
                    f"(such as site/{name}), or web addresses."
                )


def _with_snippets(extensions: list[Any], includes: Path) -> list[Any]:
    """The extensions, with the snippets reading the generated tables from the work folder."""
    out = [
        e for e in extensions if not (e == "pymdownx.snippets" or (isinstance(e, Mapping) and "pymdownx.snippets" in e))
    ]
    return [*out, {"pymdownx.snippets": {"base_path": [str(includes)], "check_paths": True}}]


def _palette(entries: Any) -> list[dict[str, Any]]:
    """Every scheme of the palette on the custom colours (their values are in :data:`COLOURS_CSS`)."""
    return [{**dict(entry), "primary": "custom", "accent": "custom"} for entry in entries or [{"scheme": "default"}]]


def mkdocs_config(
    source: Path,
    docs: Path,
    out: Path,
    settings: ProjectSettings,
    generated_nav: list[Any],
    generated: Sequence[str],
    logo: str | None,
) -> dict[str, Any]:
    """The built-in settings, the project's own ``mkdocs.yml`` over them, then what the build decides.

    The nav is the project's own pages (its ``nav:``, else :func:`own_nav`), then ``generated_nav``.
    """
    config = _read_config(builtin_root() / CONFIG_FILE)
    for key in _EXAMPLES_OWN:
        config.pop(key, None)
    own = source / CONFIG_FILE
    if own.is_file():
        project = anchored(_read_config(own), source)
        _check_site_files(project, docs, own)
        config.update(project)
    nav = merge_nav(config.get("nav") or own_nav(docs, generated), generated_nav)
    site = source / "site"
    if site.is_dir():
        config["watch"] = [*config.get("watch", []), str(site.resolve())]
        config["hooks"] = [*config.get("hooks", []), str(refresh_hook(site, docs, generated))]
    theme = dict(config.get("theme") or {"name": "material"})
    theme["palette"] = _palette(theme.get("palette"))
    if logo:
        theme["logo"] = logo
    config.update(
        site_name=config.get("site_name") or settings.partnership,
        site_description=config.get("site_description") or f"Guidance and forms from {settings.partnership}.",
        docs_dir=str(docs),
        site_dir=str(out),
        theme=theme,
        nav=nav,
        copyright=contact_line(settings),
        extra_css=[*[c for c in config.get("extra_css", []) if c != COLOURS_CSS], COLOURS_CSS],
        markdown_extensions=_with_snippets(list(config.get("markdown_extensions") or []), docs / "includes"),
    )
    config.setdefault("extra_javascript", [f"assets/{n}" for n in BUILTIN_ASSETS if n.endswith(".js")])
    return config
