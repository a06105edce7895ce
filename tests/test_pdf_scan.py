"""The risky-content scan follows action chains and field trees without being trapped by loops."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from generator.pdf.scan import risky_content


def _looping_form(pdf: pikepdf.Pdf) -> tuple[Dictionary, Dictionary]:
    """A catalogue whose open action chains to itself and whose field's kids include the field (objects of ``pdf``)."""
    js = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("1")))
    first = pdf.make_indirect(Dictionary(S=Name.URI))
    first.Next = Array([first, js])  # loops back on itself, then JavaScript
    field = pdf.make_indirect(Dictionary(T=String("outcomes")))
    launch = Dictionary(S=Name.Launch)
    kid = pdf.make_indirect(Dictionary(T=String("0"), A=launch))
    kid.Kids = Array([field])  # a kid whose kid is its own parent
    field.Kids = Array([kid])
    root = Dictionary(OpenAction=first)
    acroform = Dictionary(Fields=Array([field]))
    return root, acroform


def test_loops_end_and_what_lies_past_them_is_still_found() -> None:
    pdf = pikepdf.new()
    root, acroform = _looping_form(pdf)
    found = risky_content(root, acroform)
    assert found == {"javascript": ["document open action"], "launch_actions": ["field 0"]}


def test_malformed_field_lists_are_ignored_not_fatal() -> None:
    root = Dictionary()
    for fields in (Name("/Oops"), Array([Name("/NotAField")]), String("x")):
        assert risky_content(root, Dictionary(Fields=fields)) == {}


def test_a_chain_too_long_to_check_in_full_is_flagged_not_passed_as_clean() -> None:
    pdf = pikepdf.new()
    following = pdf.make_indirect(Dictionary(S=Name.JavaScript))
    for _ in range(6_000):  # JavaScript hidden at the end of a long chain of harmless actions
        following = pdf.make_indirect(Dictionary(S=Name.URI, Next=following))
    found = risky_content(Dictionary(OpenAction=following), Dictionary())
    assert "javascript" not in found
    assert found["scan_incomplete"] == ["more than 5,000 objects in its actions; not all were checked"]


def test_an_action_whose_next_is_itself_ends() -> None:
    pdf = pikepdf.new()
    action = pdf.make_indirect(Dictionary(S=Name.Launch))
    action.Next = action  # the chain's only link points back at its start
    found = risky_content(Dictionary(OpenAction=action), Dictionary())
    assert found == {"launch_actions": ["document open action"]}
