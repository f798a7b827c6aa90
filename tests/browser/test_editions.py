"""The two editions: English (the source) and Russian (under ru/).

How each Russian page loads (console, requests, images, math) and that its
scrubbers move is test_pages.py's business: its tests run on every page of
both editions.  Here:

1. Every Russian page says lang="ru", and its prose is Russian: most words
   of its paragraphs and list items are Cyrillic (code and math left out);
   its scrubber frames have Russian alt texts (the figures were
   drawn with GRADBOOK_LANG=ru), and so do its other figures (their alt
   texts come from the page's catalog).
2. Every page's language switch lands on the same page in the other
   edition, both ways, over http and over file://.
3. The words the page scripts show (#gradbook-words) are in the
   edition's language, with the address its pages are served at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext
from web.browser import page_url
from web.site import CHAPTERS, EDITIONS, PAGES

from .book import require_built, stored_scrubbers
from .watch import fail_with

pytestmark = pytest.mark.browser

# Most words of the prose are Cyrillic (identifiers such as `grad_bp` are
# code and left out; names such as numpy or micrograd stay Latin).
CYRILLIC_SHARE = 0.6

# Words of the article's prose: paragraphs and list items outside code
# cells and outputs, with inline code and math removed.
PROSE_WORDS = r"""() => {
  const skip = "pre, code, .math, mjx-container, .cell_output, " +
    ".highlight, script, style, .headerlink";
  const blocks = [...document.querySelectorAll(
    ".bd-article p, .bd-article li")]
    .filter(el => !el.closest(".cell_output, .cell_input, nav"));
  const words = [];
  for (const block of blocks) {
    const copy = block.cloneNode(true);
    copy.querySelectorAll(skip).forEach(el => el.remove());
    for (const word of copy.textContent.split(/\s+/)) {
      if (/\p{L}{2,}/u.test(word)) words.push(word);
    }
  }
  return words;
}"""

FRAME_ALTS = """() => [...document.querySelectorAll(
  '.gradbook-scrubber img')].map(img => img.alt)"""
# Every figure of the article: scrubber frames and the stored figures.
FIGURE_ALTS = """() => [...document.querySelectorAll(
  '.bd-article .cell_output img')].map(img => img.alt)"""

CYRILLIC = r"""(words) => words.filter(w => /\p{Script=Cyrillic}/u.test(w))
  .length"""


@pytest.mark.parametrize("page_file", PAGES)
def test_russian_page_is_in_russian(
    page_file: str, context: BrowserContext, book_url: str, html_dir: Path
) -> None:
    ru = EDITIONS["ru"].page_file(page_file)
    require_built(html_dir, ru)
    page = context.new_page()
    page.goto(page_url(book_url, ru), wait_until="load")
    problems: list[str] = []
    lang = page.evaluate("() => document.documentElement.lang")
    if lang != "ru":
        problems.append(f'<html lang="{lang}">, not "ru"')
    words = page.evaluate(PROSE_WORDS)
    cyrillic = page.evaluate(CYRILLIC, words)
    if not words:
        problems.append("no prose found (paragraphs, list items)")
    elif cyrillic / len(words) < CYRILLIC_SHARE:
        latin = [w for w in words if w.isascii()][:15]
        problems.append(
            f"only {cyrillic} of {len(words)} prose words are Cyrillic "
            f"(at least {CYRILLIC_SHARE:.0%} expected); Latin ones: {latin}"
        )
    alts = page.evaluate(FRAME_ALTS)
    if stored_scrubbers(page_file) and not alts:
        problems.append("no scrubber frames, but its notebook has some")
    figures = page.evaluate(FIGURE_ALTS)
    english = [a for a in figures if not page.evaluate(CYRILLIC, [a])]
    if english:
        problems.append(
            f"{len(english)} figure(s) with an alt text that is not Russian, "
            f"e.g. {english[0]!r}: were the frames drawn with GRADBOOK_LANG=ru"
            ", and is every stored figure's alt text in the catalog?"
        )
    fail_with(ru, problems)


def switch_and_expect(
    context: BrowserContext, start: str, target: str, problems: list[str]
) -> None:
    """Open `start`, click the header's language switch, expect `target`
    (whole URLs, http:// or file://)."""
    page = context.new_page()
    page.goto(start, wait_until="load")
    switch = page.locator("a.gradbook-language")
    if switch.count() != 1:
        problems.append(
            f"{start}: {switch.count()} language switches, expected one"
        )
        return
    with page.expect_navigation(wait_until="load"):
        switch.click()
    landed = page.url.split("#")[0]
    if landed != target:
        problems.append(f"{start}: the switch went to {landed}, not {target}")
        return
    heading = page.locator(".bd-article h1")
    if not heading.count() or not heading.first.inner_text().strip():
        problems.append(f"{landed}: the page reached has no title (h1)")


@pytest.mark.parametrize("page_file", PAGES)
def test_language_switch_lands_on_the_same_page(
    page_file: str, context: BrowserContext, book_url: str, html_dir: Path
) -> None:
    """English -> Russian -> English, served and as files."""
    en, ru = (EDITIONS[lang].page_file(page_file) for lang in ("en", "ru"))
    problems: list[str] = []
    for base in (book_url, html_dir.as_uri()):
        switch_and_expect(
            context, page_url(base, en), page_url(base, ru), problems
        )
        switch_and_expect(
            context, page_url(base, ru), page_url(base, en), problems
        )
    fail_with(page_file, problems)


PAGE_WORDS = re.compile(
    r'<script type="application/json" id="gradbook-words">(.*?)</script>',
    re.S,
)


@pytest.mark.parametrize("lang", EDITIONS)
def test_page_scripts_words_are_the_editions(lang: str, html_dir: Path):
    edition = EDITIONS[lang]
    page_file = edition.page_file(CHAPTERS[0])
    require_built(html_dir, page_file)
    found = PAGE_WORDS.search(
        (html_dir / f"{page_file}.html").read_text("utf-8")
    )
    assert found, f"{page_file}: no #gradbook-words"
    words = json.loads(found[1])
    assert set(words) == {
        "skip_to_slider",
        "lite_needs_server",
        "search_needs_server",
    }
    served = f"http://127.0.0.1:8000/{edition.folder}"
    assert words["lite_needs_server"].endswith(f" {served}.")
    assert f"<code>{served}search.html</code>" in words["search_needs_server"]
    cyrillic = [bool(re.search("[\u0400-\u04ff]", w)) for w in words.values()]
    assert cyrillic == [lang == "ru"] * len(words), words
