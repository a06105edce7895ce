"""Benchmark ``commission batch``: returns per second with 1 and 2 jobs, and peak memory.

Generates filled returns (mixed Word and PDF, some invalid, some broken), then
times a fresh batch over them in a separate process per measurement
(``batch_probe.py``, started as ``commission batch`` starts), so each
peak-memory figure belongs to that run alone. Memory is measured for 1/4 of
the files and for all of them: the two figures should be about the same,
because the batch streams rows and keeps no per-file state in the parent.

    python benchmarks/batch.py [--count 1000] [--odd] [--cases]

``--odd`` mixes eight odd entries into every 100 returns (a dangling and a
looping symbolic link, a name that is not UTF-8, a name with a newline, a
named pipe, a socket, a folder named like a return, a 20 GB sparse file) and
times the same returns without them in the same run, as the floor. ``--cases``
times a batch over each odd entry alone (beside one real return), with its
peak memory.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.forms.layout import load_layout  # noqa: E402
from generator.ooxml.fill import fill_form  # noqa: E402
from generator.records.loading import load_data_file  # noqa: E402
from tests.pdf_clients import field_values, fill_pypdf  # noqa: E402

_VARIANTS = 4


def _records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    base = load_data_file(ROOT / "examples" / "growth-bid" / "dartford-young-people-leaving-care.yaml")
    valid = []
    for number in range(_VARIANTS):
        record = copy.deepcopy(base)
        record["proposal_title"] = f"{base['proposal_title']} (variant {number})"
        valid.append(record)
    invalid = []
    for record in valid:
        broken = copy.deepcopy(record)
        broken.pop("annual_amount", None)
        broken["applicant"]["email"] = "not an email"
        invalid.append(broken)
    return valid, invalid


def _unique_docx(template: bytes, target: Path, number: int) -> None:
    """Same answers, different bytes: a zip comment, so every file has its own sha256."""
    target.write_bytes(template)
    with zipfile.ZipFile(target, "a") as archive:
        archive.comment = f"benchmark return {number}".encode()


def _unique_pdf(template: bytes, target: Path, number: int) -> None:
    target.write_bytes(template + f"\n%benchmark return {number}\n".encode())


def generate(folder: Path, count: int) -> dict[str, int]:
    """``count`` returns: 45% valid Word, 35% valid PDF, 10% invalid (both), 10% broken."""
    layout = load_layout("growth-bid")
    valid, invalid = _records()
    blank_docx = (ROOT / "forms" / "growth-bid.docx").read_bytes()
    docx = {"valid": [fill_form(blank_docx, layout, r) for r in valid]}
    docx["invalid"] = [fill_form(blank_docx, layout, r) for r in invalid]
    pdf: dict[str, list[bytes]] = {"valid": [], "invalid": []}
    with tempfile.TemporaryDirectory() as scratch:
        for status, records in (("valid", valid), ("invalid", invalid)):
            for number, record in enumerate(records):
                out = Path(scratch) / f"{status}-{number}.pdf"
                fill_pypdf(ROOT / "forms" / "growth-bid.pdf", field_values(layout, record), out)
                pdf[status].append(out.read_bytes())
    folder.mkdir(parents=True, exist_ok=True)
    made = {"docx valid": 0, "pdf valid": 0, "invalid": 0, "broken": 0}
    for number in range(count):
        slot = number % 20
        sub = folder / f"batch-{number // 100:02d}"
        sub.mkdir(exist_ok=True)
        variant = number % _VARIANTS
        if slot < 9:
            _unique_docx(docx["valid"][variant], sub / f"return-{number:05d}.docx", number)
            made["docx valid"] += 1
        elif slot < 16:
            _unique_pdf(pdf["valid"][variant], sub / f"return-{number:05d}.pdf", number)
            made["pdf valid"] += 1
        elif slot == 16:
            _unique_docx(docx["invalid"][variant], sub / f"return-{number:05d}.docx", number)
            made["invalid"] += 1
        elif slot == 17:
            _unique_pdf(pdf["invalid"][variant], sub / f"return-{number:05d}.pdf", number)
            made["invalid"] += 1
        elif slot == 18:
            data = docx["valid"][variant]
            (sub / f"return-{number:05d}.docx").write_bytes(data[: len(data) // 2] + str(number).encode())
            made["broken"] += 1
        else:
            (sub / f"return-{number:05d}.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * number)
            made["broken"] += 1
    return made


#: One odd entry each: (name as bytes, how it is made in a folder).
def _odd_makers(real_return: bytes) -> dict[str, Any]:
    def fifo(path: bytes) -> None:
        os.mkfifo(path)

    def sock(path: bytes) -> None:
        here = os.getcwd()
        os.chdir(os.path.dirname(path))
        try:
            with socket.socket(socket.AF_UNIX) as listener:
                listener.bind(os.path.basename(path))
        finally:
            os.chdir(here)

    def sparse(path: bytes) -> None:
        with open(path, "wb"):
            pass
        os.truncate(path, 20 * 1024**3)

    def copy(path: bytes) -> None:
        with open(path, "wb") as handle:
            handle.write(real_return)

    return {
        "dangling link": (b"notes.txt", lambda p: os.symlink(b"no such file", p)),
        "link loop": (b"loop.docx", lambda p: os.symlink(os.path.basename(p), p)),
        "name not UTF-8": (b"Caf\xe9.docx", copy),
        "name with a newline": (b"evil\nSummary: all valid.docx", copy),
        "named pipe": (b"pipe.docx", fifo),
        "socket": (b"sock.docx", sock),
        "folder named .docx": (b"folder.docx", lambda p: os.mkdir(p)),
        "20 GB sparse file": (b"huge.pdf", sparse),
    }


def add_odd_entries(folder: Path, real_return: bytes) -> int:
    """Eight odd entries in every subfolder of 100 returns; how many were made."""
    made = 0
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        for name, make in _odd_makers(real_return).values():
            make(os.path.join(os.fsencode(sub), name))
            made += 1
    return made


#: The measured batch: a fresh interpreter with the toolkit and the benchmarks folder on its path, nothing imported.
_PROBE = "import time; s, c = time.perf_counter(), time.process_time(); import batch_probe; batch_probe.main(s, c)"


def _measured(folder: Path, jobs: int, scratch: Path, prefix: tuple[str, ...] = ()) -> dict[str, Any]:
    """One fresh batch over ``folder`` in a process of its own (see ``batch_probe``): its figures."""
    out = scratch / f"out-{folder.name}-{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    path = os.pathsep.join([str(ROOT), str(Path(__file__).resolve().parent)])
    env = {**os.environ, "PYTHONPATH": path}
    command = [*prefix, sys.executable, "-c", _PROBE, str(folder), str(out), str(jobs)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cases(scratch: Path) -> None:
    """Each odd entry alone beside one real return, timed in its own process with its peak memory."""
    real = (ROOT / "examples" / "returns" / "growth-bid-valid.docx").read_bytes()
    floor_folder = scratch / "case-floor"
    floor_folder.mkdir()
    (floor_folder / "real.docx").write_bytes(real)
    floor = _measured(floor_folder, 1, scratch)
    makers = _odd_makers(real)
    makers["unlistable folder"] = (b"locked", lambda p: (os.mkdir(p), os.chmod(p, 0)))
    # root may list any folder: run without the power to override permissions, so chmod 000 holds
    prefix = ("setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search") if os.getuid() == 0 else ()
    print(f"floor (one real return alone): {floor['seconds']} s, parent peak {floor['parent_peak_mb']} MB")
    for number, (case, (name, make)) in enumerate(makers.items()):
        folder = scratch / f"case-{number}"
        folder.mkdir()
        (folder / "real.docx").write_bytes(real)
        make(os.path.join(os.fsencode(folder), name))
        locked = case == "unlistable folder"
        run = _measured(folder, 1, scratch, prefix if locked else ())
        if locked:
            os.chmod(os.path.join(os.fsencode(folder), name), 0o755)  # so the scratch folder can be removed
        print(
            f"{case}: {run['seconds']} s ({run['seconds'] / floor['seconds']:.2f}x the floor), "
            f"parent peak {run['parent_peak_mb']} MB, counts {run['counts']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--odd", action="store_true", help="mix odd entries in; time against the same returns without")
    parser.add_argument("--cases", action="store_true", help="time each odd entry alone, with its peak memory")
    args = parser.parse_args()
    if args.cases:
        with tempfile.TemporaryDirectory() as scratch_name:
            _cases(Path(scratch_name))
        return
    if args.odd:
        _odd_run(args.count)
        return
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        start = time.perf_counter()
        made = generate(scratch / "all", args.count)
        generate(scratch / "quarter", args.count // 4)
        print(f"generated {args.count} returns {made} in {time.perf_counter() - start:.1f} s")
        one = _measured(scratch / "all", 1, scratch)
        two = _measured(scratch / "all", 2, scratch)
        quarter = _measured(scratch / "quarter", 1, scratch)
    for run in (one, two, quarter):
        print(json.dumps(run))
    print(
        f"CPU per return: {one['worker_cpu_ms_per_return']} ms in workers, {one['parent_cpu_ms_per_return']} ms "
        f"in the parent (machine load average {one['load_average_after']:.1f})"
    )
    print(f"1 job:  {one['returns_per_second']} returns/s ({one['seconds']} s for {one['files']})")
    print(
        f"2 jobs: {two['returns_per_second']} returns/s ({two['seconds']} s); speed-up {two['seconds'] and one['seconds'] / two['seconds']:.2f}x"
    )
    print(
        f"peak memory, parent: {quarter['parent_peak_mb']} MB for {quarter['files']} files, "
        f"{one['parent_peak_mb']} MB for {one['files']}; largest worker {quarter['largest_worker_peak_mb']} MB "
        f"for {quarter['files']}, {one['largest_worker_peak_mb']} MB for {one['files']}"
    )


def _odd_run(count: int) -> None:
    """The same returns with and without odd entries, one job each, then the odd folder with two jobs."""
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        made = generate(scratch / "plain", count)
        generate(scratch / "odd", count)
        odd = add_odd_entries(scratch / "odd", (ROOT / "examples" / "returns" / "growth-bid-valid.docx").read_bytes())
        print(f"generated {count} returns {made}, and the same with {odd} odd entries mixed in")
        floor = _measured(scratch / "plain", 1, scratch)
        mixed = _measured(scratch / "odd", 1, scratch)
        mixed_two = _measured(scratch / "odd", 2, scratch)
    for run in (floor, mixed, mixed_two):
        print(json.dumps(run))
    print(f"floor, {floor['files']} returns, 1 job: {floor['seconds']} s, parent peak {floor['parent_peak_mb']} MB")
    print(
        f"with odd entries, {mixed['files']} entries, 1 job: {mixed['seconds']} s "
        f"({mixed['seconds'] / floor['seconds']:.2f}x the floor), parent peak {mixed['parent_peak_mb']} MB, "
        f"largest worker {mixed['largest_worker_peak_mb']} MB"
    )
    print(
        f"with odd entries, 2 jobs: {mixed_two['seconds']} s ({mixed_two['seconds'] / floor['seconds']:.2f}x the "
        f"1-job floor); load average {mixed_two['load_average_after']:.1f}"
    )


if __name__ == "__main__":
    main()
