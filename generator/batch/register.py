"""The register: a record of every file received, which never forgets.

``received`` holds one row per distinct file content ever received (its sha256;
a file that could not be hashed, or was skipped, is a row of its own), with
when it was first and last seen, the parse result and, for a return whose bid
is recognised, which later return of the same bid superseded it. ``names``
holds every name each content was seen under, with when, and when that name
left the folder (a changed file is a new content under the old name, the old
kept). ``bid_references`` holds the reference given to each bid that came
without one (see ``records.references``), for good. Nothing is deleted. A name is kept twice: ``raw_path``, the exact bytes
the operating system gave (any byte sequence, UTF-8 or not, round-trips), and
``path``, the same escaped into one printable line (see ``names.py``), which
is what every export shows.

Each result is committed as soon as it arrives, so a batch killed part way
keeps everything it had finished and a re-run carries on. The register's own
table layout is versioned: ``MIGRATIONS`` are applied in order and the version
reached is kept in ``schema_version``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.errors import CommissionError
from ..records.references import ReferenceScheme

__all__ = ["MIGRATIONS", "PENDING", "Identify", "Listed", "Name", "Register", "Version"]

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
    # A record, not a mirror of the folder: one row per content received, and every name it had.
    """
    CREATE TABLE received (
        id INTEGER PRIMARY KEY,
        sha256 TEXT,
        size INTEGER,
        kind TEXT,
        version TEXT,
        status TEXT NOT NULL,
        record TEXT,
        raw TEXT,
        errors TEXT NOT NULL,
        warnings TEXT NOT NULL DEFAULT '[]',
        flags TEXT NOT NULL DEFAULT '{}',
        parsed_at TEXT,
        first_name TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        modified TEXT,
        bid TEXT,
        submitted TEXT,
        superseded_by INTEGER REFERENCES received (id),
        superseded_at TEXT
    );
    CREATE UNIQUE INDEX received_sha256 ON received (sha256) WHERE sha256 IS NOT NULL;
    CREATE INDEX received_bid ON received (kind, bid);
    CREATE TABLE names (
        path TEXT NOT NULL,
        received INTEGER NOT NULL REFERENCES received (id),
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        gone_at TEXT,
        modified TEXT,
        duplicate_of TEXT,
        PRIMARY KEY (path, received)
    );
    CREATE INDEX names_received ON names (received);
    INSERT INTO received (sha256, size, kind, version, status, record, raw, errors, warnings, flags, parsed_at,
                          first_name, first_seen, last_seen)
        SELECT sha256, size, kind, version, status, record, raw, errors, warnings, flags, parsed_at,
               path, parsed_at, parsed_at
        FROM returns
        WHERE sha256 IS NULL OR path = (SELECT MIN(same.path) FROM returns AS same WHERE same.sha256 = returns.sha256)
        ORDER BY path;
    INSERT INTO names (path, received, first_seen, last_seen)
        SELECT returns.path, received.id, returns.parsed_at, returns.parsed_at
        FROM returns JOIN received
            ON returns.sha256 = received.sha256
            OR (returns.sha256 IS NULL AND received.sha256 IS NULL AND received.first_name = returns.path);
    DROP TABLE returns;
    """,
    # The exact bytes of every name, beside the printable text shown for it.
    """
    ALTER TABLE names ADD COLUMN raw_path BLOB;
    UPDATE names SET raw_path = CAST(path AS BLOB);
    """,
    # The reference given to each bid that came without one: kept for good, so it never changes.
    """
    CREATE TABLE bid_references (
        kind TEXT NOT NULL,
        bid TEXT NOT NULL,
        reference TEXT NOT NULL UNIQUE,
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (kind, bid)
    );
    """,
)

#: The status of a content found but not yet read (a batch was stopped before it got there).
PENDING = "pending"
#: (kind, record, raw answers) -> (the bid it is a return of, or None; the form's own date of submission, or None).
Identify = Callable[[str, dict[str, Any] | None, dict[str, Any] | None], tuple[str | None, str | None]]

_JSON_COLUMNS = ("record", "raw", "errors", "warnings", "flags")
_RESULT_COLUMNS = ("kind", "version", "status", *_JSON_COLUMNS)
_VERSION_COLUMNS = (
    *("id", "sha256", "size", *_RESULT_COLUMNS, "parsed_at", "first_name", "first_seen", "last_seen"),
    *("modified", "bid", "submitted", "superseded_by", "superseded_at"),
)
#: The name a version is shown under: its earliest name still in the folder, else the one it came as.
_SHOWN = (
    "COALESCE((SELECT n.path FROM names AS n WHERE n.received = received.id AND n.gone_at IS NULL "
    "ORDER BY n.first_seen, n.modified, n.path LIMIT 1), received.first_name)"
)
_DERIVED = (
    _SHOWN,
    "(SELECT json_group_array(path) FROM (SELECT n.path FROM names AS n WHERE n.received = received.id "
    "ORDER BY n.first_seen, n.modified, n.path))",
    "(SELECT CASE WHEN COUNT(*) = COUNT(n.gone_at) THEN MAX(n.gone_at) END FROM names AS n "
    "WHERE n.received = received.id)",
    f"(SELECT {_SHOWN.replace('received.', 'later.')} FROM received AS later WHERE later.id = received.superseded_by)",  # noqa: S608
    "(SELECT COUNT(*) FROM received AS other WHERE other.kind = received.kind AND other.bid = received.bid "
    "AND other.id != received.id)",
)
# Built only from the constant column names above, never from input.
_SELECT_VERSION = "SELECT " + ", ".join([*(f"received.{c}" for c in _VERSION_COLUMNS), *_DERIVED]) + " FROM received"  # noqa: S608
_NAME_COLUMNS = ("path", "first_seen", "last_seen", "gone_at", "modified", "duplicate_of")
_SIGHTINGS_ORDER = "ORDER BY names.path, names.first_seen, received.id"
_LISTED_COLUMNS = (*(f"names.{c}" for c in _NAME_COLUMNS), "received.id", "received.status", "received.kind",
                   "received.version", "received.sha256", "received.superseded_by IS NOT NULL")  # fmt: skip
_SELECT_LISTED = (
    f"SELECT {', '.join(_LISTED_COLUMNS)} FROM received JOIN names ON names.received = received.id {_SIGHTINGS_ORDER}"  # noqa: S608
)
_ORDER = "ORDER BY received.first_seen, COALESCE(received.submitted, ''), received.modified, received.first_name"


@dataclass(frozen=True)
class Name:
    """One name a content was seen under in the folder."""

    path: str
    first_seen: str
    last_seen: str
    gone_at: str | None
    modified: str | None
    duplicate_of: str | None


@dataclass(frozen=True)
class Listed:
    """A name and the plain columns of the content it held, read without decoding anything."""

    name: Name
    content: int
    status: str
    kind: str | None
    version: str | None
    sha256: str | None
    superseded: bool


@dataclass(frozen=True)
class Version:
    """One content received, with its parse result and where it stands."""

    id: int
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
    parsed_at: str | None
    first_name: str
    first_seen: str
    last_seen: str
    modified: str | None
    bid: str | None
    submitted: str | None
    superseded_by: int | None
    superseded_at: str | None
    #: The name it is shown under: its earliest name still in the folder, else the one it came as.
    path: str
    names: list[str]
    #: When its last name left the folder; None while any name is still there.
    gone_at: str | None
    superseded_by_path: str | None
    other_versions: int

    @property
    def current(self) -> bool:
        return self.superseded_by is None

    def to_dict(self) -> dict[str, Any]:
        """Everything but the register's own row numbers, for ``returns.jsonl``."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__ if name not in ("id", "superseded_by")}
        data["superseded_by"] = data.pop("superseded_by_path")
        return data


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a name's undecodable bytes (surrogateescape): kept as JSON escapes
        return json.dumps(value, ensure_ascii=True, sort_keys=True, default=str)
    return text


def _version(values: tuple[Any, ...]) -> Version:
    fields = [*_VERSION_COLUMNS, "path", "names", "gone_at", "superseded_by_path", "other_versions"]
    data = dict(zip(fields, values, strict=True))
    for name in (*_JSON_COLUMNS, "names"):
        data[name] = json.loads(data[name]) if data[name] is not None else None
    return Version(**data)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


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
        if current < len(MIGRATIONS):  # every step due in one transaction: a new register is made in one commit
            steps = "\n".join(MIGRATIONS[current:])
            self._db.executescript(
                f"BEGIN;\n{steps}\nDELETE FROM schema_version;\n"
                f"INSERT INTO schema_version (version) VALUES ({len(MIGRATIONS)});\nCOMMIT;"
            )

    def holds_nothing(self) -> bool:
        """Whether no file has ever been recorded here (a new register): every content a batch meets is new."""
        return self._db.execute("SELECT 1 FROM received LIMIT 1").fetchone() is None

    def seen(
        self,
        path: str,
        sha256: str | None,
        size: int | None,
        modified: str | None,
        now: str,
        result: dict[str, Any] | None,
        retry_rules: str | tuple[str, ...],
        raw: bytes | None = None,
    ) -> tuple[int, bool]:
        """Record that ``path`` holds this content now; return the content's row and whether it must be read.

        ``path`` is the name as shown, ``raw`` its exact bytes (by default, the shown name's).
        A content already received is not read again (unless its result has one of
        ``retry_rules``: the toolkit failed on it, or memory ran out); a new one is stored as ``result``, or as pending until its parse arrives.
        A file without a hash (skipped, or unreadable before it could be hashed) is matched by
        its name and result, so the same reason is not recorded twice.
        """
        self._db.execute("BEGIN")
        try:
            if sha256 is not None:
                found = self._db.execute(
                    "SELECT id, status, errors FROM received WHERE sha256 = ?", (sha256,)
                ).fetchone()
            else:
                found = self._db.execute(
                    "SELECT received.id, status, errors FROM received JOIN names ON names.received = received.id "
                    "WHERE names.path = ? AND received.sha256 IS NULL AND status = ? AND errors = ?",
                    (path, (result or {}).get("status"), _dump((result or {}).get("errors") or [])),
                ).fetchone()
            if found is None:
                cursor = self._db.execute(
                    "INSERT INTO received (sha256, size, status, errors, first_name, first_seen, last_seen, modified) "
                    "VALUES (?, ?, ?, '[]', ?, ?, ?, ?)",
                    (sha256, size, PENDING, path, now, now, modified),
                )
                content = int(cursor.lastrowid or 0)
                if result is not None:
                    self._store(content, result)
                must_read = result is None
            else:
                content = int(found[0])
                self._db.execute("UPDATE received SET last_seen = ? WHERE id = ?", (now, content))
                rules = (retry_rules,) if isinstance(retry_rules, str) else retry_rules
                must_read = found[1] == PENDING or any(f'"rule": "{rule}"' in found[2] for rule in rules)
            self._db.execute(
                "UPDATE names SET gone_at = ? WHERE path = ? AND received != ? AND gone_at IS NULL",
                (now, path, content),
            )
            self._db.execute(
                "INSERT INTO names (path, received, first_seen, last_seen, modified, raw_path) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (path, received) DO UPDATE SET last_seen = excluded.last_seen, gone_at = NULL, "
                "raw_path = excluded.raw_path",
                (path, content, now, now, modified, path.encode() if raw is None else raw),
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return content, must_read

    def store(self, content: int, result: dict[str, Any]) -> None:
        """The parse result of one content, committed at once."""
        self._store(content, result)

    def _store(self, content: int, result: dict[str, Any]) -> None:
        values = [
            result.get("kind"),
            result.get("version"),
            result["status"],
            _dump(result.get("record")),
            _dump(result.get("raw")),
            _dump(result.get("errors") or []),
            _dump(result.get("warnings") or []),
            _dump(result.get("flags") or {}),
        ]
        assignments = ", ".join(f"{column} = ?" for column in _RESULT_COLUMNS)
        self._db.execute(
            f"UPDATE received SET {assignments}, parsed_at = ? WHERE id = ?",  # noqa: S608 (constant column names)
            (*values, _now(), content),
        )

    def settle(self, present: Iterable[str], now: str, identify: Identify) -> int:
        """Mark names that left the folder, recognise bids, supersede earlier returns, mark duplicates.

        Returns how many names left the folder since the last run. A later return of the same
        bid supersedes the earlier: later received (first seen), then later by the form's own
        date of submission, then by the file's modified time, then by name; the duplicate of a
        content under two names is the name seen later in the same order. None of this depends
        on the order the workers finished in. All of it is one transaction: a run stopped part
        way leaves the register as the last settled run left it, and its writes reach the disk together.
        """
        self._db.execute("BEGIN")
        try:
            gone = self._settled(present, now, identify)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return gone

    def _settled(self, present: Iterable[str], now: str, identify: Identify) -> int:
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS present (path TEXT PRIMARY KEY)")
        self._db.execute("DELETE FROM present")
        self._db.executemany("INSERT OR IGNORE INTO present (path) VALUES (?)", ((p,) for p in present))
        gone = self._db.execute(
            "UPDATE names SET gone_at = ? WHERE gone_at IS NULL AND path NOT IN (SELECT path FROM present)", (now,)
        ).rowcount
        self._identify(identify)
        self._db.execute(
            f"""
            UPDATE received SET superseded_by = later.next_id, superseded_at = later.next_seen
            FROM (
                SELECT id, LEAD(id) OVER same_bid AS next_id, LEAD(first_seen) OVER same_bid AS next_seen FROM received
                WHERE bid IS NOT NULL
                WINDOW same_bid AS (PARTITION BY kind, bid {_ORDER.replace("received.", "")}, id)
            ) AS later
            WHERE received.id = later.id
              AND (received.superseded_by IS NOT later.next_id OR received.superseded_at IS NOT later.next_seen)
            """  # noqa: S608 (constant text)
        )
        self._db.execute("UPDATE received SET superseded_by = NULL, superseded_at = NULL WHERE bid IS NULL")
        self._db.execute(
            """
            UPDATE names SET duplicate_of = (
                SELECT other.path FROM names AS other JOIN received ON received.id = other.received
                WHERE other.received = names.received AND received.sha256 IS NOT NULL
                  AND (other.first_seen, COALESCE(other.modified, ''), other.path)
                      < (names.first_seen, COALESCE(names.modified, ''), names.path)
                ORDER BY other.first_seen, COALESCE(other.modified, ''), other.path LIMIT 1
            )
            """
        )
        return gone

    def _identify(self, identify: Identify, page: int = 100) -> None:
        """Work out each return's bid and date of submission, a page at a time so memory stays flat."""
        last = 0
        while True:
            rows = self._db.execute(
                "SELECT id, kind, record, raw, bid, submitted FROM received WHERE id > ? AND kind IS NOT NULL "
                "AND status IN ('valid', 'invalid') ORDER BY id LIMIT ?",
                (last, page),
            ).fetchall()
            if not rows:
                return
            changed = []
            for content, kind, record, raw, bid, submitted in rows:
                found = identify(kind, json.loads(record) if record else None, json.loads(raw) if raw else None)
                if found != (bid, submitted):
                    changed.append((*found, content))
            self._db.executemany("UPDATE received SET bid = ?, submitted = ? WHERE id = ?", changed)
            last = rows[-1][0]

    def versions(self, kind: str | None = None, *, current: bool = False) -> Iterator[Version]:
        """Every content received (of one kind, only the current return of each bid if asked), streamed.

        In the order they were received, so a bid's versions read oldest first.
        """
        where = ["received.status != ?"]
        arguments: list[Any] = [PENDING]
        if kind is not None:
            where.append("received.kind = ?")
            arguments.append(kind)
        if current:
            where.append("received.superseded_by IS NULL")
        query = f"{_SELECT_VERSION} WHERE {' AND '.join(where)} ORDER BY {_SHOWN}, received.id"
        for found in self._db.execute(query, arguments):
            yield _version(found)

    def sightings(self) -> Iterator[tuple[Name, Version]]:
        """Every name ever seen in the folder, in name order, with the content it held."""
        query = (
            "SELECT " + ", ".join(f"names.{c}" for c in _NAME_COLUMNS) + ", " + _SELECT_VERSION[len("SELECT ") :]
        ) + f" JOIN names ON names.received = received.id {_SIGHTINGS_ORDER}"
        for found in self._db.execute(query):
            yield Name(*found[: len(_NAME_COLUMNS)]), _version(found[len(_NAME_COLUMNS) :])

    def references(self, kind: str) -> dict[str, str]:
        """The reference given to each bid of ``kind`` that came without one, by the bid it is (``Version.bid``)."""
        return dict(self._db.execute("SELECT bid, reference FROM bid_references WHERE kind = ?", (kind,)).fetchall())

    def assign_references(
        self, kind: str, scheme: ReferenceScheme, has_own: Callable[[Version], bool] = lambda version: False
    ) -> dict[str, str]:
        """Give each bid of ``kind`` still without a reference the next number of ``scheme``; return the new ones.

        Only a bid whose current return is valid and still in the folder is numbered, in the order
        received (then by the form's date of submission, its file's time and its name), and never one
        that ``has_own`` reference typed on the form. A reference once given is never changed or reused.
        """
        self._db.execute("BEGIN IMMEDIATE")
        try:
            taken = {reference for (reference,) in self._db.execute("SELECT reference FROM bid_references")}
            known = self.references(kind)
            numbers = [n for n in map(scheme.number_in, taken) if n is not None]
            number = max(numbers, default=0)
            # Each waiting bid's order and name only, not its whole return: a round of many bids stays small here.
            waiting = sorted(
                (v.first_seen, v.submitted or "", v.modified or "", v.first_name, v.id, str(v.bid))
                for v in self.versions(kind, current=True)
                if v.status == "valid" and v.bid and v.gone_at is None and v.bid not in known and not has_own(v)
            )  # the id is unique, so the bid never decides the order
            assigned: dict[str, str] = {}
            now = _now()
            for *_, bid in waiting:
                if bid in assigned:
                    continue
                number += 1
                while scheme.make(number) in taken:
                    number += 1
                assigned[bid] = scheme.make(number)
                self._db.execute(
                    "INSERT INTO bid_references (kind, bid, reference, assigned_at) VALUES (?, ?, ?, ?)",
                    (kind, bid, scheme.make(number), now),
                )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return assigned

    @staticmethod
    def is_register(path: Path) -> bool:
        """Whether ``path`` is a register a batch wrote (checked read-only, so nothing else is ever changed)."""
        try:
            with path.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    return False
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                found = db.execute(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('received', 'schema_version')"
                ).fetchone()
            finally:
                db.close()
        except (OSError, sqlite3.Error):
            return False
        return bool(found and found[0] == 2)

    def listing(self) -> Iterator[Listed]:
        """Every name, in the order of :meth:`sightings`, with only its content's plain columns: nothing decoded.

        For exports that have already read each content once (``exports.py``) and need only to list its names.
        """
        for found in self._db.execute(_SELECT_LISTED):
            content, status, kind, version, sha256, superseded = found[len(_NAME_COLUMNS) :]
            yield Listed(Name(*found[: len(_NAME_COLUMNS)]), content, status, kind, version, sha256, bool(superseded))

    def kinds(self) -> list[str]:
        return [
            k for (k,) in self._db.execute("SELECT DISTINCT kind FROM received WHERE kind IS NOT NULL ORDER BY kind")
        ]

    def counts(self) -> dict[str, int]:
        """Files in the folder now, by what they are: a return's status, ``superseded`` or ``skipped``."""
        return dict(
            self._db.execute(
                "SELECT CASE WHEN received.superseded_by IS NOT NULL THEN 'superseded' ELSE received.status END AS s, "
                "COUNT(*) FROM names JOIN received ON received.id = names.received WHERE names.gone_at IS NULL "
                "GROUP BY s"
            ).fetchall()
        )
