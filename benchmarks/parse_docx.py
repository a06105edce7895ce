"""How fast returns are read: ours against a zipfile + lxml floor and against docx2python, on the same files.

Run: ``python benchmarks/parse_docx.py [--seconds 2] [--runs 3]``. The floor opens each
file, parses ``word/document.xml`` and collects every control's tag and text;
it does no safety checks, no identity, no coercion and no validation. The envelope
is timed twice: as it runs (jsonschema-rs saying a record is valid, when installed)
and with jsonschema alone, so the fast path's gain is measured in the same run.
Each run prints its ratios; the last lines give the median and spread over the runs.
docx2python is timed when installed (``pip install docx2python``).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from generator.forms.layout import layout_kinds, load_layout  # noqa: E402
from generator.ooxml.fill import fill_form  # noqa: E402
from generator.ooxml.reader import read_docx  # noqa: E402
from generator.records import fast_validation  # noqa: E402
from generator.records.loading import load_data_file  # noqa: E402
from generator.returns.parse import parse_bytes  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def returns() -> list[bytes]:
    """One filled return per kind, from the shipped forms and example records."""
    files = []
    for kind in layout_kinds():
        example = sorted((ROOT / "examples" / kind).glob("*.yaml"))[0]
        blank = (ROOT / "forms" / f"{kind}.docx").read_bytes()
        files.append(fill_form(blank, load_layout(kind), load_data_file(example)))
    return files


def floor(data: bytes) -> dict[str, str]:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    answers = {}
    for sdt in root.iter(f"{W}sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        answers[tag.get(f"{W}val") if tag is not None else ""] = "".join(t.text or "" for t in sdt.iter(f"{W}t"))
    return answers


def docx2python_text(data: bytes) -> str:
    from docx2python import docx2python

    with docx2python(io.BytesIO(data)) as document:
        return document.text


def rate(function: Callable[[bytes], object], files: list[bytes], seconds: float) -> float:
    """Returns per second: the best of several timed passes, so a busy machine distorts it less."""
    best, spent = float("inf"), 0.0
    while spent < seconds:
        started = time.perf_counter()
        for data in files:
            function(data)
        elapsed = time.perf_counter() - started
        best, spent = min(best, elapsed), spent + elapsed
    return len(files) / best


def jsonschema_alone(data: bytes) -> object:
    """The envelope as it was before jsonschema-rs: jsonschema validates every record."""
    fast = fast_validation.is_valid
    fast_validation.is_valid = lambda *_args: False  # type: ignore[assignment]
    try:
        return parse_bytes(data, "bench.docx")
    finally:
        fast_validation.is_valid = fast  # type: ignore[assignment]


FLOOR = "floor: zipfile + lxml, controls' text"
ENVELOPE = "ours: parse_bytes (whole envelope)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent on each reader")
    parser.add_argument("--runs", type=int, default=1, help="runs, each timing every reader")
    args = parser.parse_args(argv)
    files = returns()
    readers: dict[str, Callable[[bytes], object]] = {
        FLOOR: floor,
        "ours: read_docx (extraction only)": lambda data: read_docx(data, "bench.docx"),
        ENVELOPE: lambda data: parse_bytes(data, "bench.docx"),
        "ours: parse_bytes, jsonschema alone": jsonschema_alone,
    }
    try:
        import docx2python  # noqa: F401

        readers["docx2python"] = docx2python_text
    except ImportError:
        pass
    for function in readers.values():
        function(files[0])  # warm caches (layouts, schemas) before timing
    print(f"{len(files)} returns ({', '.join(layout_kinds())}), {args.seconds:g} s per reader")
    print(f"jsonschema-rs {'is' if fast_validation.AVAILABLE else 'is NOT'} installed")
    ratios: dict[str, list[float]] = {name: [] for name in readers if name != FLOOR}
    for run in range(1, args.runs + 1):
        rates = {name: rate(function, files, args.seconds) for name, function in readers.items()}
        base = rates[FLOOR]
        print(f"run {run}:")
        for name, value in rates.items():
            print(f"  {name:<40} {value:8.1f} returns/s   {base / value:5.2f}x the floor's time")
            if name != FLOOR:
                ratios[name].append(base / value)
    if args.runs > 1:
        print(f"over {args.runs} runs, the time against the floor's (median, spread):")
        for name, values in ratios.items():
            print(f"  {name:<40} {sorted(values)[len(values) // 2]:5.2f}x  ({min(values):.2f}-{max(values):.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
