"""A later return of the same bid is recognised by the layout's identity, never by a field name in code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from generator.batch import identity
from generator.cli import main
from generator.forms.layout import _identity, layout_kinds, load_layout
from generator.records.errors import CommissionError
from tests.batch_helpers import valid_bid

from .conftest import ROOT


def test_the_same_bid_is_recognised_whatever_the_case_and_spacing() -> None:
    one, two = valid_bid("Thanet District Council", "Outreach"), valid_bid("  thanet   DISTRICT council ", "OUTREACH")
    assert identity.identify("growth-bid", one["record"], one["raw"])[0] == identity.identify(
        "growth-bid", two["record"], two["raw"]
    )[0] == "thanet district council | outreach"  # fmt: skip


def test_a_return_missing_an_identity_answer_stands_alone() -> None:
    bid = valid_bid("Org")
    del bid["record"]["proposal_title"]
    assert identity.identify("growth-bid", bid["record"], bid["raw"]) == (None, None)


def test_the_forms_own_date_orders_returns_and_only_a_real_date_counts() -> None:
    bid = valid_bid("Org")
    bid["record"]["submission_date"] = "2026-08-14"
    assert identity.identify("growth-bid", bid["record"], None)[1] == "2026-08-14"
    bid["record"]["submission_date"] = "14th August"
    assert identity.identify("growth-bid", bid["record"], None)[1] is None


def test_a_reference_when_the_form_has_one_decides_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    layout = dataclasses.replace(load_layout("growth-bid"), reference="/applicant/email")
    monkeypatch.setattr(identity, "load_layout", lambda kind: layout)
    one, two = valid_bid("Org A", "Title A"), valid_bid("Org B", "Title B")
    assert identity.identify("growth-bid", one["record"], None)[0] == "reference a@example.org"
    assert identity.identify("growth-bid", two["record"], None)[0] == "reference a@example.org"


def test_every_shipped_layout_names_its_identity_by_questions_on_its_form() -> None:
    for kind in layout_kinds():
        layout = load_layout(kind)
        asked = {q.pointer for q in layout.questions()}
        assert layout.identity and set(layout.identity) <= asked, kind
        raw = yaml.safe_load((ROOT / "forms" / f"{kind}.yaml").read_text(encoding="utf-8"))
        assert list(layout.identity) == raw["identity"]


def test_an_identity_that_is_not_a_question_of_the_form_is_refused_saying_which() -> None:
    layout = load_layout("growth-bid")
    with pytest.raises(CommissionError, match=r"'/outcomes' is not a question of the growth-bid form"):
        _identity("growth-bid", {"identity": ["/outcomes"]}, list(layout.sections), "growth-bid.yaml")


def test_a_folder_of_files_that_cannot_be_read_exits_1_and_never_says_all_is_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    formats = ROOT / "tests" / "fixtures" / "returns" / "formats"
    for name in ("scan.jpg", "growth-bid.msg"):
        (inbox / name).write_bytes((formats / name).read_bytes())
    assert main(["batch", str(inbox), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 1
    assert "0 valid, 0 invalid, 2 unreadable, 0 skipped" in capsys.readouterr().out
    report = (tmp_path / "out" / "errors.txt").read_text(encoding="utf-8")
    assert "None:" not in report and "save the attached form into the returns folder" in report
