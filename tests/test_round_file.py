"""Round files: every problem is reported together, naming the file, the field and what is expected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.rounds.round_file import RoundFileError, read_round
from tests.conftest import EXAMPLES

BID = EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml"
REPORT = EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml"


def write_round(folder: Path, **settings) -> Path:
    """A round with the Dartford bid (GB-2026-003) and its report, changed by ``settings``."""
    shutil.copy(BID, folder / "bid.yaml")
    shutil.copy(REPORT, folder / "report.yaml")
    body = {
        "name": "Test round",
        "money_available": 100000.00,
        "bids": [{"reference": "GB-2026-003", "file": "bid.yaml"}],
        "evaluations": ["report.yaml"],
    }
    body.update(settings)
    body = {key: value for key, value in body.items() if value is not None}
    path = folder / "round.yaml"
    path.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(RoundFileError) as caught:
        read_round(path)
    return [(p.extra["file"], p.path, p.message) for p in caught.value.problems]


def test_a_good_round_reads_its_bid_and_report(tmp_path):
    spec = read_round(write_round(tmp_path))
    assert [b.reference for b in spec.bids] == ["GB-2026-003"]
    assert str(spec.bids[0].annual_amount) == "68500.00"
    assert [r.assessment.evaluator for r in spec.reports["GB-2026-003"]] == ["Ute Vann"]
    assert spec.warnings == ()


def test_missing_money_and_name_are_both_reported(tmp_path):
    found = problems(write_round(tmp_path, name=None, money_available=None))
    assert [(path, message.split(";")[0]) for _, path, message in found] == [
        ("/name", "this must be filled in with a name for the round, such as 'Growth bids 2027-28'"),
        ("/money_available", "this must be filled in"),
    ]


def test_a_misspelt_setting_gets_a_suggestion(tmp_path):
    found = problems(write_round(tmp_path, hold_back_precent=10))
    assert found[0][1:] == (
        "/hold_back_precent",
        "'hold_back_precent' is not a setting of a round file; did you mean 'hold_back_percent'?",
    )


def test_a_register_that_is_not_there_is_named(tmp_path):
    found = problems(write_round(tmp_path, bids_from="register.sqlite"))
    assert found[0][1] == "/bids_from"
    assert found[0][2] == "there is no register or folder register.sqlite"


def test_without_a_loader_the_round_says_which_command_reads_registers(tmp_path):
    (tmp_path / "returns").mkdir()
    found = problems(write_round(tmp_path, evaluations_from="returns"))
    assert found[0][1:] == ("/evaluations_from", "registers and returned forms are read only by 'commission evaluate'")


@pytest.mark.parametrize(
    ("settings", "path", "says"),
    [
        ({"money_available": "£100,000"}, "/money_available", "such as 12500.00"),
        ({"money_available": 100.001}, "/money_available", "two decimal places"),
        ({"hold_back_percent": 120}, "/hold_back_percent", "a percentage from 0 to 100"),
        ({"hold_back_percent": 10, "hold_back_amount": 5}, "/hold_back_amount", "not both"),
        ({"hold_back_amount": 100000.01}, "/hold_back_amount", "more than the money available"),
        ({"decision_date": "24/09/2026"}, "/decision_date", "a date such as 2027-09-24"),
        ({"scale": "out-of-ten"}, "/scale", "choose one of herefordshire-0-4, strong-poor-1-5"),
        ({"moderation": {"weighted_score_spread": -1}}, "/moderation/weighted_score_spread", "0 or more"),
        ({"moderation": {"spread": 1}}, "/moderation/spread", "is not a moderation setting"),
        ({"bids": [], "evaluations": []}, "/bids", "list at least one bid"),
        ({"bids": [{"reference": "GB-1"}], "evaluations": []}, "/bids/0", "expected a reference and a file"),
        ({"evaluations": ["reports/*.yaml"]}, "/evaluations/0", "no file matches 'reports/*.yaml'"),
        ({"evaluations": [{"file": "report.yaml", "moderated": "yes"}]}, "/evaluations/0", "moderated: true"),
    ],
)
def test_bad_settings_name_the_field_and_what_is_expected(tmp_path, settings, path, says):
    found = problems(write_round(tmp_path, **settings))
    assert [(file, where) for file, where, _ in found] == [(str(tmp_path / "round.yaml"), path)]
    assert says in found[0][2]


def test_the_same_reference_twice_is_refused(tmp_path):
    bids = [{"reference": "GB-2026-003", "file": "bid.yaml"}, {"reference": "GB-2026-003", "file": "other.yaml"}]
    found = problems(write_round(tmp_path, bids=bids))
    assert [(where, message) for _, where, message in found] == [
        ("/bids/1/reference", "the reference GB-2026-003 is used twice")
    ]


def test_an_invalid_bid_is_reported_with_its_own_file_and_field(tmp_path):
    path = write_round(tmp_path)
    record = yaml.safe_load((tmp_path / "bid.yaml").read_text(encoding="utf-8"))
    del record["annual_amount"]
    (tmp_path / "bid.yaml").write_text(yaml.safe_dump(record), encoding="utf-8")
    found = problems(path)
    assert found == [
        (
            str(tmp_path / "bid.yaml"),
            "/annual_amount",
            "this must be filled in; enter an amount in pounds, such as 12500.00",
        )
    ]


def test_a_missing_bid_file_is_reported_not_skipped(tmp_path):
    found = problems(write_round(tmp_path, bids=[{"reference": "GB-2026-003", "file": "absent.yaml"}]))
    assert found[0][0] == str(tmp_path / "absent.yaml")
    assert found[0][2] == "there is no such file"


def test_a_score_without_a_justification_is_refused(tmp_path):
    path = write_round(tmp_path)
    record = yaml.safe_load((tmp_path / "report.yaml").read_text(encoding="utf-8"))
    del record["weighted_scores"]["scores"][0]["justification"]
    (tmp_path / "report.yaml").write_text(yaml.safe_dump(record), encoding="utf-8")
    found = problems(path)
    assert [(file, where) for file, where, _ in found] == [
        (str(tmp_path / "report.yaml"), "/weighted_scores/scores/0/justification")
    ]


def test_a_report_on_another_scale_is_refused(tmp_path):
    found = problems(write_round(tmp_path, scale="strong-poor-1-5"))
    assert [(file, where) for file, where, _ in found] == [
        (str(tmp_path / "report.yaml"), "/weighted_scores/scale_max")
    ]


def test_a_report_for_a_bid_not_in_the_round_suggests_the_nearest_reference(tmp_path):
    found = problems(write_round(tmp_path, bids=[{"reference": "GB-2026-03", "file": "bid.yaml"}]))
    assert found == [
        (
            str(tmp_path / "report.yaml"),
            "/bid/reference",
            "no bid in the round has the reference GB-2026-003. Did you mean GB-2026-03?",
        )
    ]


def test_two_moderated_reports_for_one_bid_are_refused(tmp_path):
    shutil.copy(REPORT, tmp_path / "second.yaml")
    evaluations = [{"file": "report.yaml", "moderated": True}, {"file": "second.yaml", "moderated": True}]
    found = problems(write_round(tmp_path, evaluations=evaluations))
    assert found[0][0] == str(tmp_path / "second.yaml")
    assert "already has a moderated report" in found[0][2]


def test_a_report_listed_twice_is_refused(tmp_path):
    found = problems(write_round(tmp_path, evaluations=["report.yaml", "rep*.yaml"]))
    assert "listed twice" in found[0][2]


def test_a_report_naming_another_organisation_is_a_warning_not_a_stop(tmp_path):
    path = write_round(tmp_path)
    record = yaml.safe_load((tmp_path / "report.yaml").read_text(encoding="utf-8"))
    record["bid"]["organisation"] = "Gravesham Borough Council"
    (tmp_path / "report.yaml").write_text(yaml.safe_dump(record), encoding="utf-8")
    spec = read_round(path)
    assert [(w.path, w.severity) for w in spec.warnings] == [("/bid/organisation", "warning")]
    assert "is from Dartford Borough Council, not Gravesham Borough Council" in spec.warnings[0].message


def test_the_command_exits_1_and_lists_every_problem_on_stderr(tmp_path, capsys):
    path = write_round(tmp_path, money_available=None, scale="out-of-ten")
    assert main(["evaluate", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "the round cannot be decided until 2 problems are put right" in err
    assert "/money_available  Money available: this must be filled in" in err
    assert "/scale  Scoring scale: there is no scale 'out-of-ten'" in err
    assert not (tmp_path / "out").exists()


def test_an_unreadable_round_file_exits_3(tmp_path, capsys):
    (tmp_path / "round.yaml").write_text("name: [unclosed", encoding="utf-8")
    assert main(["evaluate", str(tmp_path / "round.yaml")]) == 3
    assert "this is not valid YAML" in capsys.readouterr().err


def test_a_round_file_that_is_a_list_is_refused(tmp_path, capsys):
    (tmp_path / "round.json").write_text(json.dumps(["bid.yaml"]), encoding="utf-8")
    assert main(["evaluate", str(tmp_path / "round.json")]) == 1
    assert "a round file must be a set of settings" in capsys.readouterr().err


def test_a_round_name_longer_than_a_short_answer_is_refused(tmp_path):
    found = problems(write_round(tmp_path, name="x" * 201))
    assert found == [(str(tmp_path / "round.yaml"), "/name", "keep the name to 200 characters or fewer (it has 201)")]


def test_an_annual_amount_with_fractions_of_a_penny_is_refused(tmp_path):
    path = write_round(tmp_path)
    record = yaml.safe_load((tmp_path / "bid.yaml").read_text(encoding="utf-8"))
    record["annual_amount"] = 68500.005
    (tmp_path / "bid.yaml").write_text(yaml.safe_dump(record), encoding="utf-8")
    assert problems(path) == [
        (
            str(tmp_path / "bid.yaml"),
            "/annual_amount",
            "expected pounds and whole pence (two decimal places at most), not 68500.005",
        )
    ]
