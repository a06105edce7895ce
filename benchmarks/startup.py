"""How long the ``commission`` command takes to start: ``--help`` and ``parse`` of one DOCX, against a bare Python.

Run: ``python benchmarks/startup.py [--repeats 15] [--runs 3] [--importtime]``. The floor is
``python -c pass`` timed in the same run, interleaved with the commands so a busy machine
slows all three alike. Each run reports the median of ``--repeats`` starts of each; the
ratios are what the README quotes (issue 19's targets: ``--help`` within 5x, ``parse``
of a DOCX within 7x). ``--importtime`` also prints the ten slowest imports of each command
(``python -X importtime``), to see what to make lazy next.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def filled_docx(folder: Path) -> Path:
    """A filled growth-bid return from the shipped blank form and the first example record."""
    from generator.forms.layout import load_layout
    from generator.ooxml.fill import fill_form
    from generator.records.loading import load_data_file

    kind = "growth-bid" if (ROOT / "forms" / "growth-bid.docx").is_file() else sorted(ROOT.glob("forms/*.docx"))[0].stem
    example = sorted((ROOT / "examples" / kind).glob("*.yaml"))[0]
    data = fill_form((ROOT / "forms" / f"{kind}.docx").read_bytes(), load_layout(kind), load_data_file(example))
    path = folder / "return.docx"
    path.write_bytes(data)
    return path


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def slowest_imports(argv: list[str], env: dict[str, str], count: int = 10) -> list[str]:
    """The ``count`` imports with the largest cumulative time, as ``python -X importtime`` prints them."""
    out = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], env=env, capture_output=True, text=True)
    rows = []
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.removeprefix("import time:").split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    return [f"{micro / 1000:7.1f} ms {name}" for micro, name in sorted(rows, reverse=True)[:count]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15, help="starts of each command per run")
    parser.add_argument("--runs", type=int, default=3, help="runs, each giving one ratio per command")
    parser.add_argument("--importtime", action="store_true", help="also print each command's slowest imports")
    args = parser.parse_args(argv)
    # Bytecode written and reused, as for an installed copy (pip compiles it): a PYTHONDONTWRITEBYTECODE
    # left in the environment would time compiling every module from source on each start instead.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        docx = filled_docx(Path(tmp))
        commands = {
            "floor: python -c pass": [sys.executable, "-c", "pass"],
            "commission --help": [sys.executable, "-m", "generator", "--help"],
            "commission parse RETURN.docx": [sys.executable, "-m", "generator", "parse", str(docx)],
        }
        for command in commands.values():
            timed(command, env)  # warm the file cache and the .pyc files
        ratios: dict[str, list[float]] = {name: [] for name in list(commands)[1:]}
        for run in range(1, args.runs + 1):
            times: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(args.repeats):
                for name, command in commands.items():
                    times[name].append(timed(command, env))
            medians = {name: statistics.median(values) for name, values in times.items()}
            floor = medians["floor: python -c pass"]
            line = ", ".join(f"{name} {medians[name] / floor:.2f}x ({medians[name] * 1000:.0f} ms)" for name in ratios)
            print(f"run {run}: floor {floor * 1000:.0f} ms; {line}")
            for name in ratios:
                ratios[name].append(medians[name] / floor)
        print(f"{args.runs} runs of {args.repeats} starts each (medians), ratio to python -c pass:")
        for name, values in ratios.items():
            print(f"  {name:<30} {statistics.median(values):5.2f}x  (spread {min(values):.2f}-{max(values):.2f}x)")
        if args.importtime:
            for name, command in list(commands.items())[1:]:
                print(f"slowest imports of {name}:")
                for row in slowest_imports(command, env):
                    print(f"  {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
