"""Hand-worked rounds: each fixture's expected answer was worked out by hand (see its comments)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import yaml

from generator.cli import main
from generator.records.validation import validate_record
from tests.conftest import FIXTURES
from tests.round_builder import build_round

CASES = sorted((FIXTURES / "rounds").glob("*.yaml"))


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture(scope="module", params=CASES, ids=[case.stem for case in CASES])
def decided(request, tmp_path_factory):
    """Each round is built and decided once, through the command line, and read back."""
    fixture = yaml.safe_load(request.param.read_text(encoding="utf-8"))
    folder = tmp_path_factory.mktemp(request.param.stem)
    round_path = build_round(fixture, folder / "round")
    out = folder / "out"
    assert main(["evaluate", str(round_path), "--out", str(out)]) == 0
    summary = json.loads((out / "round-summary.json").read_text(encoding="utf-8"))
    workings = json.loads((out / "round-workings.json").read_text(encoding="utf-8"))
    return fixture["expected"], summary, workings


def test_the_money_to_allocate_is_what_is_left_after_the_hold_back(decided):
    expected, summary, _ = decided
    assert _money(summary["round"]["hold_back_amount"]) == _money(expected["hold_back_amount"])
    assert _money(summary["round"]["money_to_allocate"]) == _money(expected["money_to_allocate"])


def test_bids_come_in_the_hand_worked_order_with_their_decisions(decided):
    expected, summary, _ = decided
    got = [(bid["rank"], bid["reference"], bid["decision"]) for bid in summary["bids"]]
    want = [(rank, row["reference"], row["decision"]) for rank, row in enumerate(expected["ranking"], start=1)]
    assert got == want


def test_criteria_met_and_weighted_scores_match_the_working(decided):
    expected, summary, _ = decided
    bids = {bid["reference"]: bid for bid in summary["bids"]}
    for row in expected["ranking"]:
        if "criteria_met" in row:
            assert bids[row["reference"]]["criteria_met"] == row["criteria_met"], row["reference"]
        if "weighted_score" in row:
            got = bids[row["reference"]]["weighted_score"]
            want = row["weighted_score"]
            assert (got is None) == (want is None), row["reference"]
            if want is not None:
                assert _money(got) == _money(want), row["reference"]


def test_reasons_say_why(decided):
    expected, summary, _ = decided
    bids = {bid["reference"]: bid for bid in summary["bids"]}
    for row in expected["ranking"]:
        if "reason_contains" in row:
            assert row["reason_contains"] in bids[row["reference"]]["reason"], bids[row["reference"]]["reason"]


def test_moderation_flags_match_the_working(decided):
    expected, _, workings = decided
    flagged = {bid["reference"]: bool(bid["flagged_for_moderation"]) for bid in workings["bids"]}
    for row in expected["ranking"]:
        if "flagged" in row:
            assert flagged[row["reference"]] is row["flagged"], row["reference"]


def test_totals_match_the_working(decided):
    expected, summary, _ = decided
    totals, want = summary["totals"], expected["totals"]
    assert totals["bids"] == want["bids"]
    assert totals["funded_count"] == want["funded_count"]
    for key in ("funded_amount", "reserve_amount", "unallocated"):
        assert _money(totals[key]) == _money(want[key]), key
    funded = sum(_money(b["annual_amount"]) for b in summary["bids"] if b["decision"] == "funded")
    assert funded == _money(totals["funded_amount"])
    assert _money(summary["round"]["money_to_allocate"]) - funded == _money(totals["unallocated"])


def test_unevaluated_bids_are_listed_with_the_reason_and_not_ranked(decided):
    expected, summary, _ = decided
    listed = {row["reference"]: row["reason"] for row in summary["unevaluated"]}
    assert list(listed) == [row["reference"] for row in expected["unevaluated"]]
    for row in expected["unevaluated"]:
        assert row["reason_contains"] in listed[row["reference"]]
    ranked = {bid["reference"] for bid in summary["bids"]}
    assert ranked.isdisjoint(listed)


def test_at_most_one_reserve_and_it_is_never_bigger_than_the_allocation(decided):
    _, summary, _ = decided
    reserves = [b for b in summary["bids"] if b["decision"] == "reserve"]
    assert len(reserves) <= 1
    for bid in reserves:
        assert _money(bid["annual_amount"]) <= _money(summary["round"]["money_to_allocate"])


def test_every_case_has_its_working_written_down():
    for case in CASES:
        text = case.read_text(encoding="utf-8")
        assert text.startswith("#"), f"{case.name} should start with its hand working"
        assert "expected:" in text
    assert len(CASES) >= 7


def test_the_summary_is_a_valid_round_summary_record(decided):
    _, summary, _ = decided
    assert validate_record(summary, "round-summary") == []
