"""Returns per second for PDF forms, against pypdf's own ``get_fields()`` on the same files, same run.

``PYTHONPATH=. python benchmarks/parse_pdf.py [N]``: fills N copies of each kind's
example with pypdf's writer, then times our full parse (read, coerce, validate)
and a bare ``PdfReader(...).get_fields()`` over the same bytes.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

import yaml
from pypdf import PdfReader

from generator.forms.layout import load_layout
from generator.returns.parse import parse_bytes
from tests.pdf_clients import field_values, fill_pypdf

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = {
    "growth-bid": "dartford-young-people-leaving-care.yaml",
    "service-specification": "floating-support-young-people.yaml",
    "evaluation-report": "dartford-young-people-leaving-care.yaml",
}


def _returns(copies: int) -> list[bytes]:
    files = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, example in EXAMPLES.items():
            record = yaml.safe_load((ROOT / "examples" / kind / example).read_text(encoding="utf-8"))
            out = Path(tmp) / f"{kind}.pdf"
            fill_pypdf(ROOT / "forms" / f"{kind}.pdf", field_values(load_layout(kind), record), out)
            files.extend([out.read_bytes()] * copies)
    return files


def _rate(files: list[bytes], parse) -> float:
    started = time.perf_counter()
    for data in files:
        parse(data)
    return len(files) / (time.perf_counter() - started)


def main(copies: int = 20) -> None:
    files = _returns(copies)
    ours = _rate(files, lambda data: parse_bytes(data, "return.pdf"))
    theirs = _rate(files, lambda data: PdfReader(io.BytesIO(data)).get_fields())
    print(
        f"{len(files)} returns: commission parse {ours:.1f}/s, pypdf get_fields() {theirs:.1f}/s, ratio {ours / theirs:.2f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
