"""Installed from a wheel, outside any checkout, the toolkit runs a council's own project end to end.

The wheel is built from this checkout and installed (not editable) into a fresh
virtual environment; its dependencies come from the test environment's, so
nothing is downloaded but the build backend. Every command runs in a scratch
folder, with no PYTHONPATH or COMMISSION_PROJECT, as a council would run it.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.forms.layout import load_layout
from generator.ooxml.fill import fill_form
from generator.projects.switch import switch_project
from generator.records.schemas import kinds

from .conftest import ROOT
from .test_new_project import APPLICATION

pytestmark = pytest.mark.timeout(600)


@dataclass(frozen=True)
class Installed:
    """The fresh environment: its ``commission``, its Python, and the scratch folder to run in."""

    commission: Path
    python: Path
    work: Path
    env: dict[str, str]

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.commission), *args],
            cwd=cwd or self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        return done

    def ok(self, *args: str, cwd: Path | None = None) -> str:
        done = self.run(*args, cwd=cwd)
        assert done.returncode == 0, f"commission {' '.join(args)}: exit {done.returncode}\n{done.stdout}{done.stderr}"
        return done.stdout


def _parent_site_packages() -> list[str]:
    """The test environment's package folders, which a venv made from a venv would not see by itself."""
    found = [*site.getsitepackages(), site.getusersitepackages()]
    return [folder for folder in dict.fromkeys(found) if Path(folder).is_dir()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("installed")
    wheels = work / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("commission_toolkit-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Dependencies from the test environment, after the venv's own packages (so the wheel's generator wins).
    Path(own, "test-environment.pth").write_text("\n".join(_parent_site_packages()) + "\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "COMMISSION_PROJECT"}}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        timeout=300,
        env=env,
        cwd=work,
    )
    runs = work / "runs"
    runs.mkdir()
    return Installed(venv / "bin" / "commission", python, runs, env)


def test_the_package_is_the_installed_wheel_not_this_checkout(installed: Installed):
    where = subprocess.run(
        [str(installed.python), "-c", "import generator; print(generator.__file__)"],
        cwd=installed.work,
        env=installed.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.python.parent.parent), where
    assert not Path(where).is_relative_to(ROOT)


def test_the_demo_runs_on_the_built_in_example_from_anywhere(installed: Installed):
    said = installed.ok("demo", "--out", "demo", "--today", "2026-09-25")
    assert "Done." in said
    assert (installed.work / "demo" / "batch" / "returns.xlsx").is_file()
    assert (installed.work / "demo" / "round" / "round-summary.json").is_file()


def test_a_project_from_the_kent_example_builds_reads_renders_decides_and_makes_its_site(installed: Installed):
    said = installed.ok("new", "council", "--name", "Kent and Medway Partnership")
    assert "commission forms build" in said
    council = installed.work / "council"
    assert 'partnership: "Kent and Medway Partnership"' in (council / "commission.yaml").read_text(encoding="utf-8")

    built = installed.ok("forms", "build", cwd=council)
    assert built.count("wrote ") == 2 * len(list((council / "forms").glob("*.yaml")))
    assert all(str(council / "forms") in line for line in built.splitlines())

    returns = council / "returns"
    returns.mkdir()
    parsed = {}
    for sample in sorted((council / "examples" / "returns").glob("*.docx")):
        done = installed.run("parse", str(sample), cwd=council)
        parsed[sample.name] = done.returncode
        if done.returncode == 0:
            assert json.loads(done.stdout)["status"] == "valid"
            shutil.copy(sample, returns / sample.name)
    assert 0 in parsed.values() and set(parsed.values()) <= {0, 1, 3}, parsed
    installed.ok("batch", "returns", "--out", "build/batch", cwd=council)
    assert (council / "build" / "batch" / "returns.xlsx").is_file()

    template = next(
        p for p in sorted((council / "templates").glob("*.docx")) if (council / "examples" / p.stem).is_dir()
    )
    record = next(iter(sorted((council / "examples" / template.stem).glob("*.yaml"))))
    installed.ok("render", template.stem, str(record), "--out", "build/rendered.docx", cwd=council)
    assert (council / "build" / "rendered.docx").stat().st_size > 0

    (round_file, *_) = sorted((council / "examples" / "rounds").glob("*.yaml"))
    installed.ok(
        "evaluate", str(round_file.relative_to(council)), "--within", "examples", "--today", "2026-09-25", cwd=council
    )
    summary = json.loads((council / "build" / round_file.stem / "round-summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["funded_count"] >= 1

    installed.ok("site", "build", cwd=council)
    assert (council / "build" / "site" / "index.html").is_file()


def test_a_minimal_project_builds_its_form_reads_a_return_and_makes_its_site(installed: Installed):
    installed.ok("new", "small", "--minimal")
    small = installed.work / "small"
    installed.ok("forms", "build", cwd=small)
    (kind,) = (path.stem for path in (small / "forms").glob("*.yaml"))
    switch_project(small)  # this process fills the form the installed toolkit built, by the project's layout
    try:
        assert kinds() == [kind]
        layout = load_layout(kind)
        record = dict(APPLICATION)
        filled = fill_form((small / "forms" / f"{kind}.docx").read_bytes(), layout, record)
    finally:
        switch_project(None)
    (small / "returns").mkdir()
    (small / "returns" / "larder.docx").write_bytes(filled)
    envelope = json.loads(installed.ok("parse", "returns/larder.docx", cwd=small))
    assert (envelope["kind"], envelope["status"]) == (kind, "valid")
    installed.ok("batch", "returns", "--out", "build/batch", cwd=small)
    assert (small / "build" / "batch" / "returns.xlsx").is_file()
    installed.ok("--project", "small", "forms", "build", "--kind", kind, "--out", "elsewhere")
    assert sorted(p.name for p in (installed.work / "elsewhere").iterdir()) == [f"{kind}.docx", f"{kind}.pdf"]

    installed.ok("site", "build", cwd=small)
    assert (small / "build" / "site" / "index.html").is_file()
