"""Small Word templates made on the spot, each showing one thing an officer's edit can do."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

SPEC_ID = "urn:commission:schema:service-specification:1.0.0"


def make_template(
    path: Path,
    paragraphs: Sequence[Sequence[str]],
    *,
    identifier: str | None = SPEC_ID,
    spell_marks: bool = False,
    tracked: bool = False,
    title: str | None = None,
) -> Path:
    """A template with one paragraph per item, each given as its runs of text.

    ``spell_marks`` puts Word's spelling marks between runs; ``tracked`` wraps
    every run after the first in a tracked insertion.
    """
    document = docx.Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph()
        for index, text in enumerate(runs):
            run = paragraph.add_run(text)
            if index and spell_marks:
                mark = OxmlElement("w:proofErr")
                mark.set(qn("w:type"), "spellStart")
                run._r.addprevious(mark)
            if index and tracked:
                insertion = OxmlElement("w:ins")
                insertion.set(qn("w:id"), str(index))
                insertion.set(qn("w:author"), "An officer")
                run._r.addprevious(insertion)
                insertion.append(run._r)
    document.core_properties.identifier = identifier or ""
    if title is not None:
        document.core_properties.title = title
    document.save(str(path))
    return path
