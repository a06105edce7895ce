"""Read one zip entry straight from the bytes in memory, without ``zipfile``'s per-entry machinery.

A return is already in memory, and opening an entry through ``zipfile`` costs
more than inflating a small part. For the plain entries every office program
writes (stored or deflated, no encryption, a local header with the right
signature and the same name as the central directory) we slice and inflate the
bytes ourselves; for anything else ``entry_span`` answers None and the caller
falls back to ``zipfile``, whose checks (and refusals) then apply unchanged.
Those are the checks ``zipfile`` makes too: like it, we take the compression
method, sizes and CRC from the central directory and never from the local
header.

Entries whose bytes overlap are a zip bomb ("quoted overlap"). ``zipfile``
refuses them only where it has the gh-109858 fix (not in the 3.11.7 we run),
and only when an entry is opened through it, which our own path skips; so the
caller looks for them once, with ``first_overlap``, before reading anything.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

__all__ = ["checksum", "declared_entries", "entry_span", "first_overlap", "inflate", "member_names"]

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
#: Encrypted (bit 0), compressed patched data (bit 5), strong encryption (bit 6).
_NEEDS_ZIPFILE = (1 << 0) | (1 << 5) | (1 << 6)
_UTF8_NAME = 1 << 11
_PLAIN_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
#: Inflated a piece at a time, so checking a part keeps no more than this of it in memory (and in cache).
_CHUNK = 64 * 1024


def _name_bytes(info: zipfile.ZipInfo) -> bytes | None:
    try:
        return info.orig_filename.encode("utf-8" if info.flag_bits & _UTF8_NAME else "cp437")
    except UnicodeEncodeError:
        return None


def _local_header(data: memoryview, start: int) -> tuple[int, int] | None:
    """The name and extra-field lengths of the local header at ``start``, or None when there is none."""
    if start < 0 or start + _LOCAL_HEADER.size > len(data):
        return None
    header = _LOCAL_HEADER.unpack_from(data, start)
    if header[0] != _LOCAL_SIGNATURE:
        return None
    return header[10], header[11]


def _data_end(data: memoryview, info: zipfile.ZipInfo) -> int:
    """Where the entry's stored bytes end, as any reader would find them (header lengths from the local header)."""
    lengths = _local_header(data, info.header_offset)
    name_length, extra_length = lengths if lengths is not None else (0, 0)
    return info.header_offset + _LOCAL_HEADER.size + name_length + extra_length + info.compress_size


def first_overlap(
    data: memoryview, infos: list[zipfile.ZipInfo], end: int
) -> tuple[zipfile.ZipInfo, zipfile.ZipInfo | None] | None:
    """The first entry whose header and data run into the next entry (None: into the central directory at ``end``).

    Genuine archives lay their entries one after another. Overlapping ones let
    a small file make every entry read the same long run of bytes, so the work
    grows with entries times size. Two entries at one offset always overlap.
    One sort and one header per entry: cheap beside reading any part.
    """
    ordered = sorted(infos, key=lambda info: info.header_offset)
    for index, info in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if _data_end(data, info) > (end if following is None else following.header_offset):
            return info, following
    return None


def entry_span(data: memoryview, info: zipfile.ZipInfo) -> memoryview | None:
    """The entry's stored (compressed) bytes, or None when ``zipfile`` must read this entry itself."""
    if info.compress_type not in _PLAIN_METHODS or info.flag_bits & _NEEDS_ZIPFILE:
        return None
    start = info.header_offset
    lengths = _local_header(data, start)
    if lengths is None:
        return None
    name_length, extra_length = lengths
    name_start = start + _LOCAL_HEADER.size
    if bytes(data[name_start : name_start + name_length]) != _name_bytes(info):
        return None
    begin = name_start + name_length + extra_length
    end = begin + info.compress_size
    if end > len(data):
        return None
    return data[begin:end]


def inflate(span: memoryview, info: zipfile.ZipInfo, limit: int) -> bytes:
    """At most ``limit`` bytes of the entry's content; never inflates more than that."""
    if info.compress_type == zipfile.ZIP_STORED:
        return bytes(span[:limit])
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(span, limit)


def checksum(span: memoryview, info: zipfile.ZipInfo, limit: int, head: int = 0) -> tuple[int, int, bytes]:
    """CRC-32 and length of at most ``limit`` bytes of the entry's content, and its first ``head`` bytes.

    The content is inflated in pieces and never kept (only the head): for checking
    a part nobody reads, two to three times faster than inflating it whole, as each
    piece stays in the processor's cache while it is summed.
    """
    if info.compress_type == zipfile.ZIP_STORED:
        content = span[:limit]
        return zlib.crc32(content), len(content), bytes(content[:head])
    inflater, pending = zlib.decompressobj(-zlib.MAX_WBITS), span
    crc = size = 0
    first = b""
    while size < limit:
        piece = inflater.decompress(pending, min(_CHUNK, limit - size))
        if not piece:
            break
        if len(first) < head:
            first += piece[: head - len(first)]
        crc, size, pending = zlib.crc32(piece, crc), size + len(piece), inflater.unconsumed_tail
    return crc, size, first


#: The end-of-directory record lies in the zip's last 64 KB (its comment) plus its own 22 bytes.
_DIRECTORY_TAIL = 65_557


def declared_entries(data: bytes) -> int | None:
    """How many entries the zip's end-of-directory record (or its ZIP64 record) says it holds; None if not found.

    Read before ``zipfile`` builds an object for every entry, so a directory of
    400,000 entries is refused in microseconds rather than after seconds and
    hundreds of megabytes.
    """
    tail_start = max(len(data) - _DIRECTORY_TAIL, 0)
    end = data.rfind(b"PK\x05\x06", tail_start)
    if end < 0 or end + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, end + 10)
    if count != 0xFFFF:
        return count
    zip64 = data.rfind(b"PK\x06\x06", tail_start, end)
    if zip64 < 0 or zip64 + 40 > len(data):
        return None
    (count64,) = struct.unpack_from("<Q", data, zip64 + 32)
    return count64


_END_RECORD = struct.Struct("<4s4H2LH")
_DIRECTORY_ENTRY = struct.Struct("<4s6H3L5H2L")
_DIRECTORY_SIGNATURE = b"PK\x01\x02"
_MAX_EXTRACT_VERSION = 63


def member_names(data: bytes) -> list[str] | None:
    """The entry names of a plain zip's central directory, as ``zipfile.ZipFile(...).namelist()`` gives them.

    Only to tell what a zip is before choosing its reader: building a ``ZipFile``
    costs a fifth of reading a whole Word return, and the reader builds its own.
    None for anything but the plain case (a ZIP64 record, bytes before the zip, extra
    fields, a directory that does not parse), where the caller asks ``zipfile``.
    """
    end = data.rfind(b"PK\x05\x06", max(len(data) - _DIRECTORY_TAIL, 0))
    if end < 0 or end + _END_RECORD.size > len(data):
        return None
    _, disk, _, _, count, size, offset, _ = _END_RECORD.unpack_from(data, end)
    if disk or count == 0xFFFF or offset == 0xFFFFFFFF or offset + size != end:
        return None
    if data[max(end - 20, 0) : end - 16] == b"PK\x06\x07":  # a ZIP64 locator: zipfile reads that record instead
        return None
    names, position = [], offset
    for _ in range(count):
        if position + _DIRECTORY_ENTRY.size > end:
            return None
        entry = _DIRECTORY_ENTRY.unpack_from(data, position)
        flags, name_length, extra_length, comment_length = entry[3], entry[10], entry[11], entry[12]
        # zipfile refuses a version past 6.3 and decodes (and may refuse) extra fields: those it is left to
        if entry[0] != _DIRECTORY_SIGNATURE or entry[2] & 0xFF > _MAX_EXTRACT_VERSION or extra_length:
            return None
        start = position + _DIRECTORY_ENTRY.size
        raw = data[start : start + name_length]
        try:
            name = raw.decode("utf-8") if flags & _UTF8_NAME else raw.decode("cp437")
        except UnicodeDecodeError:  # zipfile refuses such a name
            return None
        names.append(name.split("\0", 1)[0])  # zipfile cuts a name at a NUL
        position = start + name_length + extra_length + comment_length
    return names if position == end else None
