"""A council's project folder: ``commission new``, finding it, ``--project``, overrides and ``forms build``.

Each test makes its project in a scratch folder and points the run at it; the
run is pointed back at the checkout afterwards, so no cached kind leaks out.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import cli
from generator.cli import main
from generator.documents.render import shipped_templates
from generator.forms.layout import layout_kinds, load_layout
from generator.ooxml.fill import fill_form
from generator.projects.new import new_project
from generator.projects.switch import switch_project
from generator.records import project, resources, schemas
from generator.records.criteria import criteria_sets
from generator.records.project import project_settings
from generator.records.validation import validate_record
from generator.returns.parse import parse_return

from .conftest import ROOT, TODAY

STARTER = "community-grant"
#: A filled starter form whose end date comes before its start date: its layout's first rule says so.
APPLICATION = {
    "organisation": "Hythe Community Larder",
    "contact_name": "Sam Jones",
    "email": "sam.jones@example.org",
    "is_registered_charity": True,
    "charity_number": "1234567",
    "project_title": "Larder on Saturdays",
    "summary": "Food and advice for families, every Saturday morning.",
    "project_start": "2027-04-01",
    "project_end": "2028-03-31",
    "amount_requested": 900.0,
}


@pytest.fixture(autouse=True)
def back_to_the_checkout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Whatever a test switches to (``--project`` sets the variable), the next test sees the checkout."""
    monkeypatch.delenv("COMMISSION_PROJECT", raising=False)
    monkeypatch.chdir(ROOT)
    switch_project(None)
    yield
    os.environ.pop("COMMISSION_PROJECT", None)
    monkeypatch.chdir(ROOT)
    switch_project(None)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    assert main(["new", str(folder), "--minimal", "--name", "Hythe Town Council"]) == 0
    return folder


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def test_minimal_project_has_one_kind_its_forms_and_the_shared_definitions(small: Path, capsys):
    assert sorted(str(p.relative_to(small)) for p in small.rglob("*") if p.is_file()) == [
        "commission.yaml",
        f"forms/{STARTER}.docx",
        f"forms/{STARTER}.pdf",
        f"forms/{STARTER}.yaml",
        f"schemas/{STARTER}.schema.json",
        "schemas/defs.schema.json",
        "site/index.md",
    ]
    assert all((small / name).is_dir() for name in ("schemas", "forms", "templates", "data", "site"))
    switch_project(small)
    assert schemas.kinds() == [STARTER]  # no Kent kind leaks in
    assert schemas.schema_info(STARTER).id == f"https://forms.example.gov.uk/schemas/{STARTER}/1.0.0"
    assert [rule.name for rule in load_layout(STARTER).rules or ()] == ["ends-after-start", "number-if-charity"]
    assert project_settings().partnership == "Hythe Town Council"
    assert validate_record(APPLICATION, STARTER, today=TODAY) == []


def test_new_says_what_it_made_and_what_to_run_next(tmp_path: Path, capsys):
    capsys.readouterr()
    assert main(["new", str(tmp_path / "council")]) == 0
    said = capsys.readouterr().out
    assert "commission.yaml" in said and "schemas/  (" in said
    assert "commission forms build" in said and "commission site build" in said
    assert "commission evaluate examples/rounds/" in said  # the Kent copy has a round to decide


def test_the_kent_copy_has_every_kind_version_template_and_example_and_decides_its_round(tmp_path: Path):
    made = new_project(tmp_path / "council")
    for name in ("schemas", "forms", "templates", "data", "examples"):
        builtin = sorted(p.relative_to(ROOT / name) for p in (ROOT / name).rglob("*") if p.is_file())
        copied = sorted(p.relative_to(made.folder / name) for p in (made.folder / name).rglob("*") if p.is_file())
        assert copied == builtin, name
    guidance = {p.relative_to(ROOT / "site") for p in (ROOT / "site" / "guidance").rglob("*.md")}
    assert guidance and guidance <= {p.relative_to(made.folder / "site") for p in (made.folder / "site").rglob("*")}
    assert 'partnership: "Your partnership\'s name"' in (made.folder / "commission.yaml").read_text()
    switch_project(made.folder)
    # The copy says what its round is over itself, as the example does, rather than lean on the built-in one.
    assert project.project_settings().round == project.read_settings(ROOT).round
    assert schemas.kinds() == sorted(
        p.name.removesuffix(".schema.json") for p in (ROOT / "schemas").glob("*.json") if p.stem != "defs.schema"
    )
    out = tmp_path / "decided"
    rounds = sorted((made.folder / "examples" / "rounds").glob("*.yaml"))
    assert rounds
    examples = str(made.folder / "examples")
    assert main(["evaluate", str(rounds[0]), "--within", examples, "--out", str(out), "--today", "2026-09-25"]) == 0
    assert (out / "round-summary.json").is_file()


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    capsys.readouterr()
    assert main(["new", str(tmp_path / "taken"), "--minimal"]) == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]
    (tmp_path / "empty").mkdir()
    assert main(["new", str(tmp_path / "empty"), "--minimal"]) == 0


def test_commands_find_the_project_from_a_folder_inside_it(small: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    (small / "returns" / "march").mkdir(parents=True)
    monkeypatch.chdir(small / "returns" / "march")
    switch_project(None)
    assert resources.project_root() == small.resolve()
    assert schemas.kinds() == [STARTER]
    record = small / "returns" / "larder.json"
    record.write_text(json.dumps(APPLICATION), encoding="utf-8")
    assert main(["validate", str(record), "--kind", STARTER]) == 0


def test_project_option_points_the_run_at_a_project(small: Path, tmp_path: Path, capsys):
    record = tmp_path / "larder.json"
    record.write_text(json.dumps(dict(APPLICATION, project_end="2027-03-01")), encoding="utf-8")
    capsys.readouterr()
    assert main(["--project", str(small), "validate", str(record), "--kind", STARTER]) == 1
    assert "The end date must be after the start date" in capsys.readouterr().out
    assert main(["validate", str(record), "--kind", STARTER]) == 2  # the checkout's project has no such kind


def test_project_option_refuses_a_folder_without_commission_yaml(tmp_path: Path, capsys):
    capsys.readouterr()
    assert main(["--project", str(tmp_path), "forms", "build"]) == 2
    said = capsys.readouterr().err
    assert f"--project {tmp_path}: there is no commission.yaml there" in said
    assert "Traceback" not in said
    assert "COMMISSION_PROJECT" not in os.environ


def test_forms_build_writes_the_project_s_forms_and_only_the_kinds_asked(tmp_path: Path, capsys):
    council = new_project(tmp_path / "council").folder
    frozen = _digests(council / "forms" / "versions")
    kind = layout_kinds()[0]
    for form in (council / "forms").glob("*.docx"):
        form.unlink()
    assert main(["--project", str(council), "forms", "build", "--kind", kind]) == 0
    assert sorted(p.name for p in (council / "forms").glob("*.docx")) == [f"{kind}.docx"]
    out = tmp_path / "elsewhere"
    assert main(["--project", str(council), "forms", "build", "--out", str(out)]) == 0
    assert sorted(p.stem for p in out.glob("*.pdf")) == layout_kinds()
    assert _digests(council / "forms" / "versions") == frozen  # a released version is never rewritten


def test_forms_build_refuses_a_frozen_folder_and_a_kind_without_a_form(tmp_path: Path, capsys):
    council = new_project(tmp_path / "council").folder
    frozen = _digests(council / "forms" / "versions")
    target = next((council / "forms" / "versions").glob("*/*"))
    capsys.readouterr()
    assert main(["--project", str(council), "forms", "build", "--out", str(target)]) == 2
    assert "never change" in capsys.readouterr().err
    assert _digests(council / "forms" / "versions") == frozen
    switch_project(council)
    formless = sorted(set(schemas.kinds()) - set(layout_kinds()))
    assert formless  # the example has a kind that is a document, not a form
    assert main(["--project", str(council), "forms", "build", "--kind", formless[0]]) == 2
    assert "no form to build" in capsys.readouterr().err


def test_forms_build_without_a_project_in_an_installed_copy_asks_for_one(monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setattr(cli, "is_bundled", lambda _folder: True)
    capsys.readouterr()
    assert main(["forms", "build"]) == 2
    assert "commission new DIR" in capsys.readouterr().err


def test_a_project_without_shared_definitions_or_criteria_uses_the_built_in_ones(small: Path, tmp_path: Path):
    (small / "schemas" / "defs.schema.json").unlink()
    switch_project(small)
    assert schemas.kinds() == [STARTER]
    assert schemas.schema_problems() == {}
    assert [i.rule for i in validate_record(dict(APPLICATION, email="not an address"), STARTER, today=TODAY)] == [
        "format"
    ]
    assert resources.resource_file("data", "criteria.yaml") == resources.builtin_root() / "data" / "criteria.yaml"
    assert criteria_sets()  # read from the built-in data/, which the starter lacks
    filled = tmp_path / "larder.docx"
    layout = load_layout(STARTER)
    filled.write_bytes(fill_form((small / "forms" / f"{STARTER}.docx").read_bytes(), layout, APPLICATION))
    envelope = parse_return(filled, today=TODAY)
    assert (envelope.kind, envelope.status, envelope.record) == (STARTER, "valid", APPLICATION)


def test_a_project_s_template_overrides_the_built_in_one_and_a_missing_one_is_lent(tmp_path: Path):
    council = new_project(tmp_path / "council").folder
    builtin = {name: path for name, path in shipped_templates().items()}
    assert builtin
    mine, lent = sorted(builtin)[:2]
    (council / "templates" / f"{lent}.docx").unlink()
    shutil.copy(builtin[mine], council / "templates" / f"{mine}.docx")
    switch_project(council)
    found = shipped_templates()
    assert set(found) == set(builtin)
    assert found[mine] == council / "templates" / f"{mine}.docx"
    assert found[lent] == resources.builtin_root() / "templates" / f"{lent}.docx"


def test_a_minimal_project_borrows_no_template_of_a_kind_it_does_not_have(small: Path):
    switch_project(small)
    assert shipped_templates() == {}


def test_the_demo_in_a_project_without_examples_runs_on_the_built_in_example(small: Path, tmp_path: Path, capsys):
    capsys.readouterr()
    assert main(["--project", str(small), "demo", "--out", str(tmp_path / "demo"), "--today", "2026-09-25"]) == 0
    said = capsys.readouterr().out
    assert f"{small.resolve()} has no examples/: the demo runs on the built-in example." in said
    assert (tmp_path / "demo" / "round" / "round-summary.json").is_file()
    assert not (small / "build").exists()
