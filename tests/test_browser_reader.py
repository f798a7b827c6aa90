"""The built book from a reader's side, in Chromium: on a phone, on a slow
device, in dark mode, searching, printing, with the keyboard.

Run after `make book`: `pytest -m browser`.  Like tests/test_browser.py
(whose layout another change reshapes; these tests have small fixtures of
their own), they serve `_build/html` ($GRADBOOK_HTML) from 127.0.0.1.
Weight and speed are measured by tests/browser_metrics.py, which `make
bench` can run on its own.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from browser_metrics import CHROMIUM_ARGS, WIDGETS_READY, measure_page, serve
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
HTML_DIR = Path(
    os.environ.get("GRADBOOK_HTML", REPO / "_build" / "html")
).resolve()
CHAPTERS = sorted(p.stem for p in (HTML_DIR / "book").glob("0*.html")) or [
    "01_random_search"
]
WAIT = 60_000  # ms: the widget manager renders after the page loads

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def book_url() -> Iterator[str]:
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(f"no built book at {HTML_DIR}: run `make book` first")
    with serve(HTML_DIR) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not on the PATH (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            yield launched
        finally:
            launched.close()


def _context(
    browser: Browser, viewport: dict[str, int], **options: object
) -> BrowserContext:
    context = browser.new_context(
        viewport=viewport, service_workers="block", **options
    )
    context.set_default_timeout(WAIT)
    return context


def _errors(page: Page) -> list[str]:
    """Console errors and page errors, collected as they happen."""
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


# ---------------------------------------------------------------------------
# Defect 1: the header's sidebar buttons.


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["390", "768"])
def test_both_drawers_open_on_narrow_screens(
    browser: Browser, book_url: str, viewport: dict[str, int]
) -> None:
    with _context(browser, viewport) as context:
        page = context.new_page()
        page.goto(f"{book_url}/book/{CHAPTERS[0]}.html", wait_until="load")
        for toggle, dialog, content in [
            (".primary-toggle", "#pst-primary-sidebar-modal", "nav a[href]"),
            (".secondary-toggle", "#pst-secondary-sidebar-modal", "a[href]"),
        ]:
            button = page.locator(f".bd-header-article {toggle}")
            assert button.is_visible(), f"{toggle} is not shown"
            button.click()
            drawer = page.locator(dialog)
            drawer.wait_for(state="visible", timeout=5_000)
            links = drawer.locator(content)
            assert links.count() > 0, f"{dialog} opened empty"
            assert links.first.is_visible()
            page.keyboard.press("Escape")
            drawer.wait_for(state="hidden", timeout=5_000)


def test_sidebar_button_collapses_sidebar_on_desktop(
    browser: Browser, book_url: str
) -> None:
    with _context(browser, DESKTOP) as context:
        page = context.new_page()
        page.goto(f"{book_url}/book/{CHAPTERS[0]}.html", wait_until="load")
        sidebar = page.locator("#pst-primary-sidebar")
        assert sidebar.is_visible()
        page.locator(".bd-header-article .primary-toggle").click()
        sidebar.wait_for(state="hidden", timeout=5_000)
        page.locator(".bd-header-article .primary-toggle").click()
        sidebar.wait_for(state="visible", timeout=5_000)


# ---------------------------------------------------------------------------
# Defect 6: weight and speed on a simulated slow phone.


def test_chapter_weight_and_first_paint(
    browser: Browser, book_url: str
) -> None:
    result = measure_page(browser, f"{book_url}/book/{CHAPTERS[0]}.html")
    print(result)  # the exact numbers, for -s and for `make bench`
    assert result["own"] < 1_500_000, result
    assert result["first_paint"] is not None, result
    assert result["first_paint"] < 4.0, result
    names = [name for name, _ in result["largest"]]
    assert not any(n.startswith("fontawesome.js") for n in names), names


@pytest.mark.parametrize("page_file", ["book/intro", *CHAPTERS[:1]])
def test_every_icon_is_drawn(
    browser: Browser, book_url: str, page_file: str
) -> None:
    """The icon subset (web/vendor.py ICONS) has every icon pages show."""
    page_file = page_file if "/" in page_file else f"book/{page_file}"
    with _context(browser, DESKTOP) as context:
        page = context.new_page()
        page.goto(f"{book_url}/{page_file}.html", wait_until="load")
        page.evaluate("document.fonts.ready")
        missing = page.evaluate(
            """() => [...document.querySelectorAll('[class*="fa-"]')]
              .filter(e => /\\bfa-(solid|regular|brands)\\b/.test(e.className))
              .filter(e => {
                const c = getComputedStyle(e, '::before').content;
                return !c || c === 'none' || c === 'normal';
              })
              .map(e => e.className)"""
        )
        assert not missing, f"icons with no glyph: {sorted(set(missing))}"


# ---------------------------------------------------------------------------
# Defect 7: dark mode.


def test_dark_mode_follows_the_system_and_the_switch_changes_it(
    browser: Browser, book_url: str
) -> None:
    url = f"{book_url}/book/{CHAPTERS[0]}.html"
    for scheme in ("dark", "light"):
        with _context(browser, DESKTOP, color_scheme=scheme) as context:
            page = context.new_page()
            page.goto(url, wait_until="load")
            page.wait_for_function(
                f"() => document.documentElement.dataset.theme === '{scheme}'"
            )
            before = page.evaluate(
                "getComputedStyle(document.body).backgroundColor"
            )
            page.locator(".theme-switch-button").first.click()
            other = "light" if scheme == "dark" else "dark"
            page.wait_for_function(
                f"() => document.documentElement.dataset.theme === '{other}'"
            )
            after = page.evaluate(
                "getComputedStyle(document.body).backgroundColor"
            )
            assert before != after, (
                f"{scheme}: the first click changed nothing"
            )


# ---------------------------------------------------------------------------
# Defect 8: search.


def test_search_over_file_says_snippets_need_a_server(
    browser: Browser,
) -> None:
    with _context(browser, DESKTOP) as context:
        page = context.new_page()
        errors = _errors(page)
        page.goto((HTML_DIR / "search.html").as_uri() + "?q=gradient")
        page.locator("#search-results li").first.wait_for()
        note = page.locator("#search-file-note")
        assert note.is_visible()
        assert "http.server" in note.inner_text()
        page.wait_for_timeout(1_000)
        assert not errors, errors


def test_search_snippets_are_prose(browser: Browser, book_url: str) -> None:
    with _context(browser, DESKTOP) as context:
        page = context.new_page()
        errors = _errors(page)
        page.goto(f"{book_url}/search.html?q=gradient")
        page.locator("#search-results li p.context").first.wait_for()
        page.wait_for_timeout(1_000)
        snippets = page.locator(
            "#search-results li p.context"
        ).all_inner_texts()
        assert snippets
        for text in snippets:
            assert "Contents" not in text[:40], text
            assert not re.search(r"\bimport\b|\bdef \w+\(|>>>", text), text
        assert not errors, errors


# ---------------------------------------------------------------------------
# Defect 9: print, the general index, the second search box.


def test_printed_chapter_shows_solutions_and_one_frame(
    browser: Browser, book_url: str
) -> None:
    chapter = next((c for c in CHAPTERS if c.startswith("02")), CHAPTERS[0])
    with _context(browser, DESKTOP) as context:
        page = context.new_page()
        page.goto(f"{book_url}/book/{chapter}.html", wait_until="load")
        page.wait_for_function(WIDGETS_READY, timeout=WAIT)
        solution = page.locator(".solution .admonition-title ~ *").first
        # A run of plain words from the solution (math prints differently).
        words = re.findall(
            r"(?:[A-Za-z]{2,} ){3}[A-Za-z]{2,}",
            re.sub(
                r"\s+",
                " ",
                solution.evaluate(
                    """e => { const c = e.cloneNode(true);
                      c.querySelectorAll('mjx-container, .math, .cell')
                        .forEach(x => x.replaceWith('|'));
                      return c.textContent; }"""
                ),
            ),
        )
        assert words, "the solution has no plain text to look for"
        page.emulate_media(media="print")
        assert solution.is_visible(), "a solution prints folded"
        area = page.locator(".widget-subarea").first
        assert not area.locator(".widget-slider").first.is_visible()
        image = area.locator("img").first
        assert image.is_visible()
        assert image.bounding_box()["height"] > 50
        pdf = pypdf.PdfReader(io.BytesIO(page.pdf()))
        printed = " ".join(p.extract_text() for p in pdf.pages)
        printed = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", printed))
        assert words[0] in printed, f"the PDF lacks the solution: {words[0]!r}"


def test_no_general_index(book_url: str, browser: Browser) -> None:
    assert not (HTML_DIR / "genindex.html").exists()
    for page_file in ["index.html", f"book/{CHAPTERS[0]}.html"]:
        html = (HTML_DIR / page_file).read_text(encoding="utf-8")
        assert "genindex" not in html, page_file


def test_one_search_box_on_desktop(browser: Browser, book_url: str) -> None:
    with _context(browser, DESKTOP) as context:
        page = context.new_page()
        page.goto(f"{book_url}/book/{CHAPTERS[0]}.html", wait_until="load")
        visible = page.evaluate(
            """() => [...document.querySelectorAll('.search-button__button')]
              .filter(e => e.checkVisibility()).length"""
        )
        assert visible == 1, f"{visible} search boxes or buttons shown"


# ---------------------------------------------------------------------------
# Defect 5, page-level: unique ids, a short way to the first slider.


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_ids_are_unique(chapter: str) -> None:
    html = (HTML_DIR / "book" / f"{chapter}.html").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', html)
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert not repeated, repeated


def test_skip_link_leads_to_the_first_slider_quickly(
    browser: Browser, book_url: str
) -> None:
    with _context(browser, DESKTOP) as context:
        page = context.new_page()
        page.goto(f"{book_url}/book/{CHAPTERS[0]}.html", wait_until="load")
        page.wait_for_function(WIDGETS_READY, timeout=WAIT)
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Skip to main content", focused
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Skip to the first figure", focused
        page.keyboard.press("Enter")
        for _ in range(5):
            page.keyboard.press("Tab")
            if page.evaluate(
                "document.activeElement.getAttribute('role') === 'slider'"
            ):
                break
        else:
            pytest.fail("the first figure's slider is not the next Tab stop")
