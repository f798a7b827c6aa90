"""The in-browser notebooks (JupyterLite, built into _build/html/lite/ by
web/lite_site.py): opening a chapter from its page's button, running it,
and keeping every request on 127.0.0.1."""

from __future__ import annotations

import re
import time
import urllib.parse
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, Route
from web.browser import page_url

from .lab import ALL_DONE

# Generous: the first start loads Pyodide, numpy and matplotlib (about 30 MB)
# and a chapter then runs in WebAssembly, several times slower than CPython.
START_TIMEOUT = 180_000  # ms, from the click to the first executed cell
RUN_TIMEOUT = 600_000  # ms, for Run All Cells

# The first cell (the set-up cell) has run: its prompt shows a number.
FIRST_CELL_DONE = """() => {
  const p = document.querySelector('.jp-Notebook .jp-InputArea-prompt');
  return !!p && /\\[\\d+\\]/.test(p.textContent);
}"""
# The status bar names the notebook's kernel and its state: "Idle" once
# Pyodide has started (the notebook's own toolbar says "idle" before that);
# a Russian chapter's JupyterLab says it in Russian (its language pack).
KERNEL_IDLE = """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
  .some(e => /\\(Pyodide\\) \\| (Idle|Простаивает)$/.test(e.textContent))"""
# The Run menu's name in JupyterLab, and in its Russian language pack.
RUN_MENU = ("Run", "Запуск")
# The sessions' paths and the number of kernels in the tab's JupyterLite
# (its app: exposeAppInBrowser): one of each, the chapter's, although its
# page starts the kernel before the notebook asks for one.
RUNNING = """() => {
  const manager = window.jupyterapp.serviceManager;
  return [[...manager.sessions.running()].map(s => s.path),
          [...manager.kernels.running()].length];
}"""
# Each code cell's prompt, in order: "[1]:", "[2]:", ... after a fresh run
# (the stored outputs' counts start at the chapter's first cell, which is the
# second here, after the set-up cell).  A folded cell (a solution's) shows no
# prompt: its number is a gap in the visible ones.
CODE_PROMPTS = """() => [...document.querySelectorAll(
  '.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent)"""
CODE_CELLS = (
    "() => document.querySelectorAll('.jp-Notebook .jp-CodeCell').length"
)
# Every output's text (textContent: innerText is empty for cells scrolled
# out of view).
OUTPUT_TEXTS = """() => [...document.querySelectorAll(
  '.jp-Notebook .jp-OutputArea-output')].map(o => o.textContent)"""
STDERR_TEXTS = """() => [...document.querySelectorAll(
  '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
  )].map(o => o.textContent)"""


@dataclass
class OffHost:
    """Blocks and records every request to a host other than 127.0.0.1."""

    blocked: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        host = urllib.parse.urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def click_run_in_browser(page: Page, book_url: str, chapter: str) -> float:
    """Open the chapter's page and click its button; returns the time of the
    click (time.monotonic())."""
    page.goto(page_url(book_url, chapter))
    button = page.locator("a.lite-button")
    button.wait_for()
    clicked = time.monotonic()
    button.click()
    return clicked


def run_all_cells(page: Page) -> None:
    """Once the kernel has started, Run > Run All Cells from the menu bar, as
    a reader would, in either language: the menu that holds the command
    (the Run menu, by its English or Russian name, is tried first)."""
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=START_TIMEOUT)
    page.wait_for_function(KERNEL_IDLE, timeout=START_TIMEOUT, polling=100)
    command = page.locator(
        ".lm-Menu .lm-Menu-item[data-command='runmenu:run-all']"
    )
    menus = page.locator("#jp-MainMenu .lm-MenuBar-item").all()
    run = [m for m in menus if m.inner_text().strip() in RUN_MENU]
    for menu in run + [m for m in menus if m not in run]:
        menu.click()
        page.wait_for_selector(".lm-Menu", state="visible")
        if command.is_visible():
            command.click()
            return
        page.keyboard.press("Escape")
    raise AssertionError("no menu holds Run All Cells")


def seconds_to_first_cell(page: Page, clicked: float) -> float:
    """Wait until the set-up cell has run; seconds since the click."""
    page.wait_for_function(FIRST_CELL_DONE, timeout=START_TIMEOUT, polling=100)
    return time.monotonic() - clicked


def wait_until_all_done(page: Page) -> list[str]:
    """Wait until no cell is running; returns what is wrong if not every
    code cell ran, in order, in this session."""
    page.wait_for_function(ALL_DONE, timeout=RUN_TIMEOUT, polling=250)
    prompts = [p.strip() for p in page.evaluate(CODE_PROMPTS)]
    cells = page.evaluate(CODE_CELLS)
    numbers = [
        int(p[1:-2]) if re.fullmatch(r"\[\d+\]:", p) else 0 for p in prompts
    ]
    # Each shown prompt has run, in order; the folded cells fill the gaps.
    if (
        numbers
        and numbers[0] >= 1
        and numbers == sorted(set(numbers))
        and numbers[-1] <= cells
    ):
        return []
    return [
        f"not every one of the {cells} code cells ran, in order "
        f"(prompts: {' '.join(prompts[:12])} ... {' '.join(prompts[-3:])})"
    ]


def start_chapter(page: Page, book_url: str, chapter: str) -> float:
    """Click the chapter's button, wait for the kernel, run all cells, and
    return the seconds from the click to the first executed cell (the rest
    may still be running)."""
    clicked = click_run_in_browser(page, book_url, chapter)
    run_all_cells(page)
    return seconds_to_first_cell(page, clicked)
