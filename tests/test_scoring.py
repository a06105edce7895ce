"""The weighted score: score / top of scale x weight, summed, rounded once."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from generator.records.criteria import criteria_set
from generator.records.errors import CommissionError
from generator.records.loading import load_data_file
from generator.records.scoring import weighted_rows, weighted_score
from tests.conftest import EXAMPLES

REPORT = load_data_file(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml")


def test_the_example_report_scores_the_sum_of_its_weighted_contributions():
    weights = {c.id: c.weight for c in criteria_set("herefordshire").criteria}
    block = REPORT["weighted_scores"]
    expected = sum(
        Decimal(str(s["score"])) / Decimal(block["scale_max"]) * weights[str(s["criterion"])] for s in block["scores"]
    )
    assert weighted_score(REPORT) == expected.quantize(Decimal("0.01"))
    rows = weighted_rows(REPORT)
    assert [row.criterion for row in rows] == [str(s["criterion"]) for s in block["scores"]]
    assert rows[0].title == criteria_set("herefordshire").get(1).title


def test_top_marks_on_every_criterion_score_100():
    report = copy.deepcopy(REPORT)
    report["weighted_scores"]["scores"] = [
        {"criterion": n, "score": report["weighted_scores"]["scale_max"], "justification": "Full marks."}
        for n in range(1, 12)
    ]
    assert weighted_score(report) == Decimal("100.00")


def test_the_total_is_rounded_once_not_row_by_row():
    report = copy.deepcopy(REPORT)
    report["weighted_scores"] = {
        "scale_max": 3,
        "scores": [
            {"criterion": 1, "score": 1, "justification": "x"},  # 16.666...
            {"criterion": 2, "score": 1, "justification": "x"},  # 4.1666...
        ],
    }
    rows = weighted_rows(report)
    assert [row.points for row in rows] == [Decimal("16.67"), Decimal("4.17")]
    assert sum(row.points for row in rows) == Decimal("20.84")
    assert weighted_score(report) == Decimal("20.83")


def test_a_report_without_weighted_scores_has_no_score():
    report = {key: value for key, value in REPORT.items() if key != "weighted_scores"}
    assert weighted_score(report) is None
    assert weighted_rows(report) == []


def test_an_unknown_criterion_is_refused_by_name():
    report = copy.deepcopy(REPORT)
    report["weighted_scores"]["scores"][0]["criterion"] = 12
    with pytest.raises(CommissionError, match=r"Weighted criterion 12 is not in data/criteria\.yaml"):
        weighted_score(report)
