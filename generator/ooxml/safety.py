"""Open untrusted packages safely: one hardened XML parser, and a zip opened with limits.

Returns come from outside. A zip bomb, an entity bomb or an external entity
must fail fast with a reason, in bounded time and memory. OOXML never needs a
DOCTYPE, so any part that has one is refused outright.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

__all__ = ["MAX_ENTRIES", "MAX_PART_BYTES", "MAX_RATIO", "Package", "PackageError", "open_package", "parse_xml"]

#: A Word form has about 20 parts; thousands means something is wrong.
MAX_ENTRIES = 500
#: No part of a genuine form comes near this once uncompressed.
MAX_PART_BYTES = 64 * 1024 * 1024
#: Total uncompressed bytes across the parts we read.
MAX_TOTAL_BYTES = 128 * 1024 * 1024
#: XML compresses well, but not this well unless it was made to.
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024
_HEAD = 4096


class PackageError(Exception):
    """The package cannot be read safely; ``reason`` is written for the sender."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


_PARSER = _parser()


def parse_xml(data: bytes, part: str) -> etree._Element:
    """Parse one part with the hardened parser; refuse any DOCTYPE."""
    if b"<!DOCTYPE" in data or b"<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E" in data:
        raise PackageError(f"its part {part} declares a DOCTYPE, which Word files never need, so it was not read")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"its part {part} is damaged XML ({exc.msg})") from None
    if root.getroottree().docinfo.doctype:
        raise PackageError(f"its part {part} declares a DOCTYPE, which Word files never need, so it was not read")
    return root


class Package:
    """Parts of a zip read on demand, each bounded by declared and actual size."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive
        self._infos = {info.filename: info for info in archive.infolist()}
        self._read_total = 0

    @property
    def names(self) -> list[str]:
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str) -> bytes:
        info = self._infos[name]
        if info.file_size > MAX_PART_BYTES:
            raise PackageError(f"its part {name} claims {info.file_size:,} bytes uncompressed, too large for a form")
        budget = min(MAX_PART_BYTES, MAX_TOTAL_BYTES - self._read_total)
        try:
            with self._archive.open(info) as stream:
                data = stream.read(budget + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise PackageError(f"its part {name} cannot be unpacked ({exc})") from None
        if len(data) > budget:
            raise PackageError(f"its part {name} unpacks to more than {budget:,} bytes, too large for a form")
        self._read_total += len(data)
        return data

    def refuse_doctypes(self, parsed: frozenset[str] = frozenset()) -> None:
        """OOXML never needs a DOCTYPE: refuse a package where any XML part has one.

        A DOCTYPE can only stand before the root element, so the head of each
        part is enough; the ``parsed`` parts are checked in full by ``parse_xml``.
        """
        for name, info in self._infos.items():
            if name in parsed or not name.endswith((".xml", ".rels")):
                continue
            try:
                with self._archive.open(info) as stream:
                    head = stream.read(_HEAD)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
                raise PackageError(f"its part {name} cannot be unpacked ({exc})") from None
            if b"<!DOCTYPE" in head or b"<\x00!\x00D\x00O\x00C" in head:
                raise PackageError(
                    f"its part {name} declares a DOCTYPE, which Word files never need, so it was not read"
                )

    def xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), name)


def _too_compressed(info: zipfile.ZipInfo) -> bool:
    return info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)


def open_package(data: bytes) -> Package:
    """A zip checked for entry count, declared sizes and compression ratio before any part is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise PackageError(f"it is not a complete Word file (the zip is damaged or cut short: {exc})") from None
    if len(infos) > MAX_ENTRIES:
        raise PackageError(f"it holds {len(infos):,} parts; a Word form has a few dozen at most, so it was not read")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or _too_compressed(info):
            raise PackageError(
                f"its part {info.filename} would unpack to {info.file_size:,} bytes from {info.compress_size:,} "
                "(a 'zip bomb'), so it was not read"
            )
    if total > MAX_TOTAL_BYTES:
        raise PackageError(f"it would unpack to {total:,} bytes in all, far more than any form, so it was not read")
    return Package(archive)
