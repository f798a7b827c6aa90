"""The in-browser notebooks: from a chapter's page, "Run in your browser"
opens the chapter in JupyterLite, where Python (Pyodide 0.27.7: Python 3.12,
numpy 2.0.2, matplotlib 3.8.4) runs every cell and reproduces the article's
numbers, a live slider redraws its figure, chapter 4's digits load from
gradbook as on the desktop, and no request leaves 127.0.0.1 (every other host
is blocked)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from web.browser import WAIT
from web.site import ROOT

from .book import shot_name
from .inpage import PIXELS, slider_state
from .lab import live_panel, open_dialogs
from .lite import (
    KERNEL_IDLE,
    OUTPUT_TEXTS,
    START_TIMEOUT,
    STDERR_TEXTS,
    OffHost,
    click_run_in_browser,
    start_chapter,
    wait_until_all_done,
)
from .watch import fail_with

pytestmark = pytest.mark.browser

CHAPTER_1 = "book/01_random_search"
CHAPTER_2 = "book/02_dual_numbers"
# Printed by chapter 2: the neuron's value with a, then each input's slope.
NEURON_VALUE = "Dual(primal=0.8807970779778823, tangent=-0.1049935854035065)"
FIVE_GRADIENTS = """\
d neuron / d a = -0.1049935854035065
d neuron / d b = 0.3149807562105195
d neuron / d c = 0.1049935854035065
d neuron / d x = 0.1049935854035065
d neuron / d y = 0.209987170807013"""
# Chapter 1's live panel and the slider to move.
PANEL_CALL, SLIDER = 'widgets.panel("random_search")', "seed"


def outputs(page: Page) -> list[str]:
    return [text.strip() for text in page.evaluate(OUTPUT_TEXTS)]


# Matplotlib's notice on its first import in a fresh browser (it has no
# font cache yet): not an error.
FONT_CACHE = "Matplotlib is building the font cache; this may take a moment."


def stderr(page: Page) -> list[str]:
    return [
        f"a cell wrote to stderr: {text.strip()[:300]!r}"
        for text in page.evaluate(STDERR_TEXTS)
        if text.strip() != FONT_CACHE
    ]


def move_slider(page: Page, screenshots: Path) -> list[str]:
    """Move the live panel's slider one step; the figure must change."""
    panel, image = live_panel(page, PANEL_CALL, WAIT)
    before_src, before_pixels = (
        image.get_attribute("src"),
        image.evaluate(PIXELS),
    )
    slider = panel.locator(
        ".widget-slider",
        has=page.locator(f".widget-label:text-is('{SLIDER}')"),
    )
    handle = slider.locator("[role=slider]").first
    readout = slider.locator(".widget-readout")
    before_value = readout.inner_text()
    # Dragged with the mouse, as a reader would: here (JupyterLite's
    # JupyterLab 4.3) the arrow keys did not move the focused slider.
    state = slider_state(handle)
    box = handle.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(
        x + (40 if state["now"] < state["max"] else -40), y, steps=5
    )
    page.mouse.up()
    problems = []
    try:
        page.wait_for_function(
            "([img, src]) => img.src !== src"
            " && img.complete && img.naturalWidth > 0",
            arg=[image.element_handle(), before_src],
            timeout=120_000,
        )
    except PlaywrightTimeout:
        moved = f"{before_value} -> {readout.inner_text()}"
        problems.append(f"moving {SLIDER!r} ({moved}) did not redraw")
    else:
        if image.evaluate(PIXELS) == before_pixels:
            problems.append(f"moving {SLIDER!r} kept the same pixels")
    if readout.inner_text() == before_value:
        problems.append(f"the {SLIDER!r} slider did not move")
    panel.screenshot(path=screenshots / shot_name("lite-panel", "--after"))
    return problems


def test_chapters_run_in_the_browser(
    context: BrowserContext, book_url: str, screenshots: Path
) -> None:
    off_host = OffHost()
    off_host.attach(context)
    page = context.new_page()
    problems: list[str] = []
    step = f"{CHAPTER_1}: Run in your browser"
    try:
        seconds = start_chapter(page, book_url, CHAPTER_1)
        print(f"click -> first executed cell: {seconds:.1f} s")
        step = f"{CHAPTER_1}: Run All Cells"
        problems += wait_until_all_done(page)
        if "-6" not in outputs(page):
            problems.append(f"{CHAPTER_1} did not print -6")
        problems += stderr(page)
        step = f"{CHAPTER_1}: the live panel"
        problems += move_slider(page, screenshots)
        page.screenshot(path=screenshots / shot_name("lite-" + CHAPTER_1))

        step = f"{CHAPTER_2}: Run in your browser"
        start_chapter(page, book_url, CHAPTER_2)
        step = f"{CHAPTER_2}: Run All Cells"
        problems += wait_until_all_done(page)
        texts = outputs(page)
        for expected in (NEURON_VALUE, FIVE_GRADIENTS):
            if expected not in texts:
                problems.append(f"{CHAPTER_2} did not print {expected!r}")
        problems += stderr(page)
    except PlaywrightError as error:
        problems.append(
            f"{step}: {type(error).__name__}: {str(error).splitlines()[0]}"
        )
        problems += open_dialogs(page)
    finally:
        with contextlib.suppress(PlaywrightError):
            page.screenshot(path=screenshots / shot_name("lite-last"))
    problems += [f"request off 127.0.0.1: {url}" for url in off_host.blocked]
    fail_with("in-browser notebooks", problems)


# Chapter 1 from its Russian page: the heading of the notebook's first
# markdown cell, and the words of its live panel's sliders.
RUSSIAN_TITLE = "Почему случайный локальный поиск не работает"
RUSSIAN_SLIDERS = {
    "шаг",
    "итерации",
    "старт x",
    "старт y",
    "начальное значение генератора",
}


def test_the_russian_chapter_runs_in_russian(
    context: BrowserContext, book_url: str, screenshots: Path
) -> None:
    """From ru/book/01_random_search.html the button opens the Russian copy:
    Russian text, the same code and numbers, sliders with Russian words."""
    off_host = OffHost()
    off_host.attach(context)
    page = context.new_page()
    chapter = "ru/" + CHAPTER_1
    problems: list[str] = []
    try:
        start_chapter(page, book_url, chapter)
        problems += wait_until_all_done(page)
        heading = page.locator(".jp-MarkdownCell h1").first.inner_text()
        if RUSSIAN_TITLE not in heading:
            problems.append(f"the first heading is {heading!r}")
        if "-6" not in outputs(page):
            problems.append(f"{chapter} did not print -6")
        problems += stderr(page)
        panel, _ = live_panel(page, PANEL_CALL, WAIT)
        labels = set(panel.locator(".widget-label").all_inner_texts())
        if not labels >= RUSSIAN_SLIDERS:
            problems.append(f"the live panel's sliders are {sorted(labels)}")
        panel.screenshot(path=screenshots / shot_name("lite-ru-panel"))
    except PlaywrightError as error:
        problems.append(f"{chapter}: {str(error).splitlines()[0]}")
    problems += [f"request off 127.0.0.1: {url}" for url in off_host.blocked]
    fail_with("the Russian in-browser notebook", problems)


def test_the_button_says_to_serve_the_book_over_file(
    context: BrowserContext, html_dir: Path
) -> None:
    page = context.new_page()
    page.goto((html_dir / f"{CHAPTER_1}.html").as_uri())
    note = page.locator(".lite-launch .lite-note")
    page.wait_for_function(
        "(el) => el.textContent.includes('http.server')",
        arg=note.element_handle(),
    )
    assert "python3 -m http.server -d _build/html" in note.inner_text()
    assert page.locator("a.lite-button").get_attribute("href") is None


# Typed into a new cell of chapter 4 after its set-up cell: the versions the
# browser runs, and the digits that gradbook ships, split as on the desktop.
DIGITS_CELL = (
    "import sys, numpy, matplotlib; from gradbook import data; "
    "d = data.digits(); print(sys.version.split()[0], numpy.__version__, "
    "matplotlib.__version__, d.x_train.shape, d.x_train.sum(), "
    "d.y_test[:8].tolist())"
)


def test_the_digits_and_versions_in_the_browser(
    context: BrowserContext, book_url: str, screenshots: Path
) -> None:
    from gradbook import data

    lock = json.loads(
        (ROOT / "node_modules/pyodide/pyodide-lock.json").read_text()
    )
    versions = [lock["info"]["python"]] + [
        lock["packages"][name]["version"] for name in ("numpy", "matplotlib")
    ]
    d = data.digits()
    expected = (
        " ".join([*versions, str(d.x_train.shape), str(d.x_train.sum())])
        + f" {d.y_test[:8].tolist()}"
    )
    off_host = OffHost()
    off_host.attach(context)
    page = context.new_page()
    click_run_in_browser(page, book_url, "book/04_training")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=START_TIMEOUT)
    page.wait_for_function(KERNEL_IDLE, timeout=START_TIMEOUT)
    # The set-up cell, then a new cell above the chapter's first one.
    page.locator(".jp-Notebook .jp-Cell").first.click()
    for key in ("Escape", "Shift+Enter", "Escape", "a", "Enter"):
        page.keyboard.press(key)
    page.keyboard.type(DIGITS_CELL)
    page.keyboard.press("Shift+Enter")
    output = (
        page.locator(".jp-Notebook .jp-CodeCell")
        .nth(1)
        .locator(".jp-OutputArea-output")
    )
    output.first.wait_for(timeout=START_TIMEOUT)
    page.screenshot(path=screenshots / shot_name("lite-digits"))
    assert output.first.text_content().strip() == expected
    assert off_host.blocked == []
