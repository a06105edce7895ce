"""The round decision: rank the bids, fund them within the money, name one reserve.

The rules, as the Commissioning Body would read them:

1. **Fundable first.** A bid whose combined answer on a criterion that
   blocks funding (Kent (f) capital, (g) revenue) is not ``met`` depends on
   money nobody has found: it is *not fundable*, whatever else it meets.
   Such bids are ranked after every fundable bid, by the same order.
2. **Rank** (the Kent rule): more criteria met ranks higher. Ties are broken,
   in turn, by the higher weighted score (a bid with none ranks below one
   with a score), the lower annual amount, the earlier date of submission,
   and finally the reference, so the same bids always give the same order.
3. **Hold-back.** A share of the money (a percentage, rounded to the penny,
   or a fixed amount) can be held back for urgent needs; the rest is the
   money to allocate.
4. **Fund** in rank order: each bid that fits in what is still unallocated
   is funded; a bid that does not fit is passed over and the next is tried.
5. **Reserve**: the highest-ranked bid passed over that would fit if funded
   bids worth the difference did not go ahead, that is, whose amount is no
   more than the money left plus the largest funded amount. There is at most
   one; with nothing funded there is none.
6. Every other fundable bid is *not funded*, with the reason.

Bids nobody evaluated are not ranked: they are listed as unevaluated, never
scored by guesswork. So are bids whose applicant says it may not bid (in
Kent, it is not a commissioning partner), with the round's reason.

The ranking rule is named by the round (``ranking: kent``); ``RANKINGS``
holds the rules there are, and only the Kent rule is built in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ..records.criteria import CriteriaSet
from ..records.money import pounds, to_penny
from ..records.wording import plural
from .moderation import Combined

__all__ = [
    "RANKINGS",
    "Bid",
    "Decision",
    "Outcome",
    "RankKey",
    "RoundMoney",
    "RoundResult",
    "Unevaluated",
    "blocking_failures",
    "decide",
    "rank_key",
    "round_money",
]


@dataclass(frozen=True)
class Bid:
    reference: str
    organisation: str
    proposal_title: str
    annual_amount: Decimal
    submitted: dt.date
    #: False when the applicant says it may not bid (in Kent: not a commissioning partner); None: not asked.
    eligible: bool | None = None


@dataclass(frozen=True)
class RoundMoney:
    available: Decimal
    hold_back: Decimal
    hold_back_percent: Decimal | None = None

    @property
    def to_allocate(self) -> Decimal:
        return self.available - self.hold_back


def round_money(
    available: Decimal, hold_back_percent: Decimal | None = None, hold_back_amount: Decimal | None = None
) -> RoundMoney:
    """The money available less any hold-back (a percentage or an amount, not both)."""
    if hold_back_percent is not None and hold_back_amount is not None:
        raise ValueError("give a hold-back percentage or a hold-back amount, not both")
    if hold_back_percent is not None:
        if not 0 <= hold_back_percent <= 100:
            raise ValueError(f"a hold-back percentage must be from 0 to 100, not {hold_back_percent}")
        return RoundMoney(available, to_penny(available * hold_back_percent / 100), hold_back_percent)
    hold_back = hold_back_amount or Decimal("0.00")
    if hold_back > available:
        raise ValueError(f"the hold-back ({pounds(hold_back)}) is more than the money available ({pounds(available)})")
    return RoundMoney(available, hold_back)


class Decision(StrEnum):
    FUNDED = "funded"
    RESERVE = "reserve"
    NOT_FUNDED = "not funded"
    NOT_FUNDABLE = "not fundable"


@dataclass(frozen=True)
class Outcome:
    rank: int
    bid: Bid
    combined: Combined
    decision: Decision
    reason: str
    #: The reason without the note for moderation: what the bidder is told.
    grounds: str = ""


@dataclass(frozen=True)
class Unevaluated:
    bid: Bid
    reason: str


@dataclass(frozen=True)
class RoundResult:
    money: RoundMoney
    outcomes: tuple[Outcome, ...]
    unevaluated: tuple[Unevaluated, ...]

    def with_decision(self, decision: Decision) -> list[Outcome]:
        return [o for o in self.outcomes if o.decision is decision]

    @property
    def funded_amount(self) -> Decimal:
        return sum((o.bid.annual_amount for o in self.with_decision(Decision.FUNDED)), Decimal("0.00"))

    @property
    def reserve_amount(self) -> Decimal:
        return sum((o.bid.annual_amount for o in self.with_decision(Decision.RESERVE)), Decimal("0.00"))

    @property
    def unallocated(self) -> Decimal:
        return self.money.to_allocate - self.funded_amount


#: A ranking rule: the sort key of a bid and its combined view (lower sorts first).
RankKey = Callable[["Bid", Combined], tuple[object, ...]]


def rank_key(bid: Bid, combined: Combined) -> tuple[object, ...]:
    """The Kent rule's sort key: more criteria met, higher weighted score, lower amount, earlier submission,
    reference."""
    score = combined.weighted_score
    return (
        -combined.criteria_met,
        score is None,
        -(score or Decimal(0)),
        bid.annual_amount,
        bid.submitted,
        bid.reference,
    )


#: The ranking rules a round may name (``ranking:``), by name.
RANKINGS: dict[str, RankKey] = {"kent": rank_key}

#: Why a bid whose applicant says it may not bid is not ranked, when the round does not say.
NOT_ELIGIBLE = "The bid says the applicant may not bid, so it is not ranked."


def blocking_failures(combined: Combined, criteria: CriteriaSet) -> list[str]:
    """The funding-blocking criteria this bid does not meet, as '(f) Capital funding identified'."""
    met = criteria.answers[0]
    return [f"({c.id}) {c.title}" for c in criteria.criteria if c.blocks_funding and combined.answers.get(c.id) != met]


def _with_flags(reason: str, combined: Combined) -> str:
    if not combined.flags:
        return reason
    return f"{reason} Flagged for moderation: {'; '.join(combined.flags)}."


def decide(
    money: RoundMoney,
    bids: Sequence[Bid],
    combined: Mapping[str, Combined],
    criteria: CriteriaSet,
    *,
    ranking: RankKey = rank_key,
    not_eligible: str = NOT_ELIGIBLE,
) -> RoundResult:
    """Rank, fund, name the reserve and give each bid its reason (the rules in this module's docstring)."""
    total = len(criteria.criteria)
    unevaluated = tuple(_unevaluated(bid, not_eligible) for bid in bids if _left_out(bid, combined))
    evaluated = sorted((b for b in bids if not _left_out(b, combined)), key=lambda b: ranking(b, combined[b.reference]))
    fundable = [b for b in evaluated if not blocking_failures(combined[b.reference], criteria)]
    blocked = [b for b in evaluated if blocking_failures(combined[b.reference], criteria)]

    decisions: dict[str, tuple[Decision, str]] = {}
    left = money.to_allocate
    funded: list[Bid] = []
    passed_over: list[tuple[Bid, Decimal]] = []
    for bid in fundable:
        view = combined[bid.reference]
        if bid.annual_amount <= left:
            decisions[bid.reference] = (
                Decision.FUNDED,
                f"Meets {view.criteria_met} of {plural(total, 'criterion', 'criteria')}; {pounds(bid.annual_amount)} fits in the "
                f"{pounds(left)} still to allocate, leaving {pounds(left - bid.annual_amount)}.",
            )
            left -= bid.annual_amount
            funded.append(bid)
        else:
            passed_over.append((bid, left))

    largest = max((b.annual_amount for b in funded), default=Decimal("0.00"))
    reserve = next((b for b, _ in passed_over if funded and b.annual_amount <= left + largest), None)
    for bid, left_then in passed_over:
        decisions[bid.reference] = _not_funded(bid, reserve, left_then, left, largest, money.to_allocate)
    for bid in blocked:
        failures = blocking_failures(combined[bid.reference], criteria)
        decisions[bid.reference] = (
            Decision.NOT_FUNDABLE,
            f"Cannot be funded: it depends on money that has not been identified (not met: {', '.join(failures)}).",
        )

    outcomes = []
    for rank, bid in enumerate(fundable + blocked, start=1):
        decision, reason = decisions[bid.reference]
        view = combined[bid.reference]
        outcomes.append(Outcome(rank, bid, view, decision, _with_flags(reason, view), reason))
    return RoundResult(money, tuple(outcomes), unevaluated)


def _left_out(bid: Bid, combined: Mapping[str, Combined]) -> bool:
    return bid.eligible is False or bid.reference not in combined


def _unevaluated(bid: Bid, not_eligible: str) -> Unevaluated:
    if bid.eligible is False:
        return Unevaluated(bid, not_eligible)
    return Unevaluated(bid, "No evaluation report names this bid, so it is not ranked until one is added.")


def _not_funded(
    bid: Bid, reserve: Bid | None, left_then: Decimal, left: Decimal, largest: Decimal, to_allocate: Decimal
) -> tuple[Decision, str]:
    amount = pounds(bid.annual_amount)
    if bid.annual_amount > to_allocate:
        return Decision.NOT_FUNDED, f"{amount} is more than all the money to allocate ({pounds(to_allocate)})."
    turn = f"{amount} did not fit in the {pounds(left_then)} left at its turn"
    if bid is reserve:
        return (
            Decision.RESERVE,
            f"Held in reserve: {turn}; it would fit if funded bids worth at least "
            f"{pounds(bid.annual_amount - left)} did not go ahead.",
        )
    if bid.annual_amount > left + largest:
        return (
            Decision.NOT_FUNDED,
            f"{turn}, and would not fit even if the largest funded bid ({pounds(largest)}) did not go ahead.",
        )
    return (
        Decision.NOT_FUNDED,
        f"{turn}, and {reserve.reference if reserve else 'another bid'} ranks higher as the reserve.",
    )
