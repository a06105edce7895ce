"""Small questions asked of pikepdf objects read from an untrusted file: what kind is it, which object, its text.

pikepdf resolves indirect references as they are read, so a loop of
references is told apart by each object's number (:func:`object_key`); every
list is checked against :data:`.guard.MAX_LIST_ENTRIES` before it is walked.
"""

from __future__ import annotations

from typing import Any

import pikepdf

from .guard import MAX_LIST_ENTRIES, ListTooLong, stream_bytes

__all__ = ["entries", "is_array", "is_dict", "is_name", "is_stream", "object_key", "seldom_set", "text"]

_DICTIONARY = pikepdf.ObjectType.dictionary
_STREAM = pikepdf.ObjectType.stream
_ARRAY = pikepdf.ObjectType.array
_NAME = pikepdf.ObjectType.name_
_STRING = pikepdf.ObjectType.string


def _type(obj: Any) -> Any:
    return obj._type_code if isinstance(obj, pikepdf.Object) else None


def is_dict(obj: Any) -> bool:
    """A dictionary, or a stream (whose dictionary is read the same way)."""
    return _type(obj) in (_DICTIONARY, _STREAM)


def is_stream(obj: Any) -> bool:
    return _type(obj) == _STREAM


def is_array(obj: Any) -> bool:
    return _type(obj) == _ARRAY


def is_name(obj: Any) -> bool:
    return _type(obj) == _NAME


def is_string(obj: Any) -> bool:
    return _type(obj) == _STRING


def object_key(obj: Any) -> int | None:
    """The object's number if it is an indirect object (each is walked once), else None."""
    if not isinstance(obj, pikepdf.Object):
        return None
    number = obj.objgen[0]
    return number or None


def seldom_set(node: Any, key: str) -> Any:
    """A dictionary's entry that most dictionaries lack (a field's actions, a widget's /Kids), else None.

    pikepdf's ``get`` of a missing key raises and catches a C++ exception, about six
    times the cost of asking whether the key is there first; for a key that is
    usually there, ``get`` alone is the cheaper.
    """
    return node.get(key) if key in node else None


def entries(array: Any) -> list[Any]:
    """An array's items; [] for anything else; :class:`ListTooLong` past the bound on lists."""
    if not is_array(array):
        return []
    if len(array) > MAX_LIST_ENTRIES:
        raise ListTooLong
    return list(array)


def _written(value: Any, budget: list[int]) -> str:
    """A dictionary or list written out as Python writes one (how such a value was always kept), bounded."""
    budget[0] -= 1
    if budget[0] < 0:
        return "..."
    if is_dict(value):
        return "{" + ", ".join(f"{key!r}: {_written(value.get(key), budget)}" for key in sorted(value.keys())) + "}"
    if is_array(value):
        return "[" + ", ".join(_written(item, budget) for item in entries(value)) + "]"
    if is_name(value) or is_string(value):
        return repr(str(value))
    return repr(value)


def text(value: Any) -> str:
    """A value as text, line ends made ``\\n``: a string decoded, a stream's bytes as UTF-8."""
    kind = _type(value)
    if kind == _STREAM:
        value = stream_bytes(value).decode("utf-8", "replace")
    elif kind in (_DICTIONARY, _ARRAY):
        value = _written(value, [MAX_LIST_ENTRIES])
    return str(value).replace("\r\n", "\n").replace("\r", "\n")
