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

Each worker holds two files at once: the next waits in its pipe while the batch
stores the last result, so no worker sits idle (the time limit of a file starts
when the one before it is done). Workers import only what reading needs: the fork
server preloads the readers, and the program that started the batch (``commission``,
with its command line) is not run again in each worker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import multiprocessing
import multiprocessing.forkserver
import os
import resource
import select
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..records.errors import BrokenSchemaError, CommissionError, UnreadableFileError
from ..records.resources import project_root

__all__ = [
    "CHANGED_WHILE_READ",
    "MEMORY_ERROR",
    "NOTED",
    "RETRIED_RULES",
    "TOOLKIT_ERROR",
    "Limits",
    "Parser",
    "WorkerPool",
    "failure",
    "from_bytes",
    "note",
    "parse_file",
    "parse_in_workers",
    "parse_read_file",
    "run_in_workers",
    "start_fork_server",
]

_START_SECONDS = 120
#: Imported once in the fork server, so each new worker starts with them loaded (missing ones are ignored):
#: what reading any return needs (the Word reader, the commonest, among it), nothing of the exports or commands.
#: The PDF and OpenDocument readers and jsonschema (which only explains an invalid record) are imported by a
#: worker when it first needs them: a batch waits for the fork server's imports before its first file, and
#: a worker, started once for the whole batch, pays for them at most once.
_PRELOAD = (
    "generator.projects.switch",
    "generator.returns.parse",
    "generator.ooxml.reader",
    "generator.batch.fingerprint",
)
Parser = Callable[[str, dt.date | None], dict[str, Any]]
#: Files given to each worker at once: the one it reads and the next, waiting in its pipe.
_IN_FLIGHT = 2


@dataclass(frozen=True)
class Limits:
    """How long one file may take, and how much memory one worker may use."""

    seconds: float = 60.0
    memory_mb: int = 2048


def parse_file(path: str, today: dt.date | None) -> dict[str, Any]:
    """The default parser: the envelope of one return, as plain data.

    A file that stopped being an ordinary file since it was hashed (swapped for a pipe, say) is unreadable.
    """
    from ..returns.parse import parse_return  # preloaded in the fork server; the batch itself needs none of it

    return _parsed(lambda: parse_return(path, today=today).to_dict())


def parse_read_file(data: bytes, sha256: str, path: str, today: dt.date | None) -> dict[str, Any]:
    """What :func:`parse_file` gives, from the file's bytes and hash as the worker has just read them.

    A first run reads each file once: what is parsed is then exactly what was hashed.
    """
    from ..returns.parse import parse_bytes

    return _parsed(lambda: parse_bytes(data, path, today=today, sha256=sha256).to_dict())


parse_file.from_bytes = parse_read_file  # type: ignore[attr-defined]


def from_bytes(parse: Parser) -> Callable[[bytes, str, str, dt.date | None], dict[str, Any]] | None:
    """The form of ``parse`` given the bytes and hash just read (``parse.from_bytes``), if it has one.

    A parser of paths alone reads the file again; one with this form reads it once.
    """
    return getattr(parse, "from_bytes", None)


def _parsed(parse: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The envelope, or the failure a file that cannot be read, or a broken schema, comes to."""
    try:
        return parse()
    except UnreadableFileError as exc:
        return failure(exc.reason)
    except BrokenSchemaError as exc:
        return failure(
            f"it was not read, because its form's schema is broken: {exc.problem} "
            "Mend that file and run the batch again: this return will be read then.",
            SCHEMA_ERROR,
        )


#: The rule of a failure in the toolkit itself (not the file): such files are tried again on the next run.
TOOLKIT_ERROR = "toolkit-error"
#: The rule of a file stopped by the memory ceiling: tried again on the next run (perhaps with more memory).
MEMORY_ERROR = "memory"
#: The rule of a file whose form's schema (in the project, not the file) cannot be used: read again next run.
SCHEMA_ERROR = "schema-error"
#: The rule of a file whose content changed between its hash and its parse: read again next run.
CHANGED_WHILE_READ = "changed-while-read"
#: Results with these rules are not final: the next run reads the file again.
RETRIED_RULES = (TOOLKIT_ERROR, MEMORY_ERROR, SCHEMA_ERROR, CHANGED_WHILE_READ)


#: Where a failure carries what its task had noted of the file before it failed (see :func:`note`).
NOTED = "noted"


@dataclass(frozen=True)
class _Note:
    """A message from a worker: what its task has learnt of the file so far."""

    value: Any


#: In a worker: its pipe to the batch, and what the task has noted of the current file.
_notes: Connection | None = None
_noted: Any = None


def note(value: Any) -> None:
    """Tell the batch what the task has learnt of its file so far (outside a worker, only remembered).

    If the task then fails (its time runs out, memory runs short, the worker crashes),
    the failure carries ``value`` under :data:`NOTED`, so what was learnt is not lost.
    """
    global _noted
    _noted = value
    if _notes is not None:
        _notes.send(_Note(value))


def _with_note(result: dict[str, Any], noted: Any) -> dict[str, Any]:
    return result if noted is None else {**result, NOTED: noted}


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


def _ready(fds: Iterable[int], timeout: float) -> set[int]:
    """Which of ``fds`` can be read (or have hung up) within ``timeout`` seconds.

    ``multiprocessing.connection.wait`` does the same through a new ``selectors`` object
    each time; the batch asks several times a file, so the bare ``poll`` is used instead.
    """
    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    return {fd for fd, _ in poller.poll(math.ceil(timeout * 1000))}


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


def _serve(conn: Connection, memory_mb: int, project: str) -> None:
    """Run ``task(*item, *fixed)`` for each ``(task, item, fixed)`` the parent sends, until None or it goes away.

    The task comes with each item, so one worker serves every pass of a batch (the
    fingerprints, then the reads) and is started once. The worker reads the batch's
    ``project``: the fork server it comes from was started with the environment of
    the first batch of this process, which may have been another project's.
    """
    # Not imported at the top: the batch imports this module before it starts the fork server (which preloads it).
    from ..projects.switch import switch_project

    _exit_when_the_batch_goes(conn)
    switch_project(Path(project))
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _notes, _noted
    _notes = conn
    try:
        conn.send("ready")
        while (sent := conn.recv()) is not None:
            task, item, fixed = sent
            _noted = None
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
        return _with_note(failure(_memory_reason(memory_mb), MEMORY_ERROR), _noted), False
    except Exception as exc:
        reason = (
            "the toolkit could not read it because of a fault in the toolkit itself; please report this with the file"
        )
        return _with_note(failure(reason, TOOLKIT_ERROR, f"{type(exc).__name__}: {exc}"[:500]), _noted), True
    if not _near_the_ceiling(limit):
        return result, True
    if result.get("status") in ("invalid", "unreadable"):
        said = "; ".join(str(e.get("message")) for e in result.get("errors") or [])[:300]
        return _with_note(failure(_memory_reason(memory_mb, said or None), MEMORY_ERROR), _noted), False
    return result, False


def _needs_main(task: Callable[..., Any], fixed: tuple[Any, ...] = ()) -> bool:
    """Whether a worker must run the batch's main script to find ``task``, or a function handed to it, defined there."""
    functions = [task, *(value for value in fixed if callable(value))]
    return any(getattr(function, "__module__", "__main__") == "__main__" for function in functions)


@contextmanager
def _main_not_run_again(hide: bool) -> Iterator[None]:
    """Start workers without running the program that started the batch in each of them.

    multiprocessing runs the main script again in every worker (so a function defined
    in it can be found); ``commission`` would import its whole command line each time.
    A task that is not in ``__main__`` needs none of that, so the main module is shown
    to the worker as having no file or name to run while it starts.
    """
    main = sys.modules.get("__main__")
    if main is None or not hide:
        yield
        return
    saved = {name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


class _Worker:
    def __init__(self, context: Any, limits: Limits, *, hide_main: bool) -> None:
        self.conn, child = context.Pipe()
        project = str(project_root())
        self.process = context.Process(target=_serve, args=(child, limits.memory_mb, project), daemon=True)
        #: Started without the batch's main script, so it cannot run a task defined there.
        self.main_hidden = hide_main
        with _main_not_run_again(hide_main):
            self.process.start()
        child.close()
        self.ready = False
        #: Items sent, oldest first: the first is being read, the others wait in the pipe.
        self.queue: deque[tuple[Any, ...]] = deque()
        #: When the first item's time is up.
        self.deadline = 0.0
        #: What the task has noted of the first item (see :func:`note`).
        self.noted: Any = None

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

    def give(self, task: Callable[..., Any], item: tuple[Any, ...], fixed: tuple[Any, ...], seconds: float) -> None:
        if not self.ready:
            self.wait_ready()
        if not self.queue:
            self.deadline = time.monotonic() + seconds
        self.queue.append(item)
        with contextlib.suppress(OSError):  # it died on the file before (a crash): seen next; this one goes elsewhere
            self.conn.send((task, item, fixed))

    def done(self, seconds: float) -> tuple[Any, ...]:
        """The first item is finished; the next, already in the pipe, starts its time now."""
        self.deadline = time.monotonic() + seconds
        self.noted = None
        return self.queue.popleft()

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


def _collect(worker: _Worker, ready: set[int], limits: Limits) -> tuple[dict[str, Any], bool] | None:
    """A finished worker's result and whether it can take another file; None if still working.

    A worker's notes on its file (:func:`note`) are kept on it, for a failure to carry.
    """
    pipe, sentinel = worker.conn.fileno(), worker.process.sentinel
    if pipe in ready or sentinel in ready:
        try:
            while _ready((pipe,), 0):
                message = worker.conn.recv()
                if not isinstance(message, _Note):
                    return message
                worker.noted = message.value
        except (EOFError, OSError):
            pass
        else:
            if sentinel not in ready:  # only a note came: it is still reading
                return _out_of_time(worker, limits)
        worker.process.join(1)
        return _with_note(failure(_death_reason(worker.process.exitcode)), worker.noted), False
    return _out_of_time(worker, limits)


def _out_of_time(worker: _Worker, limits: Limits) -> tuple[dict[str, Any], bool] | None:
    if time.monotonic() < worker.deadline:
        return None
    reason = (
        f"reading it took longer than {limits.seconds:g} seconds, so it was stopped; "
        "open it and save it again, or ask the bidder to resend it"
    )
    return _with_note(failure(reason), worker.noted), False


class _Pending:
    """Items not yet given to a worker, taken from ``items`` only as workers need them, so none is held in advance.

    A folder's listing (kept on disk by discovery) is never held whole. Items a worker
    was holding when it had to be replaced come back first, in their order.
    """

    def __init__(self, items: Iterable[tuple[Any, ...]]) -> None:
        self._rest = iter(items)
        #: Items taken from ``items`` or given back, the next one last.
        self._back: list[tuple[Any, ...]] = []

    def count_up_to(self, most: int) -> int:
        """How many items are left, counting no further than ``most``."""
        while len(self._back) < most and (following := next(self._rest, None)) is not None:
            self._back.insert(0, following)
        return min(len(self._back), most)

    def __bool__(self) -> bool:
        return self.count_up_to(1) > 0

    def pop(self) -> tuple[Any, ...]:
        return self._back.pop() if self._back else next(self._rest)

    def give_back(self, items: Sequence[tuple[Any, ...]]) -> None:
        self._back.extend(reversed(items))


def _top_up(
    workers: list[_Worker],
    pending: _Pending,
    task: Callable[..., Any],
    fixed: tuple[Any, ...],
    limits: Limits,
) -> None:
    """Give each worker files until it holds ``_IN_FLIGHT``: every worker one before any gets a second."""
    for depth in range(1, _IN_FLIGHT + 1):
        for worker in workers:
            if len(worker.queue) < depth and pending:
                worker.give(task, pending.pop(), fixed, limits.seconds)


def start_fork_server() -> None:
    """Start the fork server the workers come from now, so its imports run beside the batch's own.

    The first batch of a process would otherwise wait for them (a fresh interpreter
    importing every reader) after its own imports; calling this first overlaps the two.
    """
    multiprocessing.get_context("forkserver").set_forkserver_preload([__name__, *_PRELOAD])
    multiprocessing.forkserver.ensure_running()


class WorkerPool:
    """Workers kept for every pass of one batch (the fingerprints, then the reads), so each is started once.

    A worker costs a fork and its first imports (about a tenth of a second), which a
    batch of one file would otherwise pay for each pass. Use it as a context manager:
    the workers are stopped when it closes.
    """

    def __init__(self, *, jobs: int, limits: Limits) -> None:
        self.jobs = max(1, jobs)
        self.limits = limits
        self.workers: list[_Worker] = []
        start_fork_server()
        self._context = multiprocessing.get_context("forkserver")

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []

    def _new_worker(self, task: Callable[..., Any], fixed: tuple[Any, ...]) -> _Worker:
        return _Worker(self._context, self.limits, hide_main=not _needs_main(task, fixed))

    def _ready_for(self, task: Callable[..., Any], fixed: tuple[Any, ...], count: int) -> list[_Worker]:
        """Workers for ``count`` items of ``task``: those kept, plus new ones up to ``jobs``."""
        if _needs_main(task, fixed) and any(w.main_hidden for w in self.workers):  # they could not find it
            self.close()
        while len(self.workers) < min(self.jobs, count):
            self.workers.append(self._new_worker(task, fixed))
        return self.workers

    def run(
        self, items: Iterable[tuple[Any, ...]], task: Callable[..., dict[str, Any]], fixed: tuple[Any, ...] = ()
    ) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
        """Yield ``(item, task(*item, *fixed))`` for every item, in the order they finish.

        ``task`` must be a module-level function, so a worker can import it by name.
        """
        pending = _Pending(items)
        if not (count := pending.count_up_to(self.jobs)):
            return
        workers = self._ready_for(task, fixed, count)
        limits = self.limits
        try:
            while pending or any(w.queue for w in workers):
                _top_up(workers, pending, task, fixed, limits)
                busy = [w for w in workers if w.queue]
                timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                ready = _ready([w.conn.fileno() for w in busy] + [w.process.sentinel for w in busy], timeout)
                for index, worker in enumerate(workers):
                    if not worker.queue:
                        continue
                    outcome = _collect(worker, ready, limits)
                    if outcome is None:
                        continue
                    item, (result, healthy) = worker.done(limits.seconds), outcome
                    if not healthy:  # the files waiting in its pipe go to the next free worker, unread
                        pending.give_back(worker.queue)
                        worker.stop()
                        workers[index] = self._new_worker(task, fixed)
                    _top_up(workers, pending, task, fixed, limits)  # before the caller stores this result
                    yield item, result
        except BaseException:  # stopped part way (the caller gave up, or a fault): no worker keeps a stale item
            self.close()
            raise


def run_in_workers(
    items: Iterable[tuple[Any, ...]],
    task: Callable[..., dict[str, Any]],
    *,
    jobs: int,
    limits: Limits,
    fixed: tuple[Any, ...] = (),
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Yield ``(item, task(*item, *fixed))`` for every item, in the order they finish, in workers of their own."""
    with WorkerPool(jobs=jobs, limits=limits) as pool:
        yield from pool.run(items, task, fixed)


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
