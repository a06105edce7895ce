"""``objects.seldom_set`` reads what pikepdf's ``get`` reads, for every way an entry can be there or not."""

from __future__ import annotations

import io

import pikepdf

from generator.pdf.objects import seldom_set
from tests.pdf_bytes import document

#: Object 3 holds an entry of each kind and object 4 is a stream with some of them; object 9 does not exist.
_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [] /Count 0 >>",
    b"<< /Present (yes) /Null null /ToNull 9 0 R /ToObject 5 0 R /Empty () /Zero 0 /False false >>",
    b"<< /Length 1 /Present /Name /Null null /ToNull 9 0 R >>\nstream\nq\nendstream",
    b"[1 2 3]",
]


_KEYS = ("/Present", "/Null", "/ToNull", "/ToObject", "/Empty", "/Zero", "/False", "/Absent")


def _same(found: object, expected: object) -> bool:
    if isinstance(expected, pikepdf.Object):
        return isinstance(found, pikepdf.Object) and found.unparse() == expected.unparse()
    return found == expected


def test_every_kind_of_entry_reads_as_get_reads_it() -> None:
    with pikepdf.open(io.BytesIO(document(_OBJECTS))) as pdf:
        dictionary, stream = pdf.get_object(3, 0), pdf.get_object(4, 0)
        for holder in (dictionary, stream, pikepdf.Dictionary(Present=pikepdf.Name.Yes)):
            for key in _KEYS:
                expected = holder.get(key)
                assert _same(seldom_set(holder, key), expected), (key, expected)
        assert seldom_set(dictionary, "/Present") == "yes"
        assert seldom_set(dictionary, "/ToObject") == [1, 2, 3]
        assert seldom_set(stream, "/Present") == "/Name"
        for missing in ("/Null", "/ToNull", "/Absent"):  # qpdf reads a null entry as no entry
            assert seldom_set(dictionary, missing) is None
            assert seldom_set(stream, missing) is None
