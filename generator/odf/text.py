"""The visible text of ODF content, as ODF 1.3 part 3, section 6.1 says to read it.

In a paragraph, white space in the XML is not text: each run of spaces, tabs
and line ends counts as one space, and none at all at the start of a
paragraph. Spaces that matter are written as ``text:s`` (with a count), tabs as
``text:tab``, line breaks as ``text:line-break``. Paragraphs become line breaks,
as in the DOCX reader. Tracked changes are read as accepted: the body already
holds inserted text, and deleted text lives only in ``text:tracked-changes``,
which is skipped, as are comments, footnotes and a drop-down's list items.
"""

from __future__ import annotations

import re

from lxml import etree

from .namespaces import qn

__all__ = ["text_of"]

_WHITE = re.compile(r"[ \t\r\n]+")
_PARAGRAPHS = frozenset({qn("text:p"), qn("text:h")})
_SPACE, _TAB, _LINE_BREAK, _COUNT = qn("text:s"), qn("text:tab"), qn("text:line-break"), qn("text:c")
#: Content that is not what the page shows as the answer.
_SKIPPED = frozenset(
    qn(name)
    for name in (
        "text:tracked-changes",
        "text:note",
        "office:annotation",
        "office:annotation-end",
        "loext:list-item",
        "text:sequence-decls",
        "text:variable-decls",
        "text:user-field-decls",
        "office:forms",
    )
)
#: Elements that hold paragraphs but no text of their own: XML white space inside them is layout.
_BLOCKS = frozenset(
    qn(name)
    for name in (
        "office:text",
        "text:section",
        "text:list",
        "text:list-item",
        "text:list-header",
        "table:table",
        "table:table-header-rows",
        "table:table-rows",
        "table:table-row-group",
        "table:table-row",
        "table:table-cell",
        "table:covered-table-cell",
    )
)
#: A ``text:s`` may claim any count; no answer box holds more spaces in a row than this.
_MOST_SPACES = 1000


#: Characters one element's text may run to: far beyond any answer (10,000 at most), far below what
#: ``text:s`` space counts could claim in a crafted content.xml (thousands of them, 1,000 spaces each).
MOST_CHARACTERS = 1_000_000


class _Text:
    def __init__(self) -> None:
        self.size = 0
        self.parts: list[str] = []
        self.paragraphs = 0
        #: True at a paragraph's start or after a space from the XML: a following space is dropped.
        self.after_space = True

    def characters(self, data: str | None) -> None:
        if not data:
            return
        data = _WHITE.sub(" ", data)
        if self.after_space and data.startswith(" "):
            data = data[1:]
        if data:
            self._add(data)
            self.after_space = data.endswith(" ")

    def literal(self, data: str) -> None:
        self._add(data)
        self.after_space = False

    def _add(self, data: str) -> None:
        """Keep text up to ``MOST_CHARACTERS``; the rest is dropped (the answer is already far too long)."""
        room = MOST_CHARACTERS - self.size
        if room > 0:
            self.parts.append(data[:room])
            self.size += min(len(data), room)

    def walk(self, element: etree._Element, inline: bool) -> None:
        tag = element.tag
        if tag in _PARAGRAPHS:
            if self.paragraphs:
                self.literal("\n")
            self.paragraphs += 1
            self.after_space, inline = True, True
        elif tag == _SPACE:
            self.literal(" " * _count(element))
        elif tag == _TAB:
            self.literal("\t")
        elif tag == _LINE_BREAK:
            self.literal("\n")
        if inline:
            self.characters(element.text)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in _SKIPPED:
                self.walk(child, inline)
            if inline:
                self.characters(child.tail)


def _count(element: etree._Element) -> int:
    try:
        return max(1, min(int(element.get(_COUNT, "1")), _MOST_SPACES))
    except ValueError:
        return 1


def text_of(element: etree._Element) -> str:
    """What the element shows: a cell, a paragraph, a control or a field, tracked changes accepted."""
    out = _Text()
    out.walk(element, inline=element.tag not in _BLOCKS)
    return "".join(out.parts)
