"""The generated pages follow the data: form order, help, checklists, downloads; strict build."""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from generator.cli import main
from generator.forms.layout import layout_kinds, load_layout
from generator.records.errors import CommissionError
from generator.records.rules import rules_for
from generator.records.schemas import kinds
from generator.site.build import BuildResult, SiteBuildError, build_site
from generator.site.checklists import checklist, checklist_names
from generator.site.form_guides import accepts
from generator.site.markdown import esc
from tests.conftest import ROOT

from .conftest import copy_source


def _guide(built: BuildResult, kind: str) -> str:
    """The generated Markdown of a form guide, in the docs folder the build put together."""
    return (built.docs / "forms" / f"{kind}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", layout_kinds())
def test_form_guide_lists_every_question_in_form_order(built_site: BuildResult, kind: str):
    layout = load_layout(kind)
    text = _guide(built_site, kind)
    headings = re.findall(r"^### (\S+) ", text, flags=re.MULTILINE)
    assert headings == [q.number for q in layout.questions()]
    sections = re.findall(r"^## (\d+)\. (.+)$", text, flags=re.MULTILINE)
    assert sections == [(str(s.number), esc(s.title)) for s in layout.sections]


@pytest.mark.parametrize("kind", layout_kinds())
def test_form_guide_gives_help_need_and_format_of_each_question(built_site: BuildResult, kind: str):
    text = _guide(built_site, kind)
    blocks = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    for question, block in zip(load_layout(kind).questions(), blocks, strict=True):
        assert esc(question.help) in block
        assert ("**Required**" in block) == question.required
        assert f"What to enter: {esc(accepts(question))}" in block
        assert f"`{question.pointer}`" in block
        for option in question.options if question.widget in ("choice", "checkboxes") else ():
            assert f"- {esc(str(option))}" in block
        for column in question.columns:
            assert f"| {esc(column.label)} |" in block


def test_optional_blocks_say_when_their_questions_become_required(built_site: BuildResult):
    text = _guide(built_site, "evaluation-report")
    assert "Required if you fill in “Weighted scores”" in text


@pytest.mark.parametrize("kind", layout_kinds())
def test_form_guide_lists_the_business_rules(built_site: BuildResult, kind: str):
    text = _guide(built_site, kind)
    lines = {line.split("**: ", 1)[0]: line for line in text.splitlines() if line.startswith("- **")}
    for rule in rules_for(kind):
        assert esc(rule.summary) in lines[f"- **{esc(rule.name)}"]
        assert text.count(f"- **{esc(rule.name)}**: ") == 1  # a rule written in parts is listed once
    if not rules_for(kind):
        assert "There are no further checks." in text


@pytest.mark.parametrize("name", checklist_names())
def test_checklist_page_has_one_labelled_box_per_item(built_site: BuildResult, name: str):
    page = (built_site.out / "checklists" / f"{name}.html").read_text(encoding="utf-8")
    items = list(checklist(name).items())
    boxes = re.findall(r'<input type="checkbox" id="([^"]+)" name="([^"]+)" data-checklist="([^"]+)">', page)
    assert [box_name for _, box_name, _ in boxes] == [item.id for item in items]
    assert {owner for _, _, owner in boxes} == {name}
    for (box_id, _, _), item in zip(boxes, items, strict=True):
        label = re.search(rf'<label for="{box_id}">(.*?)</label>', page)
        assert label is not None and html.escape(item.text, quote=True) in label.group(1)
    assert f"0 of {len(items)} items ticked" in page


def test_every_schema_is_copied_for_download(built_site: BuildResult):
    copied = {d.file for d in built_site.downloads if d.suffix == ".json"}
    assert copied == {f"{kind}.schema.json" for kind in kinds()} | {"defs.schema.json"}
    for name in copied:
        assert (built_site.out / "downloads" / name).is_file()


def test_guidance_tables_come_from_the_data(built_site: BuildResult):
    weights = (built_site.out / "guidance" / "essential-criteria.html").read_text(encoding="utf-8")
    assert "<td>12.5%</td>" in weights and "<strong>100%</strong>" in weights
    routes = (built_site.out / "guidance" / "procurement.html").read_text(encoding="utf-8")
    assert "Less than £30,000 a year" in routes
    assert "--8&lt;--" not in routes and "--8<--" not in routes


def test_strict_build_refuses_a_broken_link(tmp_path: Path):
    source = copy_source(tmp_path / "source")
    note = source / "site" / "guidance" / "glossary.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nSee [a missing page](missing.md).\n", encoding="utf-8")
    with pytest.raises(SiteBuildError, match=r"missing\.md"):
        build_site(tmp_path / "out", source=source)


def test_the_site_is_never_built_into_its_own_source(tmp_path: Path):
    source = copy_source(tmp_path / "source")
    with pytest.raises(CommissionError, match="inside site/"):
        build_site(source / "site" / "built", source=source)


def _tree(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*")}


def test_site_build_command_builds_the_checkout_for_mkdocs_serve(tmp_path: Path, capsys: pytest.CaptureFixture):
    out = tmp_path / "built"
    before = _tree(ROOT / "site")
    assert main(["site", "build", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"Open {out / 'index.html'}" in said and "mkdocs serve" in said
    assert (out / "index.html").is_file() and (out / "search" / "search_index.json").is_file()
    work = tmp_path / "built-source"
    for kind in layout_kinds():
        assert (work / "docs" / "forms" / f"{kind}.md").is_file()
    assert _tree(ROOT / "site") == before  # the project's site/ is the source: read, never written
    _serve_once(work / "mkdocs.yml")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve_once(config: Path) -> None:
    """After one build, `mkdocs serve -f` the config it wrote serves the site for editing."""
    port = _free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}", "-f", str(config)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    kind = layout_kinds()[0]
    with (
        tempfile.TemporaryFile() as log,
        subprocess.Popen(command, cwd=config.parent, env=env, stdout=log, stderr=subprocess.STDOUT) as server,
    ):
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/forms/{kind}.html", timeout=2) as answer:
                        body = answer.read().decode("utf-8")
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        pytest.fail(f"mkdocs serve did not answer:\n{log.read().decode()}")
                    time.sleep(0.3)
            assert f"{html.escape(load_layout(kind).title, quote=False)}: form guide" in body
        finally:
            server.terminate()
            server.wait(timeout=10)
