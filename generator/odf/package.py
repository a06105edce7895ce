"""What kind of OpenDocument a file is, and the ODF packages we refuse before reading any content.

An ODF package names its type in its ``mimetype`` entry (first in the zip,
stored) and again in ``META-INF/manifest.xml`` (the entry for ``/``). Only
OpenDocument Text is a return; a template, a spreadsheet or a flat XML file
gets a plain refusal saying what to send instead. Macros live in ``Basic/``
and ``Scripts/`` entries (listed in the manifest) and in event listeners:
they are refused, never run. A password-protected package has encryption
data in its manifest.
"""

from __future__ import annotations

import re

from lxml import etree

from ..ooxml.safety import Package, PackageError
from .namespaces import NS, qn

__all__ = ["TEXT", "flat_media_type", "flat_refusal", "refuse_scripts", "refuse_unless_text"]

TEXT = "application/vnd.oasis.opendocument.text"
_PREFIX = "application/vnd.oasis.opendocument."
_MANIFEST = "META-INF/manifest.xml"
#: What each OpenDocument type is called for a bidder, with its usual extension.
_NAMES = {
    "text-template": "a LibreOffice text template (.ott)",
    "text-master": "a LibreOffice master document (.odm)",
    "text-web": "an HTML document template (.oth)",
    "spreadsheet": "a spreadsheet (.ods)",
    "spreadsheet-template": "a spreadsheet template (.ots)",
    "presentation": "a presentation (.odp)",
    "presentation-template": "a presentation template (.otp)",
    "graphics": "a drawing (.odg)",
    "graphics-template": "a drawing template (.otg)",
    "chart": "a chart (.odc)",
    "formula": "a formula (.odf)",
    "database": "a database (.odb)",
    "image": "an image (.odi)",
}
_SEND = "please send the completed form as a Word document (.docx), OpenDocument Text (.odt) or PDF"
_MACROS = (
    "it contains macros; macros are never run here, so it was not read; "
    "please save it again without macros (File > Save As, OpenDocument Text or Word document) and send it again"
)
_ENCRYPTED = (
    "it is password-protected, so it cannot be read; "
    "please remove the password (File > Properties > Security in LibreOffice), save it and send it again"
)
_MACRO_FOLDERS = ("Basic/", "Scripts/")
#: A flat ODF file says its type on its root element, in the first few hundred bytes.
_FLAT_TYPE = re.compile(rb"office:mimetype\s*=\s*[\"'](application/vnd\.oasis\.opendocument\.[a-z-]+)[\"']")
_OFFICE_NS = NS["office"].encode()


def _manifest_entries(package: Package) -> list[etree._Element]:
    if not package.has(_MANIFEST):
        return []
    return list(package.xml(_MANIFEST).iter(qn("manifest:file-entry")))


def _media_type(package: Package, entries: list[etree._Element]) -> str | None:
    if package.has("mimetype"):
        return package.read("mimetype").decode("ascii", errors="replace").strip()
    for entry in entries:
        if entry.get(qn("manifest:full-path")) == "/":
            return (entry.get(qn("manifest:media-type")) or "").strip()
    return None


def _not_text(media_type: str) -> str:
    name = _NAMES.get(media_type.removeprefix(_PREFIX), f"an OpenDocument file of type {media_type}")
    return f"this is {name}, not a filled-in form; {_SEND}"


def refuse_unless_text(package: Package) -> None:
    """Refuse (``PackageError``) a package that is not plain OpenDocument Text, or is encrypted or holds macros."""
    entries = _manifest_entries(package)
    media_type = _media_type(package, entries)
    if media_type is None or not media_type.startswith(_PREFIX):
        raise PackageError(f"it is a zip file but not an OpenDocument or Word document; {_SEND}")
    if media_type != TEXT:
        raise PackageError(_not_text(media_type))
    paths = [entry.get(qn("manifest:full-path"), "") for entry in entries]
    if any(name.startswith(_MACRO_FOLDERS) for name in [*package.names, *paths]):
        raise PackageError(_MACROS)
    if any(entry.find(qn("manifest:encryption-data")) is not None for entry in entries):
        raise PackageError(_ENCRYPTED)
    if not package.has("content.xml"):
        raise PackageError(f"it is an OpenDocument file with no content (no content.xml); {_SEND}")


def refuse_scripts(root: etree._Element) -> None:
    """Event listeners bind macros to opening, closing or clicking: a form never has one."""
    if next(root.iter(qn("script:event-listener")), None) is not None:
        raise PackageError(_MACROS)


def flat_media_type(head: bytes) -> str | None:
    """The OpenDocument type a flat XML file (.fodt, .fods) names on its root element, or None."""
    if _OFFICE_NS not in head:
        return None
    found = _FLAT_TYPE.search(head)
    return found.group(1).decode("ascii") if found else None


def flat_refusal(media_type: str) -> str:
    """Why a flat ODF file is not read, and what to send."""
    if media_type == TEXT:
        return (
            "this is a flat OpenDocument text file (.fodt), which this toolkit does not read; please open it in "
            "LibreOffice, save it as OpenDocument Text (.odt) or Word document (.docx), and send that"
        )
    return _not_text(media_type)
