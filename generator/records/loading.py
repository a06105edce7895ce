"""Read a record from a JSON or YAML file, safely.

Records are data, never code: YAML goes through the safe loader with aliases
refused (so a "billion laughs" file cannot eat memory), files are size-capped,
and YAML dates become ISO strings so they validate the same as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from .bounded_read import read_bounded
from .errors import UnreadableFileError

__all__ = ["MAX_DATA_FILE_BYTES", "load_data_file", "parse_data_text"]

MAX_DATA_FILE_BYTES = 10 * 1024 * 1024


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases (no record needs them)."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in records", event.start_mark
            )
        return super().compose_node(parent, index)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def parse_data_text(text: str, name: str, *, yaml_first: bool) -> Any:
    """Decode JSON or YAML text; ``name`` goes into any error."""
    try:
        if not yaml_first:
            return json.loads(text)
        return _plain(yaml.load(text, Loader=_NoAliasLoader))  # noqa: S506 - a SafeLoader subclass
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(
            name, f"this is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UnreadableFileError(name, f"this is not valid YAML{where}: {problem}") from exc


def load_data_file(path: Path | str) -> Any:
    """A record from ``.json``, ``.yaml`` or ``.yml``; anything else is tried as JSON, then YAML."""
    path = Path(path)
    raw = read_bounded(path, MAX_DATA_FILE_BYTES, "records")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(path, f"the file is not UTF-8 text (bad byte at position {exc.start})") from exc
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return parse_data_text(text, str(path), yaml_first=True)
    if suffix == ".json":
        return parse_data_text(text, str(path), yaml_first=False)
    try:
        return parse_data_text(text, str(path), yaml_first=False)
    except UnreadableFileError:
        return parse_data_text(text, str(path), yaml_first=True)
