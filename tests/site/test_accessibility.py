"""An automated accessibility check (axe-core, run in headless Chromium) finds nothing on any page.

axe-core comes bundled in the axe-playwright-python package, so nothing is
fetched at test time. It checks WCAG 2.0, 2.1 and 2.2 levels A and AA, plus
axe's best practices. Every page is checked in the light palette at desktop
width; one page of each type is also checked in the dark palette and at a
phone's width, where the menus and wide tables change.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from playwright.sync_api import Browser, Page

from generator.site.build import BuildResult

RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
}
SAMPLE = [
    "index.html",
    "guidance/procurement.html",
    "guidance/risk-log.html",
    "checklists/planning-questions.html",
    "forms/growth-bid.html",
    "downloads/index.html",
]
SETTINGS = {
    "light": {"color_scheme": "light", "viewport": {"width": 1280, "height": 900}},
    "dark": {"color_scheme": "dark", "viewport": {"width": 1280, "height": 900}},
    "phone": {"color_scheme": "light", "viewport": {"width": 375, "height": 740}, "is_mobile": True},
}


def _check(page: Page) -> AxeResults:
    """Run axe-core on the page as it is now (axe is loaded into every page of the context)."""
    return AxeResults(page.evaluate("rules => axe.run(document, {...rules, resultTypes: ['violations']})", RULES))


def _violations(browser: Browser, site_url: str, pages: list[str], setting: str) -> dict[str, str]:
    context = browser.new_context(**SETTINGS[setting])
    context.set_default_timeout(15_000)
    context.add_init_script(AXE_SCRIPT)
    found = {}
    try:
        page = context.new_page()
        for path in pages:
            page.goto(urljoin(site_url, path))
            results = _check(page)
            if results.violations_count:
                found[path] = results.generate_report()
    finally:
        context.close()
    return found


def test_every_page_passes_the_accessibility_check(browser: Browser, site_url: str, built_site: BuildResult):
    pages = [str(p.relative_to(built_site.out)) for p in built_site.pages]
    assert len(pages) > 20
    found = _violations(browser, site_url, pages, "light")
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


@pytest.mark.parametrize("setting", ["dark", "phone"])
def test_each_kind_of_page_passes_in_the_dark_palette_and_on_a_phone(browser: Browser, site_url: str, setting: str):
    found = _violations(browser, site_url, SAMPLE, setting)
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


def test_the_check_does_find_problems(browser: Browser):
    context = browser.new_context()
    context.add_init_script(AXE_SCRIPT)
    try:
        page = context.new_page()
        page.set_content('<html lang="en"><title>t</title><main><input type="checkbox"></main></html>')
        found = {violation["id"] for violation in _check(page).response["violations"]}
        assert "label" in found
    finally:
        context.close()
