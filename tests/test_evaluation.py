"""The round decision in memory: hold-back arithmetic and the cases the file-based rounds do not reach."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from generator.records.criteria import criteria_set
from generator.rounds.evaluation import Bid, Decision, decide, round_money
from generator.rounds.moderation import combine
from tests.round_builder import assessment

KENT = criteria_set("kent")


def bid(reference: str, amount: str, submitted: str = "2026-08-01", partner: bool | None = True) -> Bid:
    day = dt.date.fromisoformat(submitted)
    return Bid(reference, f"Council {reference}", f"Proposal {reference}", Decimal(amount), day, partner)


def test_a_hold_back_percentage_is_rounded_to_the_penny_half_up():
    # 10% of £100,000.05 = £10,000.005 -> £10,000.01; £90,000.04 left to allocate
    money = round_money(Decimal("100000.05"), hold_back_percent=Decimal(10))
    assert money.hold_back == Decimal("10000.01")
    assert money.to_allocate == Decimal("90000.04")


def test_a_hold_back_can_be_a_fixed_amount():
    money = round_money(Decimal("150000.00"), hold_back_amount=Decimal("25000.00"))
    assert (money.hold_back, money.to_allocate, money.hold_back_percent) == (
        Decimal("25000.00"),
        Decimal("125000.00"),
        None,
    )


@pytest.mark.parametrize(
    ("percent", "amount", "says"),
    [
        (Decimal(10), Decimal(1), "not both"),
        (Decimal(101), None, "from 0 to 100"),
        (None, Decimal("200000.01"), "more than the money available"),
    ],
)
def test_impossible_hold_backs_are_refused(percent, amount, says):
    with pytest.raises(ValueError, match=says):
        round_money(Decimal("200000.00"), percent, amount)


def test_a_bid_that_would_fit_but_ranks_below_the_reserve_is_not_funded_and_says_why():
    # £100,000: A £70,000 funded (£30,000 left); B £40,000 and C £35,000 pass over;
    # both would fit if A fell through, but only the higher-ranked, B, is the reserve.
    bids = [bid("A", "70000"), bid("B", "40000"), bid("C", "35000")]
    views = {
        "A": combine([assessment("abcdefg")], KENT),
        "B": combine([assessment("abcdfg")], KENT),
        "C": combine([assessment("abcfg")], KENT),
    }
    result = decide(round_money(Decimal("100000.00")), bids, views, KENT)
    assert [(o.bid.reference, o.decision) for o in result.outcomes] == [
        ("A", Decision.FUNDED),
        ("B", Decision.RESERVE),
        ("C", Decision.NOT_FUNDED),
    ]
    assert result.outcomes[2].reason == (
        "£35,000.00 did not fit in the £30,000.00 left at its turn, and B ranks higher as the reserve."
    )


def test_a_round_with_no_evaluations_ranks_nothing_and_funds_nothing():
    result = decide(round_money(Decimal("50000.00")), [bid("A", "100"), bid("B", "200")], {}, KENT)
    assert result.outcomes == ()
    assert [u.bid.reference for u in result.unevaluated] == ["A", "B"]
    assert result.unallocated == Decimal("50000.00")
    assert result.funded_amount == result.reserve_amount == Decimal("0.00")


def test_a_bid_whose_applicant_does_not_say_whether_it_is_a_partner_is_considered():
    result = decide(
        round_money(Decimal("50000.00")),
        [bid("A", "100", partner=None)],
        {"A": combine([assessment("fg")], KENT)},
        KENT,
    )
    assert [o.decision for o in result.outcomes] == [Decision.FUNDED]


def test_the_same_bids_in_any_order_give_the_same_ranking():
    bids = [bid("X", "30000", "2026-08-10"), bid("Y", "30000", "2026-08-10"), bid("Z", "30000", "2026-08-09")]
    views = {ref: combine([assessment("abcdfg", score="50")], KENT) for ref in "XYZ"}
    orders = {
        tuple(o.bid.reference for o in decide(round_money(Decimal(90000)), shuffled, views, KENT).outcomes)
        for shuffled in (bids, bids[::-1], [bids[1], bids[2], bids[0]])
    }
    assert orders == {("Z", "X", "Y")}
