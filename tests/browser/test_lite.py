"""The in-browser notebooks: from a chapter's page, "Run in your browser"
opens the chapter in JupyterLite, where Python (Pyodide 0.27.7: Python 3.12,
numpy 2.0.2, matplotlib 3.8.4) runs every cell and reproduces the article's
numbers, a live slider redraws its figure, chapter 5's digits load from
gradbook as on the desktop, and no request leaves 127.0.0.1 (every other host
is blocked)."""

from __future__ import annotations

import hashlib
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from web import lite_site
from web.browser import WAIT
from web.lite_notebook import NOTES
from web.site import (
    CHAPTER_NOTEBOOKS,
    EDITIONS,
    ROOT,
    key_outputs,
    panel_names,
)

from .book import shot_name
from .lab import move_slider, open_dialogs, reads_like_the_book
from .lite import (
    KERNEL_IDLE,
    OUTPUT_TEXTS,
    RUNNING,
    START_TIMEOUT,
    STDERR_TEXTS,
    OffHost,
    click_run_in_browser,
    run_all_cells,
    seconds_to_first_cell,
    wait_until_all_done,
)
from .watch import fail_with

pytestmark = pytest.mark.browser

CHAPTER_1 = "book/01_random_search"
# What the site must have when asked for it (JupyterLite asks for some
# optional files, such as a folder's jupyter-lite.ipynb, and takes a 404).
SITE_FILE = re.compile(r"\.(js|mjs|css|woff2?|ttf|wasm|whl|zip)(\?|$)")
# Seconds from the click to the first executed cell, and to the end of Run
# All, per chapter and edition (the browser tests' own record).
TIMES = "lite-times.json"


@pytest.fixture
def reader_context(
    chromium: Browser,
) -> Iterator[Callable[[], BrowserContext]]:
    """Make fresh browser contexts, as a reader's browser is: JupyterLite's
    service worker registers (Playwright blocks it elsewhere; blocked, the
    kernel of a chapter in a folder, ru/, never starts)."""
    made: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, service_workers="allow"
        )
        context.set_default_timeout(WAIT)
        made.append(context)
        return context

    try:
        yield make
    finally:
        for context in made:
            context.close()


@dataclass
class Edition:
    """One edition's browser context, kept for every chapter's run, as a
    reader's browser keeps its cache from one chapter to the next (Pyodide
    and its packages load from the cache after the first chapter), and
    the requests it blocked off 127.0.0.1."""

    context: BrowserContext
    off_host: OffHost


@pytest.fixture(scope="module")
def editions(chromium: Browser) -> Iterator[dict[str, Edition]]:
    made = {}
    for language in EDITIONS:
        context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, service_workers="allow"
        )
        context.set_default_timeout(WAIT)
        off_host = OffHost()
        off_host.attach(context)
        made[language] = Edition(context, off_host)
    try:
        yield made
    finally:
        for edition in made.values():
            edition.context.close()


def watch(page: Page, language: str, mismatches: list[str]) -> None:
    """Record, into ``mismatches``, each file of the site that ``page``
    asks for and does not find (one the build pruned, say), and each shared
    package whose version an extension does not accept."""
    page.on(
        "response",
        lambda response: (
            mismatches.append(f"{language}: not found: {response.url}")
            if response.status == 404 and SITE_FILE.search(response.url)
            else None
        ),
    )
    page.on(
        "console",
        lambda message: (
            mismatches.append(f"{language}: {message.text[:200]}")
            if "Unsatisfied version" in message.text
            else None
        ),
    )


def outputs(page: Page) -> list[str]:
    return [text.strip() for text in page.evaluate(OUTPUT_TEXTS)]


def stderr(page: Page) -> list[str]:
    return [
        f"a cell wrote to stderr: {text.strip()[:300]!r}"
        for text in page.evaluate(STDERR_TEXTS)
    ]


@pytest.mark.parametrize("chapter", CHAPTER_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chapter_runs_in_the_browser_in_both_editions(
    chapter: Path,
    editions: dict[str, Edition],
    book_url: str,
    html_dir: Path,
    screenshots: Path,
) -> None:
    """From each edition's page, "Run in your browser" opens the chapter;
    Run All runs every cell with no error; the article's numbers are
    printed; the live panel's slider moves by keyboard and by mouse.  Both
    editions run at once, in two tabs (two Pyodide workers, two cores),
    each in its edition's browser context, kept from chapter to chapter."""
    name = chapter.stem
    mismatches: list[str] = []
    pages = {}
    for language, edition in editions.items():
        edition.off_host.blocked.clear()
        pages[language] = edition.context.new_page()
        watch(pages[language], language, mismatches)
    problems: list[str] = []
    times: dict[str, dict[str, float]] = {}
    try:
        clicked = {}
        for language, page in pages.items():
            page_file = EDITIONS[language].page_file(f"book/{name}")
            clicked[language] = click_run_in_browser(page, book_url, page_file)
        for page in pages.values():
            run_all_cells(page)
        for language, page in pages.items():
            first = seconds_to_first_cell(page, clicked[language])
            times[language] = {"first cell": round(first, 1)}
        for language, page in pages.items():
            step = f"{language} {name}"
            problems += [f"{step}: {p}" for p in wait_until_all_done(page)]
            paths, kernels = page.evaluate(RUNNING)
            names = [path.split("/")[-1] for path in paths]
            if (names, kernels) != ([chapter.name], 1):
                problems.append(f"{step}: sessions {paths}, {kernels} kernels")
            # (For the second tab, an upper bound: it is read after the
            # first tab's run.)
            ran = time.monotonic() - clicked[language]
            times[language]["run all"] = round(ran, 1)
            texts = outputs(page)
            lines = {line for text in texts for line in text.splitlines()}
            problems += [
                f"{step} did not print {expected!r}"
                for expected in key_outputs(chapter)
                if expected not in texts and expected not in lines
            ]
            problems += [f"{step}: {p}" for p in stderr(page)]
            errors = page.locator(
                ".jp-OutputArea-output[data-mime-type="
                "'application/vnd.jupyter.error']"
            )
            problems += [
                f"{step}: an error: {t.strip()[-300:]!r}"
                for t in errors.all_text_contents()
            ]
            copy = html_dir / "lite" / "files" / EDITIONS[language].folder
            problems += [
                f"{step}: {p}"
                for p in reads_like_the_book(page, copy / chapter.name)
            ]
            for panel in panel_names(chapter):
                call = f'widgets.panel("{panel}")'
                problems += [f"{step}: {p}" for p in move_slider(page, call)]
            page.screenshot(
                path=screenshots / shot_name(f"lite-{language}-{name}")
            )
    except PlaywrightError as error:
        problems.append(
            f"{name}: {type(error).__name__}: {str(error).splitlines()[0]}"
        )
        for page in pages.values():
            problems += open_dialogs(page)
    finally:
        # The next chapter's tabs start with this chapter's kernels gone.
        for page in pages.values():
            page.close()
    record = screenshots / TIMES
    known = json.loads(record.read_text()) if record.exists() else {}
    known[name] = times
    record.write_text(json.dumps(known, indent=1) + "\n")
    problems += mismatches
    problems += [
        f"request off 127.0.0.1: {url}"
        for edition in editions.values()
        for url in edition.off_host.blocked
    ]
    fail_with(f"{name} in the browser", problems)


def test_the_russian_chapter_speaks_russian(
    reader_context: Callable[[], BrowserContext], book_url: str
) -> None:
    """The Russian page's button opens the Russian copy: its text, the
    note for the browser, and JupyterLab's own menus in Russian; the
    English one stays English."""
    problems = []
    for language, title, note, menu in (
        (
            "en",
            "Why random local search fails",
            NOTES["browser", "en"],
            "File",
        ),
        ("ru", RUSSIAN_TITLE, NOTES["browser", "ru"], "Файл"),
    ):
        page = reader_context().new_page()
        page_file = EDITIONS[language].page_file(CHAPTER_1)
        click_run_in_browser(page, book_url, page_file)
        page.wait_for_selector(".jp-MarkdownCell h1", timeout=START_TIMEOUT)
        heading = page.locator(".jp-MarkdownCell h1").first.inner_text()
        if title not in heading:
            problems.append(f"{language}: the first heading is {heading!r}")
        first = page.locator(".jp-MarkdownCell").first.inner_text()
        words = note.removeprefix("> ").replace("**", "")[:40]
        if words not in " ".join(first.split()):
            problems.append(f"{language}: the note does not say {words!r}")
        menus = page.locator("#jp-MainMenu .lm-MenuBar-itemLabel")
        if menus.first.inner_text() != menu:
            problems.append(
                f"{language}: the first menu is {menus.first.inner_text()!r}"
            )
        if EDITIONS[language].title not in page.title():
            problems.append(f"{language}: the tab says {page.title()!r}")
    fail_with("the editions' in-browser notebooks", problems)


RUSSIAN_TITLE = "Почему случайный локальный поиск проигрывает"


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
    click_run_in_browser(page, book_url, "book/05_training")
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


def unchecked_pyc(data: bytes) -> bool:
    """An unchecked-hash .pyc of Pyodide's Python (3.12)."""
    python_312 = (3531).to_bytes(2, "little") + b"\r\n"  # its magic number
    # flags: hash-based (bit 0), not checked against the source
    return data[:4] == python_312 and data[4:8] == (0b01).to_bytes(4, "little")


def test_the_site_weighs_at_most_60_mb_and_ships_the_kernels_bytecode(
    html_dir: Path,
) -> None:
    """The issue's budget for both editions, and the bytecode archive: listed
    in the shipped lock, loaded first, and made of unchecked-hash .pyc files
    of Pyodide's Python, each beside a module of a shipped package."""
    site = html_dir / "lite"
    files = [f for f in site.rglob("*") if f.is_file()]
    assert sum(f.stat().st_size for f in files) <= 60e6
    pyodide = site / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    entry = lock["packages"][lite_site.BYTECODE]
    archive = pyodide / entry["file_name"]
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == entry["sha256"]
    config = json.loads((site / "jupyter-lite.json").read_text())
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"
    ]
    assert kernel["loadPyodideOptions"]["packages"][0] == lite_site.BYTECODE
    modules = set()
    for wheel in [*pyodide.glob("*.whl"), *site.rglob("pypi/*.whl")]:
        with zipfile.ZipFile(wheel) as z:
            modules.update(n for n in z.namelist() if n.endswith(".py"))
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert len(names) > 300  # IPython, jedi, prompt_toolkit, ...
        for name in names:
            folder, _, cached = name.rpartition("__pycache__/")
            assert cached.endswith(".cpython-312.pyc"), name
            assert f"{folder}{cached.split('.')[0]}.py" in modules, name
            assert unchecked_pyc(z.read(name)[:8]), name


def test_the_standard_library_is_pyodides_with_the_starts_bytecode(
    html_dir: Path,
) -> None:
    """The site's python_stdlib.zip holds every file of Pyodide's, the same
    bytes, and beside a module's source, its unchecked-hash .pyc (asyncio,
    zipfile, ...: what the kernel's start imports)."""
    ours = html_dir / "lite" / "static" / "pyodide" / lite_site.STDLIB
    with (
        zipfile.ZipFile(lite_site.PYODIDE / lite_site.STDLIB) as pyodides,
        zipfile.ZipFile(ours) as z,
    ):
        theirs = set(pyodides.namelist())
        for name in theirs:
            assert z.read(name) == pyodides.read(name), name
        added = set(z.namelist()) - theirs
        assert len(added) > 150
        for name in added:
            assert name.endswith(".pyc") and name[:-1] in theirs, name
            assert unchecked_pyc(z.read(name)[:8]), name
        assert {"asyncio/__init__.pyc", "zipfile/__init__.pyc"} <= added


def test_the_site_leaves_out_the_myst_executor(html_dir: Path) -> None:
    """Run All sends the first cell to the kernel at once: jupyterlab-myst's
    executor (inline expressions, which no chapter has) is disabled."""
    config = json.loads((html_dir / "lite" / "jupyter-lite.json").read_text())
    disabled = config["jupyter-config-data"]["disabledExtensions"]
    assert disabled == [lite_site.MYST_EXECUTOR]
    myst = html_dir / "lite" / "extensions" / "jupyterlab-myst" / "static"
    # the plugin is there under that name (a renamed one would stay on)
    plugin = f'id:"{lite_site.MYST_EXECUTOR}"'
    assert any(plugin in c.read_text("utf-8") for c in myst.glob("*.js"))
