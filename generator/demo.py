"""The main job on built-in defaults, as one command for a newcomer.

It runs each stage the toolkit has over the shipped examples and says where
the results are. Stages are added here as the toolkit grows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import click

from .records.loading import load_data_file
from .records.resources import builtin_root, project_root, resource_dir
from .records.schemas import kinds
from .records.validation import validate_record
from .records.wording import plural

__all__ = ["run_demo"]


def _validate_examples(out: Path, today: dt.date) -> None:
    examples = resource_dir("examples")
    for kind in kinds():
        for path in sorted((examples / kind).glob("*.*")):
            issues = validate_record(load_data_file(path), kind, today=today)
            click.echo(f"  {'valid  ' if not issues else 'INVALID'}  {kind}: {path.name}")
        invalid = sorted(p for p in (examples / kind / "invalid").glob("*.yaml") if p.name != "expected.yaml")
        for path in invalid:
            issues = validate_record(load_data_file(path), kind, today=today)
            first = issues[0] if issues else None
            shown = f"{first.field}: {first.message}" if first else "no problem found (unexpected)"
            click.echo(f"  refused  {kind}: {path.name}  ->  {shown}")


def _decide_example_round(out: Path, today: dt.date) -> None:
    """Each example round (``examples/rounds/``): ranked, funded within the money, reserve named, documents written."""
    from .rounds.run import format_round, run_round

    examples = resource_dir("examples")
    rounds = sorted((examples / "rounds").glob("*.yaml"))
    if not rounds:
        click.echo(f"  skipped: there is no example round in {examples / 'rounds'}")
    for round_file in rounds:
        target = out / "round" if len(rounds) == 1 else out / "round" / round_file.stem
        click.echo(f"  {round_file.relative_to(examples.parent)}")
        run = run_round(round_file, target, today, within=examples)
        for line in format_round(run).splitlines():
            click.echo(f"  {line}" if line else "")


def _render_examples(out: Path, today: dt.date) -> None:
    """Each shipped template filled from the examples of its kind."""
    from .documents.render import kind_of_template, render_file, shipped_templates

    examples = resource_dir("examples")
    for name in shipped_templates():
        kind, _ = kind_of_template(name)
        for path in sorted((examples / kind).glob("*.*")):
            target = out / "documents" / kind / f"{path.stem}.docx"
            outcome = render_file(name, path, target, today=today)
            if outcome.issues:
                click.echo(f"  not made  {name}: {path.name} has {plural(len(outcome.issues), 'problem')}")
            else:
                click.echo(f"  made     {target.relative_to(out)}  ({name} template, {path.name})")


def _forms_and_returns(out: Path, today: dt.date) -> None:
    from .forms.build import build_forms
    from .returns.parse import parse_return

    for path in build_forms(out / "forms"):
        click.echo(f"  built    {path}")
    (out / "returns").mkdir(parents=True, exist_ok=True)
    for path in sorted((resource_dir("examples") / "returns").glob("*.docx")):
        envelope = parse_return(path, today=today)
        target = out / "returns" / f"{path.stem}.json"
        target.write_text(json.dumps(envelope.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        first = envelope.errors[0] if envelope.errors else None
        shown = f"  ->  {first.field}: {first.message}" if first else ""
        click.echo(f"  {envelope.status:<10} {path.name}{shown}")


def _batch_returns(out: Path, today: dt.date) -> None:
    import os

    from .batch.run import run_batch

    returns = resource_dir("examples") / "returns"
    if not returns.is_dir():
        click.echo(f"  skipped: there are no sample returns in {returns}")
        return
    result = run_batch(returns, out / "batch", jobs=os.cpu_count() or 1, today=today)
    click.echo(f"  {result.summary()}")
    click.echo(f"  spreadsheet: {(out / 'batch' / 'returns.xlsx').resolve()}")
    click.echo(f"  who to chase and for what: {(out / 'batch' / 'errors.txt').resolve()}")
    from .letters.chase import write_chase_letters

    chased = write_chase_letters(out / "batch", today=today)
    click.echo(f"  letters: {chased.summary()}")
    click.echo(f"  for a mail merge: {chased.csv.resolve()}")


def _build_site(out: Path, today: dt.date) -> None:
    from .site.build import build_site

    result = build_site(out / "site")
    click.echo(f"  built {plural(len(result.pages), 'page')} and {plural(len(result.downloads), 'download')}")
    click.echo(f"  open {result.index} in a browser")
    click.echo(
        f"  (for search, serve it: python3 -m http.server -d {result.out} 8000, then visit http://127.0.0.1:8000)"
    )


STAGES: list[tuple[str, Callable[[Path, dt.date], None]]] = [
    ("Checking the example records against the schemas", _validate_examples),
    ("Filling the Word templates from the examples", _render_examples),
    ("Deciding the example funding round", _decide_example_round),
    ("Building the blank Word forms and reading the sample returns", _forms_and_returns),
    ("Reading every sample return into a register and a spreadsheet", _batch_returns),
    ("Building the guidance site", _build_site),
]


def run_demo(out: Path, today: dt.date | None = None) -> int:
    """Run every stage on the current project's examples, or the built-in ones if it has none; 0 when each finished."""
    if not resource_dir("examples").is_dir():
        from .projects.switch import switch_project

        click.echo(f"{project_root()} has no examples/: the demo runs on the built-in example.")
        switch_project(builtin_root())
    out.mkdir(parents=True, exist_ok=True)
    for title, stage in STAGES:
        click.echo(f"\n{title}")
        stage(out, today or dt.date.today())
    click.echo(f"\nDone. Results are in {out.resolve()}")
    return 0
