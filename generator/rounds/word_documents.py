"""The round's Word documents: ``round-summary.docx`` and each bid's evaluation report.

Both are filled from the shipped templates by ``generator.documents.render`` (which
validates each record against its schema before rendering). A bid with one
report gets ``evaluation-reports/<reference>.docx``; a bid with several gets
one document per evaluator, numbered in the order the round file lists them,
and ``<reference>-moderated.docx`` for a moderated report (made from the template
named like the reports' kind). A project without a template gets no document from it;
the JSON results are always written. Characters other
than letters, digits, dots, hyphens and underscores become hyphens, and a
name that would repeat another gets ``-2``, ``-3``...
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..documents.file_names import unique_names
from ..documents.render import render_record, shipped_templates
from ..records.errors import CommissionError
from .round_file import LoadedReport

__all__ = ["render_document", "render_round_documents", "report_file_names", "safe_stem", "unique_names"]

#: The template (and schema) of the round's summary: the toolkit's own output, the same for every project.
SUMMARY = "round-summary"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_stem(reference: str) -> str:
    """A reference as a file name's stem: only letters, digits, dots, hyphens and underscores."""
    return _UNSAFE.sub("-", reference).strip("-.") or "bid"


def report_file_names(reports: Mapping[str, tuple[LoadedReport, ...]]) -> dict[Path, str]:
    """Each report's file name under ``evaluation-reports/`` (rule in the module docstring)."""
    stems: list[tuple[Path, str]] = []
    for reference, loaded in reports.items():
        stem = safe_stem(reference)
        if len(loaded) == 1:
            stems.append((loaded[0].path, stem))
            continue
        number = 0
        for report in loaded:
            if report.assessment.moderated:
                stems.append((report.path, f"{stem}-moderated"))
            else:
                number += 1
                stems.append((report.path, f"{stem}-evaluator-{number}"))
    unique = unique_names([stem for _, stem in stems])
    return {path: name for (path, _), name in zip(stems, unique, strict=True)}


def render_document(template: str, record: Mapping[str, Any], target: Path, today: dt.date) -> Path:
    """Fill ``template`` with ``record`` and write it to ``target`` (a record the template cannot take is an error)."""
    outcome = render_record(template, record, today=today)
    if outcome.document is None:
        problems = "; ".join(str(issue) for issue in outcome.issues)
        raise CommissionError(f"{target.name} could not be made from the {template} template: {problems}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(outcome.document)
    return target


def render_round_documents(
    summary: Mapping[str, Any],
    reports: Mapping[str, tuple[LoadedReport, ...]],
    out: Path,
    today: dt.date,
    report_kind: str,
) -> list[Path]:
    """Write ``round-summary.docx`` and every evaluation report's document into ``out``."""
    templates = shipped_templates()
    written = [render_document(SUMMARY, summary, out / "round-summary.docx", today)] if SUMMARY in templates else []
    if report_kind not in templates:
        return written
    names = report_file_names(reports)
    for loaded in reports.values():
        for report in loaded:
            written.append(
                render_document(report_kind, report.record, out / "evaluation-reports" / names[report.path], today)
            )
    return written
