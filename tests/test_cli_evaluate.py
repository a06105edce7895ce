"""``commission evaluate`` on the shipped example round, worked by hand.

examples/rounds/kent-2027.yaml: £200,000 available, 10% (£20,000) held back,
£180,000 to allocate.

    rank  bid          met  score  amount    decision      why
    1     GB-2026-001  6    70.63  £52,000   funded        £128,000 left
    2     GB-2026-003  6    50.00  £68,500   funded        £59,500 left; beats GB-2026-002 on amount
    3     GB-2026-002  6    50.00  £74,000   reserve       mean of 62.50 and 37.50; flagged (spread 25)
    4     GB-2026-004  5    60.00  £95,000   not funded    moderated report overrides 6/80 and 4/40
    5     GB-2026-006  4    -      £45,000   funded        fits the £59,500 left; £14,500 left
    6     GB-2026-005  4    -      £41,250.50 not fundable (g) not met

GB-2026-002 is the reserve: 74,000 <= 14,500 + 68,500. GB-2026-004 is not:
95,000 > 83,000. GB-2026-007 has no evaluation; GB-2026-008 is from a provider.
"""

from __future__ import annotations

import json

import docx

from generator.cli import main
from generator.records.validation import validate_record
from tests.conftest import EXAMPLES

ROUND = EXAMPLES / "rounds" / "kent-2027.yaml"


def test_the_example_round_is_decided_as_worked_by_hand(tmp_path, capsys):
    assert main(["evaluate", str(ROUND), "--within", str(EXAMPLES), "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "round-summary.json").read_text(encoding="utf-8"))
    assert summary["round"] == {
        "name": "Kent Supporting People growth bids 2027-28",
        "money_available": 200000.0,
        "hold_back_percent": 10,
        "hold_back_amount": 20000.0,
        "money_to_allocate": 180000.0,
        "decision_date": "2026-09-24",
    }
    assert [(b["reference"], b["criteria_met"], b["weighted_score"], b["decision"]) for b in summary["bids"]] == [
        ("GB-2026-001", 6, 70.63, "funded"),
        ("GB-2026-003", 6, 50.0, "funded"),
        ("GB-2026-002", 6, 50.0, "reserve"),
        ("GB-2026-004", 5, 60.0, "not funded"),
        ("GB-2026-006", 4, None, "funded"),
        ("GB-2026-005", 4, None, "not fundable"),
    ]
    assert summary["totals"] == {
        "bids": 6,
        "funded_count": 3,
        "funded_amount": 165500.0,
        "reserve_amount": 74000.0,
        "unallocated": 14500.0,
    }
    assert [u["reference"] for u in summary["unevaluated"]] == ["GB-2026-007", "GB-2026-008"]


def test_the_workings_show_each_evaluator_and_the_rule_used(tmp_path, capsys):
    assert main(["evaluate", str(ROUND), "--within", str(EXAMPLES), "--out", str(tmp_path)]) == 0
    workings = json.loads((tmp_path / "round-workings.json").read_text(encoding="utf-8"))
    ashford = next(b for b in workings["bids"] if b["reference"] == "GB-2026-004")
    assert ashford["combined_by"] == "moderated report by Helen Price overrides the others"
    assert [(e["evaluator"], e["moderated"], e["weighted_score"]) for e in ashford["evaluations"]] == [
        ("Ute Vann", False, 80.0),
        ("Claire Martin", False, 40.0),
        ("Helen Price", True, 60.0),
    ]
    swale = next(b for b in workings["bids"] if b["reference"] == "GB-2026-002")
    assert swale["flagged_for_moderation"] == [
        "weighted scores range from 37.50 to 62.50, a spread of 25.00 points (more than 15)"
    ]


def test_the_terminal_shows_the_ranking_the_reserve_and_what_was_left_out(tmp_path, capsys):
    assert main(["evaluate", str(ROUND), "--within", str(EXAMPLES), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Money available £200,000.00; held back 10%, £20,000.00; to allocate £180,000.00" in out
    assert "3     GB-2026-002      6  50.00     £74,000.00  reserve" in out
    assert "Funded: 3 bids, £165,500.00; unallocated £14,500.00." in out
    assert "Reserve: GB-2026-002 (£74,000.00)." in out
    assert "GB-2026-007 Tunbridge Wells Borough Council: No evaluation report names this bid" in out
    assert str(tmp_path / "round-summary.json") in out


def test_without_out_the_results_go_to_build_and_the_round_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["evaluate", str(ROUND), "--within", str(EXAMPLES)]) == 0
    assert (tmp_path / "build" / "kent-2027" / "round-summary.json").is_file()


def test_a_missing_round_file_exits_3(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "absent.yaml")]) == 3
    assert "absent.yaml: there is no such file" in capsys.readouterr().err


def _text(path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_round_summary_and_each_evaluation_report_are_rendered_to_word(tmp_path, capsys):
    assert (
        main(["evaluate", str(ROUND), "--within", str(EXAMPLES), "--out", str(tmp_path), "--today", "2026-09-25"]) == 0
    )
    summary = _text(tmp_path / "round-summary.docx")
    assert "Kent Supporting People growth bids 2027-28" in summary
    assert "Held in reserve: £74,000.00 did not fit in the £59,500.00 left at its turn" in summary
    reports = sorted(p.name for p in (tmp_path / "evaluation-reports").iterdir())
    assert reports == [
        "GB-2026-001.docx",
        "GB-2026-002-evaluator-1.docx",
        "GB-2026-002-evaluator-2.docx",
        "GB-2026-003.docx",
        "GB-2026-004-evaluator-1.docx",
        "GB-2026-004-evaluator-2.docx",
        "GB-2026-004-moderated.docx",
        "GB-2026-005.docx",
        "GB-2026-006.docx",
    ]
    moderated = _text(tmp_path / "evaluation-reports" / "GB-2026-004-moderated.docx")
    assert "Helen Price" in moderated
    assert "The trust has agreed to refer" in moderated
    assert "(9 evaluation reports)" in capsys.readouterr().out


def test_the_example_summary_is_a_valid_round_summary_record(tmp_path, capsys):
    assert main(["evaluate", str(ROUND), "--within", str(EXAMPLES), "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "round-summary.json").read_text(encoding="utf-8"))
    assert validate_record(summary, "round-summary") == []


def test_the_demo_decides_the_example_round(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--today", "2026-09-25"]) == 0
    assert "Reserve: GB-2026-002 (£74,000.00)." in capsys.readouterr().out
    decided = json.loads((tmp_path / "round" / "round-summary.json").read_text(encoding="utf-8"))
    assert decided["totals"]["funded_count"] == 3
