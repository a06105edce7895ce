"""Read files in worker processes that one bad file cannot take down the batch.

Each worker is a separate process with a memory ceiling (``RLIMIT_AS``); the
parent kills any worker that runs past the time limit and starts a fresh one.
A worker that crashes, hangs or runs out of memory is recorded as the reason
for that one file, and the batch carries on. Running out of memory is told
from a ``MemoryError`` or, since a library may swallow one in its own
``except Exception`` (pypdf does), from the worker's peak address space having
come within reach of the ceiling: a result read that close to it is not
trusted, and the worker is replaced so the next file starts afresh.

Workers die with the batch: each watches its pipe to the batch from a thread
(``POLLRDHUP``: the other end was closed, which the kernel does when the batch
dies, even by ``SIGKILL``) and exits at once, quietly, even in the middle of a
file.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import select
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from ..records.errors import CommissionError, UnreadableFileError
from ..returns.parse import parse_return

__all__ = [
    "MEMORY_ERROR",
    "RETRIED_RULES",
    "TOOLKIT_ERROR",
    "Limits",
    "Parser",
    "failure",
    "parse_file",
    "parse_in_workers",
    "run_in_workers",
]

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
    """The default parser: the envelope of one return, as plain data.

    A file that stopped being an ordinary file since it was hashed (swapped for a pipe, say) is unreadable.
    """
    try:
        return parse_return(path, today=today).to_dict()
    except UnreadableFileError as exc:
        return failure(exc.reason)


#: The rule of a failure in the toolkit itself (not the file): such files are tried again on the next run.
TOOLKIT_ERROR = "toolkit-error"
#: The rule of a file stopped by the memory ceiling: tried again on the next run (perhaps with more memory).
MEMORY_ERROR = "memory"
#: Results with these rules are not final: the next run reads the file again.
RETRIED_RULES = (TOOLKIT_ERROR, MEMORY_ERROR)


def failure(reason: str, rule: str = "unreadable", detail: str = "") -> dict[str, Any]:
    """A result for a file whose parse did not finish; ``detail`` (what Python said) is for the officer only."""
    issue = {"path": "", "field": "File", "message": reason, "value": None, "rule": rule}
    if detail:
        issue["detail"] = detail
    return {"status": "unreadable", "errors": [issue]}


def _memory_reason(memory_mb: int, what_it_said: str | None = None) -> str:
    reason = (
        f"reading it needed more than {memory_mb:,} MB of memory, the most the batch allows "
        f"(--memory-mb {memory_mb}), so it was stopped; run the batch again with a higher --memory-mb, "
        "or ask the bidder to save the form again and resend it"
    )
    if what_it_said:
        reason += f" (the reader, short of memory, said: {what_it_said})"
    return reason


def _peak_address_space() -> int | None:
    """The most address space this process has ever held (Linux ``VmPeak``), in bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _near_the_ceiling(limit: int) -> bool:
    """Whether an allocation may have failed: the peak came within the largest one a reader makes of the limit."""
    peak = _peak_address_space()
    return peak is not None and peak >= limit - max(32 * 1024 * 1024, limit // 8)


def _exit_when_the_batch_goes(conn: Connection) -> None:
    """Exit this worker the moment the batch's end of the pipe closes, whatever it is doing."""
    hang_up = getattr(select, "POLLRDHUP", 0)
    if not hang_up:  # not Linux: an idle worker still ends when its read finds the pipe closed
        return

    def watch() -> None:
        poller = select.poll()
        poller.register(conn.fileno(), hang_up)
        while True:
            if any(events & (hang_up | select.POLLHUP | select.POLLERR) for _, events in poller.poll()):
                os._exit(0)

    threading.Thread(target=watch, name="exit-with-the-batch", daemon=True).start()


def _serve(conn: Connection, task: Callable[..., dict[str, Any]], fixed: tuple[Any, ...], memory_mb: int) -> None:
    """Run ``task(*item, *fixed)`` for each item the parent sends, until it sends None or goes away."""
    _exit_when_the_batch_goes(conn)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        conn.send("ready")
        while (item := conn.recv()) is not None:
            conn.send(_run_one(task, item, fixed, memory_mb, limit))
    except (EOFError, OSError):  # the batch has gone: nobody is waiting for a result
        return


def _run_one(
    task: Callable[..., dict[str, Any]], item: tuple[Any, ...], fixed: tuple[Any, ...], memory_mb: int, limit: int
) -> tuple[dict[str, Any], bool]:
    """One item's result, and whether this worker is fit for another."""
    try:
        result = task(*item, *fixed)
    except MemoryError:
        return failure(_memory_reason(memory_mb), MEMORY_ERROR), False
    except Exception as exc:
        reason = (
            "the toolkit could not read it because of a fault in the toolkit itself; please report this with the file"
        )
        return failure(reason, TOOLKIT_ERROR, f"{type(exc).__name__}: {exc}"[:500]), True
    if not _near_the_ceiling(limit):
        return result, True
    if result.get("status") in ("invalid", "unreadable"):
        said = "; ".join(str(e.get("message")) for e in result.get("errors") or [])[:300]
        return failure(_memory_reason(memory_mb, said or None), MEMORY_ERROR), False
    return result, False


class _Worker:
    def __init__(
        self, context: Any, task: Callable[..., dict[str, Any]], fixed: tuple[Any, ...], limits: Limits
    ) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, task, fixed, limits.memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.item: tuple[Any, ...] | None = None
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

    def give(self, item: tuple[Any, ...], seconds: float) -> None:
        if not self.ready:
            self.wait_ready()
        self.item, self.deadline = item, time.monotonic() + seconds
        self.conn.send(item)

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


def run_in_workers(
    items: Iterable[tuple[Any, ...]],
    task: Callable[..., dict[str, Any]],
    *,
    jobs: int,
    limits: Limits,
    fixed: tuple[Any, ...] = (),
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Yield ``(item, task(*item, *fixed))`` for every item, in the order they finish.

    ``task`` must be a module-level function, so a worker can import it by name.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, *_PRELOAD])
    pending = list(items)
    pending.reverse()
    workers = [_Worker(context, task, fixed, limits) for _ in range(max(1, min(jobs, len(pending))))]
    try:
        while pending or any(w.item for w in workers):
            for worker in workers:
                if worker.item is None and pending:
                    worker.give(pending.pop(), limits.seconds)
            busy = [w for w in workers if w.item]
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout)
            for index, worker in enumerate(workers):
                if worker.item is None:
                    continue
                outcome = _collect(worker, ready, limits)
                if outcome is None:
                    continue
                item, (result, healthy) = worker.item, outcome
                worker.item = None
                if not healthy:
                    worker.stop()
                    workers[index] = _Worker(context, task, fixed, limits)
                yield item, result
    finally:
        for worker in workers:
            worker.stop()


def parse_in_workers(
    paths: Iterable[str],
    *,
    jobs: int,
    limits: Limits,
    today: dt.date | None = None,
    parse: Parser = parse_file,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(path, result)`` for every path, in the order they finish."""
    items = [(path,) for path in paths]
    for (path,), result in run_in_workers(items, parse, jobs=jobs, limits=limits, fixed=(today,)):
        yield path, result
