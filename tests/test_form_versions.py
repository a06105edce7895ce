"""Released versions of a form stay frozen, and returns made on them keep reading by their own version.

A copy of the project is released as the issue describes it: growth-bid 1.0.0
frozen, the current schema bumped to 1.1.0 with one optional question added
(a website), one label changed and one required question (service users)
removed. Returns made on the 1.0.0 form (Word, PDF, OpenDocument) must read
every answer the bidder gave, checked against 1.0.0's rules.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.forms import layout as layouts
from generator.forms import matching
from generator.forms.build import BUILDERS
from generator.forms.layout import layout_kinds, load_layout
from generator.forms.release import freeze, same_form
from generator.pdf.fill import fill_pdf
from generator.records import resources, schemas
from generator.records.errors import CommissionError
from generator.records.loading import load_data_file
from generator.returns.parse import parse_bytes, parse_return

from .conftest import EXAMPLES, FIXTURES, ROOT, TODAY
from .pdf_clients import field_values

KIND = "growth-bid"
OLD_RETURN = ROOT / "examples" / "returns" / "growth-bid-valid.docx"
OLD_ODT = FIXTURES / "returns" / "odt" / "growth-bid-lo25.odt"


def _forget() -> None:
    resources.project_root.cache_clear()
    schemas.forget_schemas()
    layouts.forget_layouts()
    matching.forget_lookups()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the built-in project that the toolkit reads instead (``COMMISSION_PROJECT``)."""
    for name in ("schemas", "forms", "templates", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.setenv("COMMISSION_PROJECT", str(tmp_path))
    _forget()
    yield tmp_path
    monkeypatch.delenv("COMMISSION_PROJECT")
    _forget()


def _edit_next_version(project: Path) -> None:
    """What a council does for next year's form: add a question, reword one, drop one."""
    schema_file = project / "schemas" / f"{KIND}.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["properties"]["website"] = {"type": "string", "title": "Website", "description": "Your website, if any."}
    schema["properties"]["proposal_title"]["title"] = "Title of the proposal"
    del schema["properties"]["service_users"]
    schema["required"].remove("service_users")
    schema_file.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    layout_file = project / "forms" / f"{KIND}.yaml"
    layout = yaml.safe_load(layout_file.read_text(encoding="utf-8"))
    for section in layout["sections"]:
        section["questions"] = [q for q in section["questions"] if q != "/service_users"]
    layout["sections"][0]["questions"].append("/website")
    layout_file.write_text(yaml.safe_dump(layout, sort_keys=False, allow_unicode=True), encoding="utf-8")
    _forget()
    assert main(["forms", "build", "--out", str(project / "forms")]) == 0


def test_release_freezes_the_current_version_and_opens_the_next(project: Path, capsys) -> None:
    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 0
    frozen = project / "forms" / "versions" / KIND / "1.0.0"
    assert sorted(p.name for p in frozen.iterdir()) == [f"{KIND}.docx", f"{KIND}.pdf", "layout.yaml"]
    assert (frozen / "layout.yaml").read_bytes() == (ROOT / "forms" / f"{KIND}.yaml").read_bytes()
    old_schema = project / "schemas" / "versions" / KIND / "1.0.0.schema.json"
    assert old_schema.read_bytes() == (ROOT / "schemas" / f"{KIND}.schema.json").read_bytes()
    _forget()
    assert schemas.versions(KIND) == ["1.0.0", "1.1.0"]
    assert load_layout(KIND).version == "1.1.0"
    shipped = parse_return(project / "forms" / f"{KIND}.docx")
    assert shipped.version == "1.1.0", "the current blank form says its new version"
    capsys.readouterr()
    assert main(["forms", "release", KIND, "--next-version", "1.0.9"]) == 2
    assert "must be higher, not 1.0.9" in capsys.readouterr().err


def test_a_released_version_is_never_changed(project: Path, capsys) -> None:
    freeze(KIND)
    layout_file = project / "forms" / f"{KIND}.yaml"
    layout_file.write_text(layout_file.read_text(encoding="utf-8").replace("/summary\n", ""), encoding="utf-8")
    _forget()
    with pytest.raises(CommissionError, match="already released and its files would change"):
        freeze(KIND)
    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 2
    assert "never changed" in capsys.readouterr().err


def _old_pdf_return(project: Path) -> bytes:
    blank = (project / "forms" / "versions" / KIND / "1.0.0" / f"{KIND}.pdf").read_bytes()
    record = load_data_file(EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml")
    return fill_pdf(blank, field_values(load_layout(KIND, "1.0.0"), record))


@pytest.mark.parametrize("format_", ["docx", "pdf", "odt"])
def test_a_return_made_on_the_old_form_is_read_by_its_own_version(project: Path, format_: str) -> None:
    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 0
    _edit_next_version(project)
    data = {
        "docx": OLD_RETURN.read_bytes,
        "pdf": lambda: _old_pdf_return(project),
        "odt": OLD_ODT.read_bytes,
    }[format_]()
    envelope = parse_bytes(data, f"old.{format_}", today=TODAY)
    assert (envelope.status, envelope.version) == ("valid", "1.0.0"), envelope.errors
    asked = load_data_file(EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml")["service_users"]
    assert envelope.record["service_users"] == asked, "the answer to a question the new form dropped is kept"
    assert "website" not in envelope.record
    [older] = [w for w in envelope.warnings if w.rule == "older-version"]
    assert "version 1.0.0 of the form, not the current 1.1.0" in older.message
    assert "questions added since: Website" in older.message
    assert "questions removed since: Service users supported at any one time" in older.message


def test_a_return_of_the_new_version_is_checked_by_the_new_rules(project: Path) -> None:
    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 0
    _edit_next_version(project)
    blank = parse_return(project / "forms" / f"{KIND}.docx")
    assert blank.version == "1.1.0"
    assert "/website" in blank.raw and "/service_users" not in blank.raw
    assert not [e for e in blank.errors if e.path == "/service_users"]
    assert not [w for w in blank.warnings if w.rule == "older-version"]


def test_a_version_this_toolkit_does_not_have_stays_unreadable() -> None:
    envelope = parse_return(FIXTURES / "returns" / "newer-version.docx")
    assert envelope.status == "unreadable"
    assert "which this toolkit does not know" in envelope.errors[0].message


# The shipped project itself -------------------------------------------------


def _frozen() -> list[tuple[str, str]]:
    return sorted(
        (kind, folder.name)
        for kind in layout_kinds()
        for folder in (ROOT / "forms" / "versions" / kind).glob("*")
        if folder.is_dir()
    )


def test_every_form_of_the_project_has_its_current_version_frozen() -> None:
    assert {(kind, load_layout(kind).version) for kind in layout_kinds()} <= set(_frozen())


@pytest.mark.parametrize(("kind", "version"), _frozen())
def test_each_frozen_blank_form_equals_a_rebuild_from_its_frozen_schema_and_layout(
    kind: str, version: str, tmp_path: Path
) -> None:
    folder = ROOT / "forms" / "versions" / kind / version
    layout = load_layout(kind, version)
    assert layout.version == version
    for suffix, builder in BUILDERS:
        rebuilt = builder(layout, tmp_path / f"{kind}{suffix}").read_bytes()
        assert same_form(suffix, (folder / f"{kind}{suffix}").read_bytes(), rebuilt), f"{folder}/{kind}{suffix}"
    if version == load_layout(kind).version:  # still current: nobody may edit it without releasing a new version
        assert (folder / "layout.yaml").read_bytes() == (ROOT / "forms" / f"{kind}.yaml").read_bytes(), (
            f"forms/{kind}.yaml was edited after version {version} was released: "
            f"run 'commission forms release {kind} --next-version X.Y.Z' first"
        )


def test_validate_checks_a_record_against_the_version_asked_for(project: Path, capsys) -> None:
    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 0
    _edit_next_version(project)
    record = EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml"
    capsys.readouterr()
    assert main(["validate", str(record), "--kind", KIND, "--version", "1.0.0", "--today", "2026-08-01"]) == 0
    assert "valid growth-bid (version 1.0.0)" in capsys.readouterr().out
    assert main(["validate", str(record), "--kind", KIND, "--today", "2026-08-01"]) == 1
    assert "/service_users" in capsys.readouterr().out, "1.1.0 no longer asks it"
    assert main(["validate", str(record), "--kind", KIND, "--version", "0.9.0"]) == 2


def test_a_batch_of_old_and_new_returns_loses_no_column(project: Path, tmp_path: Path) -> None:
    """Columns: the current form's, in its order, then those only older versions asked; a rename shares one."""
    import subprocess
    import sys

    from openpyxl import load_workbook

    from generator.ooxml.fill import fill_form

    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 0
    _edit_next_version(project)
    # 1.1.0 also renames the summary: same question, new pointer, declared in the layout.
    schema_file = project / "schemas" / f"{KIND}.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["properties"]["proposal_summary"] = schema["properties"].pop("summary")
    schema["required"] = ["proposal_summary" if name == "summary" else name for name in schema["required"]]
    schema_file.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    layout_file = project / "forms" / f"{KIND}.yaml"
    text = layout_file.read_text(encoding="utf-8").replace("- /summary\n", "- /proposal_summary\n")
    layout_file.write_text(text + "renamed:\n  /summary: /proposal_summary\n", encoding="utf-8")
    _forget()
    assert main(["forms", "build", "--out", str(project / "forms")]) == 0

    inbox = tmp_path / "returns"
    inbox.mkdir()
    shutil.copyfile(OLD_RETURN, inbox / "old-form.docx")
    new = load_data_file(EXAMPLES / KIND / "swale-teenage-parents.yaml")
    del new["service_users"]
    new["proposal_summary"] = new.pop("summary")
    new["website"] = "https://example.org"
    (inbox / "new-form.docx").write_bytes(
        fill_form((project / "forms" / f"{KIND}.docx").read_bytes(), load_layout(KIND), new)
    )
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "batch", str(inbox), "--out", str(out), "--today", "2026-08-01"],
        cwd=ROOT,
        env={**__import__("os").environ, "COMMISSION_PROJECT": str(project)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sheet = list(load_workbook(out / "returns.xlsx")[KIND].iter_rows(values_only=True))
    header, rows = sheet[0], {row[0]: dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]}
    old, new_row = rows["old-form.docx"], rows["new-form.docx"]
    assert (old["Version"], new_row["Version"]) == ("1.0.0", "1.1.0")
    dropped = "Service users supported at any one time (version 1.0.0 and earlier)"
    assert header[-1] == dropped and "Website" in header
    assert old[dropped] == load_data_file(EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml")["service_users"]
    assert new_row["Website"] == "https://example.org" and old["Website"] is None
    [summary] = [name for name in header if name.startswith("Summary")]
    assert old[summary] and new_row[summary] == new["proposal_summary"], "old and new summaries in one column"


def test_the_site_offers_the_current_forms_and_lists_the_older_versions(project: Path, tmp_path: Path) -> None:
    from generator.site.downloads import copy_downloads, downloads_page

    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 0
    _forget()
    downloads = copy_downloads(tmp_path / "downloads")
    older = [d for d in downloads if d.version is not None]
    assert sorted(d.file for d in older) == [f"{KIND}-1.0.0.docx", f"{KIND}-1.0.0.pdf"]
    assert all((tmp_path / "downloads" / d.file).is_file() for d in downloads)
    current = parse_return(tmp_path / "downloads" / f"{KIND}.docx")
    assert current.version == "1.1.0"
    assert parse_return(tmp_path / "downloads" / f"{KIND}-1.0.0.docx").version == "1.0.0"
    page = downloads_page(downloads)
    assert page.index("## Older versions of the forms") > page.index(f"]({KIND}.docx)")
    assert f"]({KIND}-1.0.0.docx)" in page.split("## Older versions of the forms")[1]


def test_render_takes_a_record_of_an_older_version_and_names_what_it_lacks(project: Path, tmp_path: Path, capsys):
    from .template_factory import make_template

    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 0
    _edit_next_version(project)
    record = EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml"
    new_id = f"urn:commission:schema:{KIND}:1.1.0"
    letter = make_template(tmp_path / "letter.docx", [["Dear {{ applicant.organisation }}, about {{ proposal_title }}."]],
                           identifier=new_id)  # fmt: skip
    with_website = make_template(tmp_path / "with-website.docx", [["{{ proposal_title }}: {{ website }}"]],
                                 identifier=new_id)  # fmt: skip
    out = tmp_path / "out.docx"
    capsys.readouterr()
    args = ["--out", str(out), "--version", "1.0.0", "--today", "2026-08-01"]
    assert main(["render", str(letter), str(record), *args]) == 0, capsys.readouterr()
    assert out.is_file()
    out.unlink()
    assert main(["render", str(with_website), str(record), *args]) == 1
    report = capsys.readouterr().out
    assert "/website" in report and "version 1.0.0 records do not have it" in report
    assert not out.exists()
    # Without --version the record is checked as the template's version, which no longer asks its service users.
    assert main(["render", str(letter), str(record), "--out", str(out), "--today", "2026-08-01"]) == 1
    assert "/service_users" in capsys.readouterr().out


def _one_bid_round(folder: Path, version: str | None) -> Path:
    folder.mkdir()
    shutil.copyfile(EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml", folder / "bid.yaml")
    shutil.copyfile(EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml", folder / "report.yaml")
    entry = "{reference: GB-2026-003, file: bid.yaml" + (f", version: {version}" if version else "") + "}"
    (folder / "round.yaml").write_text(
        f"name: A round\nmoney_available: 200000.00\nbids:\n  - {entry}\nevaluations:\n  - report.yaml\n",
        encoding="utf-8",
    )
    return folder / "round.yaml"


def test_evaluate_takes_bids_made_on_an_older_form(project: Path, tmp_path: Path, capsys) -> None:
    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 0
    _edit_next_version(project)
    capsys.readouterr()
    old = _one_bid_round(tmp_path / "old", "1.0.0")
    assert main(["evaluate", str(old), "--out", str(tmp_path / "out-old"), "--today", "2026-09-25"]) == 0
    summary = json.loads((tmp_path / "out-old" / "round-summary.json").read_text(encoding="utf-8"))
    assert [bid["reference"] for bid in summary["bids"]] == ["GB-2026-003"]
    undeclared = _one_bid_round(tmp_path / "undeclared", None)
    assert main(["evaluate", str(undeclared), "--out", str(tmp_path / "out-new"), "--today", "2026-09-25"]) == 1
    assert "/service_users" in capsys.readouterr().err, "checked as 1.1.0, which no longer asks it"


def test_evaluate_names_what_a_version_lacks_that_a_round_needs(project: Path, tmp_path: Path, capsys) -> None:
    assert main(["forms", "release", KIND, "--next-version", "1.1.0"]) == 0
    schema_file = project / "schemas" / f"{KIND}.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    del schema["properties"]["submission_date"]
    schema["required"].remove("submission_date")
    schema_file.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    layout_file = project / "forms" / f"{KIND}.yaml"
    text = layout_file.read_text(encoding="utf-8").replace("      - /submission_date\n", "")
    layout_file.write_text(text.replace("submitted: /submission_date\n", ""), encoding="utf-8")
    _forget()
    capsys.readouterr()
    round_file = _one_bid_round(tmp_path / "round", "1.1.0")
    assert main(["evaluate", str(round_file), "--out", str(tmp_path / "out"), "--today", "2026-09-25"]) == 1
    assert "version 1.1.0 of the form has no Date of submission, which a round needs" in capsys.readouterr().err


#: Returns made on the 1.0.0 forms and committed: the samples, real LibreOffice 7.4 and 25.2 saves, mangled ones.
COMMITTED_1_0_0 = [
    *sorted((ROOT / "examples" / "returns").glob("*.docx")),
    *sorted((FIXTURES / "returns" / "lo74").glob("*.docx")),
    *sorted((FIXTURES / "returns" / "lo74-odt").glob("*.odt")),
    FIXTURES / "returns" / "odt" / "growth-bid-lo25.odt",
    *(
        FIXTURES / "returns" / name
        for name in ("tags-stripped.docx", "tracked-changes.docx", "control-deleted-answer-kept.docx")
    ),
]


@pytest.fixture(scope="module")
def as_read_today() -> dict[Path, tuple[str, Any, Any]]:
    """Each committed return as this project reads it now, while 1.0.0 is the current version."""
    return {path: _read(path) for path in COMMITTED_1_0_0}


def _read(path: Path) -> tuple[str, Any, Any]:
    envelope = parse_return(path, today=TODAY)
    return envelope.status, envelope.record, envelope.raw


@pytest.mark.parametrize("path", COMMITTED_1_0_0, ids=lambda p: p.name)
def test_committed_returns_read_the_same_after_every_form_moves_on(
    as_read_today: dict[Path, tuple[str, Any, Any]], project: Path, path: Path
) -> None:
    for kind in layout_kinds():
        assert main(["forms", "release", kind, "--next-version", "1.1.0"]) == 0
    _forget()
    assert _read(path) == as_read_today[path]
    envelope = parse_return(path, today=TODAY)
    if envelope.status != "unreadable":
        assert envelope.version == "1.0.0"
        assert [w.rule for w in envelope.warnings].count("older-version") == 1


@pytest.fixture(scope="module")
def pdf_returns_today() -> dict[str, tuple[bytes, tuple[str, Any, Any]]]:
    """Each kind's 1.0.0 PDF form filled with its first example, and how it reads while 1.0.0 is current."""
    out = {}
    for kind in layout_kinds():
        example = next(p for p in sorted((EXAMPLES / kind).glob("*.yaml")))
        blank = (ROOT / "forms" / "versions" / kind / "1.0.0" / f"{kind}.pdf").read_bytes()
        data = fill_pdf(blank, field_values(load_layout(kind, "1.0.0"), load_data_file(example)))
        envelope = parse_bytes(data, f"{kind}.pdf", today=TODAY)
        out[kind] = (data, (envelope.status, envelope.record, envelope.raw))
    return out


@pytest.mark.parametrize("kind", layout_kinds())
def test_pdf_returns_of_every_kind_read_the_same_after_every_form_moves_on(
    pdf_returns_today: dict[str, tuple[bytes, tuple[str, Any, Any]]], project: Path, kind: str
) -> None:
    for each in layout_kinds():
        assert main(["forms", "release", each, "--next-version", "1.1.0"]) == 0
    _forget()
    data, before = pdf_returns_today[kind]
    envelope = parse_bytes(data, f"{kind}.pdf", today=TODAY)
    assert (envelope.status, envelope.record, envelope.raw) == before
    assert before[0] == "valid" and envelope.version == "1.0.0"
