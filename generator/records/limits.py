"""Time and memory bounds for work on untrusted input that a library could otherwise let run away.

Both are enforced from outside the library doing the work: the deadline is a
``SIGALRM`` raising a ``BaseException`` (so a library's ``except Exception``
cannot swallow it, as pypdf's repair code did), repeated until it lands; the
memory ceiling is the address-space limit (``RLIMIT_AS``), so a single huge
allocation fails with ``MemoryError`` instead of taking the machine.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["TimeLimitExceeded", "deadline", "memory_ceiling"]


class TimeLimitExceeded(BaseException):
    """The work took longer than any genuine input needs."""


#: Once passed, the deadline fires again after this long, in case the first was swallowed.
_AGAIN_SECONDS = 1.0


@contextlib.contextmanager
def deadline(seconds: float, error: type[TimeLimitExceeded] = TimeLimitExceeded) -> Iterator[None]:
    """Raise ``error`` in the block after ``seconds``, and again every second while it goes on.

    Only the main thread receives signals, so elsewhere this is a no-op (batch
    workers are separate processes, which the batch kills at its own deadline).
    A timer already running (a test runner's, say) is put back afterwards with
    the time it had left.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, _AGAIN_SECONDS)
        raise error

    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        while True:  # a last alarm may land while this runs: start again until it is all put back
            try:
                _disarm(previous)
                break
            except error:
                continue
        if outer_delay:
            left = max(outer_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)


def _disarm(previous: Any) -> None:
    """Stop the timer and put the old handler back, dropping an alarm already on its way.

    ``previous`` is None when the old handler was installed from C, not Python: the default is put back.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_IGN)  # discards a pending alarm
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})


def _address_space() -> int | None:
    """Bytes of address space this process uses now (Linux), or None where that cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def memory_ceiling(extra_bytes: int) -> Iterator[None]:
    """Let the block take at most ``extra_bytes`` more address space; a bigger allocation is a ``MemoryError``.

    A ceiling already lower (a batch worker's ``--memory-mb``) is kept; the old
    limit is restored afterwards. The limit is the whole process's, so only the
    main thread sets it (as only it receives the deadline's alarm); elsewhere
    this is a no-op.
    """
    used = _address_space()
    if used is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = used + extra_bytes
    for limit in (soft, hard):
        if limit != resource.RLIM_INFINITY:
            ceiling = min(ceiling, limit)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
