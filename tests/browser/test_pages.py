"""Every page of the built book, checked in Chromium.

1. Every page, in both editions (English and Russian), loads with no
   console error, no failed request, no request to another origin, all its
   images loaded, its math typeset, no code block wider than the column
   and a left navigation that links to every page of its edition;
   following each sidebar link loads that page.
2. Every scrubber, in both editions (a slider above frames drawn in
   advance, moved by the book's scrubber.js with no kernel), changes the
   picture when its slider is moved with the keyboard, and a page shows
   as many as its notebook's stored outputs.
3. At 390 px (a phone) and 1366 px (a laptop): nothing in the main content
   scrolls sideways; a full-page screenshot of each.
4. Every image in the main content has an alt text that is not a file name;
   every slider has an accessible name and a value text equal to what its
   label shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator
from web.browser import WAIT, WIDE_PRE, page_url
from web.site import PAGES, ROOT_PAGE, edition_of

from .book import (
    EDITION_PAGES,
    WIDTHS,
    require_built,
    shot_name,
    stored_scrubbers,
)
from .inpage import (
    BAD_ALT,
    IMAGES_REPORT,
    MATH_REPORT,
    SCRUBBERS,
    SIDEBAR_LINKS,
    SIDEWAYS_SCROLL,
    SLIDERS,
    open_book_page,
    press_and_expect_new_picture,
    settle,
    slider_state,
)
from .watch import fail_with

pytestmark = pytest.mark.browser

# ---------------------------------------------------------------------------
# 1. Every page: loads cleanly, images, math, navigation.


@pytest.mark.parametrize("page_file", EDITION_PAGES)
def test_page_loads_cleanly(
    page_file: str,
    context: BrowserContext,
    book_url: str,
    html_dir: Path,
    screenshots: Path,
) -> None:
    page, watch = open_book_page(context, book_url, html_dir, page_file)
    problems = watch.problems

    images = page.evaluate(IMAGES_REPORT, WAIT)
    for img in images["bad"]:
        state = (
            "never finished loading"
            if not img["complete"]
            else "is broken (naturalWidth 0)"
        )
        problems.append(f"image {img['src']} (alt {img['alt']!r}) {state}")

    math = page.evaluate(MATH_REPORT)
    if math["math"] and not math["containers"]:
        problems.append(
            f"{math['math']} math element(s) "
            "but no MathJax output (mjx-container)"
        )
    problems.extend(
        f"math not typeset: {text!r}" for text in math["untypeset"]
    )
    problems.extend(f"MathJax error: {text!r}" for text in math["errors"])
    problems.extend(
        f"raw TeX left in the text: ...{text}..." for text in math["raw"]
    )

    for block in page.evaluate(WIDE_PRE):
        problems.append(
            f"code block scrolls sideways ({block['scroll']} px of content in "
            f"{block['client']} px): {block['text']!r}"
        )

    title = page.locator(".bd-article h1").first
    if (
        not page.locator(".bd-article h1").count()
        or not title.inner_text().strip()
    ):
        problems.append("the article has no title (h1)")

    links = set(page.evaluate(SIDEBAR_LINKS))
    edition = edition_of(page_file)
    missing = [
        f
        for f in PAGES
        if page_url(book_url, edition.page_file(f)) not in links
    ]
    if missing:
        problems.append(
            f"the left navigation has no link to: {', '.join(missing)}"
        )

    settle(page)
    page.screenshot(path=screenshots / shot_name(page_file), full_page=True)
    fail_with(page_file, problems)


@pytest.mark.parametrize("target", PAGES)
def test_sidebar_link_loads_page(
    target: str, context: BrowserContext, book_url: str, html_dir: Path
) -> None:
    """Click the target's link in the left navigation of another page; the
    target loads."""
    start = ROOT_PAGE if target != ROOT_PAGE else PAGES[-1]
    if start == target:
        pytest.skip(
            "the book has a single page: "
            "there is no other page to navigate from"
        )
    require_built(html_dir, start)
    # How each page loads is test_page_loads_cleanly's business; here only
    # the link.
    page = context.new_page()
    page.goto(page_url(book_url, start), wait_until="load")
    target_url = page_url(book_url, target)
    # Open collapsed sections, as a reader would to reach a nested page.
    page.evaluate(
        "() => document.querySelectorAll('.bd-sidebar-primary details')"
        ".forEach(d => (d.open = true))"
    )
    hrefs = page.evaluate(SIDEBAR_LINKS)
    if target_url not in hrefs:
        pytest.fail(
            f"{start}: the left navigation has no link to {target}",
            pytrace=False,
        )
    links = page.locator(".bd-sidebar-primary a[href]")
    # Prefer a visible link (the logo and the home entry may both point at
    # the root).
    candidates = [
        links.nth(i) for i, href in enumerate(hrefs) if href == target_url
    ]
    link = next((c for c in candidates if c.is_visible()), candidates[0])
    with page.expect_response(
        lambda r: r.url.split("#")[0] == target_url
    ) as answer:
        link.click()
    page.wait_for_url(lambda url: url.split("#")[0] == target_url)
    page.wait_for_load_state("load")
    problems: list[str] = []
    if answer.value.status != 200:
        problems.append(
            f"following the link answered HTTP {answer.value.status}"
        )
    heading = page.locator(".bd-article h1")
    if not heading.count() or not heading.first.inner_text().strip():
        problems.append("the page reached has no article title (h1)")
    fail_with(f"{start} -> {target}", problems)


# ---------------------------------------------------------------------------
# 2. Scrubbers: slider + pre-rendered frames, driven by the keyboard.


@pytest.mark.parametrize("page_file", EDITION_PAGES)
def test_scrubbers_move_with_keyboard(
    page_file: str,
    context: BrowserContext,
    book_url: str,
    html_dir: Path,
    screenshots: Path,
) -> None:
    page, watch = open_book_page(context, book_url, html_dir, page_file)
    loading_problems = list(watch.problems)
    scrubbers = page.evaluate(SCRUBBERS)
    stored = stored_scrubbers(
        page_file.removeprefix(edition_of(page_file).folder)
    )
    if len(scrubbers) != stored:
        fail_with(
            page_file,
            [
                *loading_problems,
                f"{len(scrubbers)} scrubbers (slider + images), but its "
                f"notebook's outputs show {stored}",
            ],
        )
    if not scrubbers:
        return
    problems: list[str] = []
    seen_errors = len(watch.problems)
    for number, index in enumerate(scrubbers, start=1):
        what = f"scrubber {number}"
        area = page.locator(".gradbook-scrubber").nth(index)
        area.scroll_into_view_if_needed()
        handle = area.locator("input[type=range]").first
        if not handle.count():
            problems.append(f"{what}: no slider (input type=range)")
            continue
        area.screenshot(
            path=screenshots
            / shot_name(page_file, f"--scrubber{number}-before")
        )
        state = slider_state(handle)
        first = "ArrowRight" if state["now"] < state["max"] else "ArrowLeft"
        problems += press_and_expect_new_picture(
            page, area, handle, first, what
        )
        problems += _value_text_follows(area, handle, what)
        state = slider_state(handle)
        second = "End" if state["now"] < state["max"] else "Home"
        problems += press_and_expect_new_picture(
            page, area, handle, second, what
        )
        problems += _value_text_follows(area, handle, what)
        area.screenshot(
            path=screenshots
            / shot_name(page_file, f"--scrubber{number}-after")
        )
    # Errors raised while the sliders moved (load-time errors are
    # test_page_loads_cleanly's).
    problems += watch.problems[seen_errors:]
    if loading_problems and problems:
        problems += [f"(while loading) {p}" for p in loading_problems]
    fail_with(page_file, problems)


def _value_text_follows(
    area: Locator, handle: Locator, what: str
) -> list[str]:
    """After a move, the slider announces the value its label shows, and
    the frame shown is the one that value names."""
    valuetext = handle.get_attribute("aria-valuetext")
    shown = area.locator(".gradbook-scrubber-value").inner_text().strip()
    frame = area.locator("img:not([hidden])").get_attribute("data-label")
    if valuetext == shown == frame:
        return []
    return [
        f"{what}: after a move it announces {valuetext!r}, shows the value "
        f"{shown!r} and the frame of {frame!r}"
    ]


# ---------------------------------------------------------------------------
# 3. A phone and a laptop: nothing scrolls sideways; screenshots.


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_file", PAGES)
def test_nothing_scrolls_sideways(
    page_file: str,
    width: int,
    new_context: Callable[..., BrowserContext],
    book_url: str,
    html_dir: Path,
    screenshots: Path,
) -> None:
    """At `width` px, neither the article nor any block inside it (code,
    output, math, scrubbers) scrolls sideways; a full-page screenshot
    `<page>--<width>px.png` is taken either way."""
    page, watch = open_book_page(
        new_context(width), book_url, html_dir, page_file
    )
    loading_problems = list(watch.problems)
    problems = [
        f"{box['what']} scrolls sideways at {width} px "
        f"({box.get('scroll')} px of content in {box.get('client')} px): "
        f"{box.get('text', '')!r}"
        for box in page.evaluate(SIDEWAYS_SCROLL)
    ]
    settle(page)
    page.screenshot(
        path=screenshots / shot_name(page_file, f"--{width}px"),
        full_page=True,
    )
    if problems:
        problems += [f"(while loading) {p}" for p in loading_problems]
    fail_with(f"{page_file} at {width} px", problems)


# ---------------------------------------------------------------------------
# 4. For a screen reader: alt texts, slider names and values.


@pytest.mark.parametrize("page_file", PAGES)
def test_images_have_alt_text(
    page_file: str, context: BrowserContext, book_url: str, html_dir: Path
) -> None:
    """Every image in the main content (figures and scrubber frames) has an
    alt text that says something: not empty, not a file name."""
    page, _ = open_book_page(context, book_url, html_dir, page_file)
    problems = [
        f"{'scrubber frame' if img['scrubber'] else 'image'} {img['src']} "
        f"{img['why']}" + (f" ({img['alt']!r})" if img["alt"] else "")
        for img in page.evaluate(BAD_ALT)
    ]
    fail_with(page_file, problems)


@pytest.mark.parametrize("page_file", PAGES)
def test_sliders_have_names_and_value_texts(
    page_file: str, context: BrowserContext, book_url: str, html_dir: Path
) -> None:
    """Every slider has an accessible name, and its aria-valuetext is the
    value its readout shows (not the frame's position)."""
    page, _ = open_book_page(context, book_url, html_dir, page_file)
    problems: list[str] = []
    for number, slider in enumerate(page.evaluate(SLIDERS), start=1):
        what = f"slider {number}" + (
            f" (label {slider['label']!r})" if slider["label"] else ""
        )
        if not slider["name"]:
            problems.append(
                f"{what} has no accessible name "
                "(no aria-label, no aria-labelledby with text, no <label>)"
            )
        valuetext = slider["valuetext"]
        if valuetext is None or not valuetext.strip():
            problems.append(f"{what} has no aria-valuetext")
        elif slider["readout"] is not None and (
            " ".join(valuetext.split()) != slider["readout"]
        ):
            problems.append(
                f"{what} announces aria-valuetext {valuetext!r} "
                f"but its readout shows {slider['readout']!r} "
                f"(aria-valuenow {slider['valuenow']})"
            )
    fail_with(page_file, problems)
