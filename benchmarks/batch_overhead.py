"""What the batch costs beyond reading the returns: against parsing the same files in one process.

    python benchmarks/batch_overhead.py [--count 1000] [--runs 3] [--memory 200,2000]

Three ratios, each to a floor timed in the same run (the machine is shared, so each
run interleaves a measurement with its floor, and the medians of ``--runs`` runs are
reported with their spread):

- a batch of ``--count`` returns (``run_batch`` with one job, in a fresh process started as
  ``commission batch`` starts one, ``batch_probe.py``: hashing, parsing in a worker, the
  register, the exports) against parsing the same files one after the other in one fresh
  process (``parse_return`` of each, nothing stored), each timed from before its first
  import of the toolkit, by wall-clock time and by CPU time (the parent's and the workers',
  which they report; the fork server's imports are not counted), since a loaded machine
  moves wall-clock time more than CPU time;
- a batch of one return against ``commission parse`` of it (each a fresh process,
  started from a script as the installed ``commission`` is);
- peak memory (``VmHWM``) of the batch's parent and of its largest worker at each ``--memory``
  size, from ``benchmarks/batch.py``'s measurement: flat means the parent keeps no per-file
  state beyond the folder's listing.

The returns are ``benchmarks/batch.py``'s mix: 45% valid Word, 35% valid PDF, 10% invalid, 10% broken.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch as batch_benchmark  # noqa: E402

#: What pip writes as the ``commission`` script: the batch's workers see a main script, as they do when installed.
COMMISSION_SCRIPT = "import sys\nfrom generator.cli import main\nif __name__ == '__main__':\n    sys.exit(main())\n"

#: The floor: every file parsed in this one process, in the folder's order, nothing stored.
IN_ONE_PROCESS = """
import json, os, sys, time
started, cpu = time.perf_counter(), time.process_time()
from generator.returns.parse import parse_return
paths = sorted(os.path.join(top, name) for top, _, names in os.walk(sys.argv[1]) for name in names)
for path in paths:
    parse_return(path).to_dict()
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}))
"""


def _in_one_process(folder: Path) -> dict[str, float]:
    """Wall and CPU seconds of parsing every file of ``folder`` in one fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", IN_ONE_PROCESS, str(folder)], env=_env(), cwd=ROOT, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def _batch(script: Path, folder: Path, out: Path, jobs: int = 1) -> float:
    shutil.rmtree(out, ignore_errors=True)
    return _timed([sys.executable, str(script), "batch", str(folder), "--out", str(out), "--jobs", str(jobs)])


def _summary(name: str, values: list[float], target: str) -> str:
    return (
        f"  {name:<52} {statistics.median(values):5.2f}x  (spread {min(values):.2f}-{max(values):.2f}x, "
        f"{len(values)} runs; target {target})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="returns in the large batch")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--single-repeats", type=int, default=5, help="starts of each one-file command per run")
    parser.add_argument("--memory", default="200,2000", help="batch sizes whose peak memory is compared")
    args = parser.parse_args(argv)
    # Every process measured here (and benchmarks/batch.py's) writes and reuses bytecode, as an installed
    # copy does (pip compiles a package as it installs it): a PYTHONDONTWRITEBYTECODE left in the
    # environment would have each start compile every module from source, the batch's more than the parse's.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sizes = [int(size) for size in args.memory.split(",") if size]
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # filling the PDFs warns of the font's encoding
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        script = scratch / "commission"
        script.write_text(COMMISSION_SCRIPT, encoding="utf-8")
        many = scratch / "many"
        made = batch_benchmark.generate(many, args.count)
        one = scratch / "one"
        one.mkdir()
        single = one / "return.docx"
        shutil.copy(sorted(many.rglob("*.docx"))[0], single)
        print(f"generated {args.count} returns {made}; load average {os.getloadavg()[0]:.1f} (a shared machine)")
        _batch(script, one, scratch / "warm")  # warm the .pyc files and the file cache
        #: Each run's seconds (wall, CPU) of the floor and of the batch.
        floor_times: list[tuple[float, float]] = []
        batch_times: list[tuple[float, float]] = []
        small: list[float] = []
        for run in range(1, args.runs + 1):
            floor = _in_one_process(many)
            batched = batch_benchmark._measured(many, 1, scratch)  # a fresh batch, its workers reporting their CPU
            batch_cpu = batched["cpu_seconds"]
            floor_times.append((floor["seconds"], floor["cpu"]))
            batch_times.append((batched["seconds"], batch_cpu))
            parses, batches = [], []
            for _ in range(args.single_repeats):
                parses.append(_timed([sys.executable, str(script), "parse", str(single)]))
                batches.append(_batch(script, one, scratch / "out-one"))
            small.append(statistics.median(batches) / statistics.median(parses))
            print(
                f"run {run}: {args.count} in one process {floor['seconds']:.2f} s ({floor['cpu']:.2f} s CPU), "
                f"batch --jobs 1 {batched['seconds']:.2f} s ({batch_cpu:.2f} s CPU in parent and worker): "
                f"{batched['seconds'] / floor['seconds']:.2f}x wall, {batch_cpu / floor['cpu']:.2f}x CPU; one file: parse "
                f"{statistics.median(parses) * 1000:.0f} ms, batch {statistics.median(batches) * 1000:.0f} ms "
                f"({small[-1]:.2f}x); load average {os.getloadavg()[0]:.1f}"
            )
        memory = []
        for size in sizes:
            folder = scratch / f"memory-{size}"
            batch_benchmark.generate(folder, size)
            memory.append(batch_benchmark._measured(folder, 1, scratch))
            shutil.rmtree(folder)
    large = [batch[0] / floor[0] for floor, batch in zip(floor_times, batch_times, strict=True)]
    large_cpu = [batch[1] / floor[1] for floor, batch in zip(floor_times, batch_times, strict=True)]
    print("ratios, each to its floor measured in the same run (median, spread):")
    print(_summary(f"batch of {args.count} / parsing them in one process, wall", large, "1.15x"))
    print(_summary(f"batch of {args.count} / parsing them in one process, CPU", large_cpu, "1.15x"))
    # On a shared machine another job may slow one run's floor or its batch, skewing that run's ratio;
    # the fastest floor beside the fastest batch is the pair such a job disturbed least.
    best_floor, best_batch = (
        [min(each) for each in zip(*floor_times, strict=True)],
        [min(each) for each in zip(*batch_times, strict=True)],
    )
    print(
        f"  the fastest batch / the fastest floor over the runs: {best_batch[0] / best_floor[0]:.2f}x wall, "
        f"{best_batch[1] / best_floor[1]:.2f}x CPU"
    )
    print(_summary("batch of one file / commission parse of it", small, "2x"))
    for size, figures in zip(sizes, memory, strict=True):
        print(
            f"  peak memory at {size:>6} files: parent {figures['parent_peak_mb']} MB, "
            f"largest worker {figures['largest_worker_peak_mb']} MB ({figures['seconds']} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
