"""Benchmark the batch's exports: all of them from one pass over the register, as a ratio to one plain scan.

Builds a register of N returns without parsing N files: the sample Word returns
(valid and invalid) are parsed once, then stored N times under different
organisations and titles, so every return is a bid of its own (with a tenth
invalid, a twentieth unreadable, and every tenth bid sent twice, the first
superseded). Then, each in a fresh process so its peak memory is its own:

* the floor: one plain scan of the register, decoding each content once
  (``Register.versions()``, every row read and turned into a ``Version``);
* the exports: ``returns.xlsx``, ``csv/``, ``returns.jsonl`` and ``errors.txt``.

Each run is a fresh process that scans (the floor), exports, and scans again,
so the floor is measured beside the exports under the same load. Reports each
run's times, the exports' time as a ratio to the mean of its two floors (wall
and CPU time; median and spread over the runs), and each run's peak memory
for N/4 and N returns: the two should be about the same, because nothing
grows with the register. Run it from an older checkout's tree to compare: it
falls back to the four separate exports that came before ``write_exports``.

    python benchmarks/exports_pass.py [--count 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.batch.identity import identify  # noqa: E402
from generator.batch.register import Register  # noqa: E402
from generator.batch.worker import failure, parse_file  # noqa: E402

NOW = "2026-08-20T10:00:00+00:00"


def build(folder: Path, count: int) -> None:
    """A register of ``count`` returns, every one a bid of its own, as a batch would have left it."""
    samples = ROOT / "examples" / "returns"
    valid = parse_file(str(samples / "growth-bid-valid.docx"), None)
    invalid = parse_file(str(samples / "growth-bid-invalid.docx"), None)
    folder.mkdir(parents=True, exist_ok=True)
    with Register(folder / "register.sqlite") as register:
        present = []
        for number in range(count):
            name = f"batch-{number // 100:03d}/return-{number:06d}.docx"
            if number % 20 == 19:
                result = failure("this file is damaged: it is not a Word document")
            else:
                result = copy.deepcopy(invalid if number % 10 == 9 else valid)
                bid = number - 1 if number % 10 == 1 else number  # every tenth bid is sent again
                for where in (result.get("record") or {}, result.get("raw") or {}):
                    if isinstance(where.get("applicant"), dict):
                        where["applicant"]["organisation"] = f"Organisation {bid:06d}"
                    if "/applicant/organisation" in where:
                        where["/applicant/organisation"] = f"Organisation {bid:06d}"
                if result.get("record"):
                    result["record"]["annual_amount"] = 10_000 + (number * 37) % 90_000
            sha256 = hashlib.sha256(name.encode()).hexdigest()
            register.seen(name, sha256, 1000 + number, NOW, NOW, result, ())
            present.append(name)
        register.settle(sorted(present), NOW, identify)


def _scan(register: Register) -> int:
    """The floor: every content read and decoded once, nothing written."""
    return sum(1 for _ in register.versions())


def _export(register: Register, folder: Path) -> None:
    from generator.batch import exports

    if hasattr(exports, "write_exports"):
        exports.write_exports(register, folder)
        return
    # An older checkout: its four exports, each over the register again.
    exports.write_xlsx(register, folder / "returns.xlsx")
    exports.write_csv(register, folder / "csv")
    exports.write_jsonl(register, folder / "returns.jsonl")
    exports.write_error_report(register, folder / "errors.txt")


def _timed(work: Any) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _child(folder: Path) -> None:
    """In this process: the floor, the exports, the floor again; print the times and the peak memory."""
    import generator.batch.exports  # noqa: F401 (imported before the clock starts, as a batch has it already)

    with Register(folder / "register.sqlite") as register:
        _scan(register)  # warm: the imports and the register's pages, for both alike
        before = _timed(lambda: _scan(register))
        export = _timed(lambda: _export(register, folder))
        after = _timed(lambda: _scan(register))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    floor = tuple((a + b) / 2 for a, b in zip(before, after, strict=True))
    print(json.dumps({"floor": floor, "export": export, "peak_mb": peak}))


def _measure(folder: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        _child(arguments.child)
        return
    with tempfile.TemporaryDirectory() as scratch:
        for size in sorted({max(arguments.count // 4, 1), arguments.count}):
            folder = Path(scratch) / f"register-{size}"
            started = time.perf_counter()
            build(folder, size)
            print(f"{size} returns: register built in {time.perf_counter() - started:.1f} s")
            wall, cpu = [], []
            for run in range(1, arguments.runs + 1):
                found = _measure(folder)
                wall.append(found["export"][0] / found["floor"][0])
                cpu.append(found["export"][1] / found["floor"][1])
                print(
                    f"  run {run}: floor (one scan, each row decoded once) {found['floor'][0]:.3f} s; "
                    f"exports {found['export'][0]:.3f} s; ratio {wall[-1]:.1f}x wall, {cpu[-1]:.1f}x CPU; "
                    f"peak memory {found['peak_mb']} MB"
                )
            for what, ratios in (("wall", wall), ("CPU", cpu)):
                print(
                    f"  exports / floor ({what} time): median {statistics.median(ratios):.1f}x "
                    f"(spread {min(ratios):.1f}x to {max(ratios):.1f}x over {len(ratios)} runs)"
                )


if __name__ == "__main__":
    main()
