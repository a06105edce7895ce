"""How fast returns are read: ours against a zipfile + lxml floor and against docx2python, on the same files.

Run: ``python benchmarks/parse_docx.py [--seconds 2]``. The floor opens each
file, parses ``word/document.xml`` and collects every control's tag and text;
it does no safety checks, no identity, no coercion and no validation.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent on each reader")
    args = parser.parse_args(argv)
    files = returns()
    readers: dict[str, Callable[[bytes], object]] = {
        "floor: zipfile + lxml, controls' text": floor,
        "ours: read_docx (extraction only)": lambda data: read_docx(data, "bench.docx"),
        "ours: parse_bytes (whole envelope)": lambda data: parse_bytes(data, "bench.docx"),
        "docx2python": docx2python_text,
    }
    for function in readers.values():
        function(files[0])  # warm caches (layouts, schemas) before timing
    rates = {name: rate(function, files, args.seconds) for name, function in readers.items()}
    base = rates["floor: zipfile + lxml, controls' text"]
    print(f"{len(files)} returns ({', '.join(layout_kinds())}), {args.seconds:g} s per reader")
    for name, value in rates.items():
        print(f"  {name:<40} {value:8.1f} returns/s   {base / value:5.2f}x the floor's time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
