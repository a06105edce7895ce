"""The tree shows the architecture: rooms in layers, no import cycles, few loose modules.

Every ``import`` in ``generator/`` is read from the source (inside functions too),
so a lazy import cannot hide a loop or a reach upwards.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

#: Lowest first. A module may import its own layer or a lower one, never a higher one.
#: A module belongs to the layer of the longest prefix that names it.
LAYERS: list[tuple[str, list[str]]] = [
    ("the data contract", ["generator.records"]),
    (
        "the models the formats fill",
        [
            "generator.forms.layout",
            "generator.forms.matching",
            "generator.forms.cover",
            "generator.returns.extraction",
        ],
    ),
    ("file formats", ["generator.ooxml", "generator.odf", "generator.pdf", "generator.spreadsheets"]),
    ("forms and returns", ["generator.forms", "generator.returns"]),
    ("project folders", ["generator.projects"]),
    ("documents", ["generator.documents"]),
    ("rounds and batches", ["generator.rounds", "generator.batch"]),
    ("returns into rounds", ["generator.intake"]),
    ("letters", ["generator.letters"]),
    ("the site", ["generator.site"]),
    ("commands", ["generator.cli", "generator.demo", "generator.__main__"]),
]

#: The only modules allowed directly in generator/: the version, the command line and the demo.
TOP_LEVEL = {"__init__", "__main__", "cli", "demo"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Our modules that ``name`` imports, each resolved to a module (not a name inside one)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                out.add(candidate if candidate in MODULES else module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return {target for target in out if target in MODULES and target != name}


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _with_parents(targets: set[str]) -> set[str]:
    """Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first: those are edges too."""
    out = set(targets)
    for target in targets:
        parts = target.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


def _layer(name: str) -> int:
    best, rank = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    return rank


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_anywhere_in_generator() -> None:
    graph = {name: _with_parents(targets) - {name} for name, targets in IMPORTS.items()}
    assert _cycles(graph) == []


def test_every_module_belongs_to_a_layer() -> None:
    assert [name for name in MODULES if name != "generator" and _layer(name) < 0] == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_a_higher_layer(name: str) -> None:
    if name == "generator":
        assert IMPORTS[name] == set(), "generator/__init__.py holds the version only"
        return
    upward = {
        target: LAYERS[_layer(target)][0]
        for target in IMPORTS[name]
        if target != "generator" and _layer(target) > _layer(name)
    }
    assert upward == {}, f"{name} ({LAYERS[_layer(name)][0]}) imports from higher layers"


def test_records_imports_nothing_of_ours_outside_records() -> None:
    outside = {
        name: sorted(t for t in targets if not t.startswith("generator.records"))
        for name, targets in IMPORTS.items()
        if name.startswith("generator.records")
    }
    assert {name: targets for name, targets in outside.items() if targets} == {}


def test_spreadsheets_import_only_records() -> None:
    outside = {
        name: sorted(t for t in targets if not t.startswith(("generator.records", "generator.spreadsheets")))
        for name, targets in IMPORTS.items()
        if name.startswith("generator.spreadsheets")
    }
    assert {name: targets for name, targets in outside.items() if targets} == {}


def _third_party(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.partition(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.partition(".")[0] for alias in node.names)
    return found


def test_only_spreadsheets_knows_the_workbook_writer() -> None:
    knowing = sorted(name for name, path in MODULES.items() if "xlsxwriter" in _third_party(path))
    assert knowing and all(name.startswith("generator.spreadsheets") for name in knowing), knowing


def test_only_a_handful_of_modules_lie_loose_in_generator() -> None:
    loose = {path.stem for path in PACKAGE.glob("*.py")}
    assert loose == TOP_LEVEL


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_what_it_owns(name: str) -> None:
    docstring = ast.get_docstring(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    assert docstring, f"{MODULES[name]} has no module docstring"


#: What the command line must not import before a command needs it: each costs start-up time (issue 19).
HEAVY_AT_START = (
    "jsonschema", "referencing", "yaml", "pypdf", "pikepdf", "cryptography", "fontTools", "PIL",
    "openpyxl", "xlsxwriter", "docxtpl", "docx", "reportlab", "lxml", "jinja2", "rich",
)  # fmt: skip


def _imported_by(code: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after running ``code``."""
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_command_line_imports_no_heavy_library() -> None:
    loaded = _imported_by("import generator.cli")
    assert "click" in loaded  # the probe does see what was imported
    assert sorted(loaded & set(HEAVY_AT_START)) == []


def test_help_imports_no_heavy_library() -> None:
    loaded = _imported_by(
        "import contextlib, io\nfrom generator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['--help']) == 0"
    )
    assert sorted(loaded & set(HEAVY_AT_START)) == []
