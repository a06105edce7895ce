"""Merge a form layout (``forms/<kind>.yaml``) with its schema into a form model.

The layout says where each question goes and how it is asked (section, order,
widget, row count); the schema says what it is called, what help it has and
what is allowed. Nothing about a field is written twice: a layout names a
field only by its JSON Pointer. The Word and PDF builders, the parsers and
the site's form guides all read this model.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from ..records.data_rules import DataRule, forget_rules, frozen_folder, layout_file, layout_rules
from ..records.errors import CommissionError
from ..records.loading import load_project_yaml
from ..records.messages import field_label
from ..records.resources import resource_dir
from ..records.schemas import FieldSpec, field_for_pointer, fields, schema_info, versions

__all__ = [
    "WIDGETS",
    "FormLayout",
    "Question",
    "Section",
    "every_version_questions",
    "forget_layouts",
    "frozen_folder",
    "layout_kinds",
    "layout_path",
    "load_layout",
]

#: Every way a question can be asked.
WIDGETS = ("text", "textarea", "money", "number", "date", "choice", "checkboxes", "checkbox", "table")
_LAYOUT_KEYS = {"pointer", "widget", "rows", "characters"}
_DEFAULT_ROWS = 3


@dataclass(frozen=True)
class Question:
    """One answer box on a form (or one column of a table)."""

    pointer: str
    number: str
    label: str
    help: str
    widget: str
    required: bool
    placeholder: str
    field: FieldSpec
    columns: tuple[Question, ...] = ()
    rows: int = 0
    #: How many characters the PDF form's box holds (``characters:`` in the layout); None: the PDF's default.
    characters: int | None = None

    @property
    def max_length(self) -> int | None:
        """The longest answer the schema allows, if it sets a limit."""
        limit = self.field.schema.get("maxLength")
        return limit if isinstance(limit, int) else None

    @property
    def options(self) -> tuple[Any, ...]:
        """The choices of a drop-down or a set of check boxes."""
        return self.field.enum or self.field.item_enum or ()


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class FormLayout:
    """A whole form: what a bidder sees, in order."""

    kind: str
    version: str
    layout_version: int
    title: str
    subtitle: str
    #: Instructions printed on every format of the form; then each format's own (``word_instructions``,
    #: ``pdf_instructions``), because a PDF's boxes do not grow and its rows cannot be added.
    instructions: str
    sections: tuple[Section, ...]
    #: How a later return of the same bid is recognised (see ``batch``): its reference when the form has one
    #: and it is filled in, otherwise all the ``identity`` answers, compared case- and space-insensitively.
    reference: str | None = None
    identity: tuple[str, ...] = ()
    #: The form's own date of submission, if it asks for one: orders returns received at the same time.
    submitted: str | None = None
    #: Questions this version renamed or moved since earlier ones, as (old pointer, new pointer) pairs, so
    #: exports put old and new answers in one column (``renamed:`` in the layout file).
    renamed: tuple[tuple[str, str], ...] = ()
    word_instructions: str = ""
    pdf_instructions: str = ""
    #: The layout's ``rules:``, checked against the schema when the layout loads; None if it has no ``rules:``
    #: (a version released before rules were data, checked by the Python rules it always was).
    rules: tuple[DataRule, ...] | None = None

    def instructions_for(self, form_format: str) -> str:
        """What to print at the top of the ``word`` or ``pdf`` form: the shared instructions, then its own."""
        own = {"word": self.word_instructions, "pdf": self.pdf_instructions}[form_format]
        return "\n".join(part for part in (self.instructions, own) if part)

    def questions(self) -> Iterator[Question]:
        """Every question in form order (tables as one question)."""
        for section in self.sections:
            yield from section.questions

    def answer_boxes(self) -> Iterator[Question]:
        """Every single box in form order: table columns replace their table."""
        for question in self.questions():
            if question.columns:
                yield from question.columns
            else:
                yield question


def widget_for(spec: FieldSpec) -> str:
    """The natural widget for a field, from its schema."""
    if spec.type == "boolean":
        return "checkbox"
    if spec.type == "array":
        return "checkboxes" if spec.item_enum else "table"
    if spec.enum:
        return "choice"
    if spec.semantic == "money":
        return "money"
    if spec.format == "date":
        return "date"
    if spec.type in ("integer", "number"):
        return "number"
    if spec.semantic == "long_text":
        return "textarea"
    return "text"


def placeholder_for(spec: FieldSpec, widget: str) -> str:
    """Grey prompt text in an empty box; parsers treat it as empty."""
    if widget == "date":
        return "Click or tap to enter a date, such as 1 April 2027"
    if widget == "choice":
        return "Choose an item"
    if spec.expected:
        return f"Click or tap here to enter {spec.expected}"
    return "Click or tap here to enter text"


def _entry(raw: Any, where: str) -> Mapping[str, Any]:
    if isinstance(raw, str):
        return {"pointer": raw}
    if isinstance(raw, Mapping) and "pointer" in raw and set(raw) <= _LAYOUT_KEYS:
        return raw
    raise CommissionError(
        f"{where}: each question is a JSON Pointer or a mapping with {sorted(_LAYOUT_KEYS)}; got {raw!r}."
    )


def _question(kind: str, version: str, entry: Mapping[str, Any], number: str, where: str) -> Question:
    pointer = entry["pointer"]
    spec = field_for_pointer(kind, pointer, version)
    if spec is None or "*" in pointer:
        raise CommissionError(f"{where}: '{pointer}' is not a field of the {kind} schema.")
    widget = entry.get("widget", widget_for(spec))
    if widget not in WIDGETS:
        raise CommissionError(f"{where}: widget '{widget}' for {pointer} is not one of {', '.join(WIDGETS)}.")
    columns: tuple[Question, ...] = ()
    rows = 0
    if widget == "table":
        rows = int(entry.get("rows", _DEFAULT_ROWS))
        columns = tuple(_column(column) for column in _columns_of(kind, pointer, version))
    characters = entry.get("characters")
    if characters is not None and (not isinstance(characters, int) or isinstance(characters, bool) or characters < 1):
        raise CommissionError(
            f"{where}: 'characters' for {pointer} is a whole number of characters; got {characters!r}."
        )
    return Question(
        pointer=pointer,
        number=number,
        label=field_label(kind, pointer, version) if widget != "table" else spec.title,
        help=spec.description,
        widget=widget,
        required=spec.required and _parents_required(kind, pointer, version),
        placeholder=placeholder_for(spec, widget),
        field=spec,
        columns=columns,
        rows=rows,
        characters=characters,
    )


def _columns_of(kind: str, pointer: str, version: str) -> list[FieldSpec]:
    prefix = f"{pointer}/*/"
    return [
        spec
        for spec in fields(kind, version)
        if spec.pointer.startswith(prefix) and "/" not in spec.pointer[len(prefix) :]
    ]


def _column(spec: FieldSpec) -> Question:
    widget = widget_for(spec)
    return Question(
        pointer=spec.pointer,
        number="",
        label=spec.title,
        help=spec.description,
        widget=widget,
        required=spec.required,
        placeholder=placeholder_for(spec, widget),
        field=spec,
    )


def _parents_required(kind: str, pointer: str, version: str) -> bool:
    """A required field inside an optional block is only required once the block is used."""
    parts = pointer.split("/")[1:-1]
    for depth in range(1, len(parts) + 1):
        parent = field_for_pointer(kind, "/" + "/".join(parts[:depth]), version)
        if parent is not None and not parent.required:
            return False
    return True


def _asked(pointer: Any, asked: set[str], kind: str, where: str) -> str:
    """A pointer naming one answer box of this form (not a table or a table's column)."""
    if pointer not in asked:
        raise CommissionError(f"{where}: '{pointer}' is not a question of the {kind} form (a single answer box).")
    return str(pointer)


def _identity(kind: str, raw: Mapping[str, Any], sections: list[Section], where: str) -> dict[str, Any]:
    """The layout's ``reference``, ``identity`` and ``submitted`` pointers, each a question of the form."""
    asked = {q.pointer for section in sections for q in section.questions if not q.columns}
    identity = raw.get("identity") or []
    if not isinstance(identity, list):
        raise CommissionError(f"{where}: 'identity' is a list of JSON Pointers; got {identity!r}.")
    optional = {key: raw.get(key) for key in ("reference", "submitted")}
    return {
        "identity": tuple(_asked(pointer, asked, kind, f"{where}, identity") for pointer in identity),
        **{key: _asked(value, asked, kind, f"{where}, {key}") if value else None for key, value in optional.items()},
    }


def layout_path(kind: str, version: str | None = None) -> Path:
    """The layout file of ``version`` (default: the current one, ``forms/<kind>.yaml``).

    ``records.data_rules`` knows where layouts are, as validation reads their ``rules:`` from there.
    """
    return layout_file(kind, version)


def load_layout(kind: str, version: str | None = None) -> FormLayout:
    """The form model of a kind as released in ``version`` (default: the current one), checked against its schema.

    A return is read through the layout of the version it was made on, so an old
    form's answers land where that form asked them.
    """
    return _load_layout(kind, schema_info(kind, version).version)


@cache
def _load_layout(kind: str, version: str) -> FormLayout:
    """Each kind and version's layout is read and checked once."""
    info = schema_info(kind, version)
    path = layout_path(kind, version)
    try:
        raw = load_project_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommissionError(
            f"There is no form layout for version {info.version} of '{kind}' (expected {path})."
        ) from None
    if raw.get("kind") != kind:
        raise CommissionError(f"{path}: says it is the layout of '{raw.get('kind')}', not '{kind}'.")
    sections = []
    for number, section in enumerate(raw["sections"], start=1):
        where = f"{path.name}, section {number}"
        questions = tuple(
            _question(kind, info.version, _entry(item, where), f"{number}.{index}", where)
            for index, item in enumerate(section["questions"], start=1)
        )
        sections.append(Section(number, section["title"], section.get("intro", ""), questions))
    return FormLayout(
        kind=kind,
        version=info.version,
        layout_version=int(raw.get("layout_version", 1)),
        title=raw["title"],
        subtitle=raw.get("subtitle", ""),
        instructions=raw.get("instructions", ""),
        word_instructions=raw.get("word_instructions", ""),
        pdf_instructions=raw.get("pdf_instructions", ""),
        sections=tuple(sections),
        **_identity(kind, raw, sections, path.name),
        renamed=_renamed(raw, sections, kind, path.name),
        rules=layout_rules(kind, info.version),
    )


def _renamed(raw: Mapping[str, Any], sections: list[Section], kind: str, where: str) -> tuple[tuple[str, str], ...]:
    """The layout's ``renamed: {old pointer: new pointer}``; each new pointer a question of this version."""
    renamed = raw.get("renamed") or {}
    if not isinstance(renamed, Mapping):
        raise CommissionError(f"{where}: 'renamed' maps old JSON Pointers to new ones; got {renamed!r}.")
    asked = {q.pointer for section in sections for q in section.questions}
    asked |= {c.pointer for section in sections for q in section.questions for c in q.columns}
    for old, new in renamed.items():
        if new not in asked:
            raise CommissionError(
                f"{where}, renamed: '{new}' (the new name of '{old}') is not a question of the {kind} form."
            )
    return tuple((str(old), str(new)) for old, new in renamed.items())


def every_version_questions(kind: str) -> tuple[list[Question], dict[str, tuple[str, ...]]]:
    """The questions of every released version: the current form's in its order, then those dropped since.

    A dropped question is labelled as from an older version; one renamed or moved
    (``renamed:`` in a later layout) is not dropped but answered under its new
    pointer. Returns the questions and, for each pointer, the older pointers that
    hold the same answer, so an export loses nothing an old return held.
    """
    current = load_layout(kind)
    questions = list(current.questions())
    seen = {q.pointer for q in questions}
    aliases: dict[str, list[str]] = {}
    newer_names: dict[str, str] = {}
    for version in reversed(versions(kind)):  # newest first, so a rename chain leads to today's pointer
        try:
            layout = load_layout(kind, version)
        except CommissionError:  # a schema released without its layout: nothing of it to show
            continue
        for old, new in layout.renamed:
            newer_names[old] = newer_names.get(new, new)
        for question in layout.questions():
            target = newer_names.get(question.pointer)
            if target is not None:
                aliases.setdefault(target, []).append(question.pointer)
            elif question.pointer not in seen:
                seen.add(question.pointer)
                questions.append(replace(question, label=f"{question.label} (version {version} and earlier)"))
            elif question.columns:  # a table both have: keep the columns only the older one asked
                at = next(i for i, q in enumerate(questions) if q.pointer == question.pointer)
                known = {c.pointer for c in questions[at].columns} | set(newer_names)
                extra = tuple(
                    replace(c, label=f"{c.label} (version {version} and earlier)")
                    for c in question.columns
                    if c.pointer not in known
                )
                if extra:
                    questions[at] = replace(questions[at], columns=questions[at].columns + extra)
    return questions, {pointer: tuple(old) for pointer, old in aliases.items()}


def layout_kinds() -> list[str]:
    """Kinds that have a form."""
    return list(_layout_kinds())


@cache
def _layout_kinds() -> tuple[str, ...]:
    """Looked up once, as each layout is loaded once: every parsed return asks."""
    return tuple(sorted(path.stem for path in resource_dir("forms").glob("*.yaml")))


def forget_layouts() -> None:
    """Read the layout files again on next use (after a release has changed them)."""
    _load_layout.cache_clear()
    _layout_kinds.cache_clear()
    forget_rules()
