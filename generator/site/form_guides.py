"""Form guides: every question of a form, in form order, with what it accepts.

Built from the form model (``generator.forms.layout``: the layout merged with the
schema) and the business rules (the layout's ``rules:``, then any in Python, each
with its summary), so a guide cannot disagree with the form or with the checks
made on a return.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..forms.layout import FormLayout, Question
from ..records.rules import Rule
from ..records.schemas import field_for_pointer
from ..records.wording import plural
from .downloads import Download, link
from .markdown import GENERATED_NOTE, cell, esc, table

__all__ = ["accepts", "form_guide", "forms_index", "need"]

_WIDGET_WORDS = {
    "checkbox": "a tick in the box, or leave it empty for no",
    "date": "a date, such as 1 April 2027",
}


def accepts(question: Question) -> str:
    """What a person may enter, in plain words."""
    spec = question.field
    if question.widget == "choice":
        return "one of the choices listed below"
    if question.widget == "checkboxes":
        least = "at least one" if question.required else "any"
        return f"tick {least} of the choices listed below"
    if question.widget == "table":
        rows = spec.schema.get("minItems", 0)
        most = spec.schema.get("maxItems")
        lines = f"at least {rows} row{'s' if rows != 1 else ''}" if rows else "as many rows as you need"
        return f"a table, one row for each item: {lines}" + (f", up to {most}" if most else "")
    if question.widget in _WIDGET_WORDS:
        return _WIDGET_WORDS[question.widget]
    return spec.expected or "text"


def need(kind: str, question: Question) -> str:
    """Required, optional, or required only once an optional part is used."""
    if question.required:
        return "Required"
    if question.field.required:
        parent = field_for_pointer(kind, question.field.parent)
        if parent is not None and parent.pointer:
            return f"Required if you fill in “{parent.title}”"
    return "Optional"


def _choices(question: Question) -> list[str]:
    if question.widget not in ("choice", "checkboxes") or not question.options:
        return []
    return ["Choices:", "", *[f"- {esc(str(option))}" for option in question.options], ""]


def _columns(kind: str, question: Question) -> list[str]:
    if not question.columns:
        return []
    rows = [[cell(c.label), cell(need(kind, c)), cell(accepts(c)), cell(c.help)] for c in question.columns]
    return ["Each row has these columns:", "", table(["Column", "Needed?", "What to enter", "Help"], rows)]


def _question(kind: str, question: Question) -> list[str]:
    return [
        f"### {esc(question.number)} {esc(question.label)}",
        "",
        esc(question.help) or "No help is given for this question.",
        "",
        f"- **{esc(need(kind, question))}**",
        f"- What to enter: {esc(accepts(question))}",
        f"- Data field: `{question.pointer}`",
        "",
        *_choices(question),
        *_columns(kind, question),
    ]


def _by_name(rules: Sequence[Rule]) -> dict[str, list[str]]:
    """Each rule's summaries under its name, once: several entries of a layout may be the parts of one rule."""
    named: dict[str, list[str]] = {}
    for rule in rules:
        named.setdefault(rule.name, []).append(rule.summary)
    return named


def form_guide(layout: FormLayout, rules: Sequence[Rule], downloads: Sequence[Download]) -> str:
    """The Markdown guide to one form."""
    questions = list(layout.questions())
    required = sum(1 for q in questions if q.required)
    lines = [
        f"# {esc(layout.title)}: form guide",
        "",
        GENERATED_NOTE.format(source=f"forms/{layout.kind}.yaml and schemas/{layout.kind}.schema.json"),
        "",
    ]
    if layout.subtitle:
        lines += [f"*{esc(layout.subtitle)}*", ""]
    lines += [
        f"This guide goes through every question on the form, in the order the form asks them. "
        f"The form has {plural(len(questions), 'question')} in {plural(len(layout.sections), 'section')}; "
        f"{required} of them must be answered. It matches version {layout.version} of the form.",
        "",
        "## Downloads",
        "",
    ]
    lines += [f"- {link(d, '../downloads/')}" for d in downloads] or ["No files are available for this form yet."]
    lines += ["", "## How to fill in the form", ""]
    lines += [esc(paragraph) + "\n" for paragraph in layout.instructions.splitlines() if paragraph.strip()]
    for heading, own in (("In the Word form", layout.word_instructions), ("In the PDF form", layout.pdf_instructions)):
        if own.strip():
            lines += [f"**{heading}:**", ""]
            lines += [esc(paragraph) + "\n" for paragraph in own.splitlines() if paragraph.strip()]
    for section in layout.sections:
        lines += [f"## {section.number}. {esc(section.title)}", ""]
        if section.intro:
            lines += [esc(section.intro), ""]
        for question in section.questions:
            lines += _question(layout.kind, question)
    lines += ["## Checks made when the form comes back", ""]
    if rules:
        lines += [
            "Besides checking each answer on its own, the toolkit checks that some answers agree with each other:",
            "",
        ]
        lines += [f"- **{esc(name)}**: {' '.join(map(esc, summaries))}" for name, summaries in _by_name(rules).items()]
    else:
        lines.append("Each answer is checked on its own, as described above. There are no further checks.")
    return "\n".join(lines) + "\n"


def forms_index(layouts: Sequence[FormLayout]) -> str:
    """The landing page of the form guides."""
    lines = [
        "# Form guides",
        "",
        GENERATED_NOTE.format(source="forms/*.yaml"),
        "",
        "A guide for each form: every question in order, whether you must answer it, "
        "what kind of answer it takes, and the checks made when the form comes back.",
        "",
    ]
    lines += [f"- [{esc(layout.title)}]({layout.kind}.md): {esc(layout.subtitle)}" for layout in layouts]
    return "\n".join(lines) + "\n"
