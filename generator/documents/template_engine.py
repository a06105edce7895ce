"""Compile a Word template once and fill it in many times: the one adapter around docxtpl.

docxtpl turns a ``.docx`` into Jinja source (its ``patch_xml`` cleans Word's
markup out of the tags) and back (``resolve_listing``, ``fix_tables``). We
borrow exactly those steps and do the rest ourselves, so that:

* **bidder text is never code**: a sandboxed, autoescaping Jinja environment
  compiles only the template; values are escaped into the XML, so
  ``{{ 7*7 }}``, ``<w:p>`` or ``]]>`` in an answer come out as typed, and
  characters XML forbids (most control characters) are removed first;
* **a template compiles once**: the Jinja source of each part is compiled
  when the template is first used, and each render only fills it in and
  writes the changed parts into a copy of the zip (``benchmarks/render.py``
  measures this against the plain docxtpl loop; a test checks both give the
  same XML);
* **every failure names the template, the part and the paragraph**, as a
  :class:`~generator.records.errors.TemplateFaultError`, never a Jinja traceback;
* the filled-in XML is parsed strictly before it is written, so a template
  mistake cannot produce a document Word refuses to open;
* **a template cannot run away**: its zip is checked like a return's (sizes,
  ratios, overlapping parts, no DOCTYPE) before docxtpl opens it, and compiling
  and filling in each run under a deadline and a memory ceiling
  (:mod:`generator.records.limits`), with powers too large for any document
  refused by the sandbox itself (so they are not even folded as constants).
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
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
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment
from lxml import etree

from ..ooxml.safety import PackageError, open_package
from ..records.bounded_read import read_bounded
from ..records.errors import TemplateFaultError, UnreadableFileError, os_reason
from ..records.limits import TimeLimitExceeded, deadline, memory_ceiling
from .display import FILTERS

__all__ = [
    "CompiledTemplate",
    "TemplatePart",
    "compile_template",
    "environment",
    "forget_compiled",
    "read_parts",
    "sanitise",
]

# XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; C1 controls
# are allowed but are never meant as text, and Word rejects some of them.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# docxtpl's escapes for a literal "{{" in a template; turned into Jinja string
# constants before compiling, so a value containing "{_{" is left alone.
_LITERAL_BRACES = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}", "%_}": "{{ '%}' }}"}
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_LISTING = re.compile("[\t\n\a\f]")


def sanitise(value: Any) -> Any:
    """Strings with the characters XML cannot hold removed and line endings made ``\\n``."""
    if isinstance(value, str):
        return _NOT_TEXT.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, Mapping):
        return {sanitise(key): sanitise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [sanitise(item) for item in value]
    return value


#: A template is a few hundred kilobytes; filling one in never takes seconds or a gigabyte.
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
TEMPLATE_SECONDS = 10.0
TEMPLATE_MEMORY_BYTES = 512 * 1024 * 1024
#: No document needs a power above this; a bigger one (``10**(10**8)``) would take minutes.
MAX_EXPONENT = 1000


class _TemplateTimeout(TimeLimitExceeded):
    """Compiling or filling in a template took longer than any document needs."""


class _Environment(ImmutableSandboxedEnvironment):
    """Looks up a record's keys before any attribute, so a field named ``items`` is the field.

    Immutable, so a template cannot change the data it is filled from (``{{ items.pop() }}``).
    ``**``, ``*`` and ``%`` are intercepted, so Jinja never folds them as
    constants while compiling (``'a' * 10**9`` would be built then, outside any
    bound), and a huge power is refused when the template runs.
    """

    intercepted_binops = frozenset({"**", "*", "%"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise jinja2.exceptions.SecurityError(f"a power of {right} is larger than any document needs")
        return super().call_binop(context, operator, left, right)


@contextlib.contextmanager
def bounded_work(name: str, where: str) -> Iterator[None]:
    """Compile or fill in under the deadline and the memory ceiling; running past either is a plain fault."""
    try:
        # The ceiling outside the deadline: a last alarm can then never land before the old limit is put back.
        with memory_ceiling(TEMPLATE_MEMORY_BYTES), deadline(TEMPLATE_SECONDS, _TemplateTimeout):
            yield
    except _TemplateTimeout:
        raise TemplateFaultError(
            name, where, f"it was still running after {TEMPLATE_SECONDS:g} s, far longer than any document needs"
        ) from None
    except MemoryError:
        raise TemplateFaultError(
            name, where, f"it needed more than {TEMPLATE_MEMORY_BYTES // 2**20} MB of memory, more than any document"
        ) from None
    except RecursionError:
        raise TemplateFaultError(name, where, "it calls itself without end (a macro that never stops)") from None


def _strict(show: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that reports a missing name as missing, not as a value it cannot show."""

    @functools.wraps(show)
    def checked(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, jinja2.Undefined):
            str(value)  # StrictUndefined raises UndefinedError, naming what is missing
        return show(value, *args, **kwargs)

    return checked


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The one Jinja environment templates compile in: sandboxed, autoescaping, strict about names."""
    env = _Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals.pop("lipsum", None)  # placeholder text no document needs, and lipsum(n=10**6) is a gigabyte
    env.filters.update({name: _strict(show) for name, show in FILTERS.items()})
    return env


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


def _check_package(path: Path, name: str) -> None:
    """The template's zip passes the checks a return's does, before docxtpl unpacks any of it."""
    data = read_bounded(path, MAX_TEMPLATE_BYTES, "templates")
    try:
        open_package(data).refuse_doctypes()
    except PackageError as exc:
        raise UnreadableFileError(
            name, f"this is not a Word document (.docx) that can be opened ({exc.reason})"
        ) from None


def _open(path: Path, name: str) -> DocxTemplate:
    _check_package(path, name)
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
                with bounded_work(self.name, part.where):
                    self._compiled.append((part, env.from_string(part.source)))
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateFaultError(self.name, part.paragraph(exc.lineno), _problem(exc)) from None
        whole = serialize_part_xml(template.docx.part.element).decode("utf-8")
        start, end = whole.index("<w:body"), whole.rindex("</w:body>") + len("</w:body>")
        self._before_body, self._after_body = whole[:start], whole[end:]
        rendered = {part.member for part in self.parts} | {_CORE}
        buffer = io.BytesIO()
        self._core: bytes | None = None
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as base:
            for info in source.infolist():
                if info.filename == _CORE:
                    self._core = source.read(info)
                elif info.filename not in rendered:
                    base.writestr(_entry(info.filename), source.read(info))
        self._base = buffer.getvalue()

    def _fill(self, part: TemplatePart, template: jinja2.Template, context: Mapping[str, Any]) -> str:
        try:
            with bounded_work(self.name, part.where):
                xml = template.render(context)
        except (jinja2.TemplateError, ValueError, TypeError, ArithmeticError, LookupError) as exc:
            raise TemplateFaultError(self.name, part.paragraph(_template_line(exc)), _problem(exc)) from None
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        if not _LISTING.search(xml):
            return xml  # nothing for docxtpl's line-break and tab pass to do (the costliest step)
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

    def render(self, context: Mapping[str, Any], *, title: str | None = None) -> bytes:
        """The finished ``.docx`` as bytes; ``title`` is its Title property (the template's is the kind's name).

        Screen readers and PDF viewers announce a document by that property (WCAG 2.4.2).
        """
        written: dict[str, bytes] = {}
        if self._core is not None:
            written[_CORE] = self._core if title is None else _titled(self._core, title)
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


_CORE = "docProps/core.xml"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


def _titled(core: bytes, title: str) -> bytes:
    """The core properties part with its ``dc:title`` set (added if the template has none)."""
    root = etree.fromstring(core, _STRICT)
    element = root.find(_DC_TITLE)
    if element is None:
        element = etree.SubElement(root, _DC_TITLE)
    element.text = sanitise(title)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


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


def forget_compiled() -> None:
    """Drop every compiled template (benchmarks measure compiling too)."""
    _compiled.cache_clear()


def compile_template(path: Path, name: str | None = None) -> CompiledTemplate:
    """The compiled template at ``path``, compiled again only when the file changes."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise UnreadableFileError(path, f"the template cannot be read ({os_reason(exc)})") from exc
    return _compiled(str(path.resolve()), name or str(path), stat.st_mtime_ns, stat.st_size)
