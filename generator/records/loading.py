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
from .numbers import OutOfRange, bounded_float, bounded_int, in_range, too_many_digits

__all__ = ["MAX_DATA_FILE_BYTES", "MAX_NESTING", "load_data_file", "parse_data_text"]

MAX_DATA_FILE_BYTES = 10 * 1024 * 1024
#: Lists and mappings inside each other; no record goes past a handful, so deeper is crafted.
MAX_NESTING = 32
_TOO_DEEP = f"it is nested more than {MAX_NESTING} levels deep, which no record is"


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases (no record needs them)."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in records", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        """Integers of more digits than any answer needs stay text (Python refuses 4,300 and more)."""
        text = str(self.construct_scalar(node))
        if too_many_digits(text.replace("_", "")):
            return OutOfRange(text)
        value = super().construct_yaml_int(node)
        return value if in_range(value) else OutOfRange(text)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        """``.inf``, ``.nan`` and ``1.0e400`` stay text: no record may hold NaN or Infinity."""
        value = super().construct_yaml_float(node)
        return value if in_range(value) else OutOfRange(str(self.construct_scalar(node)))

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date that does not exist (2027-02-30) stays as written, so validation says so."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return str(self.construct_scalar(node))


for _tag, _method in (
    ("tag:yaml.org,2002:int", _NoAliasLoader.construct_yaml_int),
    ("tag:yaml.org,2002:float", _NoAliasLoader.construct_yaml_float),
    ("tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_yaml_timestamp),
):
    _NoAliasLoader.add_constructor(_tag, _method)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and mappings nest past ``limit`` (walked without recursion)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


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
            data = json.loads(text, parse_int=bounded_int, parse_float=bounded_float, parse_constant=OutOfRange)
        else:
            data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise UnreadableFileError(name, _TOO_DEEP) from None
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(
            name,
            f"this is not valid JSON: it goes wrong at line {exc.lineno}, column {exc.colno} "
            "(look there for a missing or extra comma, quote mark or bracket)",
            exc.msg,
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UnreadableFileError(
            name,
            f"this is not valid YAML{where}: look {'there' if mark else 'in it'} for a line indented differently from the ones around it, "
            "or a colon, quote mark or bracket missing or extra",
            str(problem),
        ) from exc
    if _deeper_than(data, MAX_NESTING):
        raise UnreadableFileError(name, _TOO_DEEP)
    return _plain(data) if yaml_first else data


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
