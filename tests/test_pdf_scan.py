"""The risky-content scan follows action chains and field trees without being trapped by loops."""

from __future__ import annotations

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from generator.pdf.scan import risky_content


def _looping_form() -> tuple[DictionaryObject, DictionaryObject]:
    """A catalogue whose open action chains to itself and whose field's kids include the field."""
    writer = PdfWriter()
    js = writer._add_object(
        DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")})
    )
    first = DictionaryObject({NameObject("/S"): NameObject("/URI")})
    first_ref = writer._add_object(first)
    first[NameObject("/Next")] = ArrayObject([first_ref, js])  # loops back on itself, then JavaScript
    field = DictionaryObject({NameObject("/T"): TextStringObject("outcomes")})
    field_ref = writer._add_object(field)
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch")})
    kid = DictionaryObject({NameObject("/T"): TextStringObject("0"), NameObject("/A"): launch})
    kid_ref = writer._add_object(kid)
    kid[NameObject("/Kids")] = ArrayObject([field_ref])  # a kid whose kid is its own parent
    field[NameObject("/Kids")] = ArrayObject([kid_ref])
    root = DictionaryObject({NameObject("/OpenAction"): first_ref})
    acroform = DictionaryObject({NameObject("/Fields"): ArrayObject([field_ref])})
    return root, acroform


def test_loops_end_and_what_lies_past_them_is_still_found() -> None:
    root, acroform = _looping_form()
    found = risky_content(root, acroform)
    assert found == {"javascript": ["document open action"], "launch_actions": ["field 0"]}


def test_malformed_field_lists_are_ignored_not_fatal() -> None:
    root = DictionaryObject()
    for fields in (NameObject("/Oops"), ArrayObject([NameObject("/NotAField")]), TextStringObject("x")):
        assert risky_content(root, DictionaryObject({NameObject("/Fields"): fields})) == {}


def test_a_chain_too_long_to_check_in_full_is_flagged_not_passed_as_clean() -> None:
    writer = PdfWriter()
    following = writer._add_object(DictionaryObject({NameObject("/S"): NameObject("/JavaScript")}))
    for _ in range(6_000):  # JavaScript hidden at the end of a long chain of harmless actions
        following = writer._add_object(
            DictionaryObject({NameObject("/S"): NameObject("/URI"), NameObject("/Next"): following})
        )
    found = risky_content(DictionaryObject({NameObject("/OpenAction"): following}), DictionaryObject())
    assert "javascript" not in found
    assert found["scan_incomplete"] == ["more than 5,000 objects in its actions; not all were checked"]


def test_an_action_whose_next_is_itself_ends() -> None:
    writer = PdfWriter()
    action = DictionaryObject({NameObject("/S"): NameObject("/Launch")})
    reference = writer._add_object(action)
    action[NameObject("/Next")] = reference.indirect_reference  # the chain's only link points back at its start
    found = risky_content(
        DictionaryObject({NameObject("/OpenAction"): reference.indirect_reference}), DictionaryObject()
    )
    assert found == {"launch_actions": ["document open action"]}
