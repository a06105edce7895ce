"""The one mapping between JSON Pointers and PDF field names.

A dot in a field name means hierarchy to Acrobat and pdftk, so names never
contain one. A field is named by its JSON Pointer without the leading slash
(``/applicant/organisation`` -> ``applicant/organisation``,
``/outcomes/0/description`` -> ``outcomes/0/description``). Each option of a
set of check boxes is its own box, named by the pointer and the option's
position in the schema's list after a ``#``, which never occurs in our
pointers (``/districts`` option 2 -> ``districts#2``). One hidden, read-only
field, ``#form``, repeats the form's kind and version, because some fillers
(PyPDFForm) drop the document information where they are first recorded.
"""

from __future__ import annotations

__all__ = ["IDENTITY_FIELD", "MAX_FIELD_DEPTH", "OPTION_MARK", "field_name", "option_field_name", "split_field_name"]

OPTION_MARK = "#"
IDENTITY_FIELD = "#form"
#: How deep a field tree may nest; ours are flat, so a deeper tree is crafted or looping and is not followed.
MAX_FIELD_DEPTH = 20


def field_name(pointer: str) -> str:
    """The PDF field name of a JSON Pointer."""
    if not pointer.startswith("/") or "." in pointer or OPTION_MARK in pointer:
        raise ValueError(f"{pointer!r} cannot name a PDF field: pointers start with '/' and hold no '.' or '#'")
    return pointer[1:]


def option_field_name(pointer: str, index: int) -> str:
    """The name of the box for option ``index`` of a set of check boxes."""
    return f"{field_name(pointer)}{OPTION_MARK}{index}"


def split_field_name(name: str) -> tuple[str, int | None]:
    """A field name back to (JSON Pointer, option index or None)."""
    base, mark, index = name.partition(OPTION_MARK)
    if mark and index.isdigit():
        return "/" + base, int(index)
    return "/" + name, None
