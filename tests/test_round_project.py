"""A round from the project: its kinds, fields, criteria and rule are data, and so is its timetable.

A scratch project (``COMMISSION_PROJECT``) has a council's own bid kind, ``small-grant``, and
report kind, ``grant-review``, whose fields have other names than the Kent forms'; its
``commission.yaml`` says which fields a round reads. The built-in Kent round is checked by the
round tests (tests/test_rounds_hand_worked.py and friends); here, a round file that names a field
its bid form does not have, or a rule that is not built in, is refused before anything is read.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from generator.cli import main
from generator.records import project, resources, schemas
from generator.records.criteria import criteria_set, scales
from generator.rounds.evaluation import RANKINGS
from generator.rounds.round_file import RoundFileError, read_round
from generator.rounds.timetable import timetable, timetables
from tests.conftest import EXAMPLES, ROOT, TODAY, reread_project

DEFS = "urn:commission:schema:defs:1.0.0#/$defs"


def _field(ref: str, title: str) -> dict[str, Any]:
    return {"$ref": f"{DEFS}/{ref}", "title": title, "description": f"The {title.lower()}."}


def _object(title: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "title": title,
        "description": f"The {title.lower()}.",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


def _schema(kind: str, title: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    body = _object(title, properties, required)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://grants.example.gov.uk/schemas/{kind}/1.0.0",
        **body,
    }


GRANT = _schema(
    "small-grant",
    "Small grant",
    {
        "ref": _field("short_text", "Our reference"),
        "group": _object("The group", {"name": _field("organisation_name", "Group name")}, ["name"]),
        "headline": _field("short_text", "Project in a line"),
        "ask": _field("money", "Amount asked"),
        "sent_on": _field("date", "Date sent"),
        "is_local": {"type": "boolean", "title": "Based in the borough", "description": "Tick if so."},
    },
    ["ref", "group", "headline", "ask", "sent_on"],
)
REVIEW = _schema(
    "grant-review",
    "Grant review",
    {
        "grant": _object(
            "Grant reviewed",
            {"ref": _field("short_text", "Its reference"), "group": _field("organisation_name", "Its group")},
            ["ref", "group"],
        ),
        "reviewer": _field("short_text", "Reviewer"),
        "tests": _object(
            "Tests",
            {
                "a": {"$ref": f"{DEFS}/criterion_assessment", "title": "(a) Local", "description": "Local."},
                "b": {"$ref": f"{DEFS}/criterion_assessment", "title": "(b) Paid for", "description": "Paid for."},
            },
            ["a", "b"],
        ),
    },
    ["grant", "reviewer", "tests"],
)
#: The council's criteria: (b), like Kent's (f) and (g), decides whether a grant can be paid at all.
CHECKS = {
    "title": "Small-grant tests",
    "rule": "Grants passing the most tests rank highest.",
    "answers": ["met", "partly met", "not met"],
    "criteria": [
        {"id": "a", "title": "Local", "question": "Is it for the borough?"},
        {"id": "b", "title": "Paid for", "question": "Is the rest of the money found?", "blocks_funding": True},
    ],
}
ROUND = {
    "kinds": {"bid": "small-grant", "report": "grant-review"},
    "fields": {
        "reference": "/ref",
        "amount": "/ask",
        "organisation": "/group/name",
        "title": "/headline",
        "submitted": "/sent_on",
        "eligible": "/is_local",
    },
    "report_fields": {
        "reference": "/grant/ref",
        "organisation": "/grant/group",
        "evaluator": "/reviewer",
        "answers": "/tests",
    },
    "criteria": "grant-checks",
    "ranking": "kent",
    "not_eligible": "Only groups based in the borough may apply.",
}
#: reference: (amount, sent on, local?, answer to (a), answer to (b))
GRANTS = {
    "G-1": (6000, "2027-01-10", True, "met", "met"),
    "G-2": (5000, "2027-01-12", True, "met", "met"),
    "G-3": (3000, "2027-01-11", True, "partly met", "met"),
    "G-4": (2000, "2027-01-09", True, "met", "not met"),
    "G-5": (1000, "2027-01-08", False, "met", "met"),
}


@pytest.fixture
def council(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project with its own bid and report kinds, criteria, timetables and round settings."""
    folder = tmp_path / "project"
    (folder / "schemas").mkdir(parents=True)
    (folder / "templates").mkdir()
    shutil.copy(ROOT / "schemas" / "defs.schema.json", folder / "schemas")
    shutil.copy(ROOT / "schemas" / "round-summary.schema.json", folder / "schemas")
    shutil.copy(ROOT / "templates" / "round-summary.docx", folder / "templates")
    shutil.copytree(ROOT / "data", folder / "data")
    for kind, schema in (("small-grant", GRANT), ("grant-review", REVIEW)):
        (folder / "schemas" / f"{kind}.schema.json").write_text(json.dumps(schema, indent=2), encoding="utf-8")
    criteria = yaml.safe_load((folder / "data" / "criteria.yaml").read_text(encoding="utf-8"))
    criteria["grant-checks"] = CHECKS
    criteria["grant-weights"] = {
        "title": "Weights",
        "rule": "One.",
        "criteria": [{"id": 1, "weight": 100, "title": "All"}],
    }
    (folder / "data" / "criteria.yaml").write_text(yaml.safe_dump(criteria, sort_keys=False), encoding="utf-8")
    tables = yaml.safe_load((folder / "data" / "timetable.yaml").read_text(encoding="utf-8"))
    quick = {"title": "Quick grants", "first_month": "January", "steps": [
        {"step": 1, "who": "Groups", "what": "Apply.", "due": "January", "duration": "2 weeks"},
        {"step": 2, "who": "Panel", "what": "Decide.", "due": "February"},
    ]}  # fmt: skip
    (folder / "data" / "timetable.yaml").write_text(yaml.safe_dump({**tables, "quick": quick}), encoding="utf-8")
    settings = {"partnership": "Folkestone small grants", "round": ROUND}
    (folder / "commission.yaml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("COMMISSION_PROJECT", str(folder))
    reread_project()
    yield folder
    monkeypatch.delenv("COMMISSION_PROJECT")
    reread_project()


def _write_round(folder: Path, **settings: Any) -> Path:
    """The five grants, a review of each, and a round file with ``settings`` added."""
    (folder / "bids").mkdir(parents=True)
    (folder / "reviews").mkdir()
    for ref, (amount, sent, local, a, b) in GRANTS.items():
        bid = {"ref": ref, "group": {"name": f"Group {ref}"}, "headline": f"Project {ref}", "ask": amount,
               "sent_on": sent, "is_local": local}  # fmt: skip
        review = {"grant": {"ref": ref, "group": f"Group {ref}"}, "reviewer": "Ann Reviewer",
                  "tests": {"a": {"answer": a, "evidence": "Seen."}, "b": {"answer": b, "evidence": "Seen."}}}  # fmt: skip
        (folder / "bids" / f"{ref}.json").write_text(json.dumps(bid), encoding="utf-8")
        (folder / "reviews" / f"{ref}.json").write_text(json.dumps(review), encoding="utf-8")
    body = {
        "name": "Small grants 2027",
        "money_available": 10000,
        "bids": [{"reference": ref, "file": f"bids/{ref}.json"} for ref in GRANTS],
        "evaluations": ["reviews/*.json"],
        **settings,
    }
    path = folder / "round.yaml"
    path.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    return path


def _problems(path: Path) -> list[tuple[str, str, str, str]]:
    with pytest.raises(RoundFileError) as caught:
        read_round(path, TODAY)
    return [(Path(p.extra["file"]).name, p.path, p.field, p.message) for p in caught.value.problems]


def test_a_round_over_the_councils_own_kinds_decides_by_its_fields(council: Path, tmp_path: Path, capsys):
    round_file = _write_round(tmp_path / "round")
    out = tmp_path / "out"
    assert main(["evaluate", str(round_file), "--out", str(out), "--today", TODAY.isoformat()]) == 0
    summary = json.loads((out / "round-summary.json").read_text(encoding="utf-8"))
    decided = [
        (b["rank"], b["reference"], b["criteria_met"], b["annual_amount"], b["decision"]) for b in summary["bids"]
    ]
    # Two tests met: G-2 asks less than G-1, so ranks first; G-3 meets one; G-4 fails (b), which blocks it.
    # £10,000: G-2 (£5,000) fits, G-1 (£6,000) does not, G-3 (£3,000) does; G-1 would fit without G-2.
    assert decided == [
        (1, "G-2", 2, 5000, "funded"),
        (2, "G-1", 2, 6000, "reserve"),
        (3, "G-3", 1, 3000, "funded"),
        (4, "G-4", 1, 2000, "not fundable"),
    ]
    assert summary["bids"][0]["organisation"] == "Group G-2" and summary["bids"][0]["proposal_title"] == "Project G-2"
    assert "(b) Paid for" in summary["bids"][3]["reason"]
    assert summary["unevaluated"] == [
        {"reference": "G-5", "organisation": "Group G-5", "reason": "Only groups based in the borough may apply."}
    ]
    assert summary["totals"]["funded_amount"] == 8000 and summary["totals"]["unallocated"] == 2000
    workings = json.loads((out / "round-workings.json").read_text(encoding="utf-8"))
    assert workings["bids"][0]["answers"] == {"a": "met", "b": "met"}
    assert workings["bids"][0]["submission_date"] == "2027-01-12"
    assert workings["scale"] is None  # its reviews have no scores, so the round has no scale
    # The project has the summary's template but none for its reviews: the summary only, no failure.
    assert (out / "round-summary.docx").is_file() and not (out / "evaluation-reports").exists()
    assert not (out / "letters").exists()  # nor any for the letters: it has no outcome-letter template
    # round.xlsx is headed from the council's own data: its kind's title, its fields' labels, its criteria.
    sheet = openpyxl.load_workbook(out / "round.xlsx")["Small grant ranking"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Rank", "Our reference", "Group name", "Project in a line", "Amount asked", "Date sent"]
    assert {"(a) Local", "(b) Paid for", "Evaluator 1 – (b) Paid for"} <= set(header)
    assert "Weighted score" not in header  # its reviews have no scores
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["G-2", "G-1", "G-3", "G-4", "G-5"]
    assert criteria_set("grant-checks").ids == ["a", "b"]


def test_a_bid_reference_the_bid_contradicts_is_named(council: Path, tmp_path: Path):
    round_file = _write_round(tmp_path / "round")
    bid = tmp_path / "round" / "bids" / "G-3.json"
    bid.write_text(json.dumps({**json.loads(bid.read_text(encoding="utf-8")), "ref": "G-33"}), encoding="utf-8")
    assert ("G-3.json", "/ref", "Our reference", "the round file lists this bid as G-3, but the bid says G-33") in (
        _problems(round_file)
    )


def test_a_round_naming_a_field_the_bid_form_lacks_is_refused_naming_file_key_and_field(council: Path, tmp_path):
    fields = {**ROUND["fields"], "amount": "/amount_requested"}
    round_file = _write_round(tmp_path / "round", fields=fields)
    assert _problems(round_file) == [
        ("round.yaml", "/fields/amount", "Bid fields – amount", "the small-grant form has no field /amount_requested")
    ]
    assert main(["evaluate", str(round_file), "--out", str(tmp_path / "out")]) == 1


def test_a_field_of_the_wrong_type_or_role_is_refused(council: Path, tmp_path: Path):
    fields = {**ROUND["fields"], "submitted": "/headline", "amonut": "/ask"}
    found = _problems(_write_round(tmp_path / "round", fields=fields))
    assert (
        "round.yaml",
        "/fields/submitted",
        "Bid fields – submitted",
        "/headline in the small-grant form is not a date",
    ) in found
    assert (
        "round.yaml",
        "/fields/amonut",
        "Bid fields – amonut",
        "'amonut' is not a field a round reads; did you mean 'amount'?",
    ) in found


def test_a_problem_in_the_projects_round_settings_names_commission_yaml(council: Path, tmp_path: Path):
    settings = {
        "partnership": "Folkestone small grants",
        "round": {**ROUND, "report_fields": {**ROUND["report_fields"], "evaluator": "/judge"}},
    }
    (council / "commission.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    project.forget_settings()
    found = _problems(_write_round(tmp_path / "round"))
    assert found == [
        ("commission.yaml", "/round/report_fields/evaluator", "Evaluation report fields – evaluator",
         "the grant-review form has no field /judge"),
    ]  # fmt: skip


def test_an_unknown_ranking_rule_or_criteria_set_is_refused_listing_the_known_ones(council: Path, tmp_path: Path):
    found = _problems(_write_round(tmp_path / "round", ranking="lottery", criteria="grant-chekcs"))
    assert (
        "round.yaml",
        "/ranking",
        "Ranking rule",
        f"there is no ranking rule 'lottery'; known: {', '.join(RANKINGS)}",
    ) in found
    assert any(f[1] == "/criteria" and "'grant-chekcs'" in f[3] and "grant-checks" in f[3] for f in found)
    assert list(RANKINGS) == ["kent"]


def test_the_built_in_round_settings_are_the_kent_round(tmp_path: Path):
    """The round tests decide the Kent round from these; a round file may still name any of them."""
    settings = project.read_settings(resources.builtin_root()).round
    assert settings["kinds"] == {"bid": "growth-bid", "report": "evaluation-report"}
    assert (settings["criteria"], settings["ranking"], settings["scale"]) == ("kent", "kent", "herefordshire-0-4")
    for role, pointer in settings["fields"].items():
        assert schemas.field_for_pointer("growth-bid", pointer) is not None, role
    for role, pointer in settings["report_fields"].items():
        assert schemas.field_for_pointer("evaluation-report", pointer) is not None, role
    bid = EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml"
    report = EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml"
    shutil.copy(bid, tmp_path / "bid.yaml")
    shutil.copy(report, tmp_path / "report.yaml")
    body = {"name": "One bid", "money_available": 100000, "bids": [{"reference": "GB-2026-003", "file": "bid.yaml"}],
            "evaluations": ["report.yaml"], "fields": {**settings["fields"], "title": "/summry"}}  # fmt: skip
    (tmp_path / "round.yaml").write_text(yaml.safe_dump(body), encoding="utf-8")
    assert _problems(tmp_path / "round.yaml") == [
        ("round.yaml", "/fields/title", "Bid fields – title", "the growth-bid form has no field /summry")
    ]


def test_timetable_name_picks_a_timetable_of_the_project(council: Path, capsys):
    assert timetables() == ["kent", "quick"]
    assert timetable().name == "kent" and timetable("quick").title == "Quick grants"
    assert main(["timetable", "--start", "2027-01-04", "--name", "quick"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Quick grants, starting Monday 4 January 2027")
    assert "Mon 4 Jan 2027   Sun 17 Jan 2027  Sun 31 Jan 2027  Groups" in out
    assert main(["timetable", "--start", "2027-01-04", "--name", "quick", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["steps"][1]["end"] == "2027-02-28"


def test_an_unknown_timetable_name_lists_the_known_ones(council: Path, capsys):
    assert main(["timetable", "--start", "2027-01-04", "--name", "slow"]) == 2
    assert "There is no timetable called 'slow' in data/timetable.yaml (known: kent, quick)." in capsys.readouterr().err


def test_a_bid_that_leaves_a_field_the_round_needs_unanswered_is_named(council: Path, tmp_path: Path):
    """The council's form may make the round's fields optional; a bid without one is a problem, not a crash."""
    optional = {**GRANT, "required": ["ref", "group", "ask"]}
    (council / "schemas" / "small-grant.schema.json").write_text(json.dumps(optional), encoding="utf-8")
    schemas.forget_schemas()
    round_file = _write_round(tmp_path / "round")
    bid = tmp_path / "round" / "bids" / "G-4.json"
    record = json.loads(bid.read_text(encoding="utf-8"))
    del record["sent_on"]
    bid.write_text(json.dumps(record), encoding="utf-8")
    assert _problems(round_file) == [
        ("G-4.json", "/sent_on", "Date sent", "this bid does not answer it, and a round needs it to rank the bid")
    ]


def test_with_the_bids_own_reference_field_an_entry_may_leave_the_reference_to_the_bid(council: Path, tmp_path):
    round_file = _write_round(tmp_path / "round")
    body = yaml.safe_load(round_file.read_text(encoding="utf-8"))
    body["bids"] = [{"file": f"bids/{ref}.json"} for ref in GRANTS] + [{"file": "bids/again.json"}]
    round_file.write_text(yaml.safe_dump(body), encoding="utf-8")
    shutil.copy(tmp_path / "round" / "bids" / "G-1.json", tmp_path / "round" / "bids" / "again.json")
    assert _problems(round_file) == [
        ("round.yaml", "/bids/5/file", "Bids, row 6", "the reference G-1 is used twice"),
    ]
    body["bids"].pop()
    round_file.write_text(yaml.safe_dump(body), encoding="utf-8")
    spec = read_round(round_file, TODAY)
    assert [bid.reference for bid in spec.bids] == list(GRANTS)


def test_weights_without_a_scale_ask_for_the_scale(council: Path, tmp_path: Path):
    found = _problems(_write_round(tmp_path / "round", weights="grant-weights"))
    assert found == [
        (
            "round.yaml",
            "/scale",
            "Scoring scale",
            f"name the scale the scores are on; choose one of {', '.join(scales())}",
        )
    ]
    spec = read_round(_write_round(tmp_path / "named", weights="grant-weights", scale="strong-poor-1-5"), TODAY)
    assert spec.scale is not None and spec.scale.name == "strong-poor-1-5"
