"""A letter to each bidder saying what the round decided about its bid, and why.

Every bid in the round gets one: funded (with the amount offered), held in
reserve, not funded, not fundable, or not ranked (nobody evaluated it, or the
bid says the applicant may not bid). The reason is the decision's own, without
the note for moderation, which is for the panel rather than the bidder.

Each letter is an ``outcome-letter`` record, made from the project's settings
(the partnership's name and contact), the round and the bid as the round's
fields read it; it is validated against its schema and filled into the
``outcome-letter`` template, which officers may edit like the others
(``commission templates check`` checks it). The letters are written to
``letters/<reference>.docx``, named by the rule of the evaluation reports
(:mod:`generator.rounds.word_documents`); a letter an earlier run left there
for a bid no longer in the round is removed, so the folder can be sent as it
is. A project without that template gets no letters; the JSON results are
always written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..documents.render import shipped_templates
from ..records.money import as_json_number
from ..records.project import project_settings
from .evaluation import Bid, Decision, RoundResult
from .round_file import RoundSpec
from .word_documents import render_document, safe_stem, unique_names

__all__ = ["LETTER", "NOT_RANKED", "outcome_letters", "write_outcome_letters"]

#: The template (and schema) of the letters.
LETTER = "outcome-letter"
#: The outcome of a bid the round did not rank (it is not a decision the ranking makes).
NOT_RANKED = "not ranked"


def _partnership() -> dict[str, Any]:
    settings = project_settings()
    contact = settings.contact
    given = {
        "contact_name": contact.name,
        "contact_email": contact.email,
        "contact_phone": contact.phone,
        "contact_address": contact.address,
    }
    return {"name": settings.partnership, **{key: value for key, value in given.items() if value}}


def _bid(bid: Bid) -> dict[str, Any]:
    return {
        "reference": bid.reference,
        "organisation": bid.organisation,
        "proposal_title": bid.proposal_title,
        "annual_amount": as_json_number(bid.annual_amount),
    }


def outcome_letters(spec: RoundSpec, result: RoundResult, today: dt.date) -> list[dict[str, Any]]:
    """One ``outcome-letter`` record per bid: the ranked ones in rank order, then those not ranked."""
    partnership = _partnership()
    head: dict[str, Any] = {"name": spec.name}
    if spec.decision_date is not None:
        head["decision_date"] = spec.decision_date.isoformat()
    head["bids_ranked"] = len(result.outcomes)
    total = len(spec.definition.criteria.criteria)
    letters = []
    for outcome in result.outcomes:
        letter: dict[str, Any] = {
            "partnership": partnership,
            "round": head,
            "bid": _bid(outcome.bid),
            "outcome": str(outcome.decision),
            "rank": outcome.rank,
            "criteria_met": outcome.combined.criteria_met,
            "criteria_total": total,
            "reason": outcome.grounds or outcome.reason,
            "letter_date": today.isoformat(),
        }
        if outcome.decision is Decision.FUNDED:
            letter["amount_offered"] = as_json_number(outcome.bid.annual_amount)
        letters.append(letter)
    for left_out in result.unevaluated:
        letters.append(
            {
                "partnership": partnership,
                "round": head,
                "bid": _bid(left_out.bid),
                "outcome": NOT_RANKED,
                "reason": left_out.reason,
                "letter_date": today.isoformat(),
            }
        )
    return letters


def write_outcome_letters(letters: list[dict[str, Any]], out: Path, today: dt.date) -> list[Path]:
    """Each letter as ``out/letters/<reference>.docx``; none when the project has no outcome-letter template."""
    if LETTER not in shipped_templates():
        return []
    names = unique_names([safe_stem(letter["bid"]["reference"]) for letter in letters])
    pairs = zip(letters, names, strict=True)
    written = [render_document(LETTER, letter, out / "letters" / name, today) for letter, name in pairs]
    for stale in (out / "letters").glob("*.docx"):  # a bid an earlier run wrote to is no longer in the round
        if stale not in written and stale.is_file() and not stale.is_symlink():
            stale.unlink()
    return written
