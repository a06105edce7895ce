"""Run a batch: find returns, record what was received, parse what is new, settle the register, write the exports."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .discovery import find_returns
from .exports import write_csv, write_error_report, write_jsonl, write_xlsx
from .identity import identify
from .progress import reporter
from .register import Register
from .worker import TOOLKIT_ERROR, Limits, Parser, failure, parse_file, parse_in_workers

__all__ = ["BatchResult", "run_batch"]

_CHUNK = 1024 * 1024


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


def _hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _skipped(reason: str) -> dict[str, object]:
    issue = {"path": "", "field": "File", "message": reason, "value": None, "rule": "skipped"}
    return {"status": "skipped", "errors": [issue]}


def _modified(path: Path) -> str | None:
    """The file's modified time, to order files received in the same run (never a reason to fail)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    return dt.datetime.fromtimestamp(stamp / 1e9, dt.UTC).isoformat(timespec="microseconds")


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


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
    found = find_returns(returns_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = BatchResult(out=out, counts={})
    key = {path: path.relative_to(returns_dir).as_posix() for path in [*found.returns, *(p for p, _ in found.skipped)]}
    with Register(out / "register.sqlite") as register:
        for path, reason in found.skipped:
            register.seen(key[path], None, _size(path), _modified(path), seen_at, _skipped(reason), TOOLKIT_ERROR)
        to_parse: dict[int, str] = {}
        for path in found.returns:
            try:
                sha256, size = _hash(path)
            except OSError as exc:
                unread = failure(f"the file cannot be read ({exc.strerror})")
                register.seen(key[path], None, None, _modified(path), seen_at, unread, TOOLKIT_ERROR)
                continue
            content, must_read = register.seen(key[path], sha256, size, _modified(path), seen_at, None, TOOLKIT_ERROR)
            if must_read and content not in to_parse:
                to_parse[content] = str(path)
            else:
                result.reused += 1
        by_path = {path: content for content, path in to_parse.items()}
        with reporter(len(to_parse), progress) as report:
            for path_text, outcome in parse_in_workers(
                list(to_parse.values()), jobs=jobs, limits=limits or Limits(), today=today, parse=parse
            ):
                register.store(by_path[path_text], outcome)
                report.done(key[Path(path_text)], outcome["status"])
                result.parsed += 1
        result.gone = register.settle(sorted(key.values()), seen_at, identify)
        write_xlsx(register, out / "returns.xlsx")
        write_csv(register, out / "csv")
        write_jsonl(register, out / "returns.jsonl")
        write_error_report(register, out / "errors.txt")
        result.counts = register.counts()
        result.duplicates = [
            (name.path, name.duplicate_of) for name, _ in register.sightings() if name.duplicate_of and not name.gone_at
        ]
    return result
