"""Run a batch: find returns, parse what is new or changed, settle the register, write the exports."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .discovery import find_returns
from .exports import write_csv, write_error_report, write_jsonl, write_xlsx
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
    dropped: int = 0
    duplicates: list[tuple[str, str | None]] = field(default_factory=list)

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def all_valid(self) -> bool:
        return self.count("invalid") == 0 and self.count("unreadable") == 0

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("valid", "invalid", "unreadable", "skipped")]
        line = ", ".join(parts)
        if self.duplicates:
            line += f"; {len(self.duplicates)} duplicate{'s' if len(self.duplicates) != 1 else ''}"
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


def run_batch(
    returns_dir: Path,
    out: Path,
    *,
    jobs: int = 1,
    limits: Limits | None = None,
    today: dt.date | None = None,
    parse: Parser = parse_file,
    progress: TextIO | None = None,
) -> BatchResult:
    """Bring ``out`` up to date with ``returns_dir``; the returns themselves are only read."""
    found = find_returns(returns_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = BatchResult(out=out, counts={})
    key = {path: path.relative_to(returns_dir).as_posix() for path in [*found.returns, *(p for p, _ in found.skipped)]}
    with Register(out / "register.sqlite") as register:
        for path, reason in found.skipped:
            if register.known(key[path]) != (None, "skipped"):
                register.put(key[path], None, path.stat().st_size, _skipped(reason))
        to_parse: dict[str, tuple[str, int]] = {}
        for path in found.returns:
            try:
                sha256, size = _hash(path)
            except OSError as exc:
                register.put(key[path], None, None, failure(f"the file cannot be read ({exc.strerror})"))
                continue
            if register.up_to_date(key[path], sha256, TOOLKIT_ERROR):
                continue
            same = register.by_sha256(sha256, TOOLKIT_ERROR)
            if same is not None:
                register.put(key[path], sha256, size, same.to_dict())
                result.reused += 1
                continue
            to_parse[str(path)] = (sha256, size)
        with reporter(len(to_parse), progress) as report:
            for path_text, outcome in parse_in_workers(
                list(to_parse), jobs=jobs, limits=limits or Limits(), today=today, parse=parse
            ):
                sha256, size = to_parse[path_text]
                register.put(key[Path(path_text)], sha256, size, outcome)
                report.done(key[Path(path_text)], outcome["status"])
                result.parsed += 1
        result.dropped = register.settle(sorted(key.values()))
        write_xlsx(register, out / "returns.xlsx")
        write_csv(register, out / "csv")
        write_jsonl(register, out / "returns.jsonl")
        write_error_report(register, out / "errors.txt")
        result.counts = register.counts()
        result.duplicates = [(row.path, row.duplicate_of) for row in register.rows() if row.duplicate_of]
    return result
