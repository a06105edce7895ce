"""A structural PDF/UA-1 checker: the machine-checkable Matterhorn Protocol 1.1 failure conditions a form can meet.

veraPDF, the reference checker, needs a JVM we do not have, so the tests check
our forms with this instead. :func:`check_pdf` returns one :class:`Failure`
per problem, each naming its Matterhorn failure condition (``01-005``) or, for
a requirement Matterhorn leaves to the structure rules, the ISO 14289-1 clause
(``UA-7.1``), with a message that says where. :data:`CHECKS` lists every check.

What a person must judge (is the reading order logical, is the title
meaningful, is the alternative text right) is not here; nor are the
conditions for things a form never holds (math, ruby, notes, media). Page
content is walked with its form XObjects; a widget's own appearance is not
page content (its widget is what is tagged), but the fonts it uses are checked.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from fontTools.agl import UV2AGL
from fontTools.encodings.MacRoman import MacRoman
from fontTools.encodings.StandardEncoding import StandardEncoding
from fontTools.ttLib import TTFont

from generator.pdf.drawn_text import parse_to_unicode

__all__ = ["CHECKS", "Failure", "check_pdf"]

CHECKS: dict[str, str] = {
    "01-003": "content marked as Artifact is inside tagged content",
    "01-004": "tagged content is inside content marked as Artifact",
    "01-005": "content is neither marked as Artifact nor tagged as real content",
    "01-007": "MarkInfo Suspects is true",
    "02-001": "a non-standard structure type does not map to a standard one",
    "02-002": "the role map is circular",
    "02-003": "a standard structure type is remapped",
    "06-001": "no XMP metadata stream",
    "06-002": "the XMP has no pdfuaid:part",
    "06-003": "the XMP has no dc:title",
    "07-001": "ViewerPreferences has no DisplayDocTitle",
    "07-002": "DisplayDocTitle is false",
    "09-004": "table structure elements do not nest as ISO 32000-1 Table 337 says",
    "09-005": "list structure elements do not nest as ISO 32000-1 Table 336 says",
    "10-001": "a character code cannot be mapped to Unicode",
    "11-001": "the language of page content cannot be determined",
    "11-002": "the language of Alt, ActualText or E cannot be determined",
    "11-004": "the language of an annotation's Contents cannot be determined",
    "11-005": "the language of a form field's TU cannot be determined",
    "11-006": "the language of the document metadata cannot be determined",
    "13-004": "a Figure has no alternative text",
    "14-002": "numbered headings are used but the first is not H1",
    "14-003": "a numbered heading level is skipped",
    "14-006": "a structure element has more than one H child",
    "14-007": "the document uses both H and numbered headings",
    "15-003": "a TH has no Scope (and the table does not use Headers and IDs)",
    "20-001": "an optional content configuration has no Name",
    "20-003": "an optional content configuration has an AS entry",
    "21-001": "an embedded file's specification has no F and UF",
    "25-001": "the file is a dynamic XFA form (NeedsRendering)",
    "26-001": "the file is encrypted without permission for assistive technology (P bit 10)",
    "28-002": "an annotation other than a widget, link or printer's mark is not in an Annot element",
    "28-004": "an annotation other than a widget has neither Contents nor Alt",
    "28-005": "a form field has neither TU nor Alt on its Form element",
    "28-007": "a TrapNet annotation is present",
    "28-008": "a page with annotations has no Tabs entry",
    "28-009": "a page with annotations has a Tabs entry other than S",
    "28-010": "a widget annotation is not in a Form element",
    "28-011": "a link annotation is not in a Link element",
    "30-001": "a reference XObject is present",
    "30-002": "a form XObject holding MCIDs is drawn more than once",
    "31-006": "a font used is not embedded",
    "31-030": "a character code shown draws the .notdef glyph",
    "UA-7.1-marked": "MarkInfo Marked is not true",
    "UA-7.1-tree": "the catalog has no StructTreeRoot",
    "UA-7.1-parent-tree": "the ParentTree does not map marked content and annotations to their elements",
    "UA-7.21.3.1": "a Type0 font's CIDFont does not match its CMap, or an embedded CIDFontType2 has no CIDToGIDMap",
    "UA-7.21.6": "a TrueType font's encoding breaks PDF/UA's rules for symbolic and non-symbolic fonts",
}

#: The standard structure types of ISO 32000-1, 14.8.4.
_GROUPING = ("Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index")
_BLOCK = ("NonStruct", "Private", "H", "H1", "H2", "H3", "H4", "H5", "H6", "P", "L", "LI", "Lbl", "LBody")
_TABLE = ("Table", "TR", "TH", "TD", "THead", "TBody", "TFoot")
_INLINE = ("Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot")
_OTHER = ("Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form")
STANDARD_TYPES = frozenset(_GROUPING + _BLOCK + _TABLE + _INLINE + _OTHER)
_TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
_PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "INLINE IMAGE"}
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_HIDDEN = 2
_STANDARD_ENCODINGS = {"/WinAnsiEncoding", "/MacRomanEncoding", "/MacExpertEncoding"}


def _standard_latin_names() -> frozenset[str]:
    """The glyph names of the Adobe standard Latin character set (ISO 32000-1, Annex D), near enough."""
    win_ansi = {UV2AGL.get(ord(bytes([code]).decode("cp1252", "ignore") or "\0")) for code in range(32, 256)}
    return frozenset(name for name in {*StandardEncoding, *MacRoman, *win_ansi} if name and name != ".notdef")


_STANDARD_LATIN = _standard_latin_names()


@dataclass(frozen=True)
class Failure:
    """One failure condition met, and where."""

    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.check} ({CHECKS[self.check]}): {self.message}"


@dataclass
class _Element:
    """A structure element as the checker sees it: its object, standard type, page and parent."""

    obj: pikepdf.Dictionary
    role: str
    page: int | None
    parent: _Element | None
    kids: list[_Element] = field(default_factory=list)


@dataclass
class _Content:
    """What the walk of one page's content found."""

    mcids: dict[int, int] = field(default_factory=dict)  # MCID -> times it is used
    untagged: list[str] = field(default_factory=list)
    nested: list[tuple[str, str]] = field(default_factory=list)  # (check, what)
    fonts: dict[tuple[int, int], tuple[str, pikepdf.Dictionary]] = field(default_factory=dict)
    codes: dict[tuple[int, int], set[int]] = field(default_factory=dict)  # font -> codes shown


class _Checker:
    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.root = pdf.Root
        self.failures: list[Failure] = []
        self.pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        self.role_map = self._role_map()
        self.fonts: dict[tuple[int, int], tuple[str, pikepdf.Dictionary]] = {}
        self.codes: dict[tuple[int, int], set[int]] = {}
        self.xobject_uses: dict[tuple[int, int], int] = {}
        self.xobjects_with_mcids: set[tuple[int, int]] = set()

    def fail(self, check: str, message: str) -> None:
        self.failures.append(Failure(check, message))

    # --- the document -----------------------------------------------------------------------

    def document(self) -> None:
        mark_info = self.root.get("/MarkInfo")
        if mark_info is None or not bool(mark_info.get("/Marked", False)):
            self.fail("UA-7.1-marked", "the catalog's /MarkInfo does not say /Marked true")
        if mark_info is not None and bool(mark_info.get("/Suspects", False)):
            self.fail("01-007", "the catalog's /MarkInfo says /Suspects true")
        preferences = self.root.get("/ViewerPreferences")
        if preferences is None or "/DisplayDocTitle" not in preferences:
            self.fail("07-001", "the catalog has no /ViewerPreferences << /DisplayDocTitle true >>")
        elif not bool(preferences.DisplayDocTitle):
            self.fail("07-002", "/ViewerPreferences /DisplayDocTitle is false")
        self._metadata()
        acroform = self.root.get("/AcroForm")
        if acroform is not None and bool(acroform.get("/NeedsRendering", False)):
            self.fail("25-001", "the catalog's /NeedsRendering is true")
        if self.pdf.is_encrypted and not self.pdf.allow.accessibility:
            self.fail("26-001", "the encryption's /P does not allow extraction for accessibility")
        self._optional_content()
        self._embedded_files()

    def _metadata(self) -> None:
        if "/Metadata" not in self.root:
            self.fail("06-001", "the catalog has no /Metadata stream")
            return
        xmp = self.pdf.open_metadata()
        if str(xmp.get("pdfuaid:part", "")) != "1":
            self.fail("06-002", "the XMP has no pdfuaid:part 1 (namespace http://www.aiim.org/pdfua/ns/id/)")
        if not str(xmp.get("dc:title", "")).strip():
            self.fail("06-003", "the XMP has no dc:title")

    def language(self) -> str | None:
        """The catalog's /Lang if it is a valid language tag (every text here inherits it)."""
        lang = self.root.get("/Lang")
        return str(lang) if lang is not None and _LANGUAGE.match(str(lang)) else None

    def _optional_content(self) -> None:
        properties = self.root.get("/OCProperties")
        if properties is None:
            return
        configs = [properties.get("/D"), *properties.get("/Configs", [])]
        for index, config in enumerate(c for c in configs if c is not None):
            if "/Name" not in config:
                self.fail("20-001", f"optional content configuration {index} has no /Name")
            if "/AS" in config:
                self.fail("20-003", f"optional content configuration {index} has an /AS entry")

    def _embedded_files(self) -> None:
        names = self.root.get("/Names")
        if names is None or "/EmbeddedFiles" not in names:
            return
        for name, spec in pikepdf.NameTree(names.EmbeddedFiles).items():
            if "/F" not in spec or "/UF" not in spec:
                self.fail("21-001", f"embedded file {name!r} has a specification without both /F and /UF")

    # --- structure --------------------------------------------------------------------------

    def _role_map(self) -> dict[str, str]:
        tree = self.root.get("/StructTreeRoot")
        role_map = tree.get("/RoleMap") if tree is not None else None
        return {str(key)[1:]: str(value)[1:] for key, value in role_map.items()} if role_map is not None else {}

    def standard_role(self, role: str) -> str | None:
        seen = [role]
        while role not in STANDARD_TYPES:
            if role not in self.role_map:
                self.fail("02-001", f"structure type /{' -> /'.join(seen)} maps to no standard type")
                return None
            role = self.role_map[role]
            if role in seen:
                self.fail("02-002", f"the role map loops: /{' -> /'.join([*seen, role])}")
                return None
            seen.append(role)
        return role

    def structure(self) -> tuple[list[_Element], dict[tuple[int, int], list[_Element]]]:
        """Every structure element (document order) and, per (page, MCID), the elements that claim it."""
        for standard in sorted(set(self.role_map) & STANDARD_TYPES):
            self.fail("02-003", f"the role map remaps the standard type /{standard}")
        tree = self.root.get("/StructTreeRoot")
        if tree is None:
            self.fail("UA-7.1-tree", "the catalog has no /StructTreeRoot: the file is not tagged")
            return [], {}
        elements: list[_Element] = []
        claims: dict[tuple[int, int], list[_Element]] = {}
        self.objr: dict[tuple[int, int], list[_Element]] = {}
        seen: set[tuple[int, int]] = set()

        def visit(kids: Any, parent: _Element | None, page: int | None) -> None:
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, int):
                    if page is None:
                        self.fail("UA-7.1-parent-tree", f"MCID {kid} of /{parent.role if parent else '?'} has no /Pg")
                    else:
                        claims.setdefault((page, int(kid)), []).append(parent)
                    continue
                if not isinstance(kid, pikepdf.Dictionary):
                    continue
                kind = kid.get("/Type")
                kid_page = self.pages.get(kid.Pg.objgen) if "/Pg" in kid else page
                if kind == pikepdf.Name.MCR:
                    if "/Stm" not in kid and kid_page is not None:
                        claims.setdefault((kid_page, int(kid.MCID)), []).append(parent)
                    continue
                if kind == pikepdf.Name.OBJR:
                    self.objr.setdefault(kid.Obj.objgen, []).append(parent)
                    continue
                if kid.is_indirect:
                    if kid.objgen in seen:
                        self.fail("UA-7.1-tree", "a structure element appears twice in the tree")
                        continue
                    seen.add(kid.objgen)
                role = self.standard_role(str(kid.get("/S", "/?"))[1:])
                element = _Element(kid, role or "?", kid_page, parent)
                elements.append(element)
                if parent is not None:
                    parent.kids.append(element)
                if "/K" in kid:
                    visit(kid.K, element, kid_page)

        visit(tree.get("/K", pikepdf.Array()), None, None)
        self._nesting(elements)
        self._headings(elements)
        self._alternatives(elements)
        return elements, claims

    def _nesting(self, elements: list[_Element]) -> None:
        table_kids = {"Table": {"TR", "THead", "TBody", "TFoot", "Caption"}, "THead": {"TR"}, "TBody": {"TR"}}
        table_kids |= {"TFoot": {"TR"}, "TR": {"TH", "TD"}}
        list_kids = {"L": {"LI", "L", "Caption"}, "LI": {"Lbl", "LBody"}}
        parents = {"TR": {"Table", "THead", "TBody", "TFoot"}, "TH": {"TR"}, "TD": {"TR"}}
        parents |= {"THead": {"Table"}, "TBody": {"Table"}, "TFoot": {"Table"}}
        list_parents = {"LI": {"L"}, "LBody": {"LI"}}
        for element in elements:
            for kids, check in ((table_kids, "09-004"), (list_kids, "09-005")):
                for kid in element.kids if element.role in kids else ():
                    if kid.role not in kids[element.role]:
                        self.fail(check, f"a /{element.role} holds a /{kid.role}")
            for allowed, check in ((parents, "09-004"), (list_parents, "09-005")):
                if element.role in allowed and (
                    element.parent is None or element.parent.role not in allowed[element.role]
                ):
                    where = f"a /{element.parent.role}" if element.parent else "the tree's root"
                    self.fail(check, f"a /{element.role} is in {where}")
            if element.role == "TH" and not self._has_scope(element):
                self.fail("15-003", f"a /TH (on page {_page_number(element.page)}) has no /Scope attribute")

    @staticmethod
    def _has_scope(element: _Element) -> bool:
        attributes = element.obj.get("/A")
        items = attributes if isinstance(attributes, pikepdf.Array) else [attributes]
        if any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a for a in items):
            return True
        return "/Headers" in element.obj or any("/Headers" in a for a in items if isinstance(a, pikepdf.Dictionary))

    def _headings(self, elements: list[_Element]) -> None:
        numbered = [e for e in elements if re.fullmatch(r"H[1-6]", e.role)]
        plain = [e for e in elements if e.role == "H"]
        if numbered and plain:
            self.fail("14-007", f"the document has {len(plain)} /H and {len(numbered)} numbered headings")
        if numbered and numbered[0].role != "H1":
            self.fail("14-002", f"the first heading is /{numbered[0].role}, not /H1")
        for before, after in itertools.pairwise(numbered):
            if int(after.role[1]) > int(before.role[1]) + 1:
                self.fail("14-003", f"/{after.role} follows /{before.role} (page {_page_number(after.page)})")
        for element in elements:
            if sum(kid.role == "H" for kid in element.kids) > 1:
                self.fail("14-006", f"a /{element.role} holds more than one /H")

    def _alternatives(self, elements: list[_Element]) -> None:
        for element in elements:
            if element.role == "Figure" and "/Alt" not in element.obj and "/ActualText" not in element.obj:
                self.fail("13-004", f"a /Figure on page {_page_number(element.page)} has no /Alt")
            has_text = any(key in element.obj for key in ("/Alt", "/ActualText", "/E"))
            if has_text and self.language() is None and "/Lang" not in element.obj:
                self.fail("11-002", f"a /{element.role}'s /Alt, /ActualText or /E has no language")
            if "/Lang" in element.obj and not _LANGUAGE.match(str(element.obj.Lang)):
                self.fail("11-002", f"a /{element.role}'s /Lang {str(element.obj.Lang)!r} is not a language tag")

    # --- content ----------------------------------------------------------------------------

    def content(self, page: pikepdf.Page) -> _Content:
        found = _Content()
        self._walk(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()), [], found, in_page=True, depth=0)
        for key, font in found.fonts.items():
            self.fonts.setdefault(key, font)
        for key, codes in found.codes.items():
            self.codes.setdefault(key, set()).update(codes)
        return found

    def _walk(
        self,
        owner: pikepdf.Object,
        resources: pikepdf.Dictionary,
        stack: list[tuple[str, int | None]],
        found: _Content,
        in_page: bool,
        depth: int,
    ) -> bool:
        """Walk one content stream; the stack is the marked content open around it. True if it holds an MCID."""
        if depth > 12:
            return False
        stack = list(stack)
        font: tuple[int, int] | None = None
        holds_mcid = False
        for instruction in pikepdf.parse_content_stream(owner):
            operator = str(instruction.operator)
            operands = instruction.operands if not isinstance(instruction, pikepdf.ContentStreamInlineImage) else []
            if operator in ("BMC", "BDC"):
                tag = str(operands[0])[1:]
                mcid = self._mcid(operands[1], resources) if operator == "BDC" else None
                artifact_open = any(t == "Artifact" for t, _ in stack)
                tagged_open = any(m is not None for _, m in stack)
                if in_page and tag == "Artifact" and tagged_open:
                    found.nested.append(("01-003", "an /Artifact sequence inside a sequence with an MCID"))
                if in_page and mcid is not None and artifact_open:
                    found.nested.append(("01-004", f"MCID {mcid} inside an /Artifact sequence"))
                if mcid is not None:
                    holds_mcid = True
                    if in_page:
                        found.mcids[mcid] = found.mcids.get(mcid, 0) + 1
                stack.append((tag, mcid))
            elif operator == "EMC":
                if stack:
                    stack.pop()
            elif operator == "Tf":
                font = self._font(operands[0], resources, found)
            elif operator in _TEXT_SHOWING or operator in _PAINTING:
                if operator in _TEXT_SHOWING and font is not None:
                    found.codes.setdefault(font, set()).update(self._codes(operands, found.fonts[font][1]))
                covered = any(t == "Artifact" or m is not None for t, m in stack)
                if in_page and not covered and len(found.untagged) < 1000:
                    found.untagged.append(operator)
            elif operator == "Do":
                holds_mcid |= self._draw(operands[0], resources, stack, found, in_page, depth)
        return holds_mcid

    @staticmethod
    def _mcid(properties: Any, resources: pikepdf.Dictionary) -> int | None:
        if isinstance(properties, pikepdf.Name):
            properties = resources.get("/Properties", pikepdf.Dictionary()).get(properties)
        if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
            return int(properties.MCID)
        return None

    def _font(self, name: Any, resources: pikepdf.Dictionary, found: _Content) -> tuple[int, int] | None:
        font = resources.get("/Font", pikepdf.Dictionary()).get(name)
        if not isinstance(font, pikepdf.Dictionary):
            return None
        key = font.objgen if font.is_indirect else (id(font), 0)
        found.fonts[key] = (str(name), font)
        return key

    @staticmethod
    def _codes(operands: Any, font: pikepdf.Dictionary) -> set[int]:
        strings: list[bytes] = []
        for operand in operands:
            if isinstance(operand, pikepdf.Array):
                strings.extend(bytes(item) for item in operand if isinstance(item, pikepdf.String))
            elif isinstance(operand, pikepdf.String):
                strings.append(bytes(operand))
        width = 2 if font.get("/Subtype") == pikepdf.Name.Type0 else 1
        return {int.from_bytes(s[i : i + width], "big") for s in strings for i in range(0, len(s) - width + 1, width)}

    def _draw(
        self,
        name: Any,
        resources: pikepdf.Dictionary,
        stack: list[tuple[str, int | None]],
        found: _Content,
        in_page: bool,
        depth: int,
    ) -> bool:
        xobject = resources.get("/XObject", pikepdf.Dictionary()).get(name)
        if not isinstance(xobject, pikepdf.Stream):
            return False
        if xobject.get("/Subtype") != pikepdf.Name.Form:
            covered = any(t == "Artifact" or m is not None for t, m in stack)
            if in_page and not covered:
                found.untagged.append("Do (image)")
            return False
        if "/Ref" in xobject:
            self.fail("30-001", f"form XObject {name} is a reference XObject")
        key = xobject.objgen
        self.xobject_uses[key] = self.xobject_uses.get(key, 0) + 1
        inner = xobject.get("/Resources", resources)
        holds = self._walk(xobject, inner, stack, found, in_page, depth + 1)
        if holds:
            self.xobjects_with_mcids.add(key)
        return holds

    def appearances(self, page: pikepdf.Page) -> None:
        """The fonts (and codes) the page's annotations' appearances use; their content is not page content."""
        for annotation in page.obj.get("/Annots", []):
            appearance = annotation.get("/AP", pikepdf.Dictionary()).get("/N")
            streams = [appearance] if isinstance(appearance, pikepdf.Stream) else []
            if isinstance(appearance, pikepdf.Dictionary):
                streams = [s for s in appearance.values() if isinstance(s, pikepdf.Stream)]
            for stream in streams:
                found = _Content()
                self._walk(stream, stream.get("/Resources", pikepdf.Dictionary()), [], found, in_page=False, depth=0)
                for key, font in found.fonts.items():
                    self.fonts.setdefault(key, font)
                for key, codes in found.codes.items():
                    self.codes.setdefault(key, set()).update(codes)

    # --- annotations ------------------------------------------------------------------------

    def annotations(self, index: int, page: pikepdf.Page, parent_tree: dict[int, Any]) -> None:
        annotations = [a for a in page.obj.get("/Annots", []) if isinstance(a, pikepdf.Dictionary)]
        if not annotations:
            return
        where = f"page {index + 1}"
        if "/Tabs" not in page.obj:
            self.fail("28-008", f"{where} has annotations but no /Tabs")
        elif page.obj.Tabs != pikepdf.Name.S:
            self.fail("28-009", f"{where} has /Tabs {page.obj.Tabs}, not /S")
        for annotation in annotations:
            subtype = str(annotation.get("/Subtype", "/?"))[1:]
            if subtype == "TrapNet":
                self.fail("28-007", f"{where} has a TrapNet annotation")
            if int(annotation.get("/F", 0)) & _HIDDEN or subtype in ("Popup", "PrinterMark"):
                continue  # neither shown nor read: PDF/UA asks nothing of a hidden annotation
            name = str(annotation.get("/T", "")) or f"a {subtype} annotation"
            element = self._enclosing(annotation, parent_tree)
            if subtype == "Widget":
                if element is None or element.get("/S") is None or self.standard_role(str(element.S)[1:]) != "Form":
                    self.fail("28-010", f"widget {name!r} on {where} is not the /OBJR of a /Form element")
                if not _inherited(annotation, "/TU") and (element is None or "/Alt" not in element):
                    self.fail("28-005", f"field {name!r} on {where} has no /TU and its /Form element no /Alt")
                elif _inherited(annotation, "/TU") and self.language() is None:
                    self.fail("11-005", f"field {name!r}'s /TU has no language (the catalog has no valid /Lang)")
                continue
            wanted = "Link" if subtype == "Link" else "Annot"
            if element is None or self.standard_role(str(element.S)[1:]) != wanted:
                self.fail("28-011" if subtype == "Link" else "28-002", f"{name} on {where} is not in a /{wanted}")
            if subtype != "Link" and "/Contents" not in annotation and (element is None or "/Alt" not in element):
                self.fail("28-004", f"{name} on {where} has neither /Contents nor /Alt")
            if "/Contents" in annotation and self.language() is None:
                self.fail("11-004", f"{name} on {where} has /Contents with no language")

    def _enclosing(self, annotation: pikepdf.Dictionary, parent_tree: dict[int, Any]) -> pikepdf.Object | None:
        """The element whose /OBJR names the annotation, reached both ways: StructParent and the tree's OBJR."""
        if "/StructParent" not in annotation:
            return None
        element = parent_tree.get(int(annotation.StructParent))
        if not isinstance(element, pikepdf.Dictionary):
            return None
        claimed = [e.obj for e in getattr(self, "objr", {}).get(annotation.objgen, [])]
        return element if any(e.objgen == element.objgen for e in claimed) else None

    # --- fonts ------------------------------------------------------------------------------

    def check_fonts(self) -> None:
        for key, (name, font) in self.fonts.items():
            subtype = str(font.get("/Subtype", "/?"))[1:]
            label = f"font {name} ({str(font.get('/BaseFont', '/?'))[1:]})"
            if subtype == "Type3":
                continue
            descendant = font.DescendantFonts[0] if subtype == "Type0" else font
            descriptor = descendant.get("/FontDescriptor")
            program = next(
                (descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if descriptor and k in descriptor),
                None,
            )
            if program is None:
                self.fail("31-006", f"{label} is used but its font program is not embedded")
            if subtype == "Type0":
                self._type0(label, font, descendant, program)
            elif subtype == "TrueType" and descriptor is not None:
                self._truetype(label, font, descriptor, program)
            self._unicode(label, font, self.codes.get(key, set()))

    def _type0(self, label: str, font: pikepdf.Dictionary, descendant: pikepdf.Dictionary, program: Any) -> None:
        encoding = font.get("/Encoding")
        if isinstance(encoding, pikepdf.Stream):
            ours, theirs = encoding.get("/CIDSystemInfo"), descendant.get("/CIDSystemInfo")
            if (
                ours is None
                or theirs is None
                or any(str(ours[k]) != str(theirs[k]) for k in ("/Registry", "/Ordering"))
            ):
                self.fail("UA-7.21.3.1", f"{label}: its CMap's CIDSystemInfo differs from its CIDFont's")
        embedded_type2 = descendant.get("/Subtype") == pikepdf.Name.CIDFontType2 and program is not None
        if embedded_type2 and "/CIDToGIDMap" not in descendant:
            self.fail("UA-7.21.3.1", f"{label}: an embedded CIDFontType2 without /CIDToGIDMap")

    def _truetype(self, label: str, font: pikepdf.Dictionary, descriptor: pikepdf.Dictionary, program: Any) -> None:
        symbolic = bool(int(descriptor.get("/Flags", 0)) & 4)
        encoding = font.get("/Encoding")
        tables = _cmap_tables(program) if program is not None else None
        if symbolic:
            if encoding is not None:
                self.fail("UA-7.21.6", f"{label} is symbolic but has an /Encoding")
            if tables is not None and len(tables) != 1 and (3, 0) not in tables:
                self.fail("UA-7.21.6", f"{label} is symbolic; its cmap has {sorted(tables)}, not one table or (3,0)")
            return
        base = encoding.get("/BaseEncoding") if isinstance(encoding, pikepdf.Dictionary) else encoding
        if str(base) not in ("/WinAnsiEncoding", "/MacRomanEncoding"):
            self.fail("UA-7.21.6", f"{label} is non-symbolic but its encoding is {base}, not WinAnsi or MacRoman")
        if tables is not None and (3, 1) not in tables:
            self.fail("UA-7.21.6", f"{label} is non-symbolic but its font program has no (3,1) cmap")

    def _unicode(self, label: str, font: pikepdf.Dictionary, codes: set[int]) -> None:
        """10-001 for every code shown; 31-030 for codes that draw .notdef in a Type0 identity font."""
        to_unicode = font.get("/ToUnicode")
        mapping = parse_to_unicode(to_unicode.read_bytes()) if isinstance(to_unicode, pikepdf.Stream) else None
        if mapping is None:
            if not self._standard_encoding(font):
                self.fail("10-001", f"{label} has no usable /ToUnicode map and no standard encoding")
            return
        bad = sorted(c for c in codes if mapping.get(c, "\0") in ("\0", "\ufeff", "\ufffe", ""))
        if bad and not self._standard_encoding(font):
            self.fail("10-001", f"{label}: codes {bad[:8]} map to no Unicode character")
        if font.get("/Subtype") == pikepdf.Name.Type0 and 0 in codes:
            self.fail("31-030", f"{label} shows code 0, which draws .notdef")

    @staticmethod
    def _standard_encoding(font: pikepdf.Dictionary) -> bool:
        """ISO 32000-1 9.10.2 b: a simple font with a predefined encoding, or Differences of standard names only."""
        if font.get("/Subtype") == pikepdf.Name.Type0:
            return False
        encoding = font.get("/Encoding")
        if isinstance(encoding, pikepdf.Name):
            return str(encoding) in _STANDARD_ENCODINGS
        if isinstance(encoding, pikepdf.Dictionary):
            names = [str(item)[1:] for item in encoding.get("/Differences", []) if isinstance(item, pikepdf.Name)]
            base = encoding.get("/BaseEncoding")
            return (base is None or str(base) in _STANDARD_ENCODINGS) and set(names) <= _STANDARD_LATIN
        return False

    # --- the parent tree --------------------------------------------------------------------

    def parent_tree(self) -> dict[int, Any]:
        tree = self.root.get("/StructTreeRoot")
        if tree is None or "/ParentTree" not in tree:
            if tree is not None:
                self.fail("UA-7.1-parent-tree", "the StructTreeRoot has no /ParentTree")
            return {}
        entries = dict(pikepdf.NumberTree(tree.ParentTree).items())
        next_key = tree.get("/ParentTreeNextKey")
        if entries and (next_key is None or int(next_key) <= max(entries)):
            self.fail("UA-7.1-parent-tree", f"/ParentTreeNextKey is {next_key}, not above every key ({max(entries)})")
        return entries

    def marked_content(
        self,
        index: int,
        page: pikepdf.Page,
        found: _Content,
        claims: dict[tuple[int, int], list[_Element]],
        parent_tree: dict[int, Any],
    ) -> None:
        where = f"page {index + 1}"
        if found.untagged:
            kinds = ", ".join(sorted(set(found.untagged)))
            self.fail("01-005", f"{where}: {len(found.untagged)} operators ({kinds}) outside any MCID or Artifact")
        for check, what in found.nested:
            self.fail(check, f"{where}: {what}")
        for mcid, times in sorted(found.mcids.items()):
            if times > 1:
                self.fail("UA-7.1-parent-tree", f"{where}: MCID {mcid} is used {times} times")
        if found.mcids and "/StructParents" not in page.obj:
            self.fail("UA-7.1-parent-tree", f"{where} has marked content but no /StructParents")
            return
        if not found.mcids:
            return
        entry = parent_tree.get(int(page.obj.StructParents))
        if not isinstance(entry, pikepdf.Array):
            self.fail("UA-7.1-parent-tree", f"{where}: the ParentTree has no array for /StructParents")
            return
        for mcid in sorted(found.mcids):
            owners = claims.get((index, mcid), [])
            if len(owners) != 1:
                self.fail("UA-7.1-parent-tree", f"{where}: MCID {mcid} is claimed by {len(owners)} structure elements")
            if mcid >= len(entry) or not isinstance(entry[mcid], pikepdf.Dictionary):
                self.fail("UA-7.1-parent-tree", f"{where}: the ParentTree has no element for MCID {mcid}")
            elif owners and entry[mcid].objgen != owners[0].obj.objgen:
                self.fail("UA-7.1-parent-tree", f"{where}: the ParentTree maps MCID {mcid} to another element")
        for page_index, mcid in sorted(k for k in claims if k[0] == index and k[1] not in found.mcids):
            self.fail("UA-7.1-parent-tree", f"page {page_index + 1}: the structure claims MCID {mcid}, never drawn")

    def run(self) -> list[Failure]:
        self.document()
        _, claims = self.structure()
        parent_tree = self.parent_tree()
        language_checked = False
        for index, page in enumerate(self.pdf.pages):
            found = self.content(page)
            self.marked_content(index, page, found, claims, parent_tree)
            self.annotations(index, page, parent_tree)
            self.appearances(page)
            if found.fonts and self.language() is None and not language_checked:
                language_checked = True
                lang = self.root.get("/Lang")
                self.fail("11-001", f"the catalog's /Lang is {str(lang)!r}" if lang is not None else "no /Lang")
        if "/Metadata" in self.root and self.language() is None:
            self.fail("11-006", "the metadata's language cannot be determined: the catalog has no valid /Lang")
        for key, uses in self.xobject_uses.items():
            if uses > 1 and key in self.xobjects_with_mcids:
                self.fail("30-002", f"form XObject {key} holds MCIDs and is drawn {uses} times")
        self.check_fonts()
        return self.failures


def _inherited(field: pikepdf.Dictionary, key: str) -> Any:
    node, depth = field, 0
    while node is not None and depth < 32:
        if key in node:
            return node[key]
        node, depth = node.get("/Parent"), depth + 1
    return None


def _cmap_tables(program: pikepdf.Stream) -> set[tuple[int, int]] | None:
    try:
        font = TTFont(io.BytesIO(program.read_bytes()))
        return {(table.platformID, table.platEncID) for table in font["cmap"].tables}
    except Exception:  # not a font fontTools can read: the encoding rules cannot be checked
        return None


def _page_number(page: int | None) -> str:
    return "?" if page is None else str(page + 1)


def check_pdf(source: Path | bytes) -> list[Failure]:
    """Every failure condition the file meets (none for a conforming one)."""
    data = source.read_bytes() if isinstance(source, Path) else source
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return _Checker(pdf).run()


def failures_by_check(failures: list[Failure]) -> dict[str, list[str]]:
    """Messages grouped by check, for reports and assertions."""
    grouped: dict[str, list[str]] = {}
    for failure in failures:
        grouped.setdefault(failure.check, []).append(failure.message)
    return grouped


def iter_checks() -> Iterator[tuple[str, str]]:
    """(id, what it catches) of every check, in order."""
    yield from CHECKS.items()
