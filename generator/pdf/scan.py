"""Find what a form should not carry: JavaScript, launch actions, attachments.

Such a file is still read (a bidder's PDF reader may have added them), but
the envelope flags it so an officer opens it with care. Only the catalogue,
its name trees and the fields' own actions are looked at.
"""

from __future__ import annotations

from typing import Any

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

__all__ = ["risky_content"]

_LIMIT = 5_000


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _actions(obj: Any, where: str, found: dict[str, list[str]], seen: set[int]) -> None:
    """Record JavaScript and launch actions in an action (or action dictionary) and its /Next chain."""
    stack = [obj]
    while stack and len(seen) < _LIMIT:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
        item = _resolve(item)
        if isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, DictionaryObject):
            kind = item.get("/S")
            if kind == "/JavaScript":
                found.setdefault("javascript", []).append(where)
            elif kind == "/Launch":
                found.setdefault("launch_actions", []).append(where)
            if "/Next" in item:
                stack.append(item["/Next"])
            if "/S" not in item:  # an additional-actions dictionary: every value is an action
                stack.extend(item.values())


def _names(tree: Any) -> int:
    """How many entries a name tree holds (bounded)."""
    count, stack, seen = 0, [tree], 0
    while stack and seen < _LIMIT:
        node, seen = _resolve(stack.pop()), seen + 1
        if isinstance(node, DictionaryObject):
            count += len(_resolve(node.get("/Names", ArrayObject()))) // 2
            stack.extend(_resolve(node.get("/Kids", ArrayObject())))
    return count


def _field_nodes(acroform: DictionaryObject) -> list[DictionaryObject]:
    nodes, stack, seen = [], list(_resolve(acroform.get("/Fields", ArrayObject()))), set()
    while stack and len(seen) < _LIMIT:
        ref = stack.pop()
        if isinstance(ref, IndirectObject):
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
        node = _resolve(ref)
        if isinstance(node, DictionaryObject):
            nodes.append(node)
            stack.extend(_resolve(node.get("/Kids", ArrayObject())))
    return nodes


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
