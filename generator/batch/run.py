"""Run a batch: find returns, record what was received, parse what is new, settle the register, write the exports.

This process only lists the folder; workers read every file (its hash, then,
if the content is new, its parse), under the same time and memory limits, so
no file can hold the batch up. On a register's first run every content is new,
so each file is hashed and parsed in one visit; later runs hash every file
first and parse only the new contents. Results are recorded in the folder's
order, never the order the workers finished in.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..spreadsheets.workbook import import_in_background
from .atomic import remove_leftovers
from .discovery import Entry, find_returns
from .exports import prepare_in_background, write_exports
from .fingerprint import FINGERPRINT, REFUSED, fingerprint, fingerprint_and_parse, skipped
from .identity import identify, number_bids
from .progress import reporter
from .register import Register
from .worker import (
    CHANGED_WHILE_READ,
    NOTED,
    RETRIED_RULES,
    TOOLKIT_ERROR,
    Limits,
    Parser,
    WorkerPool,
    failure,
    parse_file,
)

__all__ = ["BatchResult", "run_batch"]


@dataclass
class BatchResult:
    """What a batch did, for the summary and the exit code."""

    out: Path
    counts: dict[str, int]
    parsed: int = 0
    reused: int = 0
    gone: int = 0
    duplicates: list[tuple[str, str | None]] = field(default_factory=list)

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def all_valid(self) -> bool:
        """Nothing to chase: no current return in the folder is invalid or unreadable."""
        return self.count("invalid") == 0 and self.count("unreadable") == 0

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("valid", "invalid", "unreadable", "skipped")]
        line = ", ".join(parts)
        if self.count("superseded"):
            line += f"; {self.count('superseded')} superseded by a later return"
        if self.duplicates:
            line += f"; {len(self.duplicates)} duplicate{'s' if len(self.duplicates) != 1 else ''}"
        if self.gone:
            line += f"; {self.gone} gone from the folder since the last run (kept in the register)"
        return line


def _leftovers_removed(out: Path) -> None:
    """Temporary exports a killed run left behind; the exports are written afresh below."""
    for name in ("returns.xlsx", "returns.jsonl", "errors.txt"):
        remove_leftovers(out, name)
    remove_leftovers(out / "csv", "*.csv")


_CHANGED = (
    "the file changed while the batch was reading it (it was perhaps still being saved or copied), so what was "
    "read may not be what the file holds now; it will be read again on the next run"
)


def _as_read(outcome: dict[str, Any], sha256: str) -> dict[str, Any]:
    """The outcome, unless the content it was read from is not the content hashed (the file changed in between)."""
    read_from = outcome.get("sha256")
    if read_from and read_from != sha256:
        return failure(_CHANGED, CHANGED_WHILE_READ)
    return outcome


def _in_order(
    items: list[tuple[Any, ...]], finished: Iterator[tuple[tuple[Any, ...], dict[str, Any]]]
) -> Iterator[dict[str, Any]]:
    """Each item's result in the order of ``items``, from results given in the order the workers finished.

    Only results that finished ahead of an earlier item wait here: workers take items in order, so
    few do (at most those read while one slow file holds its worker).
    """
    waiting: dict[tuple[Any, ...], dict[str, Any]] = {}
    upcoming = iter(items)
    wanted = next(upcoming, None)
    for item, outcome in finished:
        waiting[item] = outcome
        while wanted is not None and wanted in waiting:
            yield waiting.pop(wanted)
            wanted = next(upcoming, None)


@contextmanager
def _ended_on_leaving(thread: threading.Thread) -> Iterator[None]:
    """Wait for ``thread`` however the block is left, so nothing it does outlives the batch."""
    try:
        yield
    finally:
        thread.join()


def run_batch(
    returns_dir: Path,
    out: Path,
    *,
    jobs: int = 1,
    limits: Limits | None = None,
    today: dt.date | None = None,
    parse: Parser = parse_file,
    progress: TextIO | None = None,
    now: dt.datetime | None = None,
) -> BatchResult:
    """Bring ``out`` up to date with ``returns_dir``; the returns themselves are only read.

    ``now`` is when the files are received (default: the moment the batch starts).
    """
    seen_at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
    limits = limits or Limits()
    found = find_returns(returns_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        _leftovers_removed(out)
    except BaseException:
        found.close()
        raise
    result = BatchResult(out=out, counts={})
    top = os.fsencode(returns_dir)
    import_in_background()  # the workbook's library loads while this process waits for the workers,
    preparing = prepare_in_background()  # and what settling and the exports read (the layouts, the settings)
    with (
        found,
        _ended_on_leaving(preparing),
        Register(out / "register.sqlite") as register,
        WorkerPool(jobs=jobs, limits=limits) as workers,
    ):
        first_run = register.holds_nothing()

        def record(
            entry: Entry, sha256: str | None, size: int | None, outcome: dict[str, Any] | None
        ) -> tuple[int, bool]:
            return register.seen(entry.name, sha256, size, entry.modified, seen_at, outcome, RETRIED_RULES, entry.raw)

        def store(content: int, outcome: dict[str, Any], sha256: str, name: str) -> None:
            outcome = _as_read(outcome, sha256)
            try:
                register.store(content, outcome)
            except (sqlite3.DataError, ValueError, TypeError) as exc:  # one result that cannot be stored
                outcome = failure(f"the toolkit could not record what it read ({type(exc).__name__})", TOOLKIT_ERROR)
                register.store(content, outcome)
            result.parsed += 1
            report.done(name, outcome["status"])

        for entry, reason in found.skipped:
            record(entry, None, entry.size, skipped(reason))
        for entry, reason in found.unreadable:
            record(entry, None, None, failure(reason))

        # Every read of a file happens in a worker; what it found is recorded in the folder's order, not the workers'.
        # The listing is walked afresh each time (it is kept on disk, not here): to hand out, to order, to record.
        def items() -> Iterator[tuple[str, bool]]:
            return ((os.fsdecode(os.path.join(top, entry.raw)), entry.needs_a_look) for entry in found.to_read)

        if first_run:  # nothing is known yet, so every file is new: each is hashed and read in one visit
            with reporter(len(found.to_read), progress) as report:
                visits = workers.run(items(), fingerprint_and_parse, fixed=(parse, today))
                for entry, visit in zip(found.to_read, _in_order(items(), visits), strict=True):
                    if REFUSED in visit:  # not a file a return can be, or one that cannot be read
                        record(entry, None, visit[REFUSED].get("size"), visit[REFUSED])
                        continue
                    facts = visit.pop(FINGERPRINT, None) or visit.pop(NOTED, None)
                    if facts is None:  # the worker gave up on it before it was hashed (its read hung, say)
                        record(entry, None, None, visit)
                        continue
                    content, must_read = record(entry, facts["sha256"], facts["size"], None)
                    if must_read:
                        store(content, visit, facts["sha256"], entry.name)
                    else:  # the same content under another name, met earlier in the folder: not stored again
                        result.reused += 1
                        report.done(entry.name, "duplicate")
        else:  # hashes first, so a file already read (most of them, on a later run) is not read again
            prints = _in_order(items(), workers.run(items(), fingerprint))
            for entry, (path, _), facts in zip(found.to_read, items(), prints, strict=True):
                if "sha256" not in facts:
                    record(entry, None, facts.get("size"), facts)
                    continue
                content, must_read = record(entry, facts["sha256"], facts["size"], None)
                # the contents new to the register are kept with the listing, on disk, until they are read
                if not (must_read and found.to_parse(content, path, facts["sha256"], entry.name)):
                    result.reused += 1
            with reporter(found.marked_count(), progress) as report:
                for (path,), outcome in workers.run(found.parsing(), parse, fixed=(today,)):
                    content, sha256, name = found.marked(path)
                    store(content, outcome, sha256, name)
        workers.close()  # nothing more to read: the workers' memory is given back before the exports
        preparing.join()
        result.gone = register.settle(found.names(), seen_at, identify)
        number_bids(register)
        exported = write_exports(register, out)
        result.counts = exported.counts
        result.duplicates = exported.duplicates
    return result
