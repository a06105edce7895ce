"""An officer's real folder: mixed formats and resubmissions, then a file removed and another corrected.

Built from the real blank forms: three Word returns, two PDFs, an .odt (Dartford, sent before its PDF), a .doc, a
photo, a zip, the officer's notes, a bidder's corrected v3 beside its v2, and an
identical copy of one return under another name.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from generator.batch.run import run_batch
from generator.forms.layout import load_layout
from generator.ooxml.fill import fill_form
from generator.records.loading import load_data_file
from tests.conftest import EXAMPLES, FIXTURES, ROOT
from tests.pdf_clients import field_values, fill_pypdf

FIRST = dt.datetime(2026, 8, 3, 9, 0, tzinfo=dt.UTC)
SECOND = dt.datetime(2026, 8, 10, 9, 0, tzinfo=dt.UTC)
FORMATS = FIXTURES / "returns" / "formats"


def _bid(name: str) -> dict[str, Any]:
    return load_data_file(next((EXAMPLES / "growth-bid").glob(f"{name}.*")))


def _word(path: Path, record: dict[str, Any]) -> None:
    path.write_bytes(fill_form((ROOT / "forms" / "growth-bid.docx").read_bytes(), load_layout("growth-bid"), record))


def _folder(root: Path) -> Path:
    inbox = root / "returns"
    inbox.mkdir()
    _word(inbox / "thanet.docx", _bid("thanet-domestic-abuse-outreach"))
    _word(inbox / "ashford.docx", _bid("ashford-mental-health-floating-support"))
    v2 = _bid("canterbury-rough-sleepers")
    del v2["annual_amount"]
    _word(inbox / "canterbury bid_v2.docx", v2)
    layout = load_layout("growth-bid")
    fill_pypdf(ROOT / "forms" / "growth-bid.pdf", field_values(layout, _bid("dartford-young-people-leaving-care")),
               inbox / "dartford.pdf")  # fmt: skip
    fill_pypdf(
        ROOT / "forms" / "growth-bid.pdf", field_values(layout, _bid("swale-teenage-parents")), inbox / "swale.pdf"
    )
    for name in ("growth-bid.odt", "growth-bid.doc", "scan.jpg", "returns.zip"):
        shutil.copyfile(FORMATS / name, inbox / name)
    (inbox / "notes.txt").write_text("Chase Canterbury for the amount.", encoding="utf-8")
    shutil.copyfile(inbox / "thanet.docx", inbox / "thanet (copy).docx")
    v3 = _bid("canterbury-rough-sleepers")
    v3["proposal_title"] = "  " + v3["proposal_title"].upper() + " "  # the same bid, retyped
    _word(inbox / "canterbury bid_v3.docx", v3)
    for number, path in enumerate(sorted(inbox.iterdir())):  # arrival order: as listed, v3 and the copy last
        late = path.name in ("canterbury bid_v3.docx", "thanet (copy).docx")
        early = path.name == "growth-bid.odt"  # Dartford's bid, sent as .odt before its PDF
        os.utime(path, (1_780_000_000 + number + 100 * late - 100 * early,) * 2)
    return inbox


def _register(out: Path) -> list[dict[str, Any]]:
    """Each content received, from returns.jsonl: what the officer's record says."""
    return [json.loads(line) for line in (out / "returns.jsonl").read_text(encoding="utf-8").splitlines()]


def _by_names(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The contents still shown under their names (the current content of each name in the folder)."""
    return {" + ".join(row["names"]): row for row in rows if not row["gone_at"]}


def test_every_file_is_accounted_for_and_the_register_remembers_resubmissions(tmp_path: Path, today) -> None:
    inbox = _folder(tmp_path)
    out = tmp_path / "out"
    first = run_batch(inbox, out, jobs=2, today=today, now=FIRST)
    assert first.count("skipped") == 1 and first.count("superseded") == 2
    assert first.duplicates == [("thanet (copy).docx", "thanet.docx")]
    assert not first.all_valid
    rows = _by_names(_register(out))
    assert len(_register(out)) == len(rows) == 11, "12 files, one an identical copy of another"
    assert rows["notes.txt"]["status"] == "skipped"
    for name in ("growth-bid.doc", "scan.jpg", "returns.zip"):
        assert rows[name]["status"] == "unreadable", name
    assert rows["growth-bid.odt"]["status"] == "valid"  # read by the OpenDocument reader
    assert rows["growth-bid.odt"]["superseded_by"] == "dartford.pdf", "the same Dartford bid, sent again as a PDF"
    assert rows["canterbury bid_v2.docx"]["superseded_by"] == "canterbury bid_v3.docx"
    assert rows["canterbury bid_v3.docx"]["superseded_by"] is None
    assert rows["thanet.docx + thanet (copy).docx"]["status"] == "valid"
    report = (out / "errors.txt").read_text(encoding="utf-8")
    assert "every file in the folder" not in report
    assert "scan.jpg  (organisation not known): cannot be read" in report
    assert "a picture (a scan or photo) of the form" in report
    assert "returns.zip  (organisation not known): cannot be read" in report and "unzip it" in report
    assert "growth-bid.doc  (organisation not known): cannot be read" in report
    assert "canterbury bid_v2.docx (invalid): superseded by canterbury bid_v3.docx" in report
    assert "canterbury bid_v2.docx  (" not in report, "a superseded return is not chased"
    assert "growth-bid.odt (valid): superseded by dartford.pdf" in report
    assert "thanet (copy).docx is the same file as thanet.docx, received earlier" in report
    sheet = [
        list(r)
        for r in load_workbook(out / "returns.xlsx")[load_layout("growth-bid").title].iter_rows(values_only=True)
    ]
    assert sorted(r[0] for r in sheet[1:]) == ["ashford.docx", "canterbury bid_v3.docx", "dartford.pdf", "swale.pdf",
                                               "thanet.docx"]  # fmt: skip

    # A week later: Ashford's file was moved out, and Dartford sent a corrected PDF under the same name.
    (inbox / "ashford.docx").unlink()
    corrected = copy.deepcopy(_bid("dartford-young-people-leaving-care"))
    corrected["annual_amount"] = 99_000
    fill_pypdf(ROOT / "forms" / "growth-bid.pdf", field_values(load_layout("growth-bid"), corrected),
               inbox / "dartford.pdf")  # fmt: skip
    second = run_batch(inbox, out, jobs=2, today=today, now=SECOND)
    assert second.parsed == 1 and second.gone == 1
    every = _register(out)
    assert len(every) == 12, "nothing forgotten: the old Dartford content is kept beside the new"
    second_day = SECOND.isoformat(timespec="seconds")
    [ashford] = [row for row in every if row["names"] == ["ashford.docx"]]
    assert ashford["gone_at"] == second_day
    assert ashford["superseded_by"] is None, "gone, but still the bid's latest return"
    old, new = [row for row in every if row["names"] == ["dartford.pdf"]]
    assert (old["gone_at"], old["superseded_by"], old["superseded_at"]) == (second_day, "dartford.pdf", second_day)
    assert (new["gone_at"], new["superseded_by"], new["first_seen"]) == (None, None, second_day)
    assert new["record"]["annual_amount"] == 99_000 and old["record"]["annual_amount"] != 99_000
    sheet = [
        list(r)
        for r in load_workbook(out / "returns.xlsx")[load_layout("growth-bid").title].iter_rows(values_only=True)
    ]
    header, by_file = sheet[0], {r[0]: dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]}
    assert len(sheet) == 6 and header[1] == "Reference" and header[6] == "Gone from the folder"
    assert by_file["dartford.pdf"]["Earlier versions"] == 2  # the .odt and the first PDF
    assert by_file["ashford.docx"]["Gone from the folder"] == SECOND.isoformat(timespec="seconds")
    history = list(load_workbook(out / "returns.xlsx")["Every version received"].iter_rows(values_only=True))
    assert len(history) == 1 + 11, "every version but the skipped notes"
    report = (out / "errors.txt").read_text(encoding="utf-8")
    assert "ashford.docx: gone since 2026-08-10 (valid, first seen 2026-08-03)" in report
    assert "dartford.pdf: gone since 2026-08-10" in report
