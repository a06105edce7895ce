"""Read one zip entry straight from the bytes in memory, without ``zipfile``'s per-entry machinery.

A return is already in memory, and opening an entry through ``zipfile`` costs
more than inflating a small part. For the plain entries every office program
writes (stored or deflated, no encryption, a local header that agrees with the
central directory) we slice and inflate the bytes ourselves; for anything else
``entry_span`` answers None and the caller falls back to ``zipfile``, whose
checks (and refusals) then apply unchanged.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

__all__ = ["entry_span", "inflate"]

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
#: Encrypted (bit 0), compressed patched data (bit 5), strong encryption (bit 6).
_NEEDS_ZIPFILE = (1 << 0) | (1 << 5) | (1 << 6)
_UTF8_NAME = 1 << 11
_PLAIN_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _name_bytes(info: zipfile.ZipInfo) -> bytes | None:
    try:
        return info.orig_filename.encode("utf-8" if info.flag_bits & _UTF8_NAME else "cp437")
    except UnicodeEncodeError:
        return None


def entry_span(data: memoryview, info: zipfile.ZipInfo) -> memoryview | None:
    """The entry's stored (compressed) bytes, or None when ``zipfile`` must read this entry itself."""
    if info.compress_type not in _PLAIN_METHODS or info.flag_bits & _NEEDS_ZIPFILE:
        return None
    start = info.header_offset
    if start < 0 or start + _LOCAL_HEADER.size > len(data):
        return None
    header = _LOCAL_HEADER.unpack_from(data, start)
    name_length, extra_length = header[10], header[11]
    name_start = start + _LOCAL_HEADER.size
    if header[0] != _LOCAL_SIGNATURE or bytes(data[name_start : name_start + name_length]) != _name_bytes(info):
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
