"""A round decided straight from returned Word forms: bids and evaluation reports batched, then evaluated.

The shipped example round (examples/rounds/kent-2027.yaml) is made into filled
Word returns, the way a bidder and a panel member return them: each growth bid
and each evaluation report filled into the shipped blank form. The bids are
batched; the register numbers them (GB-<year>-NNN, the year from the project's
closing date) and the workbook shows the numbers; the evaluators put those
references on their reports, which are left in a folder the round batches
itself. The round decided from them must be the one decided from the YAML
records written with the same references.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.forms.layout import load_layout
from generator.intake.loader import question_number
from generator.ooxml.fill import fill_form
from generator.records.loading import load_data_file
from generator.records.project import project_settings
from generator.records.schemas import schema_info
from tests.conftest import EXAMPLES, ROOT

EXAMPLE_ROUND = EXAMPLES / "rounds" / "kent-2027.yaml"
DAY = "2026-09-24"
YEAR = project_settings().closing_date.year  # the reference's year, from commission.yaml


def _word(kind: str, record: dict[str, Any], target: Path) -> Path:
    """A return made as a bidder makes one: the shipped blank Word form filled with ``record``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(fill_form((ROOT / "forms" / f"{kind}.docx").read_bytes(), load_layout(kind), record))
    return target


def _example() -> tuple[dict[str, Path], list[tuple[Path, bool]]]:
    """The example round's bids (reference -> file) and reports (file, moderated)."""
    raw = load_data_file(EXAMPLE_ROUND)
    bids = {entry["reference"]: (EXAMPLE_ROUND.parent / entry["file"]).resolve() for entry in raw["bids"]}
    reports: list[tuple[Path, bool]] = []
    for entry in raw["evaluations"]:
        name, moderated = (entry["file"], True) if isinstance(entry, dict) else (entry, False)
        reports += [(path.resolve(), moderated) for path in sorted(EXAMPLE_ROUND.parent.glob(name))]
    return bids, reports


def _evaluate(round_file: Path, out: Path, *more: str) -> int:
    return main(["evaluate", str(round_file), "--out", str(out), "--today", DAY, *more])


def _batch(folder: Path, out: Path) -> int:
    return main(["batch", str(folder), "--out", str(out), "--jobs", "1", "--today", DAY])


def _decisions(out: Path) -> dict[str, Any]:
    summary = json.loads((out / "round-summary.json").read_text(encoding="utf-8"))
    return {
        "bids": [
            (b["reference"], b["organisation"], b["criteria_met"], b["weighted_score"], b["decision"])
            for b in summary["bids"]
        ],
        "totals": summary["totals"],
        "unevaluated": sorted((u["reference"], u["organisation"]) for u in summary["unevaluated"]),
    }


def _references(batch_out: Path) -> dict[str, str]:
    """Organisation -> reference, as the officer reads them off the batch's growth-bid sheet."""
    with open(batch_out / "csv" / "growth-bid.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    [label] = [q.label for q in load_layout("growth-bid").questions() if q.pointer == "/applicant/organisation"]
    return {row[label]: row["Reference"] for row in rows}


def _write_round(folder: Path, **settings: Any) -> Path:
    body = {"name": "Growth bids from returns", "money_available": 200000.00, "hold_back_percent": 10,
            "decision_date": DAY, "scale": "herefordshire-0-4", **settings}  # fmt: skip
    path = folder / "round.yaml"
    path.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def returned(tmp_path: Path) -> dict[str, Any]:
    """The example round as returned Word forms: bids batched, reports in a folder, the moderated one apart."""
    bids, reports = _example()
    (tmp_path / "records" / "bids").mkdir(parents=True)
    for path in bids.values():
        record = load_data_file(path)
        # A tick box on a Word form is ticked or not: the Thanet example, which leaves it out, says so here.
        record["applicant"].setdefault("is_commissioning_partner", True)
        _word("growth-bid", record, tmp_path / "returns" / "bids" / f"{path.stem}.docx")
        (tmp_path / "records" / "bids" / f"{path.stem}.yaml").write_text(yaml.safe_dump(record), encoding="utf-8")
    assert _batch(tmp_path / "returns" / "bids", tmp_path / "build" / "bids") == 0
    given = _references(tmp_path / "build" / "bids")
    organisation = {ref: load_data_file(path)["applicant"]["organisation"] for ref, path in bids.items()}
    new_reference = {old: given[name] for old, name in organisation.items()}
    moderated_file = None
    for path, moderated in reports:
        record = load_data_file(path)
        record["bid"]["reference"] = new_reference[record["bid"]["reference"]]
        folder = "moderated" if moderated else "reports"
        written = _word("evaluation-report", record, tmp_path / "returns" / folder / f"{path.stem}.docx")
        moderated_file = written if moderated else moderated_file
        # The same report as a YAML record, for the round written the old way.
        (tmp_path / "records" / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / "records" / folder / f"{path.stem}.yaml").write_text(yaml.safe_dump(record), encoding="utf-8")
    return {"bids": bids, "references": new_reference, "moderated": moderated_file}


def test_a_round_decided_from_returned_word_forms_matches_the_same_round_from_records(tmp_path, returned, capsys):
    from_returns = _write_round(
        tmp_path,
        bids_from="build/bids/register.sqlite",
        evaluations_from="returns/reports",
        evaluations=[{"file": "returns/moderated/ashford-mental-health-moderated.docx", "moderated": True}],
    )
    assert _evaluate(from_returns, tmp_path / "out-returns") == 0, capsys.readouterr().err
    entries = [
        {"reference": returned["references"][old], "file": f"records/bids/{path.stem}.yaml"}
        for old, path in returned["bids"].items()
    ]
    from_records = _write_round(
        tmp_path,
        bids=entries,
        evaluations=[
            "records/reports/*.yaml",
            {"file": "records/moderated/ashford-mental-health-moderated.yaml", "moderated": True},
        ],
    )
    assert _evaluate(from_records, tmp_path / "out-records") == 0, capsys.readouterr().err
    decided = _decisions(tmp_path / "out-returns")
    assert decided == _decisions(tmp_path / "out-records")
    # The round was really decided: the example's six evaluated bids ranked, three funded, two not evaluated.
    assert len(decided["bids"]) == 6 and decided["totals"]["funded_count"] == 3
    assert len(decided["unevaluated"]) == 2
    assert sorted(returned["references"].values()) == [f"GB-{YEAR}-{n:03d}" for n in range(1, 9)]
    # The folder of reports was batched under the round's out folder, with its own workbook and errors.
    assert list((tmp_path / "out-returns" / "batches").glob("reports-*/register.sqlite"))


def test_a_returned_bid_listed_under_bids_is_read_like_a_record(tmp_path, capsys):
    bid = EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml"
    _word("growth-bid", load_data_file(bid), tmp_path / "dartford.docx")
    shutil.copy(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml", tmp_path / "report.yaml")
    round_file = _write_round(
        tmp_path, bids=[{"reference": "GB-2026-003", "file": "dartford.docx"}], evaluations=["report.yaml"]
    )
    assert _evaluate(round_file, tmp_path / "out") == 0, capsys.readouterr().err
    [row] = _decisions(tmp_path / "out")["bids"]
    assert row[:2] == ("GB-2026-003", "Dartford Borough Council") and row[4] == "funded"


def test_references_stay_the_same_on_every_run_and_a_new_bid_gets_the_next(tmp_path, capsys):
    names = ["canterbury-rough-sleepers", "swale-teenage-parents"]
    for name in names:
        _word(
            "growth-bid", load_data_file(EXAMPLES / "growth-bid" / f"{name}.yaml"), tmp_path / "bids" / f"{name}.docx"
        )
    round_file = _write_round(tmp_path, bids_from="bids")  # a folder: batched by the round itself

    def references() -> dict[str, str]:
        assert _evaluate(round_file, tmp_path / "out") == 0, capsys.readouterr().err
        summary = json.loads((tmp_path / "out" / "round-summary.json").read_text(encoding="utf-8"))
        return {u["organisation"]: u["reference"] for u in summary["unevaluated"]}

    first = references()
    assert sorted(first.values()) == [f"GB-{YEAR}-001", f"GB-{YEAR}-002"]
    assert references() == first
    _word("growth-bid", load_data_file(EXAMPLES / "growth-bid" / "sevenoaks-older-people.yaml"),
          tmp_path / "bids" / "sevenoaks-older-people.docx")  # fmt: skip
    third = references()
    assert {name: third[name] for name in first} == first
    assert set(third.values()) - set(first.values()) == {f"GB-{YEAR}-003"}


def test_an_invalid_returned_bid_stops_the_round_naming_its_file_and_question(tmp_path, capsys):
    bid = load_data_file(EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml")
    del bid["annual_amount"]
    _word("growth-bid", bid, tmp_path / "returns" / "dartford.docx")
    _word("growth-bid", load_data_file(EXAMPLES / "growth-bid" / "swale-teenage-parents.yaml"),
          tmp_path / "returns" / "swale.docx")  # fmt: skip
    (tmp_path / "returns" / "broken.docx").write_bytes(b"PK\x03\x04 this is not a whole Word file")
    assert _batch(tmp_path / "returns", tmp_path / "build") == 1
    capsys.readouterr()
    round_file = _write_round(tmp_path, bids_from="build/register.sqlite")
    assert _evaluate(round_file, tmp_path / "out") == 1
    err = capsys.readouterr().err
    number = question_number(load_layout("growth-bid"), "/annual_amount")
    assert number, "the question has a number on the form"
    lines = err.splitlines()
    register = tmp_path / "build" / "register.sqlite"
    at = lines.index(f"  dartford.docx (in the register {register})")
    assert f"/annual_amount  {number} " in lines[at + 1]
    assert f"  broken.docx (in the register {register})" in lines
    assert "swale.docx" not in err  # the valid bid is not a problem
    assert "Traceback" not in err


def test_a_register_the_round_cannot_read_is_a_problem_not_a_crash(tmp_path, capsys):
    (tmp_path / "register.sqlite").write_text("not a register", encoding="utf-8")
    round_file = _write_round(tmp_path, bids_from="register.sqlite")
    assert _evaluate(round_file, tmp_path / "out") == 1
    assert "this is not a batch register" in capsys.readouterr().err
    outside = _write_round(tmp_path, bids_from="../elsewhere")
    (tmp_path.parent / "elsewhere").mkdir(exist_ok=True)
    assert _evaluate(outside, tmp_path / "out") == 1
    assert "outside" in capsys.readouterr().err


def test_an_evaluation_report_returned_as_a_filled_pdf_is_read_like_any_return(tmp_path, capsys):
    from tests.pdf_clients import field_values, fill_pypdf

    bid = EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml"
    report = load_data_file(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml")
    shutil.copy(bid, tmp_path / "bid.yaml")
    layout = load_layout("evaluation-report")
    fill_pypdf(ROOT / "forms" / "evaluation-report.pdf", field_values(layout, report), tmp_path / "report.pdf")
    pdf_round = _write_round(
        tmp_path, bids=[{"reference": "GB-2026-003", "file": "bid.yaml"}], evaluations=["report.pdf"]
    )
    assert _evaluate(pdf_round, tmp_path / "out-pdf") == 0, capsys.readouterr().err
    (tmp_path / "report.yaml").write_text(yaml.safe_dump(report), encoding="utf-8")
    yaml_round = _write_round(
        tmp_path, bids=[{"reference": "GB-2026-003", "file": "bid.yaml"}], evaluations=["report.yaml"]
    )
    assert _evaluate(yaml_round, tmp_path / "out-yaml") == 0, capsys.readouterr().err
    assert _decisions(tmp_path / "out-pdf") == _decisions(tmp_path / "out-yaml")


def test_a_resubmitted_bid_keeps_its_reference_and_the_register_keeps_them_all(tmp_path, capsys):
    names = ["canterbury-rough-sleepers", "swale-teenage-parents"]
    for name in names:
        record = load_data_file(EXAMPLES / "growth-bid" / f"{name}.yaml")
        _word("growth-bid", record, tmp_path / "returns" / f"{name}.docx")
    assert _batch(tmp_path / "returns", tmp_path / "build") == 0
    first = _references(tmp_path / "build")
    assert sorted(first.values()) == [f"GB-{YEAR}-001", f"GB-{YEAR}-002"]
    resent = load_data_file(EXAMPLES / "growth-bid" / "swale-teenage-parents.yaml")
    resent["annual_amount"] = 70000.00
    _word("growth-bid", resent, tmp_path / "returns" / "swale-teenage-parents-corrected.docx")
    assert _batch(tmp_path / "returns", tmp_path / "build") == 0
    assert _references(tmp_path / "build") == first, "the corrected return supersedes, and keeps the number"
    round_file = _write_round(tmp_path, bids_from="build")  # the batch's folder names its register too
    assert _evaluate(round_file, tmp_path / "out") == 0, capsys.readouterr().err
    summary = json.loads((tmp_path / "out" / "round-summary.json").read_text(encoding="utf-8"))
    assert {u["organisation"]: u["reference"] for u in summary["unevaluated"]} == first


def test_a_form_of_another_kind_or_answering_nothing_is_refused_as_such(tmp_path, capsys):
    report = load_data_file(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml")
    _word("evaluation-report", report, tmp_path / "report.docx")
    shutil.copy(ROOT / "forms" / "growth-bid.docx", tmp_path / "blank.docx")
    round_file = _write_round(
        tmp_path,
        bids=[{"reference": "GB-1", "file": "report.docx"}, {"reference": "GB-2", "file": "blank.docx"}],
    )
    assert _evaluate(round_file, tmp_path / "out") == 1
    err = capsys.readouterr().err
    report_title, bid_title = schema_info("evaluation-report").title, schema_info("growth-bid").title
    assert f"this is the {report_title} form, not the {bid_title} form" in err
    assert "it answers none of the form's questions" in err
    assert "Dartford" not in err, "nothing the forms hold is shown"


def test_a_report_listed_by_name_and_found_in_the_folder_is_taken_once_as_listed(tmp_path, capsys):
    shutil.copy(EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml", tmp_path / "bid.yaml")
    report = load_data_file(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml")
    _word("evaluation-report", report, tmp_path / "reports" / "dartford.docx")
    round_file = _write_round(
        tmp_path,
        bids=[{"reference": "GB-2026-003", "file": "bid.yaml"}],
        evaluations_from="reports",
        evaluations=[{"file": "reports/dartford.docx", "moderated": True}],
    )
    assert _evaluate(round_file, tmp_path / "out") == 0, capsys.readouterr().err
    workings = json.loads((tmp_path / "out" / "round-workings.json").read_text(encoding="utf-8"))
    [bid] = workings["bids"]
    assert [(e["file"], e["moderated"]) for e in bid["evaluations"]] == [
        (str(tmp_path / "reports" / "dartford.docx"), True)
    ]


def test_a_folder_with_no_bids_in_it_is_a_problem_and_one_without_reports_a_warning(tmp_path, capsys):
    (tmp_path / "bids").mkdir()
    (tmp_path / "reports").mkdir()
    round_file = _write_round(tmp_path, bids_from="bids")
    assert _evaluate(round_file, tmp_path / "out") == 1
    assert (
        f"/bids_from  Bids from a batch register or a folder of returns: there is no {schema_info('growth-bid').title} return in bids"
        in capsys.readouterr().err
    )
    _word("growth-bid", load_data_file(EXAMPLES / "growth-bid" / "swale-teenage-parents.yaml"),
          tmp_path / "bids" / "swale.docx")  # fmt: skip
    round_file = _write_round(tmp_path, bids_from="bids", evaluations_from="reports")
    assert _evaluate(round_file, tmp_path / "out") == 0
    assert f"there is no {schema_info('evaluation-report').title} return in reports" in capsys.readouterr().out


def test_a_named_pipe_listed_as_a_bid_is_refused_without_waiting_on_it(tmp_path, capsys):
    os.mkfifo(tmp_path / "bid.docx")
    round_file = _write_round(tmp_path, bids=[{"reference": "GB-1", "file": "bid.docx"}])
    assert _evaluate(round_file, tmp_path / "out") == 1
    assert "bid.docx" in capsys.readouterr().err
