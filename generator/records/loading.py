"""Read a record from a JSON or YAML file, safely.

Records are data, never code: YAML goes through the safe loader with aliases
refused (so a "billion laughs" file cannot eat memory), files are size-capped,
and YAML dates become ISO strings so they validate the same as JSON.

libyaml's ``CSafeLoader``, when PyYAML has it, reads YAML about seven times faster,
but composes in C, past our alias check, and recurses in C without Python's limit
(a few tens of thousands of ``[`` crash the process). So it reads only text that
cannot hold an alias (no ``*``) and cannot nest deep enough to matter; everything
else, and any text it refuses (for the pure loader's message), goes to the pure-Python
loader as before. Both give the same result: tests/test_yaml_loaders.py.
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

__all__ = ["MAX_DATA_FILE_BYTES", "MAX_NESTING", "load_data_file", "load_project_yaml", "parse_data_text"]

MAX_DATA_FILE_BYTES = 10 * 1024 * 1024
#: Lists and mappings inside each other; no record goes past a handful, so deeper is crafted.
MAX_NESTING = 32
_TOO_DEEP = f"it is nested more than {MAX_NESTING} levels deep, which no record is"


class _Answers:
    """How answers are read from YAML scalars, the same by the pure-Python and the libyaml loader."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        """Integers of more digits than any answer needs stay text (Python refuses 4,300 and more)."""
        text = str(self.construct_scalar(node))  # type: ignore[attr-defined]
        if too_many_digits(text.replace("_", "")):
            return OutOfRange(text)
        value = super().construct_yaml_int(node)  # type: ignore[misc]
        return value if in_range(value) else OutOfRange(text)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        """``.inf``, ``.nan`` and ``1.0e400`` stay text: no record may hold NaN or Infinity."""
        value = super().construct_yaml_float(node)  # type: ignore[misc]
        return value if in_range(value) else OutOfRange(str(self.construct_scalar(node)))  # type: ignore[attr-defined]

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date that does not exist (2027-02-30) stays as written, so validation says so."""
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except ValueError:
            return str(self.construct_scalar(node))  # type: ignore[attr-defined]


_ALIAS_REFUSED = "YAML aliases (*name) are not allowed in records"


class _NoAliasLoader(_Answers, yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases (no record needs them)."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, _ALIAS_REFUSED, event.start_mark)
        return super().compose_node(parent, index)


#: libyaml's safe loader with the same answers, or None when PyYAML was built without libyaml.
_LibyamlLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _LibyamlLoader(_Answers, yaml.CSafeLoader):  # type: ignore[no-redef]
        """libyaml's safe loader: only for text :func:`_libyaml_may_read` lets through."""


for _loader in (_NoAliasLoader, _LibyamlLoader):
    if _loader is None:
        continue
    for _tag, _method in (
        ("tag:yaml.org,2002:int", _Answers.construct_yaml_int),
        ("tag:yaml.org,2002:float", _Answers.construct_yaml_float),
        ("tag:yaml.org,2002:timestamp", _Answers.construct_yaml_timestamp),
    ):
        _loader.add_constructor(_tag, _method)

#: Nesting the libyaml loader is given at most: its C recursion crashed past 20,000 levels here.
_LIBYAML_MAX_DEPTH = 4000


def _libyaml_may_read(text: str) -> bool:
    """Whether ``text`` cannot hold an alias and cannot nest past ``_LIBYAML_MAX_DEPTH``.

    An alias needs a ``*``. Nesting is bounded by the flow brackets opened plus, for
    block nesting, twice the longest line (each block level is indented further, and a
    compact sequence under a key at most doubles the levels per column).
    """
    return "*" not in text and _shallow_enough_for_libyaml(text)


def _load_yaml(text: str) -> Any:
    """YAML through libyaml when it may read ``text`` safely, else (and for any error's message) pure Python."""
    if _LibyamlLoader is not None and _libyaml_may_read(text):
        try:
            return yaml.load(text, Loader=_LibyamlLoader)  # noqa: S506 - a CSafeLoader subclass
        except yaml.YAMLError:
            pass  # the pure-Python loader says what is wrong, in its own words
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass


def _shallow_enough_for_libyaml(text: str) -> bool:
    """Whether ``text`` cannot nest past ``_LIBYAML_MAX_DEPTH`` (the bound :func:`_libyaml_may_read` uses)."""
    flow = text.count("[") + text.count("{")
    return flow + 2 * max(map(len, text.split("\n"))) <= _LIBYAML_MAX_DEPTH


def load_project_yaml(text: str) -> Any:
    """A project's own YAML (a layout, rules, criteria, a timetable), read as ``yaml.safe_load`` reads it.

    These files are the council's, not a bidder's, so aliases are read as PyYAML's safe
    loader reads them. libyaml reads them when PyYAML has it and the text cannot nest
    deep enough to crash it (a layout loads in a fifth of the time: a batch loads every
    version's); any error is told by the pure-Python loader, in its words.
    """
    if getattr(yaml, "__with_libyaml__", False) and _shallow_enough_for_libyaml(text):
        try:
            return yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


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
            data = _load_yaml(text)
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
        if getattr(exc, "problem", None) == _ALIAS_REFUSED:
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise UnreadableFileError(
                name, f"this uses a YAML alias (*name){where}, which a record may not: write the answer out in full"
            ) from exc
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
