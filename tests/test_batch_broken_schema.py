"""A return of a kind whose schema file is broken is one explained failure; the rest of the folder is read.

In a copy of the built-in project, the growth-bid schema is made unusable (not
JSON at all, or JSON that is no JSON Schema). A folder holding a growth bid
and two evaluation reports goes through ``commission batch``: the bid is
recorded as not read, naming the schema file and what is wrong with it; the
reports are read as ever; the batch ends with the exit code of a folder that
needs attention, not a crash. Mended, the next run reads the bid.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.forms.layout import load_layout
from generator.ooxml.fill import fill_form
from generator.records.errors import EXIT_INVALID
from generator.records.loading import load_data_file

from .conftest import EXAMPLES, ROOT, reread_project

BID = "growth-bid"
REPORT = "evaluation-report"


def _returns(folder: Path) -> Path:
    folder.mkdir()
    (folder / "bid.docx").write_bytes((EXAMPLES / "returns" / "growth-bid-valid.docx").read_bytes())
    blank = (ROOT / "forms" / f"{REPORT}.docx").read_bytes()
    for name in ("dartford-young-people-leaving-care", "sevenoaks-older-people"):
        record = load_data_file(EXAMPLES / REPORT / f"{name}.yaml")
        (folder / f"{name}.docx").write_bytes(fill_form(blank, load_layout(REPORT), record))
    return folder


def _not_a_schema(text: str) -> str:
    schema = json.loads(text)
    schema["properties"]["proposal_title"]["type"] = 5
    return json.dumps(schema, indent=2)


@pytest.mark.parametrize(
    ("breaking", "problem"),
    [
        (lambda text: text[:200], "it is not valid JSON (Unterminated string starting at: line "),
        (_not_a_schema, "it is not a valid JSON Schema: at /properties/proposal_title/type, 5 is not valid"),
    ],
    ids=["invalid-json", "invalid-schema"],
)
def test_a_return_whose_schema_is_broken_is_one_explained_failure(
    shipped_copy: Path, tmp_path: Path, capsys, breaking, problem: str
) -> None:
    returns = _returns(tmp_path / "returns")
    schema = shipped_copy / "schemas" / f"{BID}.schema.json"
    good = schema.read_text(encoding="utf-8")
    schema.write_text(breaking(good), encoding="utf-8")
    reread_project()
    out = tmp_path / "out"
    capsys.readouterr()

    assert main(["batch", str(returns), "--out", str(out), "--jobs", "1"]) == EXIT_INVALID
    said = capsys.readouterr()
    assert "Traceback" not in said.out + said.err
    lines = {json.loads(line)["path"]: json.loads(line) for line in (out / "returns.jsonl").read_text().splitlines()}
    assert sorted(Path(name).name for name in lines) == sorted(p.name for p in returns.iterdir())
    by_name = {Path(name).name: entry for name, entry in lines.items()}
    bid = by_name["bid.docx"]
    assert bid["status"] == "unreadable"
    [issue] = bid["errors"]
    assert str(schema) in issue["message"] and problem in issue["message"]
    assert "Mend that file and run the batch again" in issue["message"]
    for name in ("dartford-young-people-leaving-care.docx", "sevenoaks-older-people.docx"):
        assert by_name[name]["status"] == "valid", by_name[name]["errors"]
        assert by_name[name]["kind"] == REPORT
    report = (out / "errors.txt").read_text(encoding="utf-8")
    assert "bid.docx" in report and str(schema) in report
    assert "0 valid" not in said.out and "1 unreadable" in said.out

    schema.write_text(good, encoding="utf-8")  # mended: the next run reads the bid it could not
    reread_project()
    assert main(["batch", str(returns), "--out", str(out), "--jobs", "1"]) == 0
    again = [json.loads(line) for line in (out / "returns.jsonl").read_text().splitlines()]
    assert {Path(entry["path"]).name: entry["status"] for entry in again}["bid.docx"] == "valid"
