"""Documents from Word templates: pick the template, check the data, fill it in, write it.

A template is a shipped name (``service-specification``) or a path to any
docxtpl template. The data is validated against the template's schema first,
with the same issues ``commission validate`` reports, and nothing is written
unless it is valid. The filling in is :mod:`generator.documents.template_engine`'s job.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.errors import CommissionError, UnreadableFileError
from ..records.issues import Issue
from ..records.loading import load_data_file
from ..records.messages import field_label
from ..records.resources import builtin_root, resource_dir
from ..records.schemas import kind_of_id, kinds, schema_info
from ..records.validation import validate_record
from .render_context import build_context, canonical, known_pointers
from .template_engine import CompiledTemplate, compile_template, environment, sanitise
from .template_names import names_used

__all__ = [
    "RenderOutcome",
    "kind_of_template",
    "render_file",
    "render_record",
    "resolve_template",
    "shipped_templates",
    "template_kind",
]


def shipped_templates() -> dict[str, Path]:
    """The templates in ``templates/``, by name (file name without ``.docx``).

    A project's own template overrides the built-in one of its name; a built-in
    template named after one of the project's kinds serves a project that has none.
    """
    own = {path.stem: path for path in sorted(resource_dir("templates").glob("*.docx"))}
    builtin = builtin_root() / "templates"
    if builtin == resource_dir("templates"):
        return own
    lent = {path.stem: path for path in sorted(builtin.glob("*.docx")) if path.stem in kinds() and path.stem not in own}
    return dict(sorted({**own, **lent}.items()))


def resolve_template(reference: str | Path) -> Path:
    """A shipped template's name (``service-specification``) or a path to any ``.docx`` template."""
    shipped = shipped_templates()
    if isinstance(reference, str) and reference in shipped:
        return shipped[reference]
    path = Path(reference)
    if path.is_file():
        return path
    if path.suffix.lower() == ".docx" or os.sep in str(reference):
        raise UnreadableFileError(path, "there is no such template file")
    from difflib import get_close_matches

    hint = get_close_matches(str(reference), list(shipped), n=1)
    suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
    raise CommissionError(
        f"'{reference}' is not a template we ship.{suggestion} Shipped templates: {', '.join(shipped)}; "
        "or give the path to a .docx template."
    )


def template_kind(path: Path, identifier: str | None, kind: str | None = None) -> tuple[str, str | None]:
    """The document kind (and schema version) a template is for.

    Given ``kind`` wins; otherwise the template's Identifier property names the
    schema it was made for by its ``$id`` (``urn:commission:schema:service-specification:1.0.0``, or any URI);
    otherwise a template named after a kind is for that kind.
    """
    if kind is not None:
        schema_info(kind)
        return kind, None
    named = kind_of_id(identifier) if identifier else None
    if named and named[0] in kinds():
        return named
    if path.stem in kinds():
        return path.stem, None
    raise CommissionError(
        f"{path}: the template does not say which kind of document it is for "
        f"(its Identifier property is not a schema id); add --kind, one of: {', '.join(kinds())}."
    )


def kind_of_template(reference: str | Path, kind: str | None = None) -> tuple[str, str | None]:
    """The document kind (and schema version) of a shipped template's name or a template path."""
    path = resolve_template(reference)
    return template_kind(path, compile_template(path, str(reference)).identifier, kind)


@dataclass(frozen=True)
class RenderOutcome:
    """Either the problems that stopped the render, or the finished document."""

    template: Path
    kind: str
    issues: list[Issue]
    document: bytes | None
    #: The version of the form the record was checked as, so its problems can be numbered as on that form.
    version: str | None = None


def render_record(
    template: str | Path,
    record: Any,
    *,
    kind: str | None = None,
    version: str | None = None,
    today: dt.date | None = None,
) -> RenderOutcome:
    """Validate ``record`` against its schema; render only if it is valid and has what the template uses.

    ``version`` is the released version of the form the record was made on
    (default: the template's). A record of another version is checked by its
    own version's rules, and any field the template uses that its version does
    not have is named, so a too-old record is never rendered with gaps.
    """
    path = resolve_template(template)
    compiled = compile_template(path, str(template))
    kind, made_for = template_kind(path, compiled.identifier, kind)
    version = schema_info(kind, version or made_for).version
    today = today or dt.date.today()
    issues = validate_record(record, kind, version=version, today=today)
    if not issues:
        issues = _fields_the_version_lacks(compiled, kind, schema_info(kind, made_for).version, version)
    if issues:
        return RenderOutcome(path, kind, issues, None, version)
    context = sanitise(build_context(record, kind, issued=today, version=version))
    return RenderOutcome(path, kind, [], compiled.render(context, title=context["document"]["title"]), version)


def _fields_the_version_lacks(compiled: CompiledTemplate, kind: str, made_for: str, version: str) -> list[Issue]:
    """Fields the template uses that records of ``version`` do not have (none when it was made for that version)."""
    if version == made_for:
        return []
    env = environment()
    known, template_knows = known_pointers(kind, version), known_pointers(kind, made_for)
    missing: dict[str, Issue] = {}
    for part in compiled.parts:
        for use in names_used(env.parse(part.source), env.globals):
            pointer = canonical(use.pointer, kind)
            if pointer in known or pointer not in template_knows or pointer in missing:
                continue
            missing[pointer] = Issue(
                path=pointer,
                field=field_label(kind, pointer, made_for),
                message=(
                    f"the template (made for version {made_for} of the form) shows this, but version {version} "
                    f"records do not have it; use a template made for version {version}, or fill it in"
                ),
                rule="older-version",
            )
    return list(missing.values())


def render_file(
    template: str | Path,
    data: Path,
    out: Path,
    *,
    kind: str | None = None,
    version: str | None = None,
    today: dt.date | None = None,
) -> RenderOutcome:
    """Render the record in ``data`` (JSON or YAML) to ``out``; nothing is written if it is invalid."""
    path = resolve_template(template)  # a wrong template name is reported before the data is read
    outcome = render_record(path, load_data_file(data), kind=kind, version=version, today=today)
    if outcome.document is not None:
        if out.exists() and not out.is_file():
            raise CommissionError(f"{out} is not a file a document can be written to; give a file name with --out")
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out.parent, prefix=f".{out.name}.", delete=False) as handle:
            temporary = Path(handle.name)
            try:
                handle.write(outcome.document)
            except BaseException:
                handle.close()
                temporary.unlink(missing_ok=True)
                raise
        temporary.replace(out)
    return outcome
