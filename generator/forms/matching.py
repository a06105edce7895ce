"""Match what a return shows to a form's questions, whatever the file format.

Office software loses controls' names (issue 3), so the readers fall back on
the layout: an answer cell is found by the question label in the cell beside
it, and a table cell by its column under the table's header row. This module
holds that format-neutral part (label keys and the per-layout lookups); the
DOCX and ODF readers only find the cells' text in their own XML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from .layout import Question, load_layout

__all__ = ["TEXT_WIDGETS", "FormLookup", "forget_lookups", "form_lookup", "label_key", "recover_deleted", "rows_added"]


#: Widgets whose answer is typed text (a reader takes a whole answer cell for them).
TEXT_WIDGETS = frozenset({"text", "textarea", "money", "number"})
#: Widgets whose answer can be read back from plain text left in an answer cell.
_RECOVERABLE = TEXT_WIDGETS | {"date", "choice"}
_RECOVERED = "its answer box had been deleted; the answer was read from the text in its answer cell"
_MISSING = "its answer box is missing from the form and no answer was found beside the question"


def recover_deleted(
    missing: Sequence[Question],
    cell_text: Mapping[str, str],
    answers: dict[str, Any],
    warn: Callable[[str, str, str], None],
) -> list[str]:
    """Questions whose box was deleted: the text left in the answer cell is the answer, else it is missing.

    ``cell_text`` is each question's answer-cell text as the format reader found it
    beside the question's label; the pointers recovered are returned, for the flag.
    """
    for question in missing:
        text = cell_text.get(question.pointer, "").strip()
        if text and question.widget in _RECOVERABLE:
            answers[question.pointer] = text
            warn(question.pointer, question.label, _RECOVERED)
        else:
            warn(question.pointer, question.label, _MISSING)
    return sorted(q.pointer for q in missing if q.pointer in answers)


_ADDED_ROWS = (
    "{rows} added without answer boxes (an inserted row copies the row's look, not its boxes); "
    "what was typed in {them} was read cell by cell under the table's column headings: check {them}"
)


def rows_added(numbers: Sequence[int]) -> str:
    """The warning for rows a bidder added to a table, numbered as the form shows them (under the header)."""
    shown = [str(n) for n in numbers]
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    rows = f"row {listed} was" if len(shown) == 1 else f"rows {listed} were"
    return _ADDED_ROWS.format(rows=rows, them="it" if len(shown) == 1 else "them")


def label_key(text: str) -> str:
    """Text reduced to what a label says: lower case, accents and punctuation gone, spaces single."""
    return re.sub(r"[^a-z0-9]+", " ", unicodedata.normalize("NFKD", text).lower()).strip()


@dataclass(frozen=True)
class FormLookup:
    """What matching answers to one layout needs, worked out once per layout and shared: never changed."""

    boxes: Mapping[str, Question]
    columns: Mapping[str, tuple[Question, Question]]
    tables: Mapping[str, Question]
    by_label: Mapping[str, Question]
    headers: Mapping[str, list[str]]
    options: Mapping[str, Mapping[str, Any]]

    def question_labelled(self, label: str) -> Question | None:
        """The single-box question whose number and label a label cell starts with ("1.2 Organisation (required)")."""
        key = label_key(label)
        return next((q for prefix, q in self.by_label.items() if key.startswith(prefix)), None)

    def table_headed(self, header: Sequence[str]) -> Question | None:
        """The table question whose columns a header row's cells name, in order."""
        keys = [label_key(text) for text in header]
        return next((t for t in self.tables.values() if keys == self.headers[t.pointer]), None)

    def option_named(self, question: Question, text: str) -> Any | None:
        """The option of a set of check boxes that the text beside a box names, or None."""
        return self.options.get(question.pointer, {}).get(label_key(text))


def form_lookup(kind: str, version: str | None = None) -> FormLookup:
    """The lookups for the form of ``kind`` as released in ``version`` (default: the current one)."""
    layout = load_layout(kind, version)
    return _form_lookup(layout.kind, layout.version)


@cache
def _form_lookup(kind: str, version: str) -> FormLookup:
    """Worked out once per kind and version, and shared by every return of it."""
    layout = load_layout(kind, version)
    boxes = {q.pointer: q for q in layout.questions() if not q.columns}
    tables = {t.pointer: t for t in layout.questions() if t.columns}
    return FormLookup(
        boxes=boxes,
        columns={c.pointer: (t, c) for t in tables.values() for c in t.columns},
        tables=tables,
        by_label={label_key(f"{q.number} {q.label}"): q for q in boxes.values()},
        headers={t.pointer: [label_key(c.label) for c in t.columns] for t in tables.values()},
        options={q.pointer: {label_key(str(o)): o for o in q.options} for q in boxes.values() if q.options},
    )


def forget_lookups() -> None:
    """Work the lookups out again on next use (after a release has changed the layouts)."""
    _form_lookup.cache_clear()
