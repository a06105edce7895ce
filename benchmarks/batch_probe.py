"""One measured batch, in a fresh process started as ``commission batch`` starts one (used by ``batch.py``).

    python -c "import time; s, c = time.perf_counter(), time.process_time(); import batch_probe; batch_probe.main(s, c)" \
        FOLDER OUT JOBS   (with the repository and benchmarks/ on PYTHONPATH)

The clock starts before anything of the toolkit is imported, as the in-one-process
floor's does, and the fork server is started before the batch's own imports, as the
command does, so the workers' imports run beside them. This module imports nothing of
the toolkit at its top: its parse function is what the workers are handed, and a worker
imports this module to find it, so it must cost a worker no more than the command does.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any


def parse_and_note_memory(path: str, today: Any) -> dict[str, Any]:
    """The real parser, plus the worker's peak memory so far (workers are not our children, so we ask them)."""
    from generator.batch.worker import parse_file

    return _with_worker_figures(parse_file(path, today))


def _parse_read_and_note_memory(data: bytes, sha256: str, path: str, today: Any) -> dict[str, Any]:
    """The same, from the bytes the worker has just read and hashed (a first run's one visit of a file)."""
    from generator.batch.worker import parse_read_file

    return _with_worker_figures(parse_read_file(data, sha256, path, today))


parse_and_note_memory.from_bytes = _parse_read_and_note_memory  # type: ignore[attr-defined]


def resident_peak_kb() -> int:
    """This process's peak resident memory (Linux ``VmHWM``), in KB.

    Not ``ru_maxrss``: Linux carries that over an ``exec``, so a process started from
    a large one (this benchmark, having generated the returns) would report the
    starter's size, not its own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _with_worker_figures(result: dict[str, Any]) -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    flags = result.setdefault("flags", {})
    flags["benchmark_worker_peak_kb"] = resident_peak_kb()
    flags["benchmark_worker"] = os.getpid()
    flags["benchmark_worker_cpu_s"] = usage.ru_utime + usage.ru_stime
    return result


def _worker_figures(out: Path) -> tuple[int, float]:
    """The largest worker's peak memory (KB) and the CPU seconds all workers spent."""
    db = sqlite3.connect(out / "register.sqlite")
    peak = db.execute("SELECT MAX(json_extract(flags, '$.benchmark_worker_peak_kb')) FROM received").fetchone()[0]
    cpu = db.execute(
        "SELECT SUM(m) FROM (SELECT MAX(json_extract(flags, '$.benchmark_worker_cpu_s')) AS m FROM received "
        "WHERE json_extract(flags, '$.benchmark_worker') IS NOT NULL GROUP BY json_extract(flags, '$.benchmark_worker'))"
    ).fetchone()[0]
    db.close()
    return int(peak or 0), float(cpu or 0.0)


def measure(folder: Path, out: Path, jobs: int, started: float, cpu_at_start: float) -> dict[str, Any]:
    """One fresh batch in this process, timed from the clocks read as it started; its figures."""
    from generator.batch.worker import start_fork_server

    start_fork_server()  # as ``commission batch`` does, before the batch's own imports
    from generator.batch.run import run_batch

    with open(os.devnull, "w") as quiet:
        result = run_batch(folder, out, jobs=jobs, progress=quiet, parse=parse_and_note_memory)
    seconds = time.perf_counter() - started
    parent_cpu = time.process_time() - cpu_at_start
    peak_kb, worker_cpu = _worker_figures(out)
    files = sum(len(names) + len(dirs) for _, dirs, names in os.walk(os.fsencode(folder)))
    return {
        "files": files,
        "jobs": jobs,
        "seconds": round(seconds, 2),
        "returns_per_second": round(files / seconds, 1),
        "counts": result.counts,
        "parent_peak_mb": round(resident_peak_kb() / 1024, 1),
        "largest_worker_peak_mb": round(peak_kb / 1024, 1),
        "worker_cpu_ms_per_return": round(1000 * worker_cpu / files, 1),
        "parent_cpu_ms_per_return": round(1000 * parent_cpu / files, 1),
        "cpu_seconds": round(worker_cpu + parent_cpu, 3),  # the parent's and every worker's
        "load_average_after": os.getloadavg()[0],
    }


def main(started: float, cpu_at_start: float) -> None:
    folder, out, jobs = sys.argv[1:4]
    print(json.dumps(measure(Path(folder), Path(out), int(jobs), started, cpu_at_start)))
