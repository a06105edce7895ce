"""Release a version of a form: freeze what bidders hold, then open the next version for editing.

Bidders keep blank forms for years, so a released version never changes: its
schema goes to ``schemas/versions/<kind>/<version>.schema.json`` and its layout
and blank Word and PDF forms to ``forms/versions/<kind>/<version>/``, and every
return made on it is read through those (``load_layout(kind, version)``).
``commission forms release KIND --next-version X.Y.Z`` does both steps; run it
*before* editing the form, never after. ``commission forms build`` only ever
writes the current forms.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..ooxml.reader import form_signature
from ..pdf.reader import read_pdf
from ..records.errors import CommissionError
from ..records.resources import resource_dir
from ..records.schemas import SchemaInfo, forget_schemas, schema_info, versioned_id
from .build import BUILDERS
from .layout import forget_layouts, frozen_folder, layout_path, load_layout
from .matching import forget_lookups

__all__ = ["freeze", "frozen_files", "release", "same_form"]

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def _parts(version: str) -> tuple[int, int, int]:
    match = _VERSION.fullmatch(version)
    if not match:
        raise CommissionError(f"'{version}' is not a version number such as 1.1.0 (three numbers with dots).")
    return int(match[1]), int(match[2]), int(match[3])


def _pdf_signature(data: bytes) -> tuple[Any, ...]:
    found = read_pdf(data, "form.pdf")
    return found.kind, found.version, tuple(sorted(found.answers))


#: How two blank forms are compared: what makes them the same form, not their bytes (which carry build times).
_SIGNATURES: dict[str, Callable[[bytes], Any]] = {".docx": form_signature, ".pdf": _pdf_signature}


def same_form(suffix: str, one: bytes, other: bytes) -> bool:
    """Whether two blank forms ask the same questions in the same boxes, for the same kind and version."""
    return _SIGNATURES[suffix](one) == _SIGNATURES[suffix](other)


def frozen_files(kind: str) -> dict[Path, bytes]:
    """What freezing the current version of ``kind`` writes: its layout and blank forms, built now."""
    layout = load_layout(kind)
    folder = frozen_folder(kind, layout.version)
    files = {folder / "layout.yaml": layout_path(kind).read_bytes()}
    with tempfile.TemporaryDirectory() as scratch:
        for suffix, builder in BUILDERS:
            files[folder / f"{kind}{suffix}"] = builder(layout, Path(scratch) / f"{kind}{suffix}").read_bytes()
    return files


def _unchanged(path: Path, data: bytes) -> bool:
    if path.suffix in _SIGNATURES:
        return same_form(path.suffix, path.read_bytes(), data)
    return path.read_bytes() == data


def _write_frozen(files: dict[Path, bytes], version: str, kind: str) -> list[Path]:
    """Write files that are not there yet; refuse if one that is there would change."""
    changed = [path for path, data in files.items() if path.exists() and not _unchanged(path, data)]
    if changed:
        names = ", ".join(str(path) for path in changed)
        raise CommissionError(
            f"Version {version} of the {kind} form is already released and its files would change ({names}). "
            "A released version is never changed: give the edited form a new version with "
            f"'commission forms release {kind} --next-version X.Y.Z' before editing it, or undo the edits."
        )
    written = []
    for path, data in files.items():
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    return written


def freeze(kind: str) -> list[Path]:
    """Freeze the current version's layout and blank forms (the schema stays current until the next release)."""
    return _write_frozen(frozen_files(kind), schema_info(kind).version, kind)


def _next_version_text(schema_file: Path, text: str, info: SchemaInfo, next_version: str) -> str:
    """The current schema's text with its version moved on: in its ``$id`` and, if it has one, its ``x-version``.

    The ``$id`` must change with the version, whatever its shape, because the frozen copy
    keeps the old one and one registry holds both.
    """
    new_id = versioned_id(info, next_version)
    if new_id is None:
        raise CommissionError(
            f"{schema_file}: its $id '{info.id}' does not end in the version ({info.version}), so the released "
            "copy and the next version would share it; end the $id with <kind>/<version> before releasing."
        )
    if json.loads(text).get("$id") != info.id or text.count(json.dumps(info.id)) != 1:
        raise CommissionError(f"{schema_file}: its $id could not be found to change it to {new_id}.")
    text = text.replace(json.dumps(info.id), json.dumps(new_id))
    if "x-version" in info.contents:
        declared = re.compile(r'("x-version"\s*:\s*)' + re.escape(json.dumps(info.version)))
        text, count = declared.subn(lambda match: match[1] + json.dumps(next_version), text)
        if count != 1:
            raise CommissionError(f"{schema_file}: its x-version could not be found to change it to {next_version}.")
    return text


def release(kind: str, next_version: str) -> list[Path]:
    """Freeze the current version of ``kind`` and make ``next_version`` the current one, ready to edit."""
    info = schema_info(kind)
    if _parts(next_version) <= _parts(info.version):
        raise CommissionError(
            f"The {kind} form is at version {info.version}; the next version must be higher, not {next_version}."
        )
    schema_file = resource_dir("schemas") / f"{kind}.schema.json"
    text = schema_file.read_text(encoding="utf-8")
    renamed = _next_version_text(schema_file, text, info, next_version)  # checked before writing anything
    written = freeze(kind)
    frozen_schema = resource_dir("schemas") / "versions" / kind / f"{info.version}.schema.json"
    written += _write_frozen({frozen_schema: text.encode("utf-8")}, info.version, kind)
    schema_file.write_text(renamed, encoding="utf-8")
    for forget in (forget_schemas, forget_layouts, forget_lookups):  # this process read the old version
        forget()
    current = load_layout(kind)  # the current layout, checked against the renamed schema
    for suffix, builder in BUILDERS:
        written.append(builder(current, resource_dir("forms") / f"{kind}{suffix}"))
    return [*written, schema_file]
