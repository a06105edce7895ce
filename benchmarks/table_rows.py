"""Does reading a return grow in step with its table rows? Big tables against the same floor, in one run.

Run: ``python benchmarks/table_rows.py [--rows 1000]``. Three returns of the
growth bid with N and 4N outcome rows: rows whose answer boxes lost their tags
(as a re-save can leave them) and rows added as plain cells (as Word's Insert
Below makes them). For each, it reports ``read_docx``'s time as a ratio of the
floor (zipfile + lxml parsing the same document) and how the time grows from N
to 4N rows: about 4x is linear; 16x would be quadratic (5,000 untagged rows
once took 88 s).
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from generator.forms.layout import load_layout  # noqa: E402
from generator.ooxml.reader import read_docx  # noqa: E402
from tests.fixtures.make_returns import edit_body, filled, record, tags_lost  # noqa: E402
from tests.ooxml.added_rows import insert_word_rows  # noqa: E402


def _untagged(rows: int) -> bytes:
    rec = record()
    rec["outcomes"] = [copy.deepcopy(rec["outcomes"][0]) for _ in range(rows)]
    return edit_body(filled(rec), tags_lost)


def _plain(rows: int) -> bytes:
    table = next(q for q in load_layout("growth-bid").questions() if q.pointer == "/outcomes")
    texts = [[f"Outcome {n}", f"Measured {n}"] + [""] * (len(table.columns) - 2) for n in range(rows)]
    return insert_word_rows(filled(), table, texts, 1)


def _floor(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        etree.fromstring(archive.read("word/document.xml"))


def _best(work: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000, help="N: the smaller table's rows (the larger has 4N)")
    rows = parser.parse_args().rows
    for name, make in (("untagged boxes", _untagged), ("plain added rows", _plain)):
        small, large = make(rows), make(4 * rows)
        ours = [_best(lambda data=data: read_docx(data, "bench.docx")) for data in (small, large)]
        floor = [_best(lambda data=data: _floor(data)) for data in (small, large)]
        print(
            f"{name:17} {rows:>6} rows: {ours[0] / floor[0]:5.1f}x the floor; "
            f"{4 * rows:>6} rows: {ours[1] / floor[1]:5.1f}x the floor; "
            f"4x the rows took {ours[1] / ours[0]:4.1f}x the time (floor {floor[1] / floor[0]:4.1f}x)"
        )


if __name__ == "__main__":
    main()
