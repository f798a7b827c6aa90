"""6. How quickly each live panel answers its slider, in JupyterLab.

A real JupyterLab (``tests/browser/lab.py``: 127.0.0.1, a token, no user
state, shut down after) serves a notebook that shows the chapters' live
panels; Debian's Chromium, driven by Playwright, runs it and moves one slider
of each panel with the keyboard, ``MOVES`` times.  Clocks in the page time
each move, from the key press to the ``load`` event of the first new image
(the goal), and of the last one: a panel that trains again shows a pale
partial result first, then the settled one.  Before each move the kernel is
idle and the last image has loaded, so a move never waits for the one
before it.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from tests.browser.lab import (
    click_run_all_cells,
    running_jupyterlab,
    wait_for_connected_kernel,
)
from web.browser import CHROMIUM_ARGS
from web.site import CHAPTER_NOTEBOOKS, panel_names

from benchmarks import book, checks

IMPORTS = ("gradbook", "jupyterlab", "ipywidgets", "matplotlib", "playwright")

MOVES = 20
NOTEBOOK = "panels.ipynb"


def panels() -> dict[str, tuple[str, str]]:
    """chapter number: (the call that shows its live panel, the label of
    the slider moved, as benchmarks.book.moved chooses it), for every live
    panel a chapter shows (``widgets.panel("name")`` in a code cell)."""
    from gradbook import explorables

    found = {}
    for number, path in enumerate(CHAPTER_NOTEBOOKS, start=1):
        for name in panel_names(path):
            label = explorables.get(name).control(book.moved(name)[0]).label
            found[str(number)] = (f'widgets.panel("{name}")', label)
    return found


# In the page: the time of each key press on the slider and of each load of
# the panel's image.
_CLOCKS = """([handle, image]) => {
  const clocks = {presses: [], loads: []};
  handle.addEventListener(
    'keydown', () => clocks.presses.push(performance.now()), true);
  image.addEventListener('load', () => clocks.loads.push(performance.now()));
  window.panelClocks = clocks;
}"""
_IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
_ALL_DONE = """() =>
  ![...document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt')]
    .some(p => p.textContent.includes('*'))
  && [...document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt')]
    .every(p => /\\[\\d+\\]/.test(p.textContent))"""


def _notebook() -> str:
    """A notebook with one cell per live panel."""
    cells = [["from gradbook import widgets"]] + [
        [call] for call, _ in panels().values()
    ]
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [],
                    "source": source,
                }
                for source in cells
            ],
            "metadata": {
                "kernelspec": {
                    "name": "python3",
                    "display_name": "Python 3",
                    "language": "python",
                }
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def _moves(page: Page, call: str, slider: str) -> list[tuple[float, float]]:
    """Milliseconds from key press to the first new image, and to the last
    (the settled one), for each of ``MOVES`` moves of the panel's
    ``slider``.  A panel that retrains shows a partial result first, then
    the finished one: two images for one move."""
    cell = page.locator(
        f".jp-CodeCell:has(.cm-content:has-text({json.dumps(call)}))"
    )
    panel = cell.locator(
        ".jp-OutputArea-output .widget-vbox:has(.widget-gridbox):has(img)"
    ).first
    panel.wait_for(timeout=120_000)
    panel.scroll_into_view_if_needed()
    image = panel.locator("img").last
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0",
        arg=image.element_handle(),
        timeout=120_000,
    )
    handle = (
        panel.locator(
            ".widget-slider",
            has=page.locator(f".widget-label:text-is('{slider}')"),
        )
        .locator("[role=slider]")
        .first
    )
    page.evaluate(_CLOCKS, [handle.element_handle(), image.element_handle()])
    handle.focus()
    latencies = []
    for move in range(MOVES):
        page.wait_for_selector(_IDLE, timeout=60_000)
        page.wait_for_timeout(300)  # the kernel idle, nothing in flight
        before = len(page.evaluate("window.panelClocks")["loads"])
        now, top = (
            float(handle.get_attribute(f"aria-value{end}") or "nan")
            for end in ("now", "max")
        )
        page.keyboard.press("ArrowRight" if now < top else "ArrowLeft")
        page.wait_for_function(
            f"window.panelClocks.loads.length > {before}", timeout=60_000
        )
        page.wait_for_selector(_IDLE, timeout=60_000)
        page.wait_for_timeout(300)  # the last image of the move has loaded
        clocks = page.evaluate("window.panelClocks")
        if len(clocks["presses"]) != move + 1:
            raise checks.WrongAnswerError(
                f"{call}: {len(clocks['presses'])} key presses after "
                f"{move + 1} moves"
            )
        pressed, loads = clocks["presses"][move], clocks["loads"][before:]
        latencies.append((loads[0] - pressed, loads[-1] - pressed))
    return latencies


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def measure() -> dict:
    latencies: dict[str, list[tuple[float, float]]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="gradbook-bench-") as tmp,
        running_jupyterlab(Path(tmp)) as lab,
        sync_playwright() as playwright,
    ):
        (lab.root / NOTEBOOK).write_text(_notebook())
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"{lab.url}/lab/tree/{NOTEBOOK}?token={lab.token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            wait_for_connected_kernel(lab, NOTEBOOK)
            page.wait_for_selector(_IDLE, timeout=90_000)
            click_run_all_cells(page)
            page.wait_for_function(_ALL_DONE, timeout=300_000, polling=250)
            for chapter, (call, slider) in panels().items():
                latencies[chapter] = _moves(page, call, slider)
        finally:
            browser.close()
    first = {c: [f for f, _ in moves] for c, moves in latencies.items()}
    last = {c: [s for _, s in moves] for c, moves in latencies.items()}
    return {
        "checked": f"each panel drew a new image for each of {MOVES} moves",
        "how": __doc__.split("\n\n", 1)[1].replace("\n", " ").strip(),
        "slider moved": {c: slider for c, (_, slider) in panels().items()},
        "median (ms)": {c: statistics.median(ms) for c, ms in first.items()},
        "p90 (ms)": {c: _p90(ms) for c, ms in first.items()},
        "settled median (ms)": {
            c: statistics.median(ms) for c, ms in last.items()
        },
        "settled p90 (ms)": {c: _p90(ms) for c, ms in last.items()},
        "each move (ms)": {
            c: [[round(f, 1), round(s, 1)] for f, s in moves]
            for c, moves in latencies.items()
        },
    }
