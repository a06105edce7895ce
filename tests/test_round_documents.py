"""Where each evaluation report's Word document goes, and names that are safe as file names."""

from __future__ import annotations

from pathlib import Path

from generator.rounds.round_file import LoadedReport
from generator.rounds.word_documents import report_file_names
from tests.round_builder import assessment


def loaded(name: str, *, moderated: bool = False) -> LoadedReport:
    return LoadedReport(Path(name), {}, assessment(moderated=moderated))


def test_one_report_is_named_by_its_bid_and_several_are_numbered_with_the_moderated_one_marked():
    names = report_file_names(
        {
            "GB-1": (loaded("a.yaml"),),
            "GB-2": (loaded("b1.yaml"), loaded("m.yaml", moderated=True), loaded("b2.yaml")),
        }
    )
    assert names == {
        Path("a.yaml"): "GB-1.docx",
        Path("b1.yaml"): "GB-2-evaluator-1.docx",
        Path("m.yaml"): "GB-2-moderated.docx",
        Path("b2.yaml"): "GB-2-evaluator-2.docx",
    }


def test_references_are_made_safe_for_file_names():
    names = report_file_names({"GB/2026 001": (loaded("a.yaml"),), "../..": (loaded("b.yaml"),)})
    assert names == {Path("a.yaml"): "GB-2026-001.docx", Path("b.yaml"): "bid.docx"}


def test_two_references_made_safe_the_same_way_do_not_overwrite_each_other():
    names = report_file_names({"GB 1": (loaded("a.yaml"),), "GB/1": (loaded("b.yaml"),)})
    assert names == {Path("a.yaml"): "GB-1.docx", Path("b.yaml"): "GB-1-2.docx"}
