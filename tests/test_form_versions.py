"""Released versions of a form stay frozen, and returns made on them keep reading by their own version.

A copy of the project is released as the issue describes it: the growth bid's
current version (``CURRENT``) frozen, the current schema bumped to the next
minor version (``NEXT``) with one optional question added (a website), one
label changed and one required question (service users) removed. Returns made
on the older forms (Word, PDF, OpenDocument; the committed ones were made on the
oldest released version, ``OLD``, frozen in ``forms/versions/``) must read every
answer the bidder gave, checked against their own version's rules.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.forms.build import BUILDERS
from generator.forms.layout import layout_kinds, load_layout
from generator.forms.release import freeze, same_form
from generator.ooxml.fill import fill_form
from generator.pdf.fill import fill_pdf
from generator.records import schemas
from generator.records.errors import CommissionError
from generator.records.loading import load_data_file
from generator.returns.parse import parse_bytes, parse_return

from .conftest import EXAMPLES, FIXTURES, ROOT, TODAY, reread_project
from .fixtures import make_lo74_returns as lo74
from .pdf_clients import field_values

KIND = "growth-bid"


def _parts(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _frozen_versions(kind: str) -> list[str]:
    """The versions of a form frozen in the project (``forms/versions/<kind>/<version>/``), oldest first."""
    folders = (ROOT / "forms" / "versions" / kind).glob("*")
    return sorted((folder.name for folder in folders if folder.is_dir()), key=_parts)


#: The version the project's forms are at now: what these tests release, in a copy of the project.
CURRENT = schemas.schema_info(KIND).version
_MAJOR, _MINOR, _ = _parts(CURRENT)
#: The version that release opens: the next minor version.
NEXT = f"{_MAJOR}.{_MINOR + 1}.0"
#: A version between CURRENT and NEXT, lower than NEXT, which a release from NEXT must refuse.
BELOW_NEXT = f"{_MAJOR}.{_MINOR}.9"
#: The oldest released version, whose committed returns must keep reading however far the form moves on.
OLD = _frozen_versions(KIND)[0]
OLD_RETURN = FIXTURES / "returns" / "versions" / OLD / "growth-bid-valid.docx"
#: A growth bid saved as .odt by LibreOffice 25.2, made on the forms of ``lo74.MADE_ON``.
OLD_ODT = FIXTURES / "returns" / "odt" / "growth-bid-lo25.odt"


@pytest.fixture
def project(shipped_copy: Path) -> Path:
    """A copy of the built-in project that the toolkit reads instead (``COMMISSION_PROJECT``)."""
    return shipped_copy


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
    reread_project()
    assert main(["forms", "build", "--out", str(project / "forms")]) == 0


def test_release_freezes_the_current_version_and_opens_the_next(project: Path, capsys) -> None:
    released = schemas.versions(KIND)
    assert released[-1] == CURRENT and OLD in released
    assert not (project / "forms" / "versions" / KIND / CURRENT).exists(), "the current version is not frozen yet"
    assert main(["forms", "release", KIND, "--next-version", NEXT]) == 0
    frozen = project / "forms" / "versions" / KIND / CURRENT
    assert sorted(p.name for p in frozen.iterdir()) == [f"{KIND}.docx", f"{KIND}.pdf", "layout.yaml"]
    assert (frozen / "layout.yaml").read_bytes() == (ROOT / "forms" / f"{KIND}.yaml").read_bytes()
    old_schema = project / "schemas" / "versions" / KIND / f"{CURRENT}.schema.json"
    assert old_schema.read_bytes() == (ROOT / "schemas" / f"{KIND}.schema.json").read_bytes()
    reread_project()
    assert schemas.versions(KIND) == [*released, NEXT]
    assert load_layout(KIND).version == NEXT
    shipped = parse_return(project / "forms" / f"{KIND}.docx")
    assert shipped.version == NEXT, "the current blank form says its new version"
    capsys.readouterr()
    assert main(["forms", "release", KIND, "--next-version", BELOW_NEXT]) == 2
    assert f"must be higher, not {BELOW_NEXT}" in capsys.readouterr().err


def test_a_released_version_is_never_changed(project: Path, capsys) -> None:
    freeze(KIND)
    layout_file = project / "forms" / f"{KIND}.yaml"
    layout_file.write_text(layout_file.read_text(encoding="utf-8").replace("/summary\n", ""), encoding="utf-8")
    reread_project()
    with pytest.raises(CommissionError, match="already released and its files would change"):
        freeze(KIND)
    assert main(["forms", "release", KIND, "--next-version", NEXT]) == 2
    assert "never changed" in capsys.readouterr().err


def _made_on_frozen(project: Path, suffix: str, version: str) -> bytes:
    """A return made on the blank form frozen with ``version`` in the project."""
    blank = (project / "forms" / "versions" / KIND / version / f"{KIND}{suffix}").read_bytes()
    record = load_data_file(EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml")
    if suffix == ".pdf":
        return fill_pdf(blank, field_values(load_layout(KIND, version), record))
    return fill_form(blank, load_layout(KIND, version), record)


#: Returns made on older forms: (format, what it is, the version it was made on).
OLD_RETURNS = [
    ("docx", "committed", OLD),
    ("odt", "committed", lo74.MADE_ON),
    ("pdf", "frozen", OLD),
    ("docx", "frozen", CURRENT),  # the version the release has just frozen
    ("pdf", "frozen", CURRENT),
]


@pytest.mark.parametrize(("format_", "source", "made_on"), OLD_RETURNS, ids=lambda v: v)
def test_a_return_made_on_the_old_form_is_read_by_its_own_version(
    project: Path, format_: str, source: str, made_on: str
) -> None:
    assert main(["forms", "release", KIND, "--next-version", NEXT]) == 0
    _edit_next_version(project)
    if source == "committed":
        data = {"docx": OLD_RETURN, "odt": OLD_ODT}[format_].read_bytes()
    else:
        data = _made_on_frozen(project, f".{format_}", made_on)
    envelope = parse_bytes(data, f"old.{format_}", today=TODAY)
    assert (envelope.status, envelope.version) == ("valid", made_on), envelope.errors
    asked = load_data_file(EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml")["service_users"]
    assert envelope.record["service_users"] == asked, "the answer to a question the new form dropped is kept"
    assert "website" not in envelope.record
    [older] = [w for w in envelope.warnings if w.rule == "older-version"]
    assert f"version {made_on} of the form, not the current {NEXT}" in older.message
    assert "questions added since: Website" in older.message
    assert "questions removed since: Service users supported at any one time" in older.message


def test_a_return_of_the_new_version_is_checked_by_the_new_rules(project: Path) -> None:
    assert main(["forms", "release", KIND, "--next-version", NEXT]) == 0
    _edit_next_version(project)
    blank = parse_return(project / "forms" / f"{KIND}.docx")
    assert blank.version == NEXT
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


def test_every_released_version_of_every_form_is_frozen_and_the_current_one_is_the_newest() -> None:
    """Each version before the current one has its schema, layout and blank forms frozen, and nothing else is.

    The current version may be frozen too (as 1.0.0 was before 1.1.0 was
    released) or still open for editing, as a release leaves it; either way no
    frozen version is newer than it.
    """
    for kind in layout_kinds():
        current = load_layout(kind).version
        older = [version for version in schemas.versions(kind) if version != current]
        assert older, f"{kind}: no version released before the current {current}"
        assert all(_parts(version) < _parts(current) for version in older)
        frozen = [version for k, version in _frozen() if k == kind]
        assert set(older) <= set(frozen) <= {*older, current}, f"{kind}: frozen {frozen}, released {older}"
        for version in frozen:
            folder = ROOT / "forms" / "versions" / kind / version
            assert sorted(p.name for p in folder.iterdir()) == sorted([f"{kind}.docx", f"{kind}.pdf", "layout.yaml"])


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
    assert main(["forms", "release", KIND, "--next-version", NEXT]) == 0
    _edit_next_version(project)
    record = EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml"
    capsys.readouterr()
    for version in (OLD, CURRENT):
        assert main(["validate", str(record), "--kind", KIND, "--version", version, "--today", "2026-08-01"]) == 0
        assert f"valid growth-bid (version {version})" in capsys.readouterr().out
    assert main(["validate", str(record), "--kind", KIND, "--today", "2026-08-01"]) == 1
    assert "/service_users" in capsys.readouterr().out, f"{NEXT} no longer asks it"
    assert main(["validate", str(record), "--kind", KIND, "--version", "0.9.0"]) == 2


def test_a_batch_of_old_and_new_returns_loses_no_column(project: Path, tmp_path: Path) -> None:
    """Columns: the current form's, in its order, then those only older versions asked; a rename shares one."""
    import subprocess
    import sys

    from openpyxl import load_workbook

    assert main(["forms", "release", KIND, "--next-version", NEXT]) == 0
    _edit_next_version(project)
    # The next version also renames the summary: same question, new pointer, declared in the layout.
    schema_file = project / "schemas" / f"{KIND}.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["properties"]["proposal_summary"] = schema["properties"].pop("summary")
    schema["required"] = ["proposal_summary" if name == "summary" else name for name in schema["required"]]
    schema_file.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    layout_file = project / "forms" / f"{KIND}.yaml"
    text = layout_file.read_text(encoding="utf-8").replace("- /summary\n", "- /proposal_summary\n")
    layout_file.write_text(text + "renamed:\n  /summary: /proposal_summary\n", encoding="utf-8")
    reread_project()
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
    sheet = list(load_workbook(out / "returns.xlsx")[load_layout(KIND).title].iter_rows(values_only=True))
    header, rows = sheet[0], {row[0]: dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]}
    old, new_row = rows["old-form.docx"], rows["new-form.docx"]
    assert (old["Version"], new_row["Version"]) == (OLD, NEXT)
    dropped = f"Service users supported at any one time (version {CURRENT} and earlier)"  # the last that asked it
    assert header[-1] == dropped and "Website" in header
    assert old[dropped] == load_data_file(EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml")["service_users"]
    assert new_row["Website"] == "https://example.org" and old["Website"] is None
    [summary] = [name for name in header if name.startswith("Summary")]
    assert old[summary] and new_row[summary] == new["proposal_summary"], "old and new summaries in one column"


def test_the_site_offers_the_current_forms_and_lists_the_older_versions(project: Path, tmp_path: Path) -> None:
    from generator.site.downloads import copy_downloads, downloads_page

    released = schemas.versions(KIND)
    assert main(["forms", "release", KIND, "--next-version", NEXT]) == 0
    reread_project()
    downloads = copy_downloads(tmp_path / "downloads")
    older = [d for d in downloads if d.version is not None and d.kind == KIND]
    assert sorted(d.file for d in older) == sorted(
        f"{KIND}-{v}{suffix}" for v in released for suffix in (".docx", ".pdf")
    )
    assert all((tmp_path / "downloads" / d.file).is_file() for d in downloads)
    current = parse_return(tmp_path / "downloads" / f"{KIND}.docx")
    assert current.version == NEXT
    for version in released:
        assert parse_return(tmp_path / "downloads" / f"{KIND}-{version}.docx").version == version
    page = downloads_page(downloads)
    assert page.index("## Older versions of the forms") > page.index(f"]({KIND}.docx)")
    assert f"]({KIND}-{CURRENT}.docx)" in page.split("## Older versions of the forms")[1]
    assert f"]({KIND}-{OLD}.docx)" in page.split("## Older versions of the forms")[1]


def test_render_takes_a_record_of_an_older_version_and_names_what_it_lacks(project: Path, tmp_path: Path, capsys):
    from .template_factory import make_template

    assert main(["forms", "release", KIND, "--next-version", NEXT]) == 0
    _edit_next_version(project)
    record = EXAMPLES / KIND / "dartford-young-people-leaving-care.yaml"
    new_id = f"urn:commission:schema:{KIND}:{NEXT}"
    letter = make_template(tmp_path / "letter.docx", [["Dear {{ applicant.organisation }}, about {{ proposal_title }}."]],
                           identifier=new_id)  # fmt: skip
    with_website = make_template(tmp_path / "with-website.docx", [["{{ proposal_title }}: {{ website }}"]],
                                 identifier=new_id)  # fmt: skip
    out = tmp_path / "out.docx"
    capsys.readouterr()
    args = ["--out", str(out), "--version", CURRENT, "--today", "2026-08-01"]
    assert main(["render", str(letter), str(record), *args]) == 0, capsys.readouterr()
    assert out.is_file()
    out.unlink()
    assert main(["render", str(with_website), str(record), *args]) == 1
    report = capsys.readouterr().out
    assert "/website" in report and f"version {CURRENT} records do not have it" in report
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
    assert main(["forms", "release", KIND, "--next-version", NEXT]) == 0
    _edit_next_version(project)
    capsys.readouterr()
    old = _one_bid_round(tmp_path / "old", CURRENT)
    assert main(["evaluate", str(old), "--out", str(tmp_path / "out-old"), "--today", "2026-09-25"]) == 0
    summary = json.loads((tmp_path / "out-old" / "round-summary.json").read_text(encoding="utf-8"))
    assert [bid["reference"] for bid in summary["bids"]] == ["GB-2026-003"]
    undeclared = _one_bid_round(tmp_path / "undeclared", None)
    assert main(["evaluate", str(undeclared), "--out", str(tmp_path / "out-new"), "--today", "2026-09-25"]) == 1
    assert "/service_users" in capsys.readouterr().err, f"checked as {NEXT}, which no longer asks it"


def test_evaluate_names_what_a_version_lacks_that_a_round_needs(project: Path, tmp_path: Path, capsys) -> None:
    assert main(["forms", "release", KIND, "--next-version", NEXT]) == 0
    schema_file = project / "schemas" / f"{KIND}.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    del schema["properties"]["submission_date"]
    schema["required"].remove("submission_date")
    schema_file.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    layout_file = project / "forms" / f"{KIND}.yaml"
    text = layout_file.read_text(encoding="utf-8").replace("      - /submission_date\n", "")
    layout_file.write_text(text.replace("submitted: /submission_date\n", ""), encoding="utf-8")
    reread_project()
    capsys.readouterr()
    round_file = _one_bid_round(tmp_path / "round", NEXT)
    assert main(["evaluate", str(round_file), "--out", str(tmp_path / "out"), "--today", "2026-09-25"]) == 1
    assert f"version {NEXT} of the form has no Date of submission, which a round needs" in capsys.readouterr().err


def _release_every_form() -> None:
    """Every form of the project copy moves on to its next minor version."""
    for kind in layout_kinds():
        major, minor, _ = _parts(schemas.schema_info(kind).version)
        assert main(["forms", "release", kind, "--next-version", f"{major}.{minor + 1}.0"]) == 0
    reread_project()


#: Committed returns, each with the version of the form it was made on: the samples and mangled ones (remade on
#: every version by make_returns.py), real LibreOffice 7.4 and 25.2 saves (of the ``lo74.MADE_ON`` forms).
COMMITTED: dict[Path, str] = {
    **{path: CURRENT for path in sorted((ROOT / "examples" / "returns").glob("*.docx"))},
    **{
        FIXTURES / "returns" / name: CURRENT
        for name in ("tags-stripped.docx", "tracked-changes.docx", "control-deleted-answer-kept.docx")
    },
    **{
        path: path.parent.name
        for version in _frozen_versions(KIND)
        for path in sorted((FIXTURES / "returns" / "versions" / version).glob("*.docx"))
    },
    **{path: lo74.MADE_ON for path in sorted((FIXTURES / "returns" / "lo74").glob("*.docx"))},
    **{path: lo74.MADE_ON for path in sorted((FIXTURES / "returns" / "lo74-odt").glob("*.odt"))},
    OLD_ODT: lo74.MADE_ON,
}


def test_committed_returns_cover_every_released_version() -> None:
    """Returns made on the oldest released version and on the current one are committed, in Word and ODF."""
    made_on = set(COMMITTED.values())
    assert {OLD, CURRENT} <= made_on, made_on
    assert {path.suffix for path, version in COMMITTED.items() if version == OLD} == {".docx", ".odt"}
    assert all(path.is_file() for path in COMMITTED)


@pytest.fixture(scope="module")
def as_read_today() -> dict[Path, tuple[str, Any, Any]]:
    """Each committed return as this project reads it now, before the forms move on again."""
    return {path: _read(path) for path in COMMITTED}


def _read(path: Path) -> tuple[str, Any, Any]:
    envelope = parse_return(path, today=TODAY)
    return envelope.status, envelope.record, envelope.raw


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_returns_read_the_same_after_every_form_moves_on(
    as_read_today: dict[Path, tuple[str, Any, Any]], project: Path, path: Path
) -> None:
    _release_every_form()
    assert _read(path) == as_read_today[path]
    envelope = parse_return(path, today=TODAY)
    if envelope.status != "unreadable":
        assert envelope.version == COMMITTED[path], "read by the version it was made on"
        assert [w.rule for w in envelope.warnings].count("older-version") == 1


def _blank_pdf(kind: str, version: str) -> Path:
    """A version's blank PDF form: frozen once released, else (the current version) the shipped one."""
    frozen = ROOT / "forms" / "versions" / kind / version / f"{kind}.pdf"
    return frozen if frozen.is_file() else ROOT / "forms" / f"{kind}.pdf"


#: Every released version of every form, the current one included.
RELEASED = [(kind, version) for kind in layout_kinds() for version in schemas.versions(kind)]


@pytest.fixture(scope="module")
def pdf_returns_today() -> dict[tuple[str, str], tuple[bytes, tuple[str, Any, Any]]]:
    """Each version's PDF form of each kind filled with its first example, and how it reads before the forms move on."""
    out = {}
    for kind, version in RELEASED:
        example = next(p for p in sorted((EXAMPLES / kind).glob("*.yaml")))
        blank = _blank_pdf(kind, version).read_bytes()
        data = fill_pdf(blank, field_values(load_layout(kind, version), load_data_file(example)))
        envelope = parse_bytes(data, f"{kind}.pdf", today=TODAY)
        out[(kind, version)] = (data, (envelope.status, envelope.record, envelope.raw))
    return out


@pytest.mark.parametrize(("kind", "version"), RELEASED)
def test_pdf_returns_of_every_kind_read_the_same_after_every_form_moves_on(
    pdf_returns_today: dict[tuple[str, str], tuple[bytes, tuple[str, Any, Any]]], project: Path, kind: str, version: str
) -> None:
    _release_every_form()
    data, before = pdf_returns_today[(kind, version)]
    envelope = parse_bytes(data, f"{kind}.pdf", today=TODAY)
    assert (envelope.status, envelope.record, envelope.raw) == before
    assert before[0] == "valid" and envelope.version == version
    assert [w.rule for w in envelope.warnings].count("older-version") == 1
