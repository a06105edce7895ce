"""The published checklists, read from ``data/checklists.yaml``: the one place they live.

The guidance site shows them as lists a person can tick and print; the forms and
the evaluation read the same items, so a wording changes in one file only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from ..records.criteria import criteria_set
from ..records.errors import CommissionError, entry_named
from ..records.loading import load_project_yaml
from ..records.resources import resource_dir
from ..records.schemas import fields

__all__ = ["Checklist", "ChecklistGroup", "ChecklistItem", "checklist", "checklist_names"]

#: Keys of checklists.yaml that hold other reference data, not a checklist.
_NOT_CHECKLISTS = frozenset({"risk_log"})


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    sub: tuple[ChecklistItem, ...] = ()


@dataclass(frozen=True)
class ChecklistGroup:
    title: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Checklist:
    name: str
    title: str
    intro: str
    source: str
    groups: tuple[ChecklistGroup, ...]
    #: A checklist that mirrors a block of a form names it (kind and JSON Pointer);
    #: its item ids are then the block's field names, in form order.
    form_kind: str = ""
    form_pointer: str = ""
    #: A checklist made from a criteria set (``data/criteria.yaml``) names the set.
    criteria: str = ""

    def item_titles(self) -> dict[str, str]:
        """Item id -> a short title: the form field's, or the criterion's (empty if neither)."""
        if self.criteria:
            return {c.id: c.title for c in criteria_set(self.criteria).criteria}
        if not self.form_kind:
            return {}
        prefix = self.form_pointer + "/"
        return {
            spec.name: spec.title
            for spec in fields(self.form_kind)
            if spec.pointer.startswith(prefix) and "/" not in spec.pointer[len(prefix) :]
        }

    def items(self) -> Iterator[ChecklistItem]:
        """Every item, sub-items after their parent, in reading order."""
        for group in self.groups:
            for item in group.items:
                yield item
                yield from item.sub

    @property
    def top_level(self) -> list[ChecklistItem]:
        return [item for group in self.groups for item in group.items]


def _item(raw: Mapping[str, Any], where: str) -> ChecklistItem:
    if not str(raw.get("id", "")).strip() or not str(raw.get("text", "")).strip():
        raise CommissionError(f"{where}: every checklist item needs an id and a text (found {dict(raw)!r}).")
    sub = tuple(_item(child, where) for child in raw.get("sub", ()))
    return ChecklistItem(str(raw["id"]), str(raw["text"]).strip(), sub)


def _groups(name: str, body: Mapping[str, Any], where: str) -> tuple[ChecklistGroup, ...]:
    """The items as written in the file, or the questions of a criteria set."""
    if body.get("criteria"):
        found = criteria_set(str(body["criteria"]))
        return (ChecklistGroup("", tuple(ChecklistItem(c.id, c.question or c.title) for c in found.criteria)),)
    if not body.get("groups"):
        raise CommissionError(f"{where}: checklist '{name}' has neither 'groups' nor 'criteria'.")
    return tuple(
        ChecklistGroup(str(group.get("title", "")), tuple(_item(item, f"{where}: '{name}'") for item in group["items"]))
        for group in body["groups"]
    )


def _checklist(name: str, body: Mapping[str, Any], where: str) -> Checklist:
    for key in ("title", "intro", "source"):
        if not body.get(key):
            raise CommissionError(f"{where}: checklist '{name}' has no '{key}'.")
    groups = _groups(name, body, where)
    form = body.get("form") or {}
    found = Checklist(
        name,
        str(body["title"]),
        str(body["intro"]).strip(),
        str(body["source"]),
        groups,
        form_kind=str(form.get("kind", "")),
        form_pointer=str(form.get("pointer", "")),
        criteria=str(body.get("criteria", "")),
    )
    ids = [item.id for item in found.items()]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise CommissionError(f"{where}: checklist '{name}' uses the item id {', '.join(repeated)} more than once.")
    if found.form_kind and ids != list(found.item_titles()):
        raise CommissionError(
            f"{where}: the items of '{name}' must be the fields of {found.form_pointer} in the {found.form_kind} "
            f"schema, in order ({', '.join(found.item_titles())}); found {', '.join(ids)}."
        )
    return found


@cache
def raw_data() -> dict[str, Any]:
    """The parsed file, for the modules that read its other sections."""
    path = resource_dir("data") / "checklists.yaml"
    try:
        return dict(load_project_yaml(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise CommissionError(f"{path}: the checklists cannot be read ({exc}).") from exc


@cache
def _all() -> dict[str, Checklist]:
    where = str(resource_dir("data") / "checklists.yaml")
    return {name: _checklist(name, body, where) for name, body in raw_data().items() if name not in _NOT_CHECKLISTS}


def checklist_names() -> list[str]:
    """Names of the checklists, in the order the file gives them."""
    return list(_all())


def checklist(name: str) -> Checklist:
    """``planning-questions``, ``brief-challenge``, ``compact-proofing``, ``equality-and-diversity``."""
    return entry_named(_all(), name, "checklist", "data/checklists.yaml")
