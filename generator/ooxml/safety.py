"""Open untrusted packages safely: one hardened XML parser, and a zip opened with limits.

Returns come from outside. A zip bomb, an entity bomb or an external entity
must fail fast with a reason, in bounded time and memory. Neither OOXML nor
ODF ever needs a DOCTYPE, so any part that has one is refused outright. The
checks are the same for both; ``document`` only names the kind of file in the
reasons ("Word", or "OpenDocument" for the ODF reader in ``generator.odf``).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from .prolog import declares_doctype, mentions_doctype
from .zipread import checksum, declared_entries, entry_span, first_overlap, inflate

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
#: Parts that hold XML: OOXML's parts and relationships, ODF's parts and its RDF metadata (manifest.rdf).
_XML_SUFFIXES = (".xml", ".rels", ".rdf")
#: Enough of a part to hold its prolog: the XML declaration, and the DOCTYPE if any.
_HEAD = 256


class PackageError(Exception):
    """The package cannot be read safely; ``reason`` is written for the sender."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        #: What the zip or XML library said, kept for an officer (``flags.detail``), never in ``reason``.
        self.detail = detail
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
#: What unpacking a damaged, truncated or encrypted entry raises, in zipfile or zlib.
_UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError)


def _damaged(part: str, why: str = "") -> str:
    """Damage told in our words (``why`` is ours too; what zlib or zipfile said goes in ``PackageError.detail``)."""
    because = f" ({why})" if why else ""
    return (
        f"the file is damaged: its part {part} cannot be unpacked{because}; "
        "please save the form again and send it again"
    )


def _doctype_refusal(part: str, document: str) -> str:
    return f"its part {part} declares a DOCTYPE, which {document} files never need, so it was not read"


def parse_xml(data: bytes, part: str, document: str = "Word") -> etree._Element:
    """Parse one part with the hardened parser; refuse any DOCTYPE.

    The prolog is checked before parsing (the whole part when the prolog
    cannot tell), and the parser's own record of a DOCTYPE after.
    """
    found = declares_doctype(data[:_HEAD])
    if found or (found is None and mentions_doctype(data)):
        raise PackageError(_doctype_refusal(part, document))
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise PackageError(
            f"the file is damaged: its part {part} is not complete XML; please save the form again and send it again",
            exc.msg,
        ) from None
    if root.getroottree().docinfo.doctype:
        raise PackageError(_doctype_refusal(part, document))
    return root


class Package:
    """Parts of a zip read on demand, each bounded by declared and actual size."""

    def __init__(self, archive: zipfile.ZipFile, data: bytes, document: str = "Word") -> None:
        self._archive = archive
        self.document = document
        self._data = memoryview(data)
        self._infos = {info.filename: info for info in archive.infolist()}
        self._read_total = 0
        #: Parts already unpacked in full and found to match their checksum.
        self._checked: set[str] = set()
        #: Parts parsed as XML, each checked in full for a DOCTYPE as it was.
        self._parsed: set[str] = set()

    @property
    def names(self) -> list[str]:
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name in self._infos

    def _unpack(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        """At most ``limit`` bytes of a part: inflated here for plain entries, else by ``zipfile``."""
        if info.flag_bits & 0x1:  # an encrypted entry: a password-protected file, not a damaged one
            raise PackageError(
                f"its part {info.filename} cannot be unpacked: it is encrypted (the file has a password); "
                "please remove the password, save the form again and send it again"
            )
        try:
            span = entry_span(self._data, info)
            if span is not None:
                return inflate(span, info, limit)
            with self._archive.open(info) as stream:
                return stream.read(limit)
        except _UNPACK_ERRORS as exc:
            raise PackageError(_damaged(info.filename), str(exc)) from None

    def read(self, name: str) -> bytes:
        info = self._infos[name]
        if info.file_size > MAX_PART_BYTES:
            raise PackageError(f"its part {name} claims {info.file_size:,} bytes uncompressed, too large for a form")
        budget = min(MAX_PART_BYTES, MAX_TOTAL_BYTES - self._read_total)
        data = self._unpack(info, min(budget, info.file_size) + 1)
        if len(data) > budget:
            raise PackageError(f"its part {name} unpacks to more than {budget:,} bytes, too large for a form")
        self._verify(info, len(data), zlib.crc32(data))
        self._read_total += len(data)
        return data

    def _verify(self, info: zipfile.ZipInfo, size: int, crc: int) -> None:
        """The part unpacked to the size and checksum its zip entry declares, or the file is damaged."""
        if size != info.file_size:
            more = "more" if size > info.file_size else "less"
            raise PackageError(
                _damaged(info.filename, f"it holds {more} than the {info.file_size:,} bytes its zip entry declares")
            )
        if crc != info.CRC:
            raise PackageError(
                _damaged(info.filename, "its content does not match the checksum stored with it"), "Bad CRC-32"
            )
        self._checked.add(info.filename)

    def check_unread(self, doctypes_except: frozenset[str] | None = None) -> None:
        """Unpack every part not read yet and check its checksum: damage anywhere is damage.

        A damaged part we never use still means the file was damaged on its
        way (a broken download or attachment), so the sender is asked to send
        it again rather than told it is not our form. The work is bounded by
        the sizes ``open_package`` has already checked, and the parts are
        inflated a piece at a time and never kept.

        With ``doctypes_except``, every XML part but those (and those parsed here, which
        ``parse_xml`` checked in full) is refused for a DOCTYPE too, as :meth:`refuse_doctypes`
        does, its prolog taken from the same inflation as its checksum.
        """
        for name, info in self._infos.items():
            doctype_unchecked = (
                doctypes_except is not None
                and name not in doctypes_except
                and name not in self._parsed
                and name.endswith(_XML_SUFFIXES)
            )
            if name in self._checked:
                if doctype_unchecked:
                    self._refuse_doctype(name, self._unpack(info, _HEAD))
                continue
            try:
                span = entry_span(self._data, info)
                if span is None:  # an entry zipfile must read, which checks its CRC itself
                    head = self.read(name)[:_HEAD]
                else:
                    crc, size, head = checksum(span, info, info.file_size + 1, _HEAD if doctype_unchecked else 0)
            except _UNPACK_ERRORS as exc:
                raise PackageError(_damaged(name), str(exc)) from None
            if span is not None:
                self._verify(info, size, crc)
            if doctype_unchecked:
                self._refuse_doctype(name, head)

    def _refuse_doctype(self, name: str, head: bytes) -> None:
        """Refuse the part if its prolog (``head``) declares a DOCTYPE, reading it whole only if the prolog cannot tell."""
        found = declares_doctype(head)
        if found or (found is None and mentions_doctype(self.read(name))):
            raise PackageError(_doctype_refusal(name, self.document))

    def refuse_doctypes(self, parsed: frozenset[str] = frozenset()) -> None:
        """OOXML and ODF never need a DOCTYPE: refuse a package where any XML part has one.

        A DOCTYPE can only stand in the prolog, before the root element, so
        only the prolog of each part is inflated (the whole part only when its
        prolog runs past the head); the ``parsed`` parts are checked in full by
        ``parse_xml``.
        """
        for name, info in self._infos.items():
            if name in parsed or not name.endswith(_XML_SUFFIXES):
                continue
            self._refuse_doctype(name, self._unpack(info, _HEAD))

    def xml(self, name: str) -> etree._Element:
        root = parse_xml(self.read(name), name, self.document)
        self._parsed.add(name)
        return root


def _too_compressed(info: zipfile.ZipInfo) -> bool:
    return info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)


def open_package(data: bytes, document: str = "Word") -> Package:
    """A zip checked for entry count, declared sizes, compression ratio and overlapping parts before any part is read."""
    if (declared := declared_entries(data)) is not None and declared > MAX_ENTRIES:
        raise PackageError(
            f"it holds {declared:,} parts; a {document} form has a few dozen at most, so it was not read"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise PackageError(
            f"this file cannot be opened as a {document} document: it is damaged or cut short, or is another kind of "
            f"file; save the form again as a {document} document and send that",
            str(exc),
        ) from None
    if len(infos) > MAX_ENTRIES:
        raise PackageError(
            f"it holds {len(infos):,} parts; a {document} form has a few dozen at most, so it was not read"
        )
    _refuse_twins(infos, document)
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
    _refuse_overlaps(archive, data)
    return Package(archive, data, document)


def _refuse_twins(infos: list[zipfile.ZipInfo], document: str) -> None:
    """Refuse a zip holding two parts of one name: which one a program reads is its own choice.

    Python's zipfile takes the last, others the first, so the officer could see
    one ``document.xml`` and the register hold the other. Word and LibreOffice
    refuse such files too. Part names compare without regard to case, as the
    packaging standard says.
    """
    seen: set[str] = set()
    for info in infos:
        key = info.filename.casefold()
        if key in seen:
            raise PackageError(
                f"it holds two parts named {info.filename}, so different programs would show different answers; "
                f"it was not read (Word and LibreOffice refuse such a file too). Please save the form again as a "
                f"{document} file and send it again"
            )
        seen.add(key)


def _refuse_overlaps(archive: zipfile.ZipFile, data: bytes) -> None:
    """Refuse, before any part is read, parts that share bytes: a zip bomb whichever path would read them."""
    found = first_overlap(memoryview(data), archive.infolist(), archive.start_dir)
    if found is None:
        return
    part, following = found
    other = f"part {following.filename}" if following is not None else "the zip's index"
    raise PackageError(
        f"its parts overlap inside the zip (a 'zip bomb' trick: part {part.filename} runs into {other}), "
        "so it was not read"
    )
