"""Find what a form should not carry: JavaScript, launch actions, attachments.

Such a file is still read (a bidder's PDF reader may have added them), but
the envelope flags it so an officer opens it with care. The catalogue, its
name trees, the fields' own actions, and each page's actions and annotations
(links, rendition actions with their scripts, file attachments) are looked at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

__all__ = ["risky_content"]

_LIMIT = 5_000


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _walk(start: Any, children: Callable[[Any], Iterable[Any]], seen: set[int]) -> Iterator[Any]:
    """Every object reachable from ``start`` through ``children``, resolved, each indirect one once.

    ``seen`` bounds the walk (at most ``_LIMIT`` indirect objects), so a loop
    of references or a huge graph ends it early instead of hanging.
    """
    stack = [start]
    while stack and len(seen) < _LIMIT:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
        item = _resolve(item)
        yield item
        stack.extend(children(item))


def _action_links(item: Any) -> list[Any]:
    """What an action leads to: its /Next chain, or every action of an additional-actions dictionary."""
    if isinstance(item, ArrayObject):
        return list(item)
    if not isinstance(item, DictionaryObject):
        return []
    links = [item.raw_get("/Next")] if "/Next" in item else []  # raw: a resolved link escapes the seen set
    if "/S" not in item:  # an additional-actions dictionary: every value is an action
        links.extend(item.values())
    return links


def _actions(obj: Any, where: str, found: dict[str, list[str]], seen: set[int]) -> None:
    """Record JavaScript and launch actions in an action (or action dictionary) and its /Next chain."""
    for item in _walk(obj, _action_links, seen):
        if isinstance(item, DictionaryObject):
            kind = item.get("/S")
            if kind == "/JavaScript" or (kind == "/Rendition" and "/JS" in item):
                found.setdefault("javascript", []).append(where)
            elif kind == "/Launch":
                found.setdefault("launch_actions", []).append(where)


def _name_tree_links(node: Any) -> list[Any]:
    kids = _resolve(node.get("/Kids")) if isinstance(node, DictionaryObject) else None
    return list(kids) if isinstance(kids, ArrayObject) else []


def _names(tree: Any, seen: set[int]) -> int:
    """How many entries a name tree holds (bounded)."""
    count = 0
    for node in _walk(tree, _name_tree_links, seen):
        entries = _resolve(node.get("/Names")) if isinstance(node, DictionaryObject) else None
        count += len(entries) // 2 if isinstance(entries, ArrayObject) else 0
    return count


def _field_links(node: Any) -> list[Any]:
    """A field's kids (or the members of the /Fields array); anything malformed leads nowhere."""
    if isinstance(node, DictionaryObject):
        node = _resolve(node.get("/Kids"))
    return list(node) if isinstance(node, ArrayObject) else []


def _field_nodes(acroform: DictionaryObject, seen: set[int]) -> list[DictionaryObject]:
    nodes = _walk(acroform.get("/Fields"), _field_links, seen)
    return [node for node in nodes if isinstance(node, DictionaryObject)]


def _page_links(node: Any) -> list[Any]:
    """A page-tree node's kids, last first (the walk pops them, so pages come in order); a page has none."""
    kids = _resolve(node.get("/Kids")) if isinstance(node, DictionaryObject) else None
    return list(reversed(kids)) if isinstance(kids, ArrayObject) else []


def _pages(root: DictionaryObject, found: dict[str, list[str]], actions: set[int], seen: set[int]) -> None:
    """Each page's open and close actions, and its annotations' actions and attached files."""
    number = 0
    for node in _walk(root.raw_get("/Pages") if "/Pages" in root else None, _page_links, seen):
        if not isinstance(node, DictionaryObject) or node.get("/Type") != "/Page":
            continue
        number += 1
        _actions(node.get("/AA"), f"page {number} actions", found, actions)
        annotations = _resolve(node.get("/Annots"))
        for annotation in (annotations if isinstance(annotations, ArrayObject) else [])[:_LIMIT]:
            annotation = _resolve(annotation)
            if not isinstance(annotation, DictionaryObject) or annotation.get("/Subtype") == "/Widget":
                continue  # a field's widget is looked at with the fields; any other annotation is looked at here
            where = f"page {number} {str(annotation.get('/Subtype', '/annotation')).lstrip('/').lower()}"
            _actions(annotation.get("/A"), where, found, actions)
            _actions(annotation.get("/AA"), where, found, actions)
            if annotation.get("/Subtype") == "/FileAttachment":
                found.setdefault("attachments", []).append(where)


def risky_content(root: DictionaryObject, acroform: DictionaryObject) -> dict[str, Any]:
    """Flags for the envelope, e.g. ``{"javascript": ["document open action"]}``.

    Each walk is bounded; one that reaches its bound adds ``scan_incomplete``,
    so an officer knows the file was too tangled to check in full.
    """
    found: dict[str, list[str]] = {}
    actions: set[int] = set()
    walks = {"actions": actions}
    _actions(root.get("/OpenAction"), "document open action", found, actions)
    _actions(root.get("/AA"), "document actions", found, actions)
    names = _resolve(root.get("/Names"))
    if isinstance(names, DictionaryObject):
        if "/JavaScript" in names and _names(names.raw_get("/JavaScript"), walks.setdefault("scripts", set())):
            found.setdefault("javascript", []).append("document scripts")
        if "/EmbeddedFiles" in names and (
            count := _names(names.raw_get("/EmbeddedFiles"), walks.setdefault("files", set()))
        ):
            found.setdefault("attachments", []).append(f"{count} embedded file(s)")
    _pages(root, found, actions, walks.setdefault("pages", set()))
    for node in _field_nodes(acroform, walks.setdefault("fields", set())):
        where = f"field {node.get('/T', '(widget)')}"
        _actions(node.get("/A"), where, found, actions)
        _actions(node.get("/AA"), where, found, actions)
        if node.get("/Subtype") == "/FileAttachment":
            found.setdefault("attachments", []).append(where)
    if cut_short := [name for name, seen in walks.items() if len(seen) >= _LIMIT]:
        found["scan_incomplete"] = [
            f"more than {_LIMIT:,} objects in its {name}; not all were checked" for name in cut_short
        ]
    return dict(found)
