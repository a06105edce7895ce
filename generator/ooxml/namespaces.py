"""Namespace URIs of the parts we write and read, and ``qn('w:tag')`` to spell names."""

from __future__ import annotations

from functools import cache

__all__ = ["NS", "STRICT_W", "qn"]

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "ds": "http://schemas.openxmlformats.org/officeDocument/2006/customXml",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
#: The main namespace of ISO 29500 Strict documents, which we do not read.
STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"


@cache
def qn(name: str) -> str:
    """'w:sdt' -> '{http://...}sdt' (Clark notation, as lxml wants)."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"
