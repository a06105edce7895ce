"""Copy the files people download into the site: blank forms and JSON Schemas.

Blank forms (``forms/<kind>.docx`` and ``.pdf``) are copied when they exist;
the JSON Schemas always are, with the shared definitions they refer to. The
blank forms of older released versions (``forms/versions/<kind>/<version>/``)
are listed after them, for a bidder finishing a return begun on one.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ..records.resources import resource_dir
from ..records.schemas import kinds, schema_info, versions
from .markdown import GENERATED_NOTE, cell, esc, table

__all__ = ["FORMATS", "Download", "copy_downloads", "downloads_page", "link"]

#: Suffix -> (what a person calls it, its media type).
FORMATS = {
    ".docx": ("Word form", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pdf": ("fillable PDF form", "application/pdf"),
    ".json": ("JSON Schema", "application/schema+json"),
}


@dataclass(frozen=True)
class Download:
    kind: str
    title: str
    file: str
    size: int
    #: Set for the blank form of an older released version (the current files have none).
    version: str | None = None

    @property
    def suffix(self) -> str:
        return Path(self.file).suffix

    @property
    def label(self) -> str:
        return FORMATS[self.suffix][0]

    @property
    def size_text(self) -> str:
        return f"{self.size / 1024:,.0f} KB" if self.size >= 1024 else f"{self.size} bytes"


def copy_downloads(dest: Path) -> list[Download]:
    """Copy every downloadable file into ``dest``; return what was copied, form by form."""
    dest.mkdir(parents=True, exist_ok=True)
    found: list[tuple[str, str, Path]] = []
    for kind in kinds():
        title = schema_info(kind).title
        for suffix in (".docx", ".pdf"):
            form = resource_dir("forms") / f"{kind}{suffix}"
            if form.is_file():
                found.append((kind, title, form))
        found.append((kind, title, resource_dir("schemas") / f"{kind}.schema.json"))
    found.append(("defs", "Shared definitions", resource_dir("schemas") / "defs.schema.json"))
    out = []
    for kind, title, source in found:
        shutil.copyfile(source, dest / source.name)
        out.append(Download(kind, title, source.name, source.stat().st_size))
    return out + _older_forms(dest)


def _older_forms(dest: Path) -> list[Download]:
    """The frozen blank forms of every version but the current one, newest first, as ``<kind>-<version>.docx``."""
    out = []
    for kind in kinds():
        info = schema_info(kind)
        for version in reversed(versions(kind)):
            folder = resource_dir("forms") / "versions" / kind / version
            if version == info.version or not folder.is_dir():
                continue
            for suffix in (".docx", ".pdf"):
                if (source := folder / f"{kind}{suffix}").is_file():
                    name = f"{kind}-{version}{suffix}"
                    shutil.copyfile(source, dest / name)
                    out.append(Download(kind, info.title, name, source.stat().st_size, version))
    return out


def link(download: Download, prefix: str = "") -> str:
    """A Markdown link that makes the browser save the file."""
    text = f"{download.title}: {download.label} ({download.suffix.lstrip('.').upper()}, {download.size_text})"
    return f'[{esc(text)}]({prefix}{download.file}){{ download="{download.file}" }}'


def _row(download: Download) -> list[str]:
    file = f'[{esc(download.file)}]({download.file}){{ download="{download.file}" }}'
    first = [cell(download.title)] + ([cell(download.version)] if download.version else [])
    return [*first, file, cell(download.label), cell(download.size_text)]


def _older_section(older: list[Download]) -> list[str]:
    if not older:
        return []
    return [
        "",
        "## Older versions of the forms",
        "",
        "Use one of these only to finish a return you began on an older form: returns made on any version "
        "listed here are still read, by the version they were made on. For a new return, use the forms above.",
        "",
        table(["Document", "Version", "File", "What it is", "Size"], [_row(d) for d in older]),
    ]


def downloads_page(downloads: list[Download]) -> str:
    """The page listing every file to download: the current files, then older versions' blank forms."""
    rows = [_row(d) for d in downloads if d.version is None]
    return "\n".join(
        [
            "# Downloads",
            "",
            GENERATED_NOTE.format(source="forms/ and schemas/"),
            "",
            "Blank forms to fill in, and the JSON Schemas that say exactly what each form's answers may be. "
            "The forms and the schemas are made from the same source, so they always agree.",
            "",
            "- A **Word form** opens in Microsoft Word or LibreOffice. Type in the grey boxes.",
            "- A **fillable PDF form** opens in any PDF reader that can fill in forms.",
            "- A **JSON Schema** is for people who work with the data in other software. "
            "The shared definitions file holds the parts every schema uses.",
            "",
            table(["Document", "File", "What it is", "Size"], rows),
            *_older_section([d for d in downloads if d.version is not None]),
        ]
    )
