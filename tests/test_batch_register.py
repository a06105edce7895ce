"""The register keeps every content received and every name it had, and upgrades its own table layout in place."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from generator.batch.identity import identify
from generator.batch.register import MIGRATIONS, Register
from generator.records.errors import CommissionError
from tests.batch_helpers import valid_bid

from .conftest import FIXTURES

NOW, LATER = "2026-08-01T09:00:00+00:00", "2026-08-02T09:00:00+00:00"


def test_a_new_register_is_at_the_latest_version(tmp_path: Path) -> None:
    with Register(tmp_path / "register.sqlite") as register:
        assert register.schema_version == len(MIGRATIONS)


def test_a_register_written_at_version_2_is_migrated_and_keeps_every_row(tmp_path: Path) -> None:
    """schema-2.sqlite was written by the toolkit before this change (see make_schema_2.py)."""
    path = tmp_path / "register.sqlite"
    shutil.copyfile(FIXTURES / "registers" / "schema-2.sqlite", path)
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    assert db.execute("SELECT version FROM schema_version").fetchone()[0] == 2
    old = [dict(row) for row in db.execute("SELECT * FROM returns ORDER BY path")]
    db.close()
    assert len(old) == 6
    with Register(path) as register:
        assert register.schema_version == len(MIGRATIONS)
        register.settle([row["path"] for row in old], LATER, identify)
        sightings = {name.path: (name, version) for name, version in register.sightings()}
        versions = list(register.versions())
    assert set(sightings) == {row["path"] for row in old}
    for row in old:
        name, version = sightings[row["path"]]
        assert (version.sha256, version.size, version.kind, version.status) == (
            row["sha256"], row["size"], row["kind"], row["status"]
        )  # fmt: skip
        assert version.record == (json.loads(row["record"]) if row["record"] else None)
        assert version.raw == (json.loads(row["raw"]) if row["raw"] else None)
        assert version.errors == json.loads(row["errors"]) and version.flags == json.loads(row["flags"])
        assert (name.first_seen, name.gone_at) == (row["parsed_at"], None)
    assert len(versions) == 5, "the same content under two names is one version with two names"
    [copy] = [v for v in versions if len(v.names) == 2]
    assert copy.names == ["copy of other.pdf", "other.pdf"]
    [earlier] = [v for v in versions if not v.current]
    assert (earlier.path, earlier.superseded_by_path) == ("bid_v2.docx", "bid_v3.docx")


def test_a_register_from_a_newer_toolkit_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite"
    Register(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS) + 1,))
    db.commit()
    db.close()
    with pytest.raises(CommissionError, match=r"newer version of the toolkit.*update the toolkit"):
        Register(path)


def _seen(register: Register, path: str, sha256: str, now: str, modified: str = "m") -> int:
    content, must_read = register.seen(path, sha256, 10, modified, now, None, "toolkit-error")
    if must_read:
        register.store(content, valid_bid("Org", title=sha256))
    return content


def test_nothing_is_deleted_gone_and_changed_files_are_kept_and_dated(tmp_path: Path) -> None:
    with Register(tmp_path / "register.sqlite") as register:
        _seen(register, "a.docx", "one", NOW)
        _seen(register, "gone.docx", "two", NOW)
        register.settle(["a.docx", "gone.docx"], NOW, identify)
        _seen(register, "a.docx", "three", LATER)
        gone = register.settle(["a.docx"], LATER, identify)
        names = [(n.path, v.sha256, n.first_seen, n.gone_at) for n, v in register.sightings()]
        versions = {v.sha256: v for v in register.versions()}
    assert gone == 1
    assert names == [("a.docx", "one", NOW, LATER), ("a.docx", "three", LATER, None), ("gone.docx", "two", NOW, LATER)]
    assert versions["one"].gone_at == LATER and versions["three"].gone_at is None
    assert (versions["three"].first_seen, versions["one"].last_seen) == (LATER, NOW)


def test_the_duplicate_is_the_copy_received_later_not_the_name_sorted_second(tmp_path: Path) -> None:
    with Register(tmp_path / "register.sqlite") as register:
        _seen(register, "z-original.docx", "same", NOW)
        register.settle(["z-original.docx"], NOW, identify)
        _seen(register, "a-copy.docx", "same", LATER)
        register.settle(["z-original.docx", "a-copy.docx"], LATER, identify)
        duplicates = {n.path: n.duplicate_of for n, _ in register.sightings()}
    assert duplicates == {"a-copy.docx": "z-original.docx", "z-original.docx": None}


def test_a_settle_that_fails_part_way_changes_nothing(tmp_path: Path) -> None:
    """Names gone, bids recognised and supersessions are written together or not at all."""
    with Register(tmp_path / "register.sqlite") as register:
        for number in range(3):
            _seen(register, f"bid-{number}.docx", f"content-{number}", NOW)
        register.settle([f"bid-{number}.docx" for number in range(3)], NOW, identify)
        before = [(n.path, n.gone_at, v.bid, v.current) for n, v in register.sightings()]
        calls: list[str] = []

        def fails_on_the_second(kind: str, record: object, raw: object) -> tuple[str | None, str | None]:
            calls.append(kind)
            if len(calls) == 2:
                raise RuntimeError("stopped part way")
            return "another bid", None

        with pytest.raises(RuntimeError):
            register.settle(["bid-0.docx"], LATER, fails_on_the_second)
        after = [(n.path, n.gone_at, v.bid, v.current) for n, v in register.sightings()]
        assert register.settle(["bid-0.docx"], LATER, identify) == 2, "the names gone are still to be marked"
    assert len(calls) == 2
    assert after == before
