"""Namespace URIs of the ODF parts we read, and ``qn('text:p')`` to spell names."""

from __future__ import annotations

from functools import cache

__all__ = ["NS", "qn"]

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
    "script": "urn:oasis:names:tc:opendocument:xmlns:script:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    #: LibreOffice's extensions, where it keeps Word's content controls.
    "loext": "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0",
}


@cache
def qn(name: str) -> str:
    """'text:p' -> '{urn:...:text:1.0}p' (Clark notation, as lxml wants)."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"
