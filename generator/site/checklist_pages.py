"""Checklist pages: lists a person can tick on screen and print.

Each item is a real check box with its own label, so it works with a
keyboard and a screen reader; ``assets/checklists.js`` remembers the ticks in
the browser and runs the print and clear buttons. Without scripts the boxes
still tick and print.
"""

from __future__ import annotations

from .checklists import Checklist, ChecklistItem
from .markdown import GENERATED_NOTE, attr, esc

__all__ = ["checklist_page", "checklists_index"]


def _item_html(checklist: Checklist, item: ChecklistItem, titles: dict[str, str]) -> list[str]:
    box_id = f"{checklist.name}-{item.id}".replace(".", "-").replace("_", "-")
    title = titles.get(item.id)
    label = f"<strong>{attr(title)}.</strong> {attr(item.text)}" if title else attr(item.text)
    opening = (
        f'<li class="checklist-item"><input type="checkbox" id="{box_id}" name="{attr(item.id)}" '
        f'data-checklist="{checklist.name}"><label for="{box_id}">{label}</label>'
    )
    if not item.sub:
        return [opening + "</li>"]
    lines = [opening, '<ul class="checklist checklist-sub">']
    for child in item.sub:
        lines += _item_html(checklist, child, titles)
    return [*lines, "</ul>", "</li>"]


def _group_html(checklist: Checklist, items: tuple[ChecklistItem, ...], titles: dict[str, str]) -> str:
    lines = ['<ol class="checklist">']
    for item in items:
        lines += _item_html(checklist, item, titles)
    return "\n".join([*lines, "</ol>"])


def checklist_page(checklist: Checklist, form_guide: str = "") -> str:
    """The Markdown page of one checklist."""
    titles = checklist.item_titles()
    total = sum(1 for _ in checklist.items())
    parts = [
        f"# {esc(checklist.title)}",
        "",
        GENERATED_NOTE.format(source="data/checklists.yaml"),
        "",
        esc(checklist.intro),
        "",
        f"Tick each item when you are sure of it. Your ticks are kept in this browser only, "
        f"on this device, until you clear them. There are {total} items.",
        "",
    ]
    if form_guide:
        parts += [f"The same items appear on the form: see the [form guide]({form_guide}).", ""]
    for group in checklist.groups:
        if group.title:
            parts += [f"## {esc(group.title)}", ""]
        parts += [_group_html(checklist, group.items, titles), ""]
    parts += [
        f'<div class="checklist-actions" data-checklist="{checklist.name}">',
        f'<p class="checklist-status" role="status">0 of {total} items ticked</p>',
        '<button type="button" class="md-button md-button--primary" data-action="print" hidden>Print this checklist</button>',
        '<button type="button" class="md-button" data-action="clear" hidden>Clear all ticks</button>',
        "</div>",
        "",
        f"*Where the facts come from: {esc(checklist.source)}. The wording is our own.*",
        "",
    ]
    return "\n".join(parts)


def checklists_index(checklists: list[Checklist]) -> str:
    """The landing page of the checklists section."""
    lines = [
        "# Checklists",
        "",
        GENERATED_NOTE.format(source="data/checklists.yaml"),
        "",
        "Each checklist can be ticked on screen and printed. Your ticks stay in your own browser.",
        "",
    ]
    for checklist in checklists:
        count = sum(1 for _ in checklist.items())
        lines.append(f"- [{esc(checklist.title)}]({checklist.name}.md): {count} items.")
    return "\n".join(lines) + "\n"
