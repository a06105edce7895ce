"""Make a drawn form a tagged PDF (PDF/UA-1, ISO 14289-1), so screen readers can read and fill it.

This module owns everything about tags, in two steps:

* While reportlab draws the page, :class:`Tagger` wraps each run of real
  content (a line of a heading, of help, a table header) in a marked-content
  sequence with an MCID (``/P <</MCID 3>> BDC ... EMC``) and everything else
  (the box outlines, a table header repeated on a new page) in an
  ``/Artifact`` sequence, and records, in reading order, which structure
  element each run and each field belongs to.
* After the fields exist, :func:`write_structure` turns that record into the
  structure tree (StructTreeRoot, one element per record, a ``/Form`` element
  with an ``/OBJR`` per widget), the ParentTree that maps every MCID and every
  widget back to its element, each page's ``/StructParents`` and ``/Tabs /S``,
  and the document-level entries PDF/UA asks for: ``/MarkInfo``, ``/Lang``,
  ``/ViewerPreferences /DisplayDocTitle`` and the XMP ``pdfuaid:part``.

The builder only says what it draws (``with tagger.element("H2")``); it never
writes marked-content operators or structure dictionaries itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import pikepdf
from reportlab.pdfgen.canvas import Canvas

__all__ = ["LANGUAGE", "Tagger", "write_structure"]

#: The natural language of every form's text (and of its fields' tooltips).
LANGUAGE = "en-GB"
_PDFUA_PART = "1"


@dataclass(frozen=True)
class _Run:
    """One marked-content sequence: its page and its MCID there."""

    page: int
    mcid: int


@dataclass(frozen=True)
class _Widget:
    """A field's widget, by its index in the builder's list of fields."""

    index: int


@dataclass
class _Element:
    """A structure element to be: its standard type, attributes and kids in reading order."""

    role: str
    attributes: dict[str, str] = field(default_factory=dict)
    kids: list[_Element | _Run | _Widget] = field(default_factory=list)
    #: Alternative text (``/Alt``): what a screen reader says for a Figure.
    alt: str | None = None


class Tagger:
    """Records the structure of what a canvas draws, and marks its content as it is drawn."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.page = 0
        self._next_mcid = 0
        self.root = _Element("Document")
        self._open: list[_Element] = [self.root]

    def next_page(self) -> None:
        """The canvas moved to a new page: MCIDs count from 0 on each page."""
        self.page += 1
        self._next_mcid = 0

    @contextmanager
    def element(self, role: str, alt: str | None = None, **attributes: str) -> Iterator[None]:
        """A structure element of standard type ``role``; what is drawn or added inside belongs to it.

        ``alt`` is its alternative text (a ``Figure`` must have one); ``attributes`` go in a Table
        attribute object (``Scope="Column"`` for a column header).
        """
        node = _Element(role, attributes, alt=alt)
        self._open[-1].kids.append(node)
        self._open.append(node)
        try:
            yield
        finally:
            self._open.pop()

    @contextmanager
    def content(self) -> Iterator[None]:
        """Real content of the innermost open element: drawn inside a BDC with the page's next MCID."""
        node = self._open[-1]
        run = _Run(self.page, self._next_mcid)
        self._next_mcid += 1
        node.kids.append(run)
        self.canvas.addLiteral(f"/{node.role} <</MCID {run.mcid}>> BDC")
        try:
            yield
        finally:
            self.canvas.addLiteral("EMC")

    @contextmanager
    def artifact(self, kind: str | None = None) -> Iterator[None]:
        """Drawing that is not content (an outline; ``kind="Pagination"`` for a repeated header)."""
        self.canvas.addLiteral(f"/Artifact <</Type /{kind}>> BDC" if kind else "/Artifact BMC")
        try:
            yield
        finally:
            self.canvas.addLiteral("EMC")

    def widget(self, index: int) -> None:
        """The field at ``index`` of the builder's list goes here, in its own ``/Form`` element."""
        self._open[-1].kids.append(_Element("Form", kids=[_Widget(index)]))


class _Writer:
    """Builds the structure tree of a :class:`Tagger`'s record in a pikepdf document."""

    def __init__(self, pdf: pikepdf.Pdf, widgets: Sequence[pikepdf.Object]) -> None:
        self.pdf = pdf
        self.widgets = widgets
        self.pages = [page.obj for page in pdf.pages]
        self.by_mcid: list[dict[int, pikepdf.Object]] = [{} for _ in self.pages]
        self.parent_tree = pikepdf.NumberTree.new(pdf)
        self.next_key = len(self.pages)  # keys 0..pages-1 are the pages' own

    def element(self, node: _Element, parent: pikepdf.Object) -> pikepdf.Object:
        elem = self.pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + node.role), P=parent)
        )
        if node.attributes:
            attributes = {"/" + key: pikepdf.Name("/" + value) for key, value in node.attributes.items()}
            elem.A = pikepdf.Dictionary({"/O": pikepdf.Name.Table, **attributes})
        if node.alt is not None:
            elem.Alt = pikepdf.String(node.alt)
        home = self._home_page(node)
        if home is not None:
            elem.Pg = self.pages[home]
        kids = pikepdf.Array()
        for kid in node.kids:
            if isinstance(kid, _Element):
                kids.append(self.element(kid, elem))
            elif isinstance(kid, _Run):
                self.by_mcid[kid.page][kid.mcid] = elem
                if kid.page == home:
                    kids.append(kid.mcid)
                else:
                    kids.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=self.pages[kid.page], MCID=kid.mcid))
            else:
                kids.append(self._object_reference(kid, elem))
        elem.K = kids
        return elem

    def _home_page(self, node: _Element) -> int | None:
        """The page of an element's first run or widget, which its /Pg names."""
        for kid in node.kids:
            if isinstance(kid, _Run):
                return kid.page
            if isinstance(kid, _Widget):
                return self.pages.index(self.widgets[kid.index].P)
        return None

    def _object_reference(self, kid: _Widget, elem: pikepdf.Object) -> pikepdf.Dictionary:
        widget = self.widgets[kid.index]
        widget.StructParent = self.next_key
        self.parent_tree[self.next_key] = elem
        self.next_key += 1
        return pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=widget, Pg=widget.P)

    def finish(self, root: pikepdf.Object, document: pikepdf.Object) -> None:
        """Each page's MCIDs into the ParentTree, and the tree's root entries."""
        for index, page in enumerate(self.pages):
            marked = self.by_mcid[index]
            if sorted(marked) != list(range(len(marked))):
                raise RuntimeError(f"page {index + 1}: MCIDs {sorted(marked)} are not numbered from 0 without gaps")
            page.StructParents = index
            page.Tabs = pikepdf.Name.S  # tab through the fields in structure order
            self.parent_tree[index] = self.pdf.make_indirect(pikepdf.Array([marked[m] for m in range(len(marked))]))
        root.K = document
        root.ParentTree = self.parent_tree.obj
        root.ParentTreeNextKey = self.next_key


def write_structure(
    pdf: pikepdf.Pdf, tagger: Tagger, widgets: Sequence[pikepdf.Object], title: str, language: str = LANGUAGE
) -> None:
    """Add the structure tree of everything ``tagger`` recorded, and the catalog entries PDF/UA asks for.

    ``widgets`` are the fields' widget annotations, in the order the builder recorded the fields.
    """
    writer = _Writer(pdf, widgets)
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    writer.finish(root, writer.element(tagger.root, root))
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.Root.Lang = pikepdf.String(language)
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["dc:title"] = title
        xmp["pdfuaid:part"] = _PDFUA_PART
