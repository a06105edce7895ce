"""Find what a form should not carry: JavaScript, launch actions, attachments.

Such a file is still read (a bidder's PDF reader may have added them), but
the envelope flags it so an officer opens it with care. The catalogue, its
name trees, the fields' own actions, and each page's actions and annotations
(links, rendition actions with their scripts, file attachments) are looked at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..records.wording import plural
from .objects import entries, is_array, is_dict, object_key, seldom_set

__all__ = ["risky_content"]

_LIMIT = 5_000


def _walk(start: Any, children: Callable[[Any], Iterable[Any]], seen: set[int]) -> Iterator[Any]:
    """Every object reachable from ``start`` through ``children``, resolved, each indirect one once.

    ``seen`` bounds the walk (at most ``_LIMIT`` indirect objects), so a loop
    of references or a huge graph ends it early instead of hanging.
    """
    stack = [start]
    while stack and len(seen) < _LIMIT:
        item = stack.pop()
        key = object_key(item)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        yield item
        stack.extend(children(item))


def _action_links(item: Any) -> list[Any]:
    """What an action leads to: its /Next chain, or every action of an additional-actions dictionary."""
    if is_array(item):
        return entries(item)
    if not is_dict(item):
        return []
    links = [item.get("/Next")] if "/Next" in item else []
    if "/S" not in item:  # an additional-actions dictionary: every value is an action
        links.extend(item.values())
    return links


def _actions(obj: Any, where: str, found: dict[str, list[str]], seen: set[int]) -> None:
    """Record JavaScript and launch actions in an action (or action dictionary) and its /Next chain."""
    if obj is None:  # no action here (most fields and pages): nothing to walk
        return
    for item in _walk(obj, _action_links, seen):
        if is_dict(item):
            kind = item.get("/S")
            if kind == "/JavaScript" or (kind == "/Rendition" and "/JS" in item):
                found.setdefault("javascript", []).append(where)
            elif kind == "/Launch":
                found.setdefault("launch_actions", []).append(where)


def _name_tree_links(node: Any) -> list[Any]:
    return entries(seldom_set(node, "/Kids")) if is_dict(node) else []


def _names(tree: Any, seen: set[int]) -> int:
    """How many entries a name tree holds (bounded)."""
    count = 0
    for node in _walk(tree, _name_tree_links, seen):
        count += len(entries(node.get("/Names"))) // 2 if is_dict(node) else 0
    return count


def _field_links(node: Any) -> list[Any]:
    """A field's kids (or the members of the /Fields array); anything malformed leads nowhere."""
    if is_dict(node):
        node = seldom_set(node, "/Kids")
    return entries(node)


def _field_nodes(acroform: Any, seen: set[int]) -> list[Any]:
    nodes = _walk(acroform.get("/Fields"), _field_links, seen)
    return [node for node in nodes if is_dict(node)]


def _page_links(node: Any) -> list[Any]:
    """A page-tree node's kids, last first (the walk pops them, so pages come in order); a page has none."""
    return list(reversed(entries(node.get("/Kids")))) if is_dict(node) else []


def _pages(root: Any, found: dict[str, list[str]], actions: set[int], seen: set[int]) -> None:
    """Each page's open and close actions, and its annotations' actions and attached files."""
    number = 0
    for node in _walk(root.get("/Pages"), _page_links, seen):
        if not is_dict(node) or node.get("/Type") != "/Page":
            continue
        number += 1
        _actions(seldom_set(node, "/AA"), f"page {number} actions", found, actions)
        for annotation in entries(node.get("/Annots"))[:_LIMIT]:
            if not is_dict(annotation) or annotation.get("/Subtype") == "/Widget":
                continue  # a field's widget is looked at with the fields; any other annotation is looked at here
            where = f"page {number} {str(annotation.get('/Subtype', '/annotation')).lstrip('/').lower()}"
            _actions(seldom_set(annotation, "/A"), where, found, actions)
            _actions(seldom_set(annotation, "/AA"), where, found, actions)
            if annotation.get("/Subtype") == "/FileAttachment":
                found.setdefault("attachments", []).append(where)


def risky_content(root: Any, acroform: Any) -> dict[str, Any]:
    """Flags for the envelope, e.g. ``{"javascript": ["document open action"]}``.

    Each walk is bounded; one that reaches its bound adds ``scan_incomplete``,
    so an officer knows the file was too tangled to check in full.
    """
    found: dict[str, list[str]] = {}
    actions: set[int] = set()
    walks = {"actions": actions}
    _actions(root.get("/OpenAction"), "document open action", found, actions)
    _actions(root.get("/AA"), "document actions", found, actions)
    names = root.get("/Names")
    if is_dict(names):
        if "/JavaScript" in names and _names(names.get("/JavaScript"), walks.setdefault("scripts", set())):
            found.setdefault("javascript", []).append("document scripts")
        if "/EmbeddedFiles" in names and (
            count := _names(names.get("/EmbeddedFiles"), walks.setdefault("files", set()))
        ):
            found.setdefault("attachments", []).append(plural(count, "embedded file"))
    _pages(root, found, actions, walks.setdefault("pages", set()))
    for node in _field_nodes(acroform, walks.setdefault("fields", set())):
        action, more = seldom_set(node, "/A"), seldom_set(node, "/AA")
        attached = node.get("/Subtype") == "/FileAttachment"
        if action is None and more is None and not attached:  # most fields: nothing to name
            continue
        where = f"field {node.get('/T', '(widget)')}"
        _actions(action, where, found, actions)
        _actions(more, where, found, actions)
        if attached:
            found.setdefault("attachments", []).append(where)
    if cut_short := [name for name, seen in walks.items() if len(seen) >= _LIMIT]:
        found["scan_incomplete"] = [
            f"more than {_LIMIT:,} objects in its {name}; not all were checked" for name in cut_short
        ]
    return dict(found)
