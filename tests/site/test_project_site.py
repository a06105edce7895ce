"""A council's own project builds its own site: its kind, its note, its name, contact and colours, no Kent.

The scratch project has one small kind of its own (``hall-hire``, an https
``$id``), one guidance note, and a ``commission.yaml``; no ``data/`` at all, so
no criteria, timetable, procurement guide or checklists. It is built in this
process (``COMMISSION_PROJECT``) and, to prove the project is found from the
current folder, by ``commission site build`` in a subprocess run inside it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.forms import layout as layouts
from generator.forms import matching
from generator.records import project, resources, schemas
from generator.records.errors import CommissionError
from generator.site import checklists, procurement, risk
from generator.site.build import BuildResult, build_site
from generator.site.colours import contrast
from tests.conftest import ROOT

KIND = "hall-hire"
DEFS = "urn:commission:schema:defs:1.0.0#/$defs"
PARTNERSHIP = "Wyre Valley Community Partnership"
PRIMARY, ACCENT = "#1d4f91", "#8a1538"
EMAIL, PHONE = "halls@wyre.example.gov.uk", "01234 567890"

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": f"https://forms.example.gov.uk/schemas/{KIND}/1.0.0",
    "title": "Village hall hire grant",
    "description": "Help with the cost of hiring a hall for a community event.",
    "type": "object",
    "additionalProperties": False,
    "required": ["organisation", "event_date", "amount_requested"],
    "properties": {
        "organisation": {"$ref": f"{DEFS}/organisation_name", "title": "Organisation", "description": "Who you are."},
        "event_date": {"$ref": f"{DEFS}/date", "title": "Date of the event", "description": "When it is."},
        "amount_requested": {"$ref": f"{DEFS}/money", "title": "Amount requested", "description": "Up to £500."},
    },
}
LAYOUT: dict[str, Any] = {
    "kind": KIND,
    "layout_version": 1,
    "title": "Village hall hire grant",
    "subtitle": "For one community event",
    "instructions": "Answer every question.",
    "identity": ["/organisation"],
    "sections": [{"title": "Your event", "questions": ["/organisation", "/event_date", "/amount_requested"]}],
}
NOTE = "# Hiring a hall\n\nBook the hall before you apply, then send the form.\n"


def make_project(folder: Path, **settings: Any) -> Path:
    """The smallest project of a council's own: shared definitions, one kind, one note, commission.yaml."""
    (folder / "schemas").mkdir(parents=True)
    (folder / "forms").mkdir()
    (folder / "site" / "advice").mkdir(parents=True)
    shutil.copy(ROOT / "schemas" / "defs.schema.json", folder / "schemas")
    (folder / "schemas" / f"{KIND}.schema.json").write_text(json.dumps(SCHEMA, indent=2), encoding="utf-8")
    (folder / "forms" / f"{KIND}.yaml").write_text(yaml.safe_dump(LAYOUT, sort_keys=False), encoding="utf-8")
    (folder / "site" / "advice" / "hiring-a-hall.md").write_text(NOTE, encoding="utf-8")
    yaml_settings = {
        "partnership": PARTNERSHIP,
        "contact": {"name": "Community halls team", "email": EMAIL, "phone": PHONE},
        "closing_date": "2027-03-31",
        "colours": {"primary": PRIMARY, "accent": ACCENT},
        **settings,
    }
    (folder / "commission.yaml").write_text(yaml.safe_dump(yaml_settings, sort_keys=False), encoding="utf-8")
    return folder


def forget() -> None:
    """Drop every cache that holds the previous project's files."""
    resources.project_root.cache_clear()
    schemas.forget_schemas()
    layouts.forget_layouts()
    matching.forget_lookups()
    project.forget_settings()
    # criteria and timetables are cached by file, and each test's project is a folder of its own
    for cached in (checklists.raw_data, checklists._all, procurement._raw, risk.risk_log):
        cached.cache_clear()


@pytest.fixture
def council(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = make_project(tmp_path / "wyre")
    monkeypatch.setenv("COMMISSION_PROJECT", str(folder))
    forget()
    yield folder
    monkeypatch.delenv("COMMISSION_PROJECT")
    forget()


def _nav(config: Path) -> list[Any]:
    return yaml.safe_load(config.read_text(encoding="utf-8"))["nav"]


def _assert_own_site(out: Path, config: Path) -> None:
    """What a council's minimal project must show, and what it must not (``config``: the mkdocs.yml made)."""
    pages = sorted(out.rglob("*.html"))
    assert _nav(config) == [
        {"Home": "index.md"},
        {"Advice": ["advice/hiring-a-hall.md"]},
        {"Form guides": ["forms/index.md", f"forms/{KIND}.md"]},
        {"Downloads": "downloads/index.md"},
    ]
    names = {page.relative_to(out).as_posix() for page in pages}
    assert {"index.html", "advice/hiring-a-hall.html", f"forms/{KIND}.html", "downloads/index.html"} <= names
    assert not any(name.startswith(("checklists/", "guidance/")) for name in names)
    assert {p.name for p in (out / "downloads").iterdir()} == {"index.html", f"{KIND}.schema.json", "defs.schema.json"}
    note = (out / "advice" / "hiring-a-hall.html").read_text(encoding="utf-8")
    assert "Book the hall before you apply" in note
    guide = (out / "forms" / f"{KIND}.html").read_text(encoding="utf-8")
    assert "Village hall hire grant: form guide" in guide and "Date of the event" in guide
    everything = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    for kent in ("Kent", "Herefordshire", "growth-bid", "Growth bid", "Compact proofing"):
        assert kent not in everything
    includes = config.parent / "docs" / "includes"
    assert not includes.exists() or not any(includes.iterdir())
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f"<title>{PARTNERSHIP}</title>" in home
    assert f'href="mailto:{EMAIL}"' in home and PHONE in home and "Closing date: 31 March 2027" in home
    assert 'data-md-color-primary="custom"' in home and 'href="assets/colours.css"' in home
    css = (out / "assets" / "colours.css").read_text(encoding="utf-8")
    assert f"--md-primary-fg-color: {PRIMARY};" in css and f"--md-accent-fg-color: {ACCENT};" in css
    for built_in in ("extra.css", "checklists.js", "theme-fixes.js"):
        assert (out / "assets" / built_in).is_file()


def test_a_councils_project_builds_its_own_site(council: Path, tmp_path: Path):
    built = build_site(tmp_path / "out" / "site")
    assert {d.file for d in built.downloads} == {f"{KIND}.schema.json", "defs.schema.json"}
    _assert_own_site(built.out, built.config)
    assert not (council / "site" / "forms").exists()  # the project's site/ is read, never written


def test_site_build_finds_the_project_from_the_current_folder(tmp_path: Path):
    folder = make_project(tmp_path / "wyre")
    env = {k: v for k, v in os.environ.items() if k != "COMMISSION_PROJECT"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "generator", "site", "build"]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    out = folder / "build" / "site"
    assert f"Built {len(list(out.rglob('*.html')))} pages and 2 downloads" in done.stdout
    _assert_own_site(out, folder / "build" / "site-source" / "mkdocs.yml")


def test_the_project_orders_its_own_pages_and_the_generated_ones(council: Path, tmp_path: Path):
    (council / "site" / "advice" / "after-the-event.md").write_text("# After the event\n\nSend receipts.\n")
    nav = [
        {"Home": "index.md"},
        {"Form guides": ["forms/not-a-kind-here.md", f"forms/{KIND}.md"]},
        {"Advice": ["advice/hiring-a-hall.md", "advice/after-the-event.md"]},
    ]
    (council / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "Wyre halls", "nav": nav}), encoding="utf-8")
    built = build_site(tmp_path / "out" / "site")
    assert _nav(built.config) == [
        {"Home": "index.md"},
        {"Form guides": [f"forms/{KIND}.md", "forms/index.md"]},
        {"Advice": ["advice/hiring-a-hall.md", "advice/after-the-event.md"]},
        {"Downloads": "downloads/index.md"},
    ]
    assert "<title>Wyre halls</title>" in (built.out / "index.html").read_text(encoding="utf-8")


def test_a_project_without_a_home_page_gets_one_with_its_name(council: Path, tmp_path: Path):
    built = build_site(tmp_path / "out" / "site")
    home = (built.out / "index.html").read_text(encoding="utf-8")
    assert re.search(rf"<h1[^>]*>{PARTNERSHIP}", home)


def test_the_projects_own_home_page_and_stylesheet_replace_the_built_in_ones(council: Path, tmp_path: Path):
    (council / "site" / "index.md").write_text("# Wyre halls\n\nGrants for hall hire.\n", encoding="utf-8")
    (council / "site" / "assets").mkdir()
    (council / "site" / "assets" / "extra.css").write_text("/* Wyre's own */\n", encoding="utf-8")
    built = build_site(tmp_path / "out" / "site")
    assert "Grants for hall hire." in (built.out / "index.html").read_text(encoding="utf-8")
    assert (built.out / "assets" / "extra.css").read_text(encoding="utf-8") == "/* Wyre's own */\n"


HOOK = """from pathlib import Path


def on_post_build(config, **kwargs):
    (Path(__file__).resolve().parent / "built.marker").write_text(config["site_dir"], encoding="utf-8")
"""


def test_the_projects_own_hooks_and_watched_folders_work_from_the_work_folder(council: Path, tmp_path: Path):
    """mkdocs reads hooks: and watch: from beside the config it is given, which the build writes elsewhere."""
    (council / "hooks").mkdir()
    (council / "hooks" / "marker.py").write_text(HOOK, encoding="utf-8")
    (council / "drafts").mkdir()
    (council / "site" / "assets").mkdir()
    (council / "site" / "assets" / "wyre.css").write_text("h1 { letter-spacing: 0; }\n", encoding="utf-8")
    own = {"hooks": ["hooks/marker.py"], "watch": ["drafts"], "extra_css": ["assets/wyre.css"]}
    (council / "mkdocs.yml").write_text(yaml.safe_dump(own), encoding="utf-8")
    built = build_site(tmp_path / "out" / "site")
    assert (council / "hooks" / "built.marker").read_text(encoding="utf-8") == str(built.out)
    made = yaml.safe_load(built.config.read_text(encoding="utf-8"))
    assert made["hooks"][0] == str(council / "hooks" / "marker.py")
    assert made["watch"][0] == str(council / "drafts")
    assert (built.out / "assets" / "wyre.css").is_file()
    assert 'href="assets/wyre.css"' in (built.out / "index.html").read_text(encoding="utf-8")


def test_a_stylesheet_the_projects_mkdocs_yml_names_but_site_lacks_stops_the_build(council: Path, tmp_path: Path):
    (council / "mkdocs.yml").write_text(yaml.safe_dump({"extra_css": ["assets/missing.css"]}), encoding="utf-8")
    with pytest.raises(CommissionError, match=r"mkdocs\.yml, extra_css: there is no assets/missing\.css"):
        build_site(tmp_path / "out" / "site")


@pytest.mark.parametrize(
    ("table", "needs"),
    [
        ("criteria-kent.md", "the criteria set 'kent' in data/criteria.yaml"),
        ("weights-herefordshire.md", "a criteria set 'herefordshire' with weights in data/criteria.yaml"),
        ("timetable-kent.md", "the timetable 'kent' in data/timetable.yaml"),
        ("procurement-routes.md", "data/procurement.yaml"),
        ("risk-grid.md", "a risk_log in data/checklists.yaml"),
        ("no-such-table.md", "it is not a table the build makes"),
    ],
)
def test_a_note_that_includes_a_table_without_its_data_stops_the_build(
    council: Path, tmp_path: Path, table: str, needs: str
):
    note = council / "site" / "advice" / "hiring-a-hall.md"
    note.write_text(NOTE + f'\n--8<-- "{table}"\n', encoding="utf-8")
    with pytest.raises(CommissionError) as raised:
        build_site(tmp_path / "out" / "site")
    said = str(raised.value)
    assert f"site/advice/hiring-a-hall.md includes {table}, which this project's data cannot fill: " in said
    assert needs in said
    assert "The tables it can make: none." in said


def test_a_projects_own_data_gives_it_its_own_tables(council: Path, tmp_path: Path):
    """A criteria set and a list of choices of the council's own are tables its notes can include."""
    (council / "data").mkdir()
    body = {"title": "Hall checks", "criteria": [{"id": "a", "title": "Open to all", "weight": 100}]}
    (council / "data" / "criteria.yaml").write_text(yaml.safe_dump({"wyre": body}), encoding="utf-8")
    schema = json.loads((council / "schemas" / f"{KIND}.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["hall"] = {
        "type": "string",
        "title": "Hall",
        "description": "Which.",
        "enum": ["Upper", "Lower"],
    }
    (council / "schemas" / f"{KIND}.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    note = council / "site" / "advice" / "hiring-a-hall.md"
    includes = ["criteria-wyre.md", "weights-wyre.md", f"choices-{KIND}-hall.md"]
    note.write_text(NOTE + "".join(f'\n--8<-- "{name}"\n' for name in includes), encoding="utf-8")
    forget()
    built = build_site(tmp_path / "out" / "site")
    page = (built.out / "advice" / "hiring-a-hall.html").read_text(encoding="utf-8")
    assert "<td>Open to all</td>" in page and "<td>100%</td>" in page
    assert "<li>Upper</li>" in page and "<li>Lower</li>" in page


def test_a_colour_too_faint_for_white_text_is_refused_with_one_that_would_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = make_project(tmp_path / "wyre", colours={"primary": "#ffcc00"})
    monkeypatch.setenv("COMMISSION_PROJECT", str(folder))
    forget()
    try:
        with pytest.raises(
            CommissionError, match=r"primary: #ffcc00 gives 1\.\d:1 against white.*Use (#[0-9a-f]{6})"
        ) as e:
            build_site(tmp_path / "out" / "site")
        suggested = re.search(r"Use (#[0-9a-f]{6})", str(e.value)).group(1)
        assert contrast(suggested, "#ffffff") >= 4.5
    finally:
        monkeypatch.delenv("COMMISSION_PROJECT")
        forget()


def test_the_logo_is_shown_in_the_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = make_project(tmp_path / "wyre", logo="site/assets/wyre.svg")
    (folder / "site" / "assets").mkdir()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>\n'
    (folder / "site" / "assets" / "wyre.svg").write_text(svg, encoding="utf-8")
    monkeypatch.setenv("COMMISSION_PROJECT", str(folder))
    forget()
    try:
        built = build_site(tmp_path / "out" / "site")
        assert 'src="assets/wyre.svg"' in (built.out / "index.html").read_text(encoding="utf-8")
    finally:
        monkeypatch.delenv("COMMISSION_PROJECT")
        forget()


def test_mkdocs_serve_shows_an_edited_note_without_another_build(council: Path, tmp_path: Path):
    built = build_site(tmp_path / "out" / "site")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f", str(built.config)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    url = f"http://127.0.0.1:{port}/advice/hiring-a-hall.html"
    with (
        tempfile.TemporaryFile() as log,
        subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT) as server,
    ):
        try:
            assert "Book the hall before you apply" in _served(url, server, log, "Book the hall")
            note = council / "site" / "advice" / "hiring-a-hall.md"
            note.write_text(NOTE + "\nBring your own tea urn.\n", encoding="utf-8")
            assert "Bring your own tea urn." in _served(url, server, log, "tea urn")
        finally:
            server.terminate()
            server.wait(timeout=10)


def _served(url: str, server: subprocess.Popen[bytes], log: Any, wanted: str) -> str:
    """The page at ``url`` once it holds ``wanted`` (the server builds, or rebuilds after an edit)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                body = answer.read().decode("utf-8")
            if wanted in body:
                return body
        except OSError:
            pass
        time.sleep(0.3)
    log.seek(0)
    pytest.fail(f"mkdocs serve never showed {wanted!r} at {url}:\n{log.read().decode()}")


def test_the_built_in_example_builds_the_same_pages_in_the_same_nav(built_site: BuildResult):
    """The Kent example's nav in mkdocs.yml names every page it had, so the nav made must be that one."""
    assert _nav(built_site.config) == yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    names = {page.relative_to(built_site.out).as_posix() for page in built_site.pages}
    notes = {f"guidance/{note.stem}.html" for note in (ROOT / "site" / "guidance").glob("*.md")}
    lists = {f"checklists/{name}.html" for name in checklists.checklist_names()}
    guides = {f"forms/{kind}.html" for kind in layouts.layout_kinds()}
    indexes = {f"{folder}/index.html" for folder in ("checklists", "forms", "downloads")}
    assert names == {"index.html", "404.html", *notes, *lists, *guides, *indexes}
    home = (built_site.out / "index.html").read_text(encoding="utf-8")
    settings = project.project_settings()
    assert settings.partnership in home and f'href="mailto:{settings.contact.email}"' in home
