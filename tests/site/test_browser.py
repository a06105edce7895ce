"""The built site in headless Chromium: it renders, searches, ticks, prints, downloads and fits a phone."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urljoin, urlsplit

import docx
import pypdf
import pytest
from playwright.sync_api import Browser, Page, expect

from generator.forms.layout import layout_kinds
from generator.records.schemas import kinds, schema_info, versions
from generator.site.build import BuildResult
from generator.site.checklists import checklist
from generator.site.downloads import Download
from tests.conftest import ROOT

PHONE = {"width": 375, "height": 740}


def _expect_title(page: Page, title: str) -> None:
    """The page's one heading (its permalink sign aside)."""
    expect(page.locator("h1")).to_have_text(re.compile(rf"^{re.escape(title)}\W*$"))


def test_home_page_renders_with_navigation(page: Page, site_url: str):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site_url)
    expect(page).to_have_title(re.compile("Commissioning guidance"))
    _expect_title(page, "Commissioning guidance")
    tabs = page.locator(".md-tabs__link")
    expect(tabs).to_have_text(["Home", "Guidance", "Checklists", "Form guides", "Downloads"])
    page.get_by_role("link", name="Compact proofing checklist").click()
    _expect_title(page, "Compact proofing checklist")
    assert errors == []


def test_search_finds_a_checklist_by_a_word_in_it(page: Page, site_url: str):
    word = "consortia"
    assert any(word in item.text for item in checklist("compact-proofing").items())
    page.goto(site_url)
    search = page.get_by_role("combobox", name="Search").or_(page.locator(".md-search__input")).first
    search.click()
    search.press_sequentially(word, delay=20)  # the search box listens to key presses
    result = page.locator(".md-search-result__item a[href*='checklists/compact-proofing']").first
    expect(result).to_be_visible()
    result.click()
    _expect_title(page, "Compact proofing checklist")


def test_a_ticked_item_stays_ticked_until_cleared(page: Page, site_url: str):
    compact = checklist("compact-proofing")
    total = sum(1 for _ in compact.items())
    first = compact.top_level[0]
    page.goto(urljoin(site_url, "checklists/compact-proofing.html"))
    box = page.get_by_role("checkbox", name=first.text)
    status = page.locator(".checklist-status")
    expect(box).not_to_be_checked()
    page.get_by_text(first.text).click()  # the label ticks the box
    expect(box).to_be_checked()
    expect(status).to_have_text(f"1 of {total} items ticked")
    page.reload()
    expect(page.get_by_role("checkbox", name=first.text)).to_be_checked()
    expect(status).to_have_text(f"1 of {total} items ticked")
    page.keyboard.press("Tab")  # the keyboard can tick too
    page.get_by_role("checkbox", name=compact.top_level[1].text).press("Space")
    expect(status).to_have_text(f"2 of {total} items ticked")
    page.get_by_role("button", name="Clear all ticks").click()
    expect(page.get_by_role("checkbox", name=first.text)).not_to_be_checked()
    expect(status).to_have_text(f"0 of {total} items ticked")


def test_a_checklist_prints_with_its_ticks_and_without_the_site_furniture(page: Page, site_url: str):
    planning = checklist("planning-questions")
    page.goto(urljoin(site_url, "checklists/planning-questions.html"))
    page.get_by_role("checkbox", name=planning.top_level[0].text).check()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print this checklist")).to_be_hidden()
    expect(page.locator(".md-header")).to_be_hidden()
    expect(page.get_by_role("checkbox", name=planning.top_level[0].text)).to_be_checked()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(page.pdf())).pages)
    flat = " ".join(text.split())
    for item in planning.top_level:
        assert " ".join(item.text.split()[:4]) in flat
    assert "Print this checklist" not in flat and "Clear all ticks" not in flat


def _open_as(suffix: str, data: bytes) -> None:
    """Fail unless the bytes open as the file type the link promised."""
    if suffix == ".docx":
        assert docx.Document(io.BytesIO(data)).paragraphs is not None
    elif suffix == ".pdf":
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) > 0
    else:
        schema = json.loads(data)
        assert schema["$id"].startswith("urn:commission:schema:")


def _download_every_link(page: Page, url: str) -> dict[str, bytes]:
    """Click each download link as a person would, and keep what the browser saves."""
    page.goto(url)
    count = page.locator("a[download]").count()
    got: dict[str, bytes] = {}
    for index in range(count):
        # Chromium stops a page after ten downloads, so each one starts from a fresh visit.
        page.goto(url)
        with page.expect_download() as waiting:
            page.locator("a[download]").nth(index).click()
        download = waiting.value
        assert download.failure() is None
        got[download.suggested_filename] = download.path().read_bytes()
    return got


def _source(download: Download):
    """The project file a download is a copy of: a schema, a current blank form, or an older version's frozen one."""
    if download.suffix == ".json":
        return ROOT / "schemas" / download.file
    if download.version is not None:
        return ROOT / "forms" / "versions" / download.kind / download.version / f"{download.kind}{download.suffix}"
    return ROOT / "forms" / download.file


@pytest.mark.parametrize("where", ["downloads/index.html", *[f"forms/{kind}.html" for kind in layout_kinds()]])
def test_every_download_link_gives_a_file_that_opens(page: Page, site_url: str, built_site: BuildResult, where: str):
    got = _download_every_link(page, urljoin(site_url, where))
    assert got, f"{where} has no download links"
    offered = {d.file: d for d in built_site.downloads}
    for name, data in got.items():
        _open_as("." + name.rsplit(".", 1)[-1], data)
        source = _source(offered[name])
        assert data == source.read_bytes(), f"{name} is not the file in {source.parent.relative_to(ROOT)}/"
    schemas = {name for name in got if name.endswith(".schema.json")}
    if where.startswith("downloads"):
        assert schemas == {f"{kind}.schema.json" for kind in kinds()} | {"defs.schema.json"}
        assert set(got) == set(offered)
        # The blank forms of every released version before the current one are offered too, named by version.
        older = {
            f"{kind}-{version}{suffix}"
            for kind in layout_kinds()
            for version in versions(kind)
            if version != schema_info(kind).version
            for suffix in (".docx", ".pdf")
        }
        assert older and older == {name for name, d in offered.items() if d.version is not None}
    else:
        # A form's guide matches its current version, so it offers only the current files.
        kind = where.split("/")[1].removesuffix(".html")
        assert schemas == {f"{kind}.schema.json"}
        assert set(got) == {d.file for d in built_site.downloads if d.kind == kind and d.version is None}


_PAGE_FACTS = """() => ({
    ids: Array.from(document.querySelectorAll("[id]"), node => node.id),
    links: Array.from(document.querySelectorAll("a[href]"), link => link.href),
})"""


def test_no_internal_link_is_broken_and_nothing_loads_from_outside(page: Page, site_url: str, built_site: BuildResult):
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(site_url) else outside.append(request.url))
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    queue = [site_url]
    while queue:
        url = queue.pop()
        if url in ids:
            continue
        answer = page.goto(url)
        assert answer is not None and answer.status == 200, url
        facts = page.evaluate(_PAGE_FACTS)
        ids[url] = set(facts["ids"])
        for href in facts["links"]:
            if href.startswith(site_url):
                links.append((url, href))
                target = href.partition("#")[0]
                if target.endswith((".html", "/")):
                    queue.append(target)
    files: dict[str, int] = {}
    for source, href in links:
        target, _, anchor = href.partition("#")
        if target not in ids and target not in files:
            files[target] = page.request.get(target).status
        assert files.get(target, 200) == 200, f"{source} links to a missing file {href}"
        assert not anchor or target not in ids or anchor in ids[target], f"{source} links to a missing anchor {href}"
    assert {urlsplit(url).path.lstrip("/") or "index.html" for url in ids} == {
        str(p.relative_to(built_site.out)) for p in built_site.pages if p.name != "404.html"
    }
    assert len(links) > 500
    assert outside == []


@pytest.mark.parametrize(
    "where", ["index.html", "checklists/compact-proofing.html", "forms/growth-bid.html", "guidance/procurement.html"]
)
def test_pages_fit_a_phone(browser: Browser, site_url: str, where: str):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(urljoin(site_url, where))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{where} is {overflow}px wider than a phone"
        expect(page.locator(".md-tabs")).to_be_hidden()
        page.locator("label.md-header__button[for='__drawer']").click()  # the menu button
        expect(page.locator(".md-nav--primary").get_by_text("Downloads").first).to_be_visible()
    finally:
        context.close()


def test_a_checklist_can_be_ticked_on_a_phone(browser: Browser, site_url: str):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(urljoin(site_url, "checklists/equality-and-diversity.html"))
        first = page.locator(".checklist input[type=checkbox]").first
        page.locator("label").filter(has_text="Equality monitoring systems").tap()
        expect(first).to_be_checked()
        box = first.bounding_box()
        assert box is not None and box["width"] >= 20 and box["height"] >= 20
    finally:
        context.close()


def test_dark_palette_can_be_chosen_and_is_remembered(page: Page, site_url: str):
    page.goto(site_url)
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.locator("label[title='Switch to dark mode']").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.goto(urljoin(site_url, "guidance/glossary.html"))
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
