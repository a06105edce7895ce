"""What every letter shares: its template, filling it in, safe unique file names, a folder replaced whole.

A letter's template is the project's ``templates/<name>.docx`` if it has one,
else the built-in one, so a project made before a letter existed still gets
it. The data a letter is filled from is the toolkit's own (built by the
letter's module, never typed by a bidder as code): it is checked against
the letter's schema when the project has it (``schemas/<name>.schema.json``),
every value is escaped by the engine, and characters XML cannot hold are
removed first.

File names come from text a bidder typed (an organisation's name), so they
are cut down to ASCII letters, digits and hyphens: no path separators, no
dots, no names Windows reserves, never empty, and two letters never share a
name, whatever the case.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..documents.file_names import FileNames
from ..documents.render_context import document_title
from ..records.issues import Issue
from ..records.resources import builtin_root, resource_dir
from ..records.schemas import kind_of_id, kinds, schema_info
from ..records.validation import validate_record

__all__ = [
    "FileNames",
    "letter_template",
    "letter_title",
    "render_letter",
    "replaced_folder",
    "safe_stem",
    "without_empty",
]

_NOT_SAFE = re.compile(r"[^a-z0-9]+")
_STEM_LIMIT = 60
#: Names Windows will not give a file, whatever its extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}


def letter_template(name: str) -> Path:
    """The project's template of this letter, else the built-in one."""
    own = resource_dir("templates") / f"{name}.docx"
    return own if own.is_file() else builtin_root() / "templates" / f"{name}.docx"


def without_empty(value: Any) -> Any:
    """The data with every ``None`` left out (as a record is written), for checking against the schema."""
    if isinstance(value, Mapping):
        return {key: without_empty(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_empty(item) for item in value]
    return value


def letter_title(name: str, record: Mapping[str, Any], fallback: str) -> str:
    """The letter's own name, as its schema makes it (``x-document-title``), or ``fallback`` without the schema."""
    return document_title(without_empty(record), name) if name in kinds() else fallback


def render_letter(
    name: str, context: Mapping[str, Any], *, issued: dt.date, title: str
) -> tuple[bytes | None, list[Issue]]:
    """The finished letter, or the problems that stopped it (its data does not fit the letter's schema).

    ``context`` has every name the template may use (``None`` where unknown). A template
    that cannot be filled in raises :class:`~generator.records.errors.TemplateFaultError`,
    naming the template and paragraph.
    """
    if name in kinds():
        issues = validate_record(without_empty(context), name, today=issued)
        if issues:
            return None, issues
    path = letter_template(name)
    from ..documents.template_engine import compile_template, sanitise  # docxtpl, only once a letter is due

    compiled = compile_template(path, name)
    identity = kind_of_id(compiled.identifier) if compiled.identifier else None
    version = identity[1] if identity else ""
    kind_title = schema_info(name).title if name in kinds() else title
    document = {"title": title, "kind": kind_title, "version": version, "issued": issued.isoformat()}
    return compiled.render(sanitise({**context, "document": document}), title=sanitise(title)), []


def safe_stem(*candidates: str | None) -> str:
    """The first candidate that leaves something once made safe for a file name (else ``letter``)."""
    for text in candidates:
        if not text:
            continue
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
        stem = _NOT_SAFE.sub("-", plain).strip("-")[:_STEM_LIMIT].strip("-")
        if stem:
            return f"{stem}-letter" if stem in _RESERVED else stem
    return "letter"


@contextlib.contextmanager
def replaced_folder(target: Path) -> Iterator[Path]:
    """A fresh folder to write into; it replaces ``target`` whole when the block succeeds.

    So a letter from an earlier run never lingers beside this run's, and a run
    stopped part way leaves the previous letters as they were.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):  # from a run that was killed
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
    fresh = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    umask = os.umask(0)
    os.umask(umask)
    fresh.chmod(0o777 & ~umask)  # an ordinary folder (mkdtemp's is private), for colleagues who share OUT_DIR
    try:
        yield fresh
        old = None
        if target.exists() or target.is_symlink():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
            target.replace(old / target.name)
        fresh.replace(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if fresh.exists():
            shutil.rmtree(fresh, ignore_errors=True)
