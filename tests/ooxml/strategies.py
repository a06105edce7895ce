"""Hypothesis strategies for records of a form, built from its layout and schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from generator.forms.layout import FormLayout, Question
from generator.records.coerce import to_text

_CHARS = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u00a0\u2028\u2029\ufeff")


def free_text(multiline: bool) -> st.SearchStrategy[str]:
    alphabet = st.one_of(_CHARS, st.sampled_from("£€ -'\n" if multiline else "£€ -'"))
    short = st.text(alphabet, min_size=1, max_size=20)
    # Long answers are built by repetition: cheap to draw, still thousands of characters.
    long = st.tuples(short, st.integers(50, 300)).map(lambda pair: " ".join([pair[0]] * pair[1]))
    return st.one_of(short, short, short, long).filter(lambda text: to_text(text) == text)


TextStrategy = Callable[[bool], st.SearchStrategy[str]]


def _value(question: Question, text: TextStrategy = free_text) -> st.SearchStrategy[Any]:
    widget, spec = question.widget, question.field
    if widget == "checkbox":
        return st.booleans()
    if widget == "choice":
        return st.sampled_from(question.options)
    if widget == "checkboxes":
        return st.lists(st.sampled_from(question.options), min_size=1, unique=True).map(
            lambda chosen: [o for o in question.options if o in chosen]
        )
    if widget == "money":
        return st.integers(0, 10**9).map(lambda pence: pence / 100)
    if widget == "date":
        return st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)
    if widget == "number":
        if spec.type == "integer":
            return st.integers(0, 10**6)
        return st.integers(0, 10**6).map(lambda n: n / 4)
    return text(widget == "textarea")


def _optional(question: Question, text: TextStrategy = free_text) -> st.SearchStrategy[Any]:
    value = _value(question, text)
    return value if question.widget == "checkbox" else st.one_of(st.none(), value)


def _row(table: Question, text: TextStrategy = free_text) -> st.SearchStrategy[dict[str, Any]]:
    first, *rest = table.columns
    parts = {first.field.name: _value(first, text)} | {c.field.name: _optional(c, text) for c in rest}
    return st.fixed_dictionaries(parts).map(lambda row: {k: v for k, v in row.items() if v is not None})


def _put(record: dict[str, Any], pointer: str, value: Any) -> None:
    *parents, leaf = pointer.split("/")[1:]
    for part in parents:
        record = record.setdefault(part, {})
    record[leaf] = value


def records(
    layout: FormLayout, text: TextStrategy = free_text, rows: Callable[[Question], int] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Records as the parser should return them: empty optionals left out, rows of several sizes.

    ``text`` draws free text (its argument: multiline or not). ``rows`` gives a table's
    most rows (a PDF form has a fixed number); a full table is then as likely as any other.
    """
    parts: dict[str, st.SearchStrategy[Any]] = {}
    for question in layout.questions():
        if question.columns:
            row = _row(question, text)
            if rows is None:
                parts[question.pointer] = st.lists(row, min_size=0, max_size=6)
            else:
                most = rows(question)
                parts[question.pointer] = st.one_of(
                    st.lists(row, max_size=most), st.lists(row, min_size=most, max_size=most)
                )
        else:
            parts[question.pointer] = _optional(question, text)

    def build(values: dict[str, Any]) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for pointer, value in values.items():
            if value not in (None, []):
                _put(record, pointer, value)
        return record

    return st.fixed_dictionaries(parts).map(build)
