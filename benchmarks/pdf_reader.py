"""How fast a PDF return becomes an envelope, against two floors measured in the same run, on the same bytes.

Run: ``PYTHONPATH=. python benchmarks/pdf_reader.py [--runs 3] [--seconds 1.5]``.

* floor: a bare pikepdf walk of ``/AcroForm /Fields`` (kids followed) reading
  each field's ``/T`` and ``/V``: no safety checks, scans, identity, coercion
  or validation;
* pypdf: a bare ``PdfReader(...).get_fields()``, what the reader was built on
  before issue 19;
* envelope: ``generator.returns.parse.parse_bytes`` on the file, everything included.

The files are the three shipped forms filled with the first example record by
pdftk and by our filler, and synthetic forms of 271, 1,000 and 2,500 filled
text fields (each with an appearance drawing its value), to show the cost per
field staying flat as fields grow. Each run prints the ratios; the summary
gives the median and the spread (lowest-highest) over the runs.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pikepdf  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from generator.forms.layout import layout_kinds, load_layout  # noqa: E402
from generator.records.loading import load_data_file  # noqa: E402
from generator.returns.parse import parse_bytes  # noqa: E402
from tests.pdf_clients import field_values, fill_own, fill_pdftk  # noqa: E402

SIZES = (271, 1_000, 2_500)


def shipped_returns() -> dict[str, bytes]:
    """Each shipped form filled with its first example record, by pdftk and by our filler."""
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in layout_kinds():
            example = sorted((ROOT / "examples" / kind).glob("*.yaml"))[0]
            values = field_values(load_layout(kind), load_data_file(example))
            for client, fill in (("pdftk", fill_pdftk), ("ours", fill_own)):
                out = Path(tmp) / f"{kind}-{client}.pdf"
                fill(ROOT / "forms" / f"{kind}.pdf", values, out)
                files[f"{kind} ({client})"] = out.read_bytes()
    return files


def synthetic_form(fields: int) -> bytes:
    """A one-page form of ``fields`` filled text fields, each widget drawing its value with Helvetica."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=font))
    widgets = []
    for n in range(fields):
        value = f"Answer number {n}"
        drawn = pdf.make_stream(
            f"/Tx BMC q BT /Helv 9 Tf 2 4 Td ({value}) Tj ET Q EMC".encode(),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=[0, 0, 200, 14],
            Resources=resources,
        )
        widget = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Widget,
                FT=pikepdf.Name.Tx,
                T=pikepdf.String(f"question_{n}"),
                V=pikepdf.String(value),
                DA=pikepdf.String("/Helv 9 Tf 0 g"),
                Rect=[20, 20 + (n % 50) * 15, 220, 34 + (n % 50) * 15],
                P=page.obj,
                AP=pikepdf.Dictionary(N=drawn),
            )
        )
        widgets.append(widget)
    page.obj.Annots = pdf.make_indirect(pikepdf.Array(widgets))
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(widgets), DR=resources))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def floor(data: bytes) -> dict[str, str]:
    """A bare pikepdf walk of the field tree: each field's full name and value, nothing checked."""
    found: dict[str, str] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack = [(field, "") for field in reversed(list(pdf.Root.AcroForm.Fields))]
        while stack:
            field, prefix = stack.pop()
            name = f"{prefix}.{field.T}" if prefix and "/T" in field else str(field.get("/T", prefix))
            if "/Kids" in field:
                stack.extend((kid, name) for kid in reversed(list(field.Kids)) if "/T" in kid)
            else:
                found[name] = str(field.get("/V", ""))
    return found


def pypdf_fields(data: bytes) -> object:
    return PdfReader(io.BytesIO(data)).get_fields()


def envelope(data: bytes) -> object:
    return parse_bytes(data, "return.pdf")


def seconds_per_call(function: Callable[[bytes], object], data: bytes, budget: float) -> float:
    """The best of several timed passes over one file (CPU time), so a busy machine distorts it less."""
    best, spent, calls = float("inf"), 0.0, 1
    while spent < budget:
        started = time.process_time()
        for _ in range(calls):
            function(data)
        took = time.process_time() - started
        spent += took
        best = min(best, took / calls)
        if took < 0.05:
            calls *= 2
    return best


def one_run(files: dict[str, bytes], budget: float) -> dict[str, tuple[float, float, float]]:
    """File -> (envelope, floor, pypdf) seconds per file."""
    return {
        name: (
            seconds_per_call(envelope, data, budget),
            seconds_per_call(floor, data, budget),
            seconds_per_call(pypdf_fields, data, budget),
        )
        for name, data in files.items()
    }


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}x ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.5, help="timing budget per file and measure")
    args = parser.parse_args()
    shipped = shipped_returns()
    synthetic = {f"synthetic {n} fields": synthetic_form(n) for n in SIZES}
    files = shipped | synthetic
    runs = []
    for run in range(1, args.runs + 1):
        timings = one_run(files, args.seconds)
        runs.append(timings)
        print(f"run {run}")
        for name, (ours, bare, pypdf) in timings.items():
            print(
                f"  {name:38} envelope {ours * 1e3:7.2f} ms  floor {bare * 1e3:7.2f} ms  pypdf {pypdf * 1e3:7.2f} ms"
                f"  envelope/floor {ours / bare:5.2f}x  envelope/pypdf {ours / pypdf:5.2f}x"
            )
    print(f"summary over {args.runs} runs: median (lowest-highest)")
    for label, group in (("shipped forms filled", shipped), ("synthetic forms", synthetic)):
        to_floor = [sum(r[n][0] for n in group) / sum(r[n][1] for n in group) for r in runs]
        to_pypdf = [sum(r[n][0] for n in group) / sum(r[n][2] for n in group) for r in runs]
        print(f"  {label:22} envelope/floor {_spread(to_floor)}   envelope/pypdf get_fields() {_spread(to_pypdf)}")
    print("  cost per field (envelope, floor), µs:")
    for n in SIZES:
        name = f"synthetic {n} fields"
        ours = [r[name][0] / n * 1e6 for r in runs]
        bare = [r[name][1] / n * 1e6 for r in runs]
        print(f"    {n:6,} fields  envelope {statistics.median(ours):6.1f}  floor {statistics.median(bare):6.1f}")


if __name__ == "__main__":
    main()
