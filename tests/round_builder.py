"""Turn a hand-worked round fixture (tests/fixtures/rounds/) into real files.

Each bid becomes a growth-bid record made from the shipped Dartford example,
each evaluation row an evaluation-report record made from its report, and the
round file lists them, so the whole path a user takes (files, validation,
combining, deciding) is exercised. The shorthand is described in
tests/fixtures/rounds/README.md.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from generator.records.criteria import criteria_set
from generator.records.loading import load_data_file
from generator.rounds.moderation import Assessment
from tests.conftest import EXAMPLES

BID_EXAMPLE = EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml"
REPORT_EXAMPLE = EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml"


def assessment(met: str = "", partly: str = "", score: str | None = None, *, moderated=False, who="E") -> Assessment:
    """One evaluator's view in memory, in the fixtures' shorthand (letters met, letters partly met)."""
    answers = {
        letter: "met" if letter in met else "partly met" if letter in partly else "not met" for letter in "abcdefg"
    }
    return Assessment(f"{who}.yaml", who, answers, Decimal(score) if score else None, moderated)


def bid_record(row: dict[str, Any]) -> dict[str, Any]:
    record = copy.deepcopy(load_data_file(BID_EXAMPLE))
    record["applicant"]["organisation"] = f"Applicant for {row['reference']}"
    record["applicant"]["is_commissioning_partner"] = row.get("partner", True)
    record["proposal_title"] = f"Proposal {row['reference']}"
    record["annual_amount"] = float(row["amount"])
    record["submission_date"] = str(row["submitted"])
    return record


def report_record(reference: str, row: dict[str, Any], number: int, scale_top: int) -> dict[str, Any]:
    record = copy.deepcopy(load_data_file(REPORT_EXAMPLE))
    record["bid"] = {"reference": reference, "organisation": f"Applicant for {reference}"}
    met, partly = set(row.get("met", "")), set(row.get("partly", ""))
    for letter in criteria_set("kent").ids:
        answer = "met" if letter in met else "partly met" if letter in partly else "not met"
        record["kent_criteria"][letter] = {"answer": answer, "evidence": f"Evaluator {number} on ({letter})."}
    record["criteria_met"] = len(met)
    if "scores" in row:
        record["weighted_scores"] = {
            "scale_max": scale_top,
            "scores": [
                {"criterion": int(c), "score": s, "justification": f"Score for criterion {c}."}
                for c, s in row["scores"].items()
            ],
        }
    else:
        record.pop("weighted_scores", None)
    record["evaluator"] = {"name": f"Evaluator {number}", "email": f"evaluator{number}@kent.example.gov.uk"}
    return record


def build_round(fixture: dict[str, Any], folder: Path) -> Path:
    """Write the fixture's bids, reports and round file under ``folder``; return the round file."""
    from generator.rounds.scale_check import report_scale

    scale_top = int(report_scale(fixture["round"].get("scale")).top)
    (folder / "bids").mkdir(parents=True)
    (folder / "reports").mkdir()
    round_file = dict(fixture["round"], name="Hand-worked round", bids=[], evaluations=[])
    for row in fixture["bids"]:
        ref = row["reference"]
        (folder / "bids" / f"{ref}.json").write_text(json.dumps(bid_record(row)), encoding="utf-8")
        round_file["bids"].append({"reference": ref, "file": f"bids/{ref}.json"})
        for number, evaluation in enumerate(row["evaluations"], start=1):
            name = f"reports/{ref}-{number}.yaml"
            (folder / name).write_text(
                yaml.safe_dump(report_record(ref, evaluation, number, scale_top)), encoding="utf-8"
            )
            entry = {"file": name, "moderated": True} if evaluation.get("moderated") else name
            round_file["evaluations"].append(entry)
    path = folder / "round.yaml"
    path.write_text(yaml.safe_dump(round_file, sort_keys=False), encoding="utf-8")
    return path
