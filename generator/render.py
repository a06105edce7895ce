"""Fill a Word template from a validated record: the one adapter around docxtpl.

docxtpl turns a ``.docx`` into Jinja source (its ``patch_xml`` cleans Word's
markup out of the tags) and back. We borrow exactly those steps and nothing
else, and do the rest ourselves so that:

* **bidder text is never code**: a sandboxed, autoescaping Jinja environment
  compiles only the template; values are escaped into the XML, so
  ``{{ 7*7 }}``, ``<w:p>`` or ``]]>`` in an answer come out as typed, and
  characters XML forbids (most control characters) are removed first;
* **a template compiles once and renders many times**: the Jinja source of
  each part is compiled when the template is first used, and each render
  only fills it in and writes the changed parts into a copy of the zip
  (``benchmarks/render.py`` measures this against the plain docxtpl loop);
* **every failure names the template, the part and the paragraph**, as a
  :class:`~generator.errors.TemplateFaultError`, never a Jinja traceback;
* the filled-in XML is parsed strictly before it is written, so a template
  mistake cannot produce a document Word refuses to open.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.oxml import serialize_part_xml
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from .display import FILTERS
from .errors import CommissionError, TemplateFaultError, UnreadableFileError
from .issues import Issue
from .loading import load_data_file
from .render_context import build_context
from .resources import resource_dir
from .schemas import kinds, schema_info
from .validation import validate_record

__all__ = [
    "CompiledTemplate",
    "RenderOutcome",
    "TemplatePart",
    "compile_template",
    "environment",
    "render_file",
    "render_record",
    "resolve_template",
    "sanitise",
    "shipped_templates",
    "template_kind",
]

# XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; C1 controls
# are allowed but are never meant as text, and Word rejects some of them.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ID = re.compile(r"^urn:commission:schema:(?P<kind>[a-z-]+):(?P<version>\d+\.\d+\.\d+)$")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# docxtpl's escapes for a literal "{{" in a template; turned into Jinja string
# constants before compiling, so a value containing "{_{" is left alone.
_LITERAL_BRACES = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}", "%_}": "{{ '%}' }}"}
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def sanitise(value: Any) -> Any:
    """Strings with the characters XML cannot hold removed and line endings made ``\\n``."""
    if isinstance(value, str):
        return _NOT_TEXT.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, Mapping):
        return {sanitise(key): sanitise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [sanitise(item) for item in value]
    return value


class _Environment(SandboxedEnvironment):
    """Looks up a record's keys before any attribute, so a field named ``items`` is the field."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The one Jinja environment templates compile in: sandboxed, autoescaping, strict about names."""
    env = _Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(FILTERS)
    return env


def shipped_templates() -> dict[str, Path]:
    """The templates in ``templates/``, by name (file name without ``.docx``)."""
    return {path.stem: path for path in sorted(resource_dir("templates").glob("*.docx"))}


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


def _strip_tags(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip()


@dataclass(frozen=True)
class TemplatePart:
    """One part of a template that holds tags: the body, a header, a footer or the footnotes."""

    member: str
    where: str
    source: str

    def paragraph(self, lineno: int | None) -> str:
        """Where a Jinja line number is, for a person: each line of the source starts a paragraph."""
        if not lineno:
            return self.where
        lines = self.source.splitlines()
        text = _strip_tags(lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
        shown = text if len(text) <= 80 else text[:77] + "..."
        return f"{self.where}, paragraph {lineno - 1}" + (f" ({shown!r})" if shown else "")


def _jinja_source(template: DocxTemplate, xml: str) -> str:
    """What docxtpl compiles: its cleaned tags, one paragraph per line (so line numbers mean something)."""
    source = template.patch_xml(xml)
    for literal, constant in _LITERAL_BRACES.items():
        source = source.replace(literal, constant)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", source)


def _open(path: Path, name: str) -> DocxTemplate:
    template = DocxTemplate(str(path))
    try:
        template.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise UnreadableFileError(name, f"this is not a Word document (.docx) that can be opened ({exc})") from exc
    return template


def read_parts(path: Path, name: str | None = None) -> tuple[DocxTemplate, list[TemplatePart]]:
    """Open a template and give the Jinja source of every part docxtpl fills in."""
    name = name or str(path)
    template = _open(path, name)
    document = template.docx
    parts = [TemplatePart("word/document.xml", "body", _jinja_source(template, template.get_xml()))]
    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER):
            part = rel.target_part
            where = "header" if rel.reltype == RT.HEADER else "footer"
            member = part.partname.lstrip("/")
            parts.append(
                TemplatePart(member, f"{where} ({member})", _jinja_source(template, template.get_part_xml(part)))
            )
    for part in document.part.package.iter_parts():
        if part.content_type == _FOOTNOTES:
            source = _jinja_source(template, part.blob.decode("utf-8"))
            parts.append(TemplatePart(part.partname.lstrip("/"), "footnotes", source))
    return template, parts


def _template_line(exc: BaseException) -> int | None:
    """The template line a Jinja runtime error happened on (Jinja rewrites tracebacks to template lines)."""
    line = getattr(exc, "lineno", None)
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _problem(exc: BaseException) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return f"{exc.message}; the data has no such field (run 'commission templates check' on the template)"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"the template tried something the sandbox does not allow ({exc})"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"this tag cannot be read: {exc.message}"
    return str(exc)


class CompiledTemplate:
    """A template compiled once; :meth:`render` fills it in as often as needed."""

    def __init__(self, path: Path, name: str | None = None) -> None:
        self.path = path
        self.name = name or str(path)
        template, self.parts = read_parts(path, self.name)
        self._docxtpl = template  # only its stateless XML helpers are used after this
        self.identifier: str | None = template.docx.core_properties.identifier
        env = environment()
        self._compiled: list[tuple[TemplatePart, jinja2.Template]] = []
        for part in self.parts:
            try:
                self._compiled.append((part, env.from_string(part.source)))
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateFaultError(self.name, part.paragraph(exc.lineno), _problem(exc)) from None
        whole = serialize_part_xml(template.docx.part.element).decode("utf-8")
        start, end = whole.index("<w:body"), whole.rindex("</w:body>") + len("</w:body>")
        self._before_body, self._after_body = whole[:start], whole[end:]
        rendered = {part.member for part in self.parts}
        buffer = io.BytesIO()
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as base:
            for info in source.infolist():
                if info.filename not in rendered:
                    base.writestr(_entry(info.filename), source.read(info))
        self._base = buffer.getvalue()

    def _fill(self, part: TemplatePart, template: jinja2.Template, context: Mapping[str, Any]) -> str:
        try:
            xml = template.render(context)
        except (jinja2.TemplateError, ValueError, TypeError, ArithmeticError) as exc:
            raise TemplateFaultError(self.name, part.paragraph(_template_line(exc)), _problem(exc)) from None
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        return self._docxtpl.resolve_listing(xml)

    def _parse(self, part: TemplatePart, xml: str) -> etree._Element:
        try:
            return etree.fromstring(xml.encode("utf-8"), _STRICT)
        except etree.XMLSyntaxError as exc:
            raise TemplateFaultError(
                self.name,
                part.where,
                f"the filled-in template is not well-formed XML ({exc.msg}); "
                "a tag probably opens in one paragraph or table row and closes in another",
            ) from None

    def render(self, context: Mapping[str, Any]) -> bytes:
        """The finished ``.docx`` as bytes."""
        written: dict[str, bytes] = {}
        for part, template in self._compiled:
            xml = self._fill(part, template, context)
            tree = self._parse(part, xml)
            if part.where == "body":
                tree = self._docxtpl.fix_tables(xml)
                _number_drawings(tree)
                body = etree.tostring(tree, encoding="unicode")
                written[part.member] = (self._before_body + body + self._after_body).encode("utf-8")
            else:
                written[part.member] = etree.tostring(tree, encoding="UTF-8", xml_declaration=True, standalone=True)
        buffer = io.BytesIO(self._base)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as document:
            for member, data in written.items():
                document.writestr(_entry(member), data)
        return buffer.getvalue()


def _entry(member: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed time, so the same data gives the same file."""
    info = zipfile.ZipInfo(member, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _number_drawings(tree: etree._Element) -> None:
    """Give each drawing a unique id again, as a loop may have copied one (docxtpl does the same)."""
    for number, element in enumerate(
        tree.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    ):
        element.set("id", str(1001 + number))


@lru_cache(maxsize=16)
def _compiled(path: str, name: str, modified: int, size: int) -> CompiledTemplate:
    return CompiledTemplate(Path(path), name)


def compile_template(path: Path, name: str | None = None) -> CompiledTemplate:
    """The compiled template at ``path``, compiled again only when the file changes."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise UnreadableFileError(path, f"the template cannot be read ({exc.strerror})") from exc
    return _compiled(str(path.resolve()), name or str(path), stat.st_mtime_ns, stat.st_size)


def template_kind(path: Path, identifier: str | None, kind: str | None = None) -> tuple[str, str | None]:
    """The document kind (and schema version) a template is for.

    Given ``kind`` wins; otherwise the template's Identifier property names the
    schema it was made for (``urn:commission:schema:service-specification:1.0.0``);
    otherwise a template named after a kind is for that kind.
    """
    if kind is not None:
        schema_info(kind)
        return kind, None
    match = _ID.match(identifier or "")
    if match and match["kind"] in kinds():
        return match["kind"], match["version"]
    if path.stem in kinds():
        return path.stem, None
    raise CommissionError(
        f"{path}: the template does not say which kind of document it is for "
        f"(its Identifier property is not a schema id); add --kind, one of: {', '.join(kinds())}."
    )


@dataclass(frozen=True)
class RenderOutcome:
    """Either the problems that stopped the render, or the finished document."""

    template: Path
    kind: str
    issues: list[Issue]
    document: bytes | None


def render_record(
    template: str | Path,
    record: Any,
    *,
    kind: str | None = None,
    today: dt.date | None = None,
) -> RenderOutcome:
    """Validate ``record`` against the template's schema; render only if it is valid."""
    path = resolve_template(template)
    compiled = compile_template(path, str(template))
    kind, version = template_kind(path, compiled.identifier, kind)
    today = today or dt.date.today()
    issues = validate_record(record, kind, version=version, today=today)
    if issues:
        return RenderOutcome(path, kind, issues, None)
    context = sanitise(build_context(record, kind, issued=today, version=version))
    return RenderOutcome(path, kind, [], compiled.render(context))


def render_file(
    template: str | Path,
    data: Path,
    out: Path,
    *,
    kind: str | None = None,
    today: dt.date | None = None,
) -> RenderOutcome:
    """Render the record in ``data`` (JSON or YAML) to ``out``; nothing is written if it is invalid."""
    path = resolve_template(template)  # a wrong template name is reported before the data is read
    outcome = render_record(path, load_data_file(data), kind=kind, today=today)
    if outcome.document is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out.parent, prefix=f".{out.name}.", delete=False) as handle:
            handle.write(outcome.document)
        Path(handle.name).replace(out)
    return outcome
