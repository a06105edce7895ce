"""Answer boxes bound to custom XML: the value Word shows on opening must be the value read.

A content control with ``w:dataBinding`` takes its text from a custom XML part
(``customXml/itemN.xml``) when Word opens the file, so a crafted return can
show the officer one amount while the box's own text, which is what a reader
of the document body sees, holds another. Each bound box's stored value is
looked up here, so a difference goes to an officer with both values named.
Only plain paths are followed (``/ns0:bid[1]/ns0:amount[1]``); any other
XPath is reported as not checkable rather than evaluated.
"""

from __future__ import annotations

import re

from lxml import etree

from .namespaces import qn
from .safety import Package

__all__ = ["BoundValues", "bound_values"]

_ITEM_PROPS = re.compile(r"customXml/itemProps(\d+)\.xml")
_PLAIN_PATH = re.compile(r"(?:/[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?(?:\[\d{1,4}\])?){1,32}")
_MAPPING = re.compile(r"""xmlns:([A-Za-z_][\w.-]*)\s*=\s*['"]([^'"]*)['"]""")


class BoundValues:
    """The custom XML parts of one package, by store item id, and what a binding in them holds."""

    def __init__(self, stores: dict[str, etree._Element]) -> None:
        self.stores = stores

    def value(self, binding: etree._Element) -> str | None:
        """The text a ``w:dataBinding`` points at; None when the store or the node is not in the file.

        Raises ``ValueError`` for a path that is not a plain one, which is never evaluated.
        """
        store = self.stores.get(_item_id(binding.get(qn("w:storeItemID"), "")))
        path = binding.get(qn("w:xpath"), "")
        if not _PLAIN_PATH.fullmatch(path):
            raise ValueError(path)
        if store is None:
            return None
        mappings = dict(_MAPPING.findall(binding.get(qn("w:prefixMappings"), "")))
        try:
            found = store.getroottree().xpath(path, namespaces=mappings)
        except (etree.XPathError, TypeError, ValueError):  # lxml refuses an empty or malformed namespace this way
            raise ValueError(path) from None
        if not found or not isinstance(found[0], etree._Element):
            return None
        return "".join(found[0].itertext())


def _item_id(text: str) -> str:
    return text.strip().strip("{}").upper()


def bound_values(package: Package) -> BoundValues:
    """Every custom XML part with the store id its ``itemProps`` part gives it (Word pairs them by number)."""
    stores: dict[str, etree._Element] = {}
    for name in package.names:
        match = _ITEM_PROPS.fullmatch(name)
        item = f"customXml/item{match.group(1)}.xml" if match else None
        if item is None or not package.has(item):
            continue
        item_id = package.xml(name).get(qn("ds:itemID"), "")
        stores[_item_id(item_id)] = package.xml(item)
    return BoundValues(stores)
