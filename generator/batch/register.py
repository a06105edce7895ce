"""The register: one SQLite row per file found, whatever happened to it.

Each parse result is committed as soon as it arrives, so a batch killed part
way keeps everything it had finished and a re-run carries on. The register's
own table layout is versioned: ``MIGRATIONS`` are applied in order and the
version reached is kept in ``schema_version``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.errors import CommissionError

__all__ = ["MIGRATIONS", "Register", "Row"]

#: Each entry moves the register up one version; never edit one that has shipped, add a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE returns (
        path TEXT PRIMARY KEY,
        sha256 TEXT,
        size INTEGER,
        kind TEXT,
        version TEXT,
        status TEXT NOT NULL,
        record TEXT,
        raw TEXT,
        errors TEXT NOT NULL,
        parsed_at TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE returns ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE returns ADD COLUMN flags TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE returns ADD COLUMN duplicate_of TEXT;
    CREATE INDEX returns_sha256 ON returns (sha256);
    """,
)

_JSON_COLUMNS = ("record", "raw", "errors", "warnings", "flags")
_COLUMNS = ("path", "sha256", "size", "kind", "version", "status", *_JSON_COLUMNS, "duplicate_of", "parsed_at")
# Built only from the constant column names above, never from input.
_SELECT = "SELECT " + ", ".join(_COLUMNS) + " FROM returns"  # noqa: S608
_INSERT = "INSERT OR REPLACE INTO returns (" + ", ".join(_COLUMNS) + ") VALUES (" + ", ".join("?" * len(_COLUMNS)) + ")"  # noqa: S608


@dataclass(frozen=True)
class Row:
    """One file in the register, with its JSON columns decoded."""

    path: str
    sha256: str | None
    size: int | None
    kind: str | None
    version: str | None
    status: str
    record: dict[str, Any] | None
    raw: dict[str, Any] | None
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    flags: dict[str, Any]
    duplicate_of: str | None
    parsed_at: str

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _COLUMNS}


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class Register:
    """An open register; use as a context manager so it is always closed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @property
    def schema_version(self) -> int:
        row = self._db.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise CommissionError(
                f"{self.path}: this register was made by a newer version of the toolkit (register version "
                f"{current}, this toolkit knows up to {len(MIGRATIONS)}); update the toolkit or use another --out folder."
            )
        for number in range(current, len(MIGRATIONS)):
            self._db.executescript("BEGIN;\n" + MIGRATIONS[number] + "\nDELETE FROM schema_version;\nCOMMIT;")
            self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (number + 1,))

    def known(self, path: str) -> tuple[str | None, str] | None:
        """The sha256 and status stored for a path, or None if it is new."""
        row = self._db.execute("SELECT sha256, status FROM returns WHERE path = ?", (path,)).fetchone()
        return (row[0], row[1]) if row else None

    def up_to_date(self, path: str, sha256: str, retry_rule: str) -> bool:
        """True if this content is already stored for this path and need not be read again.

        A failure of the toolkit itself (``retry_rule``) is not final: a later toolkit may read the file.
        """
        row = self._db.execute("SELECT sha256, errors FROM returns WHERE path = ?", (path,)).fetchone()
        return bool(row) and row[0] == sha256 and f'"rule": "{retry_rule}"' not in row[1]

    def by_sha256(self, sha256: str, retry_rule: str) -> Row | None:
        """A parsed row with this content, to reuse for the same file under another name."""
        cursor = self._db.execute(
            _SELECT + " WHERE sha256 = ? AND status != 'skipped' AND errors NOT LIKE ? ORDER BY path LIMIT 1",
            (sha256, f'%"rule": "{retry_rule}"%'),
        )
        found = cursor.fetchone()
        return self._row(found) if found else None

    def put(self, path: str, sha256: str | None, size: int | None, result: dict[str, Any]) -> None:
        """Store (or replace) one file's result, committed at once."""
        values = {
            "path": path,
            "sha256": sha256,
            "size": size,
            "kind": result.get("kind"),
            "version": result.get("version"),
            "status": result["status"],
            "record": _dump(result.get("record")),
            "raw": _dump(result.get("raw")),
            "errors": _dump(result.get("errors") or []),
            "warnings": _dump(result.get("warnings") or []),
            "flags": _dump(result.get("flags") or {}),
            "duplicate_of": None,
            "parsed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        self._db.execute(_INSERT, tuple(values[name] for name in _COLUMNS))

    def settle(self, present: list[str]) -> int:
        """Drop files no longer in the folder and mark duplicates; return how many were dropped.

        The first path (in sorted order) with given content is the original, so the
        outcome does not depend on which worker finished first.
        """
        self._db.execute("BEGIN")
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS present (path TEXT PRIMARY KEY)")
        self._db.execute("DELETE FROM present")
        self._db.executemany("INSERT INTO present (path) VALUES (?)", [(p,) for p in present])
        dropped = self._db.execute("DELETE FROM returns WHERE path NOT IN (SELECT path FROM present)").rowcount
        self._db.execute(
            """
            UPDATE returns SET duplicate_of = (
                SELECT MIN(other.path) FROM returns AS other
                WHERE other.sha256 = returns.sha256 AND other.path < returns.path AND other.status != 'skipped'
            )
            WHERE status != 'skipped'
            """
        )
        self._db.execute("COMMIT")
        return dropped

    def rows(self, kind: str | None = None) -> Iterator[Row]:
        """Rows in path order (of one kind if given), streamed so memory does not grow with the register."""
        if kind is None:
            cursor = self._db.execute(_SELECT + " ORDER BY path")
        else:
            cursor = self._db.execute(_SELECT + " WHERE kind = ? ORDER BY path", (kind,))
        for found in cursor:
            yield self._row(found)

    def kinds(self) -> list[str]:
        return [
            k for (k,) in self._db.execute("SELECT DISTINCT kind FROM returns WHERE kind IS NOT NULL ORDER BY kind")
        ]

    def counts(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT status, COUNT(*) FROM returns GROUP BY status").fetchall())

    @staticmethod
    def _row(values: tuple[Any, ...]) -> Row:
        data = dict(zip(_COLUMNS, values, strict=True))
        for name in _JSON_COLUMNS:
            data[name] = json.loads(data[name]) if data[name] is not None else None
        return Row(**data)
