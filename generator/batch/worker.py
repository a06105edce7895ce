"""Parse files in worker processes that one bad file cannot take down the batch.

Each worker is a separate process with a memory ceiling (``RLIMIT_AS``); the
parent kills any worker that runs past the time limit and starts a fresh one.
A worker that crashes, hangs or runs out of memory is recorded as the reason
for that one file, and the batch carries on.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from ..records.errors import CommissionError
from ..returns.parse import parse_return

__all__ = ["TOOLKIT_ERROR", "Limits", "Parser", "failure", "parse_file", "parse_in_workers"]

_START_SECONDS = 120
#: Imported once in the fork server, so each new worker starts with them loaded (missing ones are ignored).
_PRELOAD = ("generator.returns.parse", "generator.ooxml.reader", "generator.pdf.reader")
Parser = Callable[[str, dt.date | None], dict[str, Any]]


@dataclass(frozen=True)
class Limits:
    """How long one file may take, and how much memory one worker may use."""

    seconds: float = 60.0
    memory_mb: int = 2048


def parse_file(path: str, today: dt.date | None) -> dict[str, Any]:
    """The default parser: the envelope of one return, as plain data."""
    return parse_return(path, today=today).to_dict()


#: The rule of a failure in the toolkit itself (not the file): such files are tried again on the next run.
TOOLKIT_ERROR = "toolkit-error"


def failure(reason: str, rule: str = "unreadable") -> dict[str, Any]:
    """A result for a file whose parse did not finish."""
    issue = {"path": "", "field": "File", "message": reason, "value": None, "rule": rule}
    return {"status": "unreadable", "errors": [issue]}


def _serve(conn: Connection, parse: Parser, today: dt.date | None, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn.send("ready")
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            return
        try:
            conn.send((parse(path, today), True))
        except MemoryError:
            reason = (
                f"reading it needed more than {memory_mb:,} MB of memory, so it was stopped; "
                "open it and save it again, or ask the bidder for a smaller file"
            )
            conn.send((failure(reason), False))
            return
        except Exception as exc:
            reason = f"the toolkit could not read it ({type(exc).__name__}: {exc}); please report this with the file"
            conn.send((failure(reason, TOOLKIT_ERROR), True))


class _Worker:
    def __init__(self, context: Any, parse: Parser, today: dt.date | None, limits: Limits) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, parse, today, limits.memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.path: str | None = None
        self.deadline = 0.0

    def wait_ready(self) -> None:
        """The time limit is for reading a file, not for starting a worker on a busy machine."""
        try:
            self.ready = self.conn.poll(_START_SECONDS) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            self.ready = False
        if not self.ready:
            raise CommissionError(
                f"a worker process could not start (exit code {self.process.exitcode}); "
                "check there is enough free memory, or try --jobs 1"
            )

    def give(self, path: str, seconds: float) -> None:
        if not self.ready:
            self.wait_ready()
        self.path, self.deadline = path, time.monotonic() + seconds
        self.conn.send(path)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _death_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return (
            f"the worker reading it crashed ({name}), probably from a damaged or hostile file; "
            "ask the bidder to save the form again and resend it"
        )
    return f"the worker reading it stopped unexpectedly (exit code {exitcode}); ask the bidder to resend the form"


def _collect(worker: _Worker, ready: list[Any], limits: Limits) -> tuple[dict[str, Any], bool] | None:
    """A finished worker's result and whether it can take another file; None if still working."""
    if worker.conn in ready or worker.process.sentinel in ready:
        try:
            if worker.conn.poll():
                return worker.conn.recv()
        except (EOFError, OSError):
            pass
        worker.process.join(1)
        return failure(_death_reason(worker.process.exitcode)), False
    if time.monotonic() >= worker.deadline:
        reason = (
            f"reading it took longer than {limits.seconds:g} seconds, so it was stopped; "
            "open it and save it again, or ask the bidder to resend it"
        )
        return failure(reason), False
    return None


def parse_in_workers(
    paths: Iterable[str],
    *,
    jobs: int,
    limits: Limits,
    today: dt.date | None = None,
    parse: Parser = parse_file,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(path, result)`` for every path, in the order they finish."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, *_PRELOAD])
    pending = list(paths)
    pending.reverse()
    workers = [_Worker(context, parse, today, limits) for _ in range(max(1, min(jobs, len(pending))))]
    try:
        while pending or any(w.path for w in workers):
            for worker in workers:
                if worker.path is None and pending:
                    worker.give(pending.pop(), limits.seconds)
            busy = [w for w in workers if w.path]
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout)
            for index, worker in enumerate(workers):
                if worker.path is None:
                    continue
                outcome = _collect(worker, ready, limits)
                if outcome is None:
                    continue
                path, (result, healthy) = worker.path, outcome
                worker.path = None
                if not healthy:
                    worker.stop()
                    workers[index] = _Worker(context, parse, today, limits)
                yield path, result
    finally:
        for worker in workers:
            worker.stop()
