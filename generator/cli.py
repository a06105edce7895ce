"""The ``commission`` command: a thin layer over the library.

Each command is a plain function that returns an exit code; ``main`` is the
one place that maps errors to exit codes (0 valid, 1 invalid, 2 usage,
3 unreadable, 69 another program needed is missing or failed, 70 the toolkit failed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .records.errors import EXIT_INVALID, EXIT_TOOLKIT_FAILURE, EXIT_USAGE, CommissionError, os_reason
from .records.issues import Issue
from .records.resources import SETTINGS_FILE, is_bundled, project_root, resource_dir
from .records.wording import plural

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date in the form YYYY-MM-DD") from None


def date_option(flag: str, help_text: str, *, required: bool = False) -> Callable[[F], F]:
    """A ``YYYY-MM-DD`` option, handed to the command as a date (None when left out)."""
    return click.option(
        flag,
        metavar="YYYY-MM-DD",
        required=required,
        callback=lambda _ctx, _param, value: _parse_date(value),
        help=help_text,
    )


def today_option(help_text: str = "The date to treat as today (for date rules).") -> Callable[[F], F]:
    """``--today``: lets a run be repeated exactly as it was on another day."""
    return date_option("--today", help_text)


def folder_option(help_text: str, default: Path | None = None, *, required: bool = False) -> Callable[[F], F]:
    """``--out FOLDER``: where a command writes what it makes."""
    settings: dict[str, Any] = {"required": True} if required else {}
    if default is not None:
        settings.update(default=default, show_default=True)
    return click.option("--out", type=click.Path(path_type=Path, file_okay=False), help=help_text, **settings)


def kinds() -> list[str]:
    """The document kinds, imported on demand: the schemas bring jsonschema, which ``--help`` never needs."""
    from .records.schemas import kinds as schema_kinds

    return schema_kinds()


class _KindChoice(click.Choice):
    """Document kinds, read from the schemas when the command runs."""

    def __init__(self) -> None:
        super().__init__([], case_sensitive=True)

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        self.choices = kinds()
        return super().convert(value, param, ctx)

    def get_metavar(self, param, ctx=None):  # type: ignore[no-untyped-def]
        return "[" + "|".join(kinds()) + "]"


def print_issues(name: str, issues: Sequence[Issue], stream=None) -> None:  # type: ignore[no-untyped-def]
    """The human-readable error list shared by every command that validates."""
    out = stream or sys.stdout
    count = len(issues)
    print(f"{name}: {plural(count, 'problem')} found", file=out)
    for issue in issues:
        print(f"  {issue.path or '/'}", file=out)
        print(f"      {issue.line()}", file=out)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="commission")
@click.option("--debug", is_flag=True, help="Show the full traceback if the toolkit itself fails.")
@click.option(
    "--project",
    type=click.Path(path_type=Path, file_okay=False),
    help="The project folder (holding commission.yaml) [default: the nearest from here up, else the built-in example].",
)
def cli(debug: bool, project: Path | None) -> None:
    """Forms, data and documents for commissioning and growth-bid rounds."""
    if project is not None:
        from .projects.switch import switch_project

        if not (project / SETTINGS_FILE).is_file():
            raise CommissionError(
                f"--project {project}: there is no {SETTINGS_FILE} there, so it is not a project. "
                f"Make one with 'commission new {project}', or name the folder that holds {SETTINGS_FILE}."
            )
        switch_project(project)


@cli.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--minimal", is_flag=True, help="One small form (a community grant) instead of the Kent example.")
@click.option("--name", help="The partnership's name, for commission.yaml [default: a placeholder to edit].")
def new_command(folder: Path, minimal: bool, name: str | None) -> int:
    """Start a project in FOLDER (new or empty): the Kent example's forms and round, or --minimal."""
    from .projects.new import new_project

    made = new_project(folder, minimal=minimal, name=name)
    start = "a one-form starter (community-grant)" if minimal else "a copy of the built-in Kent example"
    click.echo(f"Made a project in {folder}, {start}:")
    click.echo(f"  {SETTINGS_FILE}  (the partnership, contacts, closing date, colours: edit it)")
    for child, count in made.files.items():
        click.echo(f"  {child}/  ({plural(count, 'file')})")
    click.echo("\nNext, in that folder:")
    steps = [f"cd {folder}", "commission forms build                 # the blank Word and PDF forms, into forms/"]
    steps += ["commission parse RETURN.docx             # read one filled form"]
    steps += ["commission batch RETURNS/ --out build/batch   # read a folder of them into a spreadsheet"]
    for round_file in sorted((folder / "examples" / "rounds").glob("*.yaml")):
        steps.append(f"commission evaluate examples/rounds/{round_file.name} --within examples")
    steps += ["commission site build                  # the guidance site, into build/site"]
    for step in steps:
        click.echo(f"  {step}")
    return 0


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--kind", "kind", required=True, type=_KindChoice(), help="The document kind to check against.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--version",
    "version",
    metavar="X.Y.Z",
    help="The released version of the form to check against [default: the current one].",
)
@today_option()
def validate(file: Path, kind: str, as_json: bool, version: str | None, today: dt.date | None) -> int:
    """Check a record (JSON or YAML) against its schema and business rules."""
    from .forms.order import form_layout_for, in_form_order
    from .records.loading import load_data_file
    from .records.schemas import schema_info
    from .records.validation import validate_record

    record = load_data_file(file)
    version = schema_info(kind, version).version  # an unknown version is a usage error, before anything is checked
    issues = in_form_order(validate_record(record, kind, version=version, today=today), form_layout_for(kind, version))
    if as_json:
        payload = {
            "file": str(file),
            "kind": kind,
            "version": version,
            "valid": not issues,
            "errors": [i.to_dict() for i in issues],
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif issues:
        print_issues(str(file), issues)
    else:
        click.echo(f"{file}: valid {kind} (version {version})")
    return EXIT_INVALID if issues else 0


@cli.command()
@folder_option("Folder for everything the demo makes.", Path("build/demo"))
@today_option()
def demo(out: Path, today: dt.date | None) -> int:
    """Run the main job on the built-in examples."""
    from .demo import run_demo

    return run_demo(out, today)


@cli.command("render")
@click.argument("template")
@click.argument("data", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="The .docx file to write.")
@click.option("--kind", type=_KindChoice(), help="The document kind, for a template that does not say.")
@click.option(
    "--version",
    "version",
    metavar="X.Y.Z",
    help="The released version of the form DATA was made on [default: the one the template was made for].",
)
@click.option(
    "--pdf",
    "pdf",
    is_flag=True,
    help="Also write an accessible (tagged, PDF/UA) PDF beside it, with LibreOffice: same name, .pdf.",
)
@today_option("The date to treat as today (date rules, date of issue).")
def render_command(
    template: str, data: Path, out: Path, kind: str | None, version: str | None, pdf: bool, today: dt.date | None
) -> int:
    """Fill a Word TEMPLATE (a shipped name or a .docx path) from DATA (JSON or YAML)."""
    from .documents.render import render_file
    from .forms.order import form_layout_for, in_form_order

    outcome = render_file(template, data, out, kind=kind, version=version, today=today)
    if outcome.issues:
        print_issues(str(data), in_form_order(outcome.issues, form_layout_for(outcome.kind, outcome.version)))
        return EXIT_INVALID
    click.echo(f"{out}: {outcome.kind} made from {data} with {outcome.template.name}")
    if pdf:
        from .documents.pdf_export import export_pdf

        made = export_pdf(out, out.with_suffix(".pdf"))
        click.echo(f"{made}: tagged PDF (PDF/UA) of {out}")
    return 0


@cli.group()
def templates() -> None:
    """Build and check the Word templates."""


@templates.command("check")
@click.argument("template", nargs=-1)
@click.option("--kind", type=_KindChoice(), help="The document kind, for a template that does not say.")
def templates_check(template: tuple[str, ...], kind: str | None) -> int:
    """Check templates (default: every shipped one) for names not in the schema and split tags."""
    from .documents.template_check import check_shipped, check_template

    reports = [check_template(name, kind) for name in template] if template else check_shipped()
    for report in reports:
        if report.problems:
            lines = "\n".join(f"  {problem}" for problem in report.problems)
            count = len(report.problems)
            click.echo(f"{report.template}: {plural(count, 'problem')} found\n{lines}")
        else:
            click.echo(f"{report.template}: OK, {plural(len(report.names), 'name')}, all in the {report.kind} schema")
    return EXIT_INVALID if any(report.problems for report in reports) else 0


@templates.command("build")
@folder_option("Folder to write the templates into (default: the project's templates/).")
def templates_build(out: Path | None) -> int:
    """Build the shipped Word templates from generator/documents/template_builder.py."""
    from .documents.template_builder import build_all
    from .records.resources import resource_dir

    for path in build_all(out or resource_dir("templates")):
        click.echo(f"  wrote {path}")
    return 0


@cli.group()
def forms() -> None:
    """Blank forms for bidders to fill in."""


@forms.command("build")
@click.option(
    "--kind", "asked", multiple=True, type=_KindChoice(), help="Build only this kind's form (repeat for more)."
)
@folder_option("Folder to write the blank forms to [default: the project's forms/].")
def forms_build(asked: tuple[str, ...], out: Path | None) -> int:
    """Write a blank Word form and a fillable PDF of the current version of each kind (default: every kind)."""
    from .forms.build import build_forms

    if out is None:
        if is_bundled(project_root()):
            raise CommissionError(
                "There is no project here to build forms in: make one with 'commission new DIR' and run this "
                "inside it, or give --out."
            )
        out = resource_dir("forms")
    for path in build_forms(out, asked or None, warn=lambda message: click.echo(f"Warning: {message}", err=True)):
        click.echo(f"wrote {path}")
    return 0


@forms.command("release")
@click.argument("kind", type=_KindChoice())
@click.option("--next-version", required=True, metavar="X.Y.Z", help="The version the form becomes, ready to edit.")
def forms_release(kind: str, next_version: str) -> int:
    """Freeze the current version of KIND's form, then make it NEXT-VERSION, ready to edit."""
    from .forms.release import release

    for path in release(kind, next_version):
        click.echo(f"wrote {path}")
    click.echo(
        f"The {kind} form is now version {next_version}: edit its schema and layout, then run 'commission forms build'."
    )
    return 0


@cli.command()
@click.argument("round_file", metavar="ROUND.yaml", type=click.Path(path_type=Path, dir_okay=False))
@folder_option(
    "Folder for round-summary.json, the workings, round.xlsx, the Word documents and letters/ "
    "[default: build/<round file name>]."
)
@click.option(
    "--within",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The folder the round's bids and reports must be in [default: the round file's folder].",
)
@today_option()
def evaluate(round_file: Path, out: Path | None, within: Path | None, today: dt.date | None) -> int:
    """Rank a round's bids, fund them within the money available, name the reserve and write to each bidder."""
    from .intake.loader import ReturnsLoader
    from .rounds.run import format_round, run_round

    out = out or Path("build") / round_file.stem
    # Returned forms and registers are read through the intake; a folder of returns is batched under out/batches/.
    loader = ReturnsLoader(out / "batches", jobs=os.cpu_count() or 1)
    run = run_round(round_file, out, today, within, loader)
    click.echo(format_round(run))
    return 0


@cli.command()
@date_option("--start", "The day the round opens.", required=True)
@click.option("--name", help="Which timetable of the project's data/timetable.yaml [default: its first].")
@click.option("--json", "as_json", is_flag=True, help="Print the dates as JSON.")
def timetable(start: dt.date, name: str | None, as_json: bool) -> int:
    """Print the dates of each step of a round, from a timetable in the project's data/timetable.yaml."""
    from .rounds.timetable import format_schedule, schedule
    from .rounds.timetable import timetable as named_timetable

    table = named_timetable(name)
    dated = schedule(table, start)
    if as_json:
        click.echo(json.dumps({"timetable": table.title, "steps": [d.to_dict() for d in dated]}, indent=2))
    else:
        click.echo(format_schedule(table, dated))
    return 0


@cli.command()
@click.argument("return_file", metavar="RETURN", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the envelope JSON to this file.")
@today_option()
def parse(return_file: Path, out: Path | None, today: dt.date | None) -> int:
    """Read a returned form; print its envelope (exit 0 valid, 1 invalid, 3 unreadable)."""
    from .returns.parse import parse_return

    envelope = parse_return(return_file, today=today)
    text = json.dumps(envelope.to_dict(), indent=2, ensure_ascii=False)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    click.echo(text)
    return envelope.exit_code


@cli.command()
@click.argument("returns_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@folder_option("Folder for the register and exports.", required=True)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, help="Seconds one file may take."
)
@click.option(
    "--memory-mb", type=click.IntRange(min=64), default=2048, show_default=True, help="Memory one worker may use."
)
@click.option(
    "--no-letters", is_flag=True, help="Do not write letters/ and chase.csv (a letter to each bidder to chase)."
)
@today_option("The date to treat as today (date rules, the date on the letters).")
def batch(
    returns_dir: Path,
    out: Path,
    jobs: int | None,
    timeout: float,
    memory_mb: int,
    no_letters: bool,
    today: dt.date | None,
) -> int:
    """Read every return in a folder into a register, spreadsheets, an error report and letters to chase."""
    from .batch.worker import Limits, start_fork_server

    start_fork_server()  # the workers' imports, in their own process, beside the batch's below
    from .batch.run import run_batch

    result = run_batch(
        returns_dir,
        out,
        jobs=jobs or os.cpu_count() or 1,
        limits=Limits(seconds=timeout, memory_mb=memory_mb),
        today=today,
    )
    click.echo(f"{result.summary()}")
    click.echo(f"Spreadsheet: {(out / 'returns.xlsx').resolve()}")
    from .records.references import project_numbering_problem

    if why := project_numbering_problem():
        click.echo(f"No references were given to bids: commission.yaml, round: reference: {why}")
    if not result.all_valid:
        click.echo(f"Who to chase and for what: {(out / 'errors.txt').resolve()}")
    if not no_letters:
        from .letters.chase import write_chase_letters

        chased = write_chase_letters(out, today=today)
        click.echo(f"Letters: {chased.summary()}")
        click.echo(f"For a mail merge (Word or Outlook): {chased.csv.resolve()}")
        for file, reason in chased.failed:
            click.echo(f"  no letter for {file}: {reason}")
        for note in chased.notes:
            click.echo(f"  {note}")
    return 0 if result.all_valid else EXIT_INVALID


@cli.group()
def site() -> None:
    """The guidance site: guidance notes, checklists and form guides."""


@site.command("build")
@folder_option("Folder for the built site (site/ is its source, never the output).", Path("build/site"))
def site_build(out: Path) -> int:
    """Generate the pages from data, then run mkdocs build --strict."""
    from .site.build import build_site

    result = build_site(out)
    click.echo(
        f"Built {plural(len(result.pages), 'page')} and {plural(len(result.downloads), 'download')} into {result.out}"
    )
    click.echo(f"Open {result.index} in a browser, or run `mkdocs serve -f {result.config}` to edit the guidance.")
    return 0


def _database_reason(exc: sqlite3.OperationalError) -> str:
    """What stopped SQLite writing, in the officer's words: the register or the folder's listing, which SQLite keeps."""
    if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
        return "the disk is full"
    return "the register is busy or damaged"


def _failure_message(exc: BaseException) -> str:
    return (
        "Error: the toolkit itself failed. "
        "Nothing is wrong with your files that this message can tell; run the same command with "
        "'commission --debug ...' to see where, and report it."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit code.

    Problems with what was asked for or handed in are plain messages with their
    exit code; only a failure of the toolkit itself has a traceback, and only
    with ``--debug`` (exit code 70, as sysexits.h's EX_SOFTWARE).
    """
    args = list(argv) if argv is not None else sys.argv[1:]
    before = os.environ.get("COMMISSION_PROJECT")
    try:
        return _run(args)
    finally:
        if os.environ.get("COMMISSION_PROJECT") != before:  # --project lasts one run, even called in-process
            from .projects.switch import switch_project

            switch_project(Path(before) if before else None)


def _run(args: list[str]) -> int:
    """``main`` for one run: every error to its message and exit code."""
    debug = "--debug" in args[: args.index("--") if "--" in args else len(args)]
    try:
        result = cli.main(args=args, prog_name="commission", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return 0
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Stopped.", err=True)
        return 130
    except CommissionError as exc:
        click.echo(f"Error: {exc}", err=True)
        if debug and getattr(exc, "detail", ""):
            click.echo(f"  (what the library said: {exc.detail})", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except (OSError, sqlite3.OperationalError) as exc:  # reads of inputs are UnreadableFileError; this is output
        if debug:
            raise
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        reason = os_reason(exc) if isinstance(exc, OSError) else _database_reason(exc)
        click.echo(
            f"Error: could not write{where} ({reason}). Free some space, or choose a folder you can write to "
            "with --out.",
            err=True,
        )
        return EXIT_USAGE
    except Exception as exc:
        if debug:
            raise
        click.echo(_failure_message(exc), err=True)
        return EXIT_TOOLKIT_FAILURE
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
