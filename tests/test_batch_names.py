"""Names shown to people: the quick path for a name with nothing to escape gives what escaping each character gives."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.batch import names


def _one_character_at_a_time(text: str, *, backslash: bool) -> str:
    return "".join(names._escaped(char, backslash=backslash) for char in text)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40))
def test_printable_is_each_character_escaped(text: str) -> None:
    assert names.printable(text) == _one_character_at_a_time(text, backslash=False)


@settings(max_examples=3000, deadline=None)
@given(st.binary(max_size=40).filter(lambda raw: b"/" not in raw and b"\0" not in raw))
def test_a_name_on_disk_is_shown_as_each_character_escaped(raw: bytes) -> None:
    assert names.shown_name(raw) == _one_character_at_a_time(os.fsdecode(raw), backslash=True)


def test_names_with_something_to_escape_are_still_escaped() -> None:
    assert names.shown_name(b"bid\\2027.docx") == "bid\\\\2027.docx"
    assert names.shown_name(b"caf\xe9.docx") == "caf\\xe9.docx"
    assert names.printable("line one\nline two\u202e") == "line one\\nline two\\u202e"
    assert names.printable("Smith & Sons \u00a0Ltd") == "Smith & Sons \u00a0Ltd", "a no-break space is kept"
    assert names.shown_name("Bid – Thanet.docx".encode()) == "Bid – Thanet.docx"
