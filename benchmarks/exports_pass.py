"""Benchmark the batch's exports: all of them from one pass over the register, as a ratio to one plain scan.

Builds a register of N returns without parsing N files: the sample Word returns
(valid and invalid) are parsed once, then stored N times under different
organisations and titles, so every return is a bid of its own (with a tenth
invalid, a twentieth unreadable, and every tenth bid sent twice, the first
superseded). Then, each in a fresh process so its peak memory is its own:

* the floor: one plain scan of the register, decoding each content once
  (``Register.versions()``, every row read and turned into a ``Version``);
* the exports: ``returns.xlsx``, ``csv/``, ``returns.jsonl`` and ``errors.txt``.

Reports each run's times, the exports' time as a ratio to the floor of the
same run (median and spread over the runs), and each process's peak memory
for N/4 and N returns: the two should be about the same, because nothing
grows with the register.

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


def _child(what: str, folder: Path) -> None:
    """Run one measurement in this process and print its time and peak memory."""
    from generator.batch import exports

    with Register(folder / "register.sqlite") as register:
        started = time.perf_counter()
        if what == "floor":
            rows = sum(1 for _ in register.versions())
        elif hasattr(exports, "write_exports"):
            exports.write_exports(register, folder)
            rows = 0
        else:  # an older checkout: its four exports, each over the register again
            exports.write_xlsx(register, folder / "returns.xlsx")
            exports.write_csv(register, folder / "csv")
            exports.write_jsonl(register, folder / "returns.jsonl")
            exports.write_error_report(register, folder / "errors.txt")
            rows = 0
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "rows": rows}))


def _measure(what: str, folder: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", what, str(folder)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "FOLDER"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        _child(arguments.child[0], Path(arguments.child[1]))
        return
    with tempfile.TemporaryDirectory() as scratch:
        sizes = sorted({max(arguments.count // 4, 1), arguments.count})
        for size in sizes:
            folder = Path(scratch) / f"register-{size}"
            started = time.perf_counter()
            build(folder, size)
            print(f"{size} returns: register built in {time.perf_counter() - started:.1f} s")
            ratios = []
            for run in range(1, arguments.runs + 1):
                floor = _measure("floor", folder)
                export = _measure("exports", folder)
                ratio = export["seconds"] / floor["seconds"]
                ratios.append(ratio)
                print(
                    f"  run {run}: floor (one scan, each row decoded once) {floor['seconds']:.3f} s, "
                    f"peak {floor['peak_mb']} MB; exports {export['seconds']:.3f} s, peak {export['peak_mb']} MB; "
                    f"ratio {ratio:.2f}x"
                )
            print(
                f"  exports / floor: median {statistics.median(ratios):.2f}x "
                f"(spread {min(ratios):.2f}x to {max(ratios):.2f}x over {len(ratios)} runs)"
            )


if __name__ == "__main__":
    main()
