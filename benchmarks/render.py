"""Documents per second: our compile-once renderer against the plain docxtpl loop, in one run.

The floor is what docxtpl's README shows, done for every document: load the
template, render, save. Ours compiles each template once and then only fills
it in. Both get the same prepared contexts and the same sandboxed,
autoescaping Jinja environment, and the script checks they produce the same
document XML before timing anything. Speed is reported as a ratio to the
floor measured in the same run, never as an absolute target.

The machine may be busy with other work, so the two ways take turns in
rounds and time is counted as this process's CPU time (rendering is
single-threaded), which a busy neighbour disturbs far less than the clock.

    python benchmarks/render.py            # 200 renders each way
    python benchmarks/render.py --count 20 # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from docxtpl import DocxTemplate
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.documents.render import render_record, resolve_template  # noqa: E402
from generator.documents.render_context import build_context  # noqa: E402
from generator.documents.template_engine import compile_template, environment, forget_compiled, sanitise  # noqa: E402
from generator.records.loading import load_data_file  # noqa: E402

EXAMPLES = {
    "service-specification": "floating-support-young-people.yaml",
    "evaluation-report": "dartford-young-people-leaving-care.yaml",
    "round-summary": "kent-growth-round-2026.yaml",
}
ISSUED = dt.date(2026, 8, 1)


def _jobs(count: int) -> list[tuple[str, Path, dict]]:
    prepared = []
    for kind, name in EXAMPLES.items():
        record = load_data_file(ROOT / "examples" / kind / name)
        prepared.append((kind, resolve_template(kind), record))
    return [prepared[index % len(prepared)] for index in range(count)]


def plain_docxtpl(kind: str, path: Path, context: dict) -> bytes:
    """The floor: load, render, save, as docxtpl's documentation does it."""
    template = DocxTemplate(str(path))
    template.render(context, environment())
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def compiled(kind: str, path: Path, context: dict) -> bytes:
    return compile_template(path).render(context)


def _body(document: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        return etree.tostring(etree.fromstring(archive.read("word/document.xml")), method="c14n")


def _time(render: Callable[[str, Path, dict], bytes], jobs: list[tuple[str, Path, dict]]) -> float:
    start = time.process_time()
    for kind, path, context in jobs:
        render(kind, path, context)
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="documents to render each way (default 200)")
    parser.add_argument("--rounds", type=int, default=5, help="turns the two ways take (default 5)")
    args = parser.parse_args(argv)

    jobs = _jobs(args.count)
    contexts = [(kind, path, sanitise(build_context(record, kind, issued=ISSUED))) for kind, path, record in jobs]
    for kind, path, context in contexts[: len(EXAMPLES)]:
        if _body(plain_docxtpl(kind, path, context)) != _body(compiled(kind, path, context)):
            print(f"{kind}: the two ways give different documents; not timing them", file=sys.stderr)
            return 1

    forget_compiled()  # compiling is part of what is measured
    floor = ours = whole = 0.0
    rounds = max(1, min(args.rounds, args.count))
    ratios = []
    for turn in range(rounds):
        chunk = slice(turn * args.count // rounds, (turn + 1) * args.count // rounds)
        this_floor = _time(plain_docxtpl, contexts[chunk])
        this_ours = _time(compiled, contexts[chunk])
        floor, ours = floor + this_floor, ours + this_ours
        ratios.append(this_floor / this_ours)
        start = time.process_time()
        for kind, path, record in jobs[chunk]:  # with validation and context, as `commission render` does
            render_record(path, record, kind=kind, today=ISSUED)
        whole += time.process_time() - start

    result = {
        "documents": args.count,
        "clock": "process CPU seconds",
        "plain_docxtpl_per_second": round(args.count / floor, 1),
        "compiled_per_second": round(args.count / ours, 1),
        "ratio_compiled_to_plain": round(floor / ours, 2),
        "ratio_per_round": [round(ratio, 2) for ratio in ratios],
        "validate_and_render_per_second": round(args.count / whole, 1),
        "ratio_validate_and_render_to_plain": round(floor / whole, 2),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
