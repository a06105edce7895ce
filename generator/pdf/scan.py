"""Find what a form should not carry: JavaScript, launch actions, attachments.

Such a file is still read (a bidder's PDF reader may have added them), but
the envelope flags it so an officer opens it with care. Only the catalogue,
its name trees and the fields' own actions are looked at.
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
    links = [item["/Next"]] if "/Next" in item else []
    if "/S" not in item:  # an additional-actions dictionary: every value is an action
        links.extend(item.values())
    return links


def _actions(obj: Any, where: str, found: dict[str, list[str]], seen: set[int]) -> None:
    """Record JavaScript and launch actions in an action (or action dictionary) and its /Next chain."""
    for item in _walk(obj, _action_links, seen):
        if isinstance(item, DictionaryObject):
            kind = item.get("/S")
            if kind == "/JavaScript":
                found.setdefault("javascript", []).append(where)
            elif kind == "/Launch":
                found.setdefault("launch_actions", []).append(where)


def _names(tree: Any) -> int:
    """How many entries a name tree holds (bounded)."""
    count, stack, seen = 0, [tree], 0
    while stack and seen < _LIMIT:
        node, seen = _resolve(stack.pop()), seen + 1
        if isinstance(node, DictionaryObject):
            count += len(_resolve(node.get("/Names", ArrayObject()))) // 2
            stack.extend(_resolve(node.get("/Kids", ArrayObject())))
    return count


def _field_links(node: Any) -> list[Any]:
    """A field's kids (or the members of the /Fields array); anything malformed leads nowhere."""
    if isinstance(node, DictionaryObject):
        node = _resolve(node.get("/Kids"))
    return list(node) if isinstance(node, ArrayObject) else []


def _field_nodes(acroform: DictionaryObject) -> list[DictionaryObject]:
    nodes = _walk(acroform.get("/Fields"), _field_links, set())
    return [node for node in nodes if isinstance(node, DictionaryObject)]


def risky_content(root: DictionaryObject, acroform: DictionaryObject) -> dict[str, Any]:
    """Flags for the envelope, e.g. ``{"javascript": ["document open action"]}``."""
    found: dict[str, list[str]] = {}
    seen: set[int] = set()
    _actions(root.get("/OpenAction"), "document open action", found, seen)
    _actions(root.get("/AA"), "document actions", found, seen)
    names = _resolve(root.get("/Names"))
    if isinstance(names, DictionaryObject):
        if "/JavaScript" in names and _names(names["/JavaScript"]):
            found.setdefault("javascript", []).append("document scripts")
        if "/EmbeddedFiles" in names and (count := _names(names["/EmbeddedFiles"])):
            found.setdefault("attachments", []).append(f"{count} embedded file(s)")
    for node in _field_nodes(acroform):
        where = f"field {node.get('/T', '(widget)')}"
        _actions(node.get("/A"), where, found, seen)
        _actions(node.get("/AA"), where, found, seen)
        if node.get("/Subtype") == "/FileAttachment":
            found.setdefault("attachments", []).append(where)
    return dict(found)
