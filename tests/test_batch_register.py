"""The register keeps one row per file and upgrades its own table layout in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from generator.batch.register import MIGRATIONS, Register
from generator.records.errors import CommissionError
from tests.batch_helpers import valid_bid


def test_a_new_register_is_at_the_latest_version(tmp_path: Path) -> None:
    with Register(tmp_path / "register.sqlite") as register:
        assert register.schema_version == len(MIGRATIONS)


def test_an_old_register_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version VALUES (1)")
    db.execute(
        "INSERT INTO returns (path, sha256, size, status, errors, parsed_at) VALUES ('old.pdf', 'abc', 3, 'valid', '[]', 'then')"
    )
    db.commit()
    db.close()
    with Register(path) as register:
        assert register.schema_version == len(MIGRATIONS)
        [row] = list(register.rows())
    assert (row.path, row.sha256, row.status, row.warnings, row.flags, row.duplicate_of) == (
        "old.pdf",
        "abc",
        "valid",
        [],
        {},
        None,
    )


def test_a_register_from_a_newer_toolkit_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "register.sqlite"
    Register(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS) + 1,))
    db.commit()
    db.close()
    with pytest.raises(CommissionError, match=r"newer version of the toolkit.*update the toolkit"):
        Register(path)


def test_put_replaces_a_path_and_settle_marks_the_later_name_as_the_duplicate(tmp_path: Path) -> None:
    bid = valid_bid("Org")
    with Register(tmp_path / "register.sqlite") as register:
        register.put("b.pdf", "same", 10, bid)
        register.put("a.pdf", "same", 10, bid)
        register.put("gone.pdf", "other", 5, bid)
        register.put("a.pdf", "same", 10, bid)
        dropped = register.settle(["a.pdf", "b.pdf"])
        rows = {row.path: row for row in register.rows()}
    assert dropped == 1
    assert set(rows) == {"a.pdf", "b.pdf"}
    assert rows["a.pdf"].duplicate_of is None and rows["b.pdf"].duplicate_of == "a.pdf"
    assert rows["a.pdf"].record == bid["record"]
