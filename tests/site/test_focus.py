"""The keyboard focus shows, in both palettes: WCAG 2.4.7, which axe-core cannot check.

The theme draws no ring on form fields (``input{outline:none}``), so a tick box
or the search box could hold the focus unseen. These tests press Tab as a
keyboard user would, then look at the pixels Chromium draws.
"""

from __future__ import annotations

import io
from urllib.parse import urljoin

import pytest
from PIL import Image
from playwright.sync_api import Browser, Locator, Page

CHECKLIST = "checklists/equality-and-diversity.html"
PALETTES = {"default": "light", "slate": "dark"}
#: What shows the focus of each element: itself, or for the palette switch (a hidden radio button) its visible label.
_SHOWN = """() => {
    const node = document.activeElement;
    const shown = node.matches(".md-option") ? node.form.querySelector("label:not([hidden])") : node;
    const style = getComputedStyle(shown);
    const box = shown.getBoundingClientRect();
    return {
        name: `${node.tagName.toLowerCase()}.${node.className} ${node.getAttribute("aria-label") || node.textContent}`
            .replace(/\\s+/g, " ").slice(0, 80),
        style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor,
        seen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight && style.visibility !== "hidden",
    };
}"""


@pytest.fixture(params=PALETTES)
def palette_page(request: pytest.FixtureRequest, browser: Browser, site_url: str) -> Page:
    """A checklist in the palette a visitor's system asks for, at desktop width."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=PALETTES[request.param])
    context.set_default_timeout(10_000)
    request.addfinalizer(context.close)
    page = context.new_page()
    page.goto(urljoin(site_url, CHECKLIST))
    assert page.locator("body").get_attribute("data-md-color-scheme") == request.param
    return page


def _tab_to(page: Page, selector: str) -> Locator:
    """Press Tab until the focus is on an element matching the selector, as a keyboard user gets there."""
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.locator(":focus")
    raise AssertionError(f"Tab never reached {selector}")


def _luminance(rgb: tuple[int, ...]) -> float:
    channels = [c / 255 for c in rgb[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(one: tuple[int, ...], other: tuple[int, ...]) -> float:
    """WCAG contrast ratio of two colours."""
    high, low = sorted([_luminance(one), _luminance(other)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def _ring_contrast(focused: Image.Image, plain: Image.Image, box: tuple[int, int, int, int], inside: bool) -> float:
    """The weakest contrast, all round the box, between the focused picture and the plain one.

    At each point along each edge (corners aside, where a ring may round off) the
    best contrast within 6px of the edge counts, outside it or, for a ring drawn
    inside, inside it: the result is high only if a ring of that contrast runs
    unbroken round the box.
    """
    left, top, right, bottom = box
    depth = range(6)
    if inside:
        lefts, rights = [left + d for d in depth], [right - 1 - d for d in depth]
        tops, bottoms = [top + d for d in depth], [bottom - 1 - d for d in depth]
    else:
        lefts, rights = [left - 1 - d for d in depth], [right + d for d in depth]
        tops, bottoms = [top - 1 - d for d in depth], [bottom + d for d in depth]
    lines = [[(x, y) for x in xs] for y in range(top + 4, bottom - 4) for xs in (lefts, rights)]
    lines += [[(x, y) for y in ys] for x in range(left + 4, right - 4) for ys in (tops, bottoms)]
    return min(max(_contrast(focused.getpixel(at), plain.getpixel(at)) for at in line) for line in lines)


def _picture(page: Page, clip: dict[str, int]) -> Image.Image:
    """The area as drawn, transitions run to their end."""
    return Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled"))).convert("RGB")


_SETTLED = "() => document.getAnimations().every(animation => animation.playState !== 'running')"
#: Where to Tab to, and whether its ring is drawn inside it (the search box fills a box that clips).
TARGETS = {
    "tick box": (".checklist input[type=checkbox]", False),
    "link in the text": ("article a[href]:not(.headerlink)", False),
    "tab on the indigo bar": (".md-tabs__link", False),
    "search box": (".md-search__input", True),
}


@pytest.mark.parametrize("target", TARGETS)
def test_the_focus_ring_is_drawn_and_stands_out(palette_page: Page, target: str):
    """A solid ring of 2px or more, unbroken round the element, at 3:1 or more against what it covers.

    The plain picture is the element blurred, except for the search box: leaving
    it closes the search and recolours the box, so there the ring alone is hidden.
    """
    page = palette_page
    selector, inside = TARGETS[target]
    element = _tab_to(page, selector)
    element.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_function(_SETTLED)  # the search box widens as it opens: measure it open
    style, width = element.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]")
    assert style != "none" and float(width.removesuffix("px")) >= 2, (style, width)
    found = element.bounding_box()
    assert found is not None
    edges = (found["x"], found["y"], found["x"] + found["width"], found["y"] + found["height"])
    x, y = (max(0, int(at) - 12) for at in edges[:2])
    clip = {"x": x, "y": y, "width": int(edges[2]) + 12 - x, "height": int(edges[3]) + 12 - y}
    focused = _picture(page, clip)
    if inside:
        element.evaluate("e => e.style.setProperty('outline-style', 'none', 'important')")
    else:
        element.blur()
    plain = _picture(page, clip)
    box = tuple(round(at) - origin for at, origin in zip(edges, (x, y, x, y), strict=True))
    room = 0 if inside else 6  # the whole band looked at is in the picture
    assert min(box[:2]) >= room and box[2] + room <= focused.width and box[3] + room <= focused.height
    assert _ring_contrast(focused, plain, box, inside) >= 3


def test_every_stop_of_the_keyboard_shows_a_ring(palette_page: Page):
    """Tab round the whole page: every stop is on screen and ringed, so the focus is never lost from sight."""
    page = palette_page
    stops = []
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        stops.append(page.evaluate(_SHOWN))
    assert len(stops) > 20
    assert page.get_by_role("checkbox").count() < len(stops)
    unseen = [
        stop["name"]
        for stop in stops
        if not (
            stop["seen"] and stop["style"] == "solid" and stop["width"] >= 2 and stop["colour"] != "rgba(0, 0, 0, 0)"
        )
    ]
    assert unseen == []


def test_a_mouse_click_draws_no_ring(palette_page: Page):
    """:focus-visible: the ring is for the keyboard, a tick box clicked keeps its plain look."""
    box = palette_page.locator(".checklist input[type=checkbox]").first
    box.click()
    assert box.evaluate("e => document.activeElement === e && getComputedStyle(e).outlineStyle") == "none"


_UNDER_HEADER = """() => {
    const box = document.activeElement.getBoundingClientRect();
    return box.top < document.querySelector(".md-header").getBoundingClientRect().bottom;
}"""


def test_going_back_with_shift_tab_never_leaves_the_focus_under_the_header(page: Page, site_url: str):
    """WCAG 2.4.11: the header stays at the top of the window, and scrolling back used to hide the focus under it."""
    page.goto(urljoin(site_url, "checklists/compact-proofing.html"))
    page.get_by_role("button", name="Clear all ticks").focus()
    hidden = []
    for _ in range(page.get_by_role("checkbox").count()):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(_UNDER_HEADER):
            hidden.append(page.evaluate("document.activeElement.id"))
    assert hidden == []
