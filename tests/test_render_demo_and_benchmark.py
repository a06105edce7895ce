"""The demo fills every shipped template from the examples; the benchmark script runs and compares like with like."""

from __future__ import annotations

import json
import subprocess
import sys

import docx

from generator.demo import STAGES
from generator.documents.render import shipped_templates
from tests.conftest import EXAMPLES, ROOT, TODAY


def test_the_demo_renders_every_example_with_its_template(tmp_path, capsys):
    (stage,) = [run for title, run in STAGES if "Word templates" in title]
    stage(tmp_path, TODAY)
    made = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.glob("documents/*/*.docx"))
    expected = sorted(
        f"documents/{kind}/{path.stem}.docx" for kind in shipped_templates() for path in (EXAMPLES / kind).glob("*.*")
    )
    assert made == expected and made
    for path in tmp_path.glob("documents/*/*.docx"):
        assert docx.Document(str(path)).paragraphs
    assert capsys.readouterr().out.count("  made ") == len(expected)


def test_the_benchmark_reports_a_ratio_against_plain_docxtpl():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "render.py"), "--count", "6", "--rounds", "2"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert report["documents"] == 6
    assert len(report["ratio_per_round"]) == 2
    assert report["ratio_compiled_to_plain"] > 0 and report["plain_docxtpl_per_second"] > 0
