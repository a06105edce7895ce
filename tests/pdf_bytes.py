"""A PDF written byte by byte from its objects' bodies, for tests that need what no PDF library would write."""

from __future__ import annotations


def document(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of the given object bodies (object 1 the catalogue), with a correct cross-reference table.

    ``trailer`` is more entries for the trailer dictionary (``/Encrypt 3 0 R``, say).
    """
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)
