"""Check a Word template before anyone relies on it.

Two things break a docxtpl template after an officer edits it in Word:

* a name that is not in the data (a typo, or a field renamed in the schema):
  the document comes out with a gap, or the render fails;
* a tag split across runs: Word cuts text into runs for spell-check marks,
  tracked changes and formatting, so ``{{ cost.annual_amount }}`` may be saved
  as ``{{ cost.annual_`` + ``amount }}`` with markup in between (docxtpl
  #440 and its many cousins). docxtpl repairs the simple cases with regular
  expressions over the XML, and which splits it repairs depends on where Word
  put the markup, so every split is reported here with its paragraph.

Content problems are collected and returned, never raised (STYLE item 5).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

import jinja2
from lxml import etree

from ..records.errors import TemplateFaultError
from .render import resolve_template, shipped_templates, template_kind
from .render_context import canonical, known_pointers
from .template_engine import bounded_work, environment, read_parts
from .template_names import NameUse, names_used

__all__ = ["TemplateProblem", "TemplateReport", "check_shipped", "check_template", "known_pointers"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REVISIONS = tuple(f"{_W}{name}" for name in ("ins", "del", "moveFrom", "moveTo"))
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPENER = re.compile(r"\{[{%#]")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
# The document properties docxtpl would fill in; ours are left as they are.
_PROPERTIES = ("title", "subject", "author", "comments", "keywords", "identifier", "language", "category")


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong with a template, and where."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class TemplateReport:
    """The outcome of checking one template."""

    template: str
    kind: str | None
    names: tuple[str, ...]
    problems: tuple[TemplateProblem, ...]


def _dotted(pointer: str) -> str:
    return NameUse(pointer, 0).dotted


def _unknown_names(uses: list[NameUse], kind: str, version: str | None) -> list[tuple[NameUse, str]]:
    known = known_pointers(kind, version)
    reported: set[str] = set()
    out = []
    for use in uses:
        if canonical(use.pointer, kind) in known or use.pointer in reported:
            continue
        if any(use.pointer.startswith(bad + "/") for bad in reported):
            continue  # only the first wrong step of a name is worth saying
        reported.add(use.pointer)
        hint = get_close_matches(_dotted(use.pointer), sorted(_dotted(p) for p in known), n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        out.append((use, f"'{use.dotted}' is not a field of the {kind} schema nor a derived value{suggestion}"))
    return out


def _own_texts(paragraph: etree._Element) -> list[etree._Element]:
    """The ``w:t`` of a paragraph, leaving out those of paragraphs nested in it (text boxes)."""
    return [text for text in paragraph.iter(f"{_W}t") if next(text.iterancestors(f"{_W}p"), None) is paragraph]


def _shown(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return repr(text if len(text) <= 70 else text[:67] + "...")


def split_tags(xml: bytes, where: str) -> list[TemplateProblem]:
    """Tags not held whole in one run of text, tags left open, and tags in tracked changes."""
    root = etree.fromstring(xml, _PARSER)
    problems = []
    for number, paragraph in enumerate(root.iter(f"{_W}p"), start=1):
        texts = _own_texts(paragraph)
        pieces = [text.text or "" for text in texts]
        whole = "".join(pieces)
        if "{" not in whole:
            continue
        place = f"{where}, paragraph {number} ({_shown(whole)})"
        owner = [index for index, piece in enumerate(pieces) for _ in piece]
        covered: set[int] = set()
        for match in _TAG.finditer(whole):
            covered.update(range(match.start(), match.end()))
            runs = sorted(set(owner[match.start() : match.end()]))
            if len(runs) > 1:
                parts = " + ".join(repr(pieces[index]) for index in runs)
                problems.append(
                    TemplateProblem(
                        place,
                        f"the tag {match.group(0)!r} is split across {len(runs)} runs of text ({parts}), as Word does "
                        "when it marks spelling, tracks changes or formats part of a word; delete the whole tag and "
                        "type it again in one go",
                    )
                )
            if any(_in_revision(texts[index]) for index in runs):
                problems.append(
                    TemplateProblem(
                        place,
                        f"the tag {match.group(0)!r} is inside a tracked change; accept or reject the change first",
                    )
                )
        for opener in _OPENER.finditer(whole):
            if opener.start() not in covered:
                problems.append(
                    TemplateProblem(
                        place,
                        f"a tag opens with {opener.group(0)!r} but does not close in this paragraph; "
                        "each tag must start and end in the same paragraph",
                    )
                )
    return problems


def _in_revision(text: etree._Element) -> bool:
    return any(ancestor.tag in _REVISIONS for ancestor in text.iterancestors())


def check_template(reference: str | Path, kind: str | None = None) -> TemplateReport:
    """Every problem with one template: split tags, tags Jinja cannot read, names not in the schema."""
    name = str(reference)
    path = resolve_template(reference)
    template, parts = read_parts(path, name)
    properties = template.docx.core_properties
    problems: list[TemplateProblem] = []
    with zipfile.ZipFile(path) as archive:
        for part in parts:
            problems.extend(split_tags(archive.read(part.member), part.where))
    for field in _PROPERTIES:
        value = getattr(properties, field, None)
        if isinstance(value, str) and _OPENER.search(value):
            problems.append(
                TemplateProblem(
                    f"document properties, {field}",
                    "tags here are not filled in; put them in the body, a header or a footer",
                )
            )
    kind, version = template_kind(path, properties.identifier, kind)
    env = environment()
    used: list[NameUse] = []
    for part in parts:
        try:
            with bounded_work(name, part.where):
                tree = env.parse(part.source)
                env.from_string(part.source)  # unknown filters and tests are found when compiling
        except jinja2.TemplateSyntaxError as exc:
            problems.append(TemplateProblem(part.paragraph(exc.lineno), f"this tag cannot be read: {exc.message}"))
            continue
        except TemplateFaultError as exc:
            problems.append(TemplateProblem(part.where, exc.problem))
            continue
        uses = names_used(tree, env.globals)
        used.extend(uses)
        problems.extend(
            TemplateProblem(part.paragraph(use.lineno), message) for use, message in _unknown_names(uses, kind, version)
        )
    names = tuple(sorted({use.dotted for use in used}))
    return TemplateReport(name, kind, names, tuple(problems))


def check_shipped() -> list[TemplateReport]:
    """A report for every template in ``templates/``."""
    return [check_template(name) for name in shipped_templates()]
