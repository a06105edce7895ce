"""Problems as a bidder meets them: in the order of the form, each with its question's number.

A schema lists its fields in its own order and jsonschema reports them in its own; a bidder reads the
form from question 1.1 down. Every list of problems about one returned form or record (parse, validate,
batch, a round's returns, chase letters) goes through :func:`in_form_order`, so each says "3.6 Annual
amount: ..." and they come in the order the questions are printed. Problems about the whole file come
first; problems about an answer the form does not ask for come last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..records.errors import CommissionError
from ..records.issues import Issue
from .layout import FormLayout, Question, layout_kinds, load_layout

__all__ = ["form_layout_for", "in_form_order", "question_at"]

_Key = tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]


def form_layout_for(kind: str | None, version: str | None = None) -> FormLayout | None:
    """The layout of ``kind`` at ``version``, or None where it has no form (or its layout cannot be read)."""
    if kind is None or kind not in layout_kinds():
        return None
    try:
        return load_layout(kind, version)
    except CommissionError:
        return None


def _within(pointer: str, prefix: str) -> bool:
    return pointer == prefix or pointer.startswith(prefix + "/")


def question_at(layout: FormLayout, pointer: str) -> tuple[int, Question] | None:
    """The question (with its place on the form) whose answer ``pointer`` is, or is part of."""
    best: tuple[int, Question] | None = None
    for place, question in enumerate(layout.questions()):
        if _within(pointer, question.pointer) and (best is None or len(question.pointer) > len(best[1].pointer)):
            best = (place, question)
    if best is None:
        # An object the form asks for question by question (a contact, say): its first question.
        for place, question in enumerate(layout.questions()):
            if _within(question.pointer, pointer):
                return place, question
    return best


def _path_order(pointer: str) -> tuple[tuple[int, int | str], ...]:
    """Pointers as people read them: row 10 after row 2."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in pointer.split("/"))


def _place(layout: FormLayout, issue: Issue) -> tuple[_Key, str]:
    """Where on the form ``issue`` belongs (a sort key) and the number printed there."""
    if not issue.path:
        return (0, 0, 0, 0, ()), issue.question
    found = question_at(layout, issue.path)
    if found is None:
        return (2, 0, 0, 0, _path_order(issue.path)), issue.question
    place, question = found
    row = column = 0
    rest = issue.path[len(question.pointer) :].strip("/").split("/")
    if question.columns and rest and rest[0].isdigit():
        row = int(rest[0]) + 1
        names = [column_question.field.name for column_question in question.columns]
        column = names.index(rest[1]) + 1 if len(rest) > 1 and rest[1] in names else len(names) + 1
    return (1, place, row, column, _path_order(issue.path)), issue.question or question.number


def in_form_order(issues: Iterable[Issue], layout: FormLayout | None) -> list[Issue]:
    """``issues`` sorted as the form asks its questions, each with its question's number filled in.

    Whole-file problems keep their order at the top; with no layout (a kind that has no form) the
    issues come back as they were. The sort is stable, so two problems with one answer keep theirs.
    """
    issues = list(issues)
    if layout is None:
        return issues
    placed = []
    for issue in issues:
        key, number = _place(layout, issue)
        placed.append((key, replace(issue, question=number) if number != issue.question else issue))
    placed.sort(key=lambda pair: pair[0])
    return [issue for _, issue in placed]
