"""The built book and the live notebooks, checked in a real browser (Chromium).

Run after `make book`: `pytest -m browser`.  The tests serve the built HTML
(`_build/html`, or the folder in $GRADBOOK_HTML) from 127.0.0.1 and drive
Debian's Chromium through Playwright:

- every page of `_toc.yml` loads with no console error, no failed request, no
  request to another origin, all its images loaded, its math typeset, no
  code block wider than the column (nothing scrolls sideways) and a left
  navigation that links to every page;
- following each sidebar link loads that page;
- every scrubber (a slider above pre-rendered frames, rendered without a
  kernel from the page's embedded widget state) changes the picture when its
  slider is moved with the keyboard, and every chapter has one;
- in JupyterLab, running chapter 1 and moving a slider of its live panel
  redraws the figure (the kernel is the venv's Python).

Full-page screenshots land in `_build/screenshots/` ($GRADBOOK_SCREENSHOTS)
for a person to look at.  Each test collects every problem it finds on its
page and fails once with the whole list.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_metrics import CHROMIUM_ARGS, WIDGETS_READY
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
HTML_DIR = Path(
    os.environ.get("GRADBOOK_HTML", REPO / "_build" / "html")
).resolve()
SCREENSHOT_DIR = Path(
    os.environ.get("GRADBOOK_SCREENSHOTS", REPO / "_build" / "screenshots")
).resolve()

CHROMIUM = shutil.which("chromium")  # Debian's binary on the PATH
VIEWPORT = {
    "width": 1280,
    "height": 900,
}  # wide enough for the theme's left sidebar

# Generous waits (milliseconds): the widget manager renders after window load.
WAIT = 30_000
# Chapter pages are book/0*.html; each must have at least one scrubber.
CHAPTER = re.compile(r"(^|/)0[^/]*$")

# Live panels checked in JupyterLab: (notebook, the call that shows the panel,
# the label of the slider to move).
LIVE_PANELS = [("book/01_random_search", "random_search_panel()", "seed")]
LAB_RUN_TIMEOUT = 300_000  # ms for Run All Cells (chapter 1 takes ~20 s)


# ---------------------------------------------------------------------------
# The pages: every file of _toc.yml, in reading order.


def _toc_files(toc_path: Path = REPO / "_toc.yml") -> list[str]:
    """The `file:` entries of a jb-book _toc.yml (root, parts, chapters,
    sections, globs)."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    files: list[str] = []

    def add(name: str) -> None:
        name = re.sub(r"\.(md|ipynb|rst)$", "", name.strip("/"))
        if name not in files:
            files.append(name)

    def walk(entries: list[dict[str, Any]] | None) -> None:
        for entry in entries or []:
            if "file" in entry:
                add(entry["file"])
            elif "glob" in entry:
                for path in sorted(REPO.glob(entry["glob"])):
                    if path.suffix in {".md", ".ipynb", ".rst"}:
                        add(path.relative_to(REPO).as_posix())
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    add(toc["root"])
    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    walk(toc.get("sections"))
    return files


PAGES = _toc_files()
ROOT_PAGE = PAGES[0]


def _shot_name(page_file: str, suffix: str = "") -> str:
    return page_file.replace("/", "-") + suffix + ".png"


# ---------------------------------------------------------------------------
# Fixtures: the built book, a server for it, one browser for the session.


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(
            f"no built book at {HTML_DIR} (no index.html): "
            "run `make book` first "
            "(or point GRADBOOK_HTML at a built _build/html folder)",
            pytrace=False,
        )
    return HTML_DIR


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # Explicit types, so the answer does not depend on the machine's
    # mime.types.
    extensions_map = {  # noqa: RUF012 (the base class's own attribute)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".ttf": "font/ttf",
        ".eot": "application/vnd.ms-fontobject",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that drops a connection mid-answer is not a book problem.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def book_url(html_dir: Path) -> Iterator[str]:
    """The built book, served on 127.0.0.1 at a free port for the session."""
    server = _QuietServer(
        ("127.0.0.1", 0),
        functools.partial(_QuietHandler, directory=str(html_dir)),
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# One Playwright session at a time: the module's own, closed when the
# module is done, so that the other browser test modules can start theirs.
@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.fail(
            "chromium is not on the PATH: "
            "install Debian's chromium (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context (no cache, no storage) for each test."""
    ctx = chromium.new_context(viewport=VIEWPORT, service_workers="block")
    ctx.set_default_timeout(WAIT)
    try:
        yield ctx
    finally:
        ctx.close()


# ---------------------------------------------------------------------------
# Watching a page: everything that went wrong, as readable lines.


@dataclass
class Watch:
    """Console errors, page errors and bad requests seen by one page."""

    origin: str
    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on(
            "pageerror",
            lambda error: self.problems.append(f"page error: {error}"),
        )
        page.on("requestfailed", self._failed)
        page.on("request", self._request)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            where = message.location or {}
            at = (
                f" (at {where.get('url')}:{where.get('lineNumber')})"
                if where.get("url")
                else ""
            )
            self.problems.append(f"console error: {message.text}{at}")

    def _failed(self, request: Any) -> None:
        self.problems.append(
            f"request failed: {request.url} ({request.failure})"
        )

    def _request(self, request: Any) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        parts = urllib.parse.urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.problems.append(f"request to another origin: {url}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


def _fail_with(where: str, problems: list[str]) -> None:
    unique = list(dict.fromkeys(problems))
    if unique:
        lines = "\n".join(f"  - {p}" for p in unique)
        pytest.fail(
            f"{where}: {len(unique)} problem(s):\n{lines}", pytrace=False
        )


# ---------------------------------------------------------------------------
# In-page helpers (JavaScript run in the browser).

# Widgets ready: browser_metrics.WIDGETS_READY (every view rendered, every
# image in them loaded).

_WIDGETS_STATE = """() => ({
  views: document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]').length,
  areas: document.querySelectorAll('.widget-subarea').length,
  rendered: [...document.querySelectorAll('.widget-subarea')]
    .filter(a => a.querySelector('.jupyter-widgets')).length,
  text: [...document.querySelectorAll('.widget-subarea')]
    .map(a => a.innerText.slice(0, 200)),
})"""

# Code blocks (listings, cells, printed output) in the article that are wider
# than the column, so the reader would have to scroll sideways.
_WIDE_PRE = """() => [...document.querySelectorAll('.bd-article pre')]
  .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
  .map(pre => ({
    scroll: pre.scrollWidth, client: pre.clientWidth,
    text: pre.innerText.split('\\n').sort((a, b) => b.length - a.length)[0]
  }))"""

# MathJax 3: wait for its first typeset (startup.promise), at most `ms`.
_MATHJAX_DONE = """async (ms) => {
  const mj = window.MathJax;
  if (!mj || !mj.startup || !mj.startup.promise)
    return 'MathJax 3 is not on this page';
  const timeout = new Promise(
    resolve => setTimeout(() => resolve('timed out'), ms));
  return await Promise.race([
    mj.startup.promise.then(() => 'ok', e => 'failed: ' + e), timeout]);
}"""

# Math in the article: every .math element typeset, no MathJax error, and no
# raw TeX delimiters left in the article's text outside code.
_MATH_REPORT = r"""() => {
  const article = document.querySelector('.bd-article')
    || document.querySelector('main');
  if (!article)
    return {math: 0, containers: 0, untypeset: [], errors: [], raw: []};
  const math = [...article.querySelectorAll('.math')];
  const untypeset = math.filter(m => !m.querySelector('mjx-container'))
    .map(m => m.textContent.trim().slice(0, 80));
  const errors = [...article.querySelectorAll('mjx-merror')]
    .map(e => (e.getAttribute('data-mjx-error') || e.textContent)
      .slice(0, 120));
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight';
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement && node.parentElement.closest(skip)) continue;
    const text = node.textContent;
    const at = text.search(/\\\(|\\\[|\$\$|\\begin\{/);
    if (at >= 0)
      raw.push(text.slice(Math.max(0, at - 40), at + 60).replace(/\s+/g, ' '));
  }
  const containers = article.querySelectorAll('mjx-container').length;
  return {math: math.length, containers, untypeset, errors, raw};
}"""

# Images in the main content: scroll each into view (images may be lazy),
# wait for it to finish loading, report those that did not load.
_IMAGES_REPORT = """async (ms) => {
  const images = [...document.querySelectorAll('main img, .bd-article img')];
  const deadline = Date.now() + ms;
  const bad = [];
  for (const img of images) {
    // A lazy image inside a closed dropdown never enters the viewport: load it
    // as opening the dropdown would.
    if (img.loading === 'lazy' && img.getClientRects().length === 0)
      img.loading = 'eager';
    img.scrollIntoView({block: 'center'});
    while (!img.complete && Date.now() < deadline)
      await new Promise(r => setTimeout(r, 50));
    if (!img.complete || img.naturalWidth === 0) {
      const src = (img.currentSrc || img.src || '(no src)').slice(0, 150);
      bad.push({src, alt: img.alt || '', complete: img.complete});
    }
  }
  window.scrollTo(0, 0);
  return {count: images.length, bad};
}"""

# Links in the left sidebar, absolute and without the #fragment.
_SIDEBAR_LINKS = """() =>
  [...document.querySelectorAll('.bd-sidebar-primary a[href]')]
    .map(a => a.href.split('#')[0])"""

# A fingerprint of an image's pixels (draws it on a canvas; blob: URLs are
# same-origin, so the canvas can be read).
_PIXELS = """(img) => {
  if (!img.complete || img.naturalWidth === 0) return null;
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let h = 2166136261;
  for (let i = 0; i < data.length; i++) {
    h ^= data[i];
    h = Math.imul(h, 16777619);
  }
  return canvas.width + 'x' + canvas.height + ':' + (h >>> 0).toString(16);
}"""


def _page_url(book_url: str, page_file: str) -> str:
    return f"{book_url}/{page_file}.html"


def _open_book_page(
    context: BrowserContext, book_url: str, html_dir: Path, page_file: str
) -> tuple[Page, Watch]:
    """Open one page, wait until its widgets and math have rendered; problems
    go to the Watch."""
    if not (html_dir / f"{page_file}.html").is_file():
        pytest.fail(
            f"{page_file}: {page_file}.html is missing from {html_dir}: "
            "run `make book` first",
            pytrace=False,
        )
    page = context.new_page()
    watch = Watch(book_url)
    watch.attach(page)
    response = page.goto(_page_url(book_url, page_file), wait_until="load")
    if response is None or response.status != 200:
        status = response.status if response else "(no response)"
        watch.problems.append(f"page answered HTTP {status}")
    try:
        page.wait_for_function(WIDGETS_READY, timeout=WAIT)
    except PlaywrightTimeout:
        state = page.evaluate(_WIDGETS_STATE)
        watch.problems.append(
            f"widgets did not render within {WAIT // 1000} s: "
            f"{state['rendered']} of {state['views']} widget views rendered, "
            f"or their images did not load ({state['text']})"
        )
    mathjax = page.evaluate(_MATHJAX_DONE, WAIT)
    if mathjax != "ok" and page.locator(".bd-article .math").count():
        watch.problems.append(f"MathJax did not finish typesetting: {mathjax}")
    return page, watch


def _settle(page: Page) -> None:
    """Let late requests (fonts, lazy images) finish, so their failures are
    seen."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=10_000)


# ---------------------------------------------------------------------------
# 1. Every page: loads cleanly, images, math, navigation.  4. Screenshots.


@pytest.mark.parametrize("page_file", PAGES)
def test_page_loads_cleanly(
    page_file: str,
    context: BrowserContext,
    book_url: str,
    html_dir: Path,
    screenshots: Path,
) -> None:
    page, watch = _open_book_page(context, book_url, html_dir, page_file)
    problems = watch.problems

    images = page.evaluate(_IMAGES_REPORT, WAIT)
    for img in images["bad"]:
        state = (
            "never finished loading"
            if not img["complete"]
            else "is broken (naturalWidth 0)"
        )
        problems.append(f"image {img['src']} (alt {img['alt']!r}) {state}")

    math = page.evaluate(_MATH_REPORT)
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

    for block in page.evaluate(_WIDE_PRE):
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

    links = set(page.evaluate(_SIDEBAR_LINKS))
    missing = [f for f in PAGES if _page_url(book_url, f) not in links]
    if missing:
        problems.append(
            f"the left navigation has no link to: {', '.join(missing)}"
        )

    _settle(page)
    page.screenshot(path=screenshots / _shot_name(page_file), full_page=True)
    _fail_with(page_file, problems)


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
    if not (html_dir / f"{start}.html").is_file():
        pytest.fail(
            f"{start}.html is missing from {html_dir}: run `make book` first",
            pytrace=False,
        )
    # How each page loads is test_page_loads_cleanly's business; here only
    # the link.
    page = context.new_page()
    page.goto(_page_url(book_url, start), wait_until="load")
    target_url = _page_url(book_url, target)
    # Open collapsed sections, as a reader would to reach a nested page.
    page.evaluate(
        "() => document.querySelectorAll('.bd-sidebar-primary details')"
        ".forEach(d => (d.open = true))"
    )
    hrefs = page.evaluate(_SIDEBAR_LINKS)
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
    _fail_with(f"{start} -> {target}", problems)


# ---------------------------------------------------------------------------
# 2. Scrubbers: slider + pre-rendered frames, driven by the keyboard.

# A scrubber: a rendered widget area with a slider and an image.
_SCRUBBERS = """() => [...document.querySelectorAll('.widget-subarea')]
  .map((area, index) => ({
    index,
    slider: !!area.querySelector(
      '.widget-slider, .widget-hslider, [role=slider]'),
    img: !!area.querySelector('img'),
  }))
  .filter(a => a.slider && a.img).map(a => a.index)"""

# The image a widget area shows (the Stack's selected frame, whether the
# manager renders only that frame or hides the others).
_SHOWN_IMG = """(area) => [...area.querySelectorAll('img')]
  .find(i => i.checkVisibility() && i.getClientRects().length)"""

# Its src and pixels.
_SHOWN_PICTURE = f"""(area) => {{
  const img = ({_SHOWN_IMG})(area);
  return img
    ? {{src: img.src, pixels: ({_PIXELS})(img)}}
    : {{src: null, pixels: null}};
}}"""

# A new picture shown (other src, loaded).
_NEW_PICTURE = f"""([area, src]) => {{
  const img = ({_SHOWN_IMG})(area);
  return !!img && img.src !== src && img.complete && img.naturalWidth > 0;
}}"""


def _slider_state(handle: Locator) -> dict[str, float]:
    return {
        name: float(handle.get_attribute(f"aria-value{name}") or "nan")
        for name in ("now", "min", "max")
    }


def _shown_picture(area: Locator) -> tuple[str | None, str | None]:
    """(src, pixel fingerprint) of the image shown in a widget area."""
    shown = area.evaluate(_SHOWN_PICTURE)
    return shown["src"], shown["pixels"]


def _press_and_expect_new_picture(
    page: Page, area: Locator, handle: Locator, key: str, what: str
) -> list[str]:
    before_src, before_pixels = _shown_picture(area)
    before_value = _slider_state(handle)["now"]
    handle.focus()
    page.keyboard.press(key)
    try:
        page.wait_for_function(
            _NEW_PICTURE,
            arg=[area.element_handle(), before_src],
            timeout=WAIT,
        )
    except PlaywrightTimeout:
        after_value = _slider_state(handle)["now"]
        return [
            f"{what}: after {key} the slider went "
            f"{before_value:g} -> {after_value:g} "
            f"but the shown image did not change within {WAIT // 1000} s"
        ]
    after_src, after_pixels = _shown_picture(area)
    if after_pixels is None or after_pixels == before_pixels:
        return [
            f"{what}: after {key} the image was replaced ({after_src}) "
            "but shows the same pixels"
        ]
    return []


@pytest.mark.parametrize("page_file", PAGES)
def test_scrubbers_move_with_keyboard(
    page_file: str,
    context: BrowserContext,
    book_url: str,
    html_dir: Path,
    screenshots: Path,
) -> None:
    page, watch = _open_book_page(context, book_url, html_dir, page_file)
    loading_problems = list(watch.problems)
    scrubbers = page.evaluate(_SCRUBBERS)
    if not scrubbers:
        if CHAPTER.search(page_file):
            _fail_with(
                page_file,
                [
                    *loading_problems,
                    "a chapter page must have at least one scrubber "
                    "(slider + images)",
                ],
            )
        return
    problems: list[str] = []
    seen_errors = len(watch.problems)
    for number, index in enumerate(scrubbers, start=1):
        what = f"scrubber {number}"
        area = page.locator(".widget-subarea").nth(index)
        area.scroll_into_view_if_needed()
        handle = area.locator("[role=slider]").first
        if not handle.count():
            problems.append(
                f"{what}: no keyboard-focusable slider handle ([role=slider])"
            )
            continue
        area.screenshot(
            path=screenshots
            / _shot_name(page_file, f"--scrubber{number}-before")
        )
        state = _slider_state(handle)
        first = "ArrowRight" if state["now"] < state["max"] else "ArrowLeft"
        problems += _press_and_expect_new_picture(
            page, area, handle, first, what
        )
        state = _slider_state(handle)
        second = "End" if state["now"] < state["max"] else "Home"
        problems += _press_and_expect_new_picture(
            page, area, handle, second, what
        )
        area.screenshot(
            path=screenshots
            / _shot_name(page_file, f"--scrubber{number}-after")
        )
    # Errors raised while the sliders moved (load-time errors are
    # test_page_loads_cleanly's).
    problems += watch.problems[seen_errors:]
    if loading_problems and problems:
        problems += [f"(while loading) {p}" for p in loading_problems]
    _fail_with(page_file, problems)


# ---------------------------------------------------------------------------
# 3. The live path: JupyterLab, a kernel, a live panel.


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET") -> Any:
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        headers={"Authorization": f"token {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def _children(pid: int) -> list[int]:
    """Child processes of pid (Linux /proc); empty where /proc is not there."""
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                kids.append(int(stat.parent.name))
    return kids


@dataclass
class Lab:
    url: str
    token: str
    process: subprocess.Popen[bytes]
    root: Path
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 serving copies of the notebooks, with no user
    state; shut down after."""
    root = tmp_path / "notebooks"
    root.mkdir()
    for notebook, _, _ in LIVE_PANELS:
        # A copy: Lab's autosave must never touch the repo's notebook.
        shutil.copy2(REPO / f"{notebook}.ipynb", root)
    settings = tmp_path / "settings"
    notification = (
        settings
        / "@jupyterlab"
        / "apputils-extension"
        / "notification.jupyterlab-settings"
    )
    notification.parent.mkdir(parents=True)
    # No news feed, no update check: Lab asks nothing of the internet.
    notification.write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }
    env.pop("JUPYTER_PATH", None)
    port, token = _free_port(), secrets.token_hex(24)
    log = tmp_path / "jupyterlab.log"
    command = [
        # The venv's Python runs Lab, so the kernelspec python3 is the venv's
        # Python.
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",  # CI runs as root
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
            start_new_session=True,
        )
    lab = Lab(base, token, process, root, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited with {process.returncode}:\n"
                    f"{lab.log_tail()}",
                    pytrace=False,
                )
            try:
                _api(base, token, "/api/status")
                break
            except (
                urllib.error.URLError,
                ConnectionError,
                TimeoutError,
            ) as error:
                if isinstance(error, urllib.error.HTTPError):
                    error.close()
                if time.monotonic() > deadline:
                    pytest.fail(
                        "JupyterLab did not start in 120 s:\n"
                        f"{lab.log_tail()}",
                        pytrace=False,
                    )
                time.sleep(0.25)
        yield lab
    finally:
        # Shut the server down (it stops its kernels); force it only if it
        # hangs.
        with contextlib.suppress(OSError, urllib.error.URLError):
            _api(base, token, "/api/shutdown", method="POST")
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        print(f"--- JupyterLab log (tail) ---\n{lab.log_tail()}")


def _wait_for_connected_kernel(
    lab: Lab, notebook: str, seconds: float = 120
) -> None:
    """Poll the server until the notebook's session has a kernel with a
    browser connected."""
    deadline = time.monotonic() + seconds
    sessions: Any = []
    while time.monotonic() < deadline:
        sessions = _api(lab.url, lab.token, "/api/sessions")
        for session in sessions:
            kernel = session.get("kernel") or {}
            if (
                session.get("path", "").endswith(notebook)
                and kernel.get("connections", 0) > 0
            ):
                return
        time.sleep(0.25)
    raise TimeoutError(
        f"no kernel connected for {notebook} in {seconds:g} s; "
        f"sessions: {sessions}"
    )


_ANY_RUNNING = """() =>
  [...document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt')]
    .some(p => p.textContent.includes('*'))"""
_ALL_DONE = """() =>
  ![...document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt')]
    .some(p => p.textContent.includes('*'))
  && document.querySelector('.jp-Notebook-ExecutionIndicator')
    ?.dataset.status === 'idle'"""


@pytest.mark.parametrize(("notebook", "call", "slider"), LIVE_PANELS)
def test_live_panel_in_jupyterlab(
    notebook: str,
    call: str,
    slider: str,
    context: BrowserContext,
    jupyterlab: Lab,
    screenshots: Path,
) -> None:
    name = Path(notebook).name
    page = context.new_page()
    watch = Watch(jupyterlab.url)
    watch.attach(page)
    problems: list[str] = []
    step = "opening the notebook"
    try:
        page.goto(
            f"{jupyterlab.url}/lab/tree/{name}.ipynb?token={jupyterlab.token}"
        )
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        step = "waiting for the kernel"
        # The toolbar says "idle" before the kernel exists, too: first wait
        # until the server has this notebook's kernel with the page connected.
        _wait_for_connected_kernel(jupyterlab, f"{name}.ipynb")
        page.wait_for_selector(
            ".jp-Notebook-ExecutionIndicator[data-status='idle']",
            timeout=90_000,
        )

        # Run > Run All Cells, from the menu bar as a reader would.
        step = "Run > Run All Cells"
        page.locator(
            "#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")
        ).click()
        page.locator(
            ".lm-Menu-item:has(.lm-Menu-itemLabel:text-is('Run All Cells'))"
        ).click()
        page.wait_for_function(_ANY_RUNNING, timeout=WAIT)
        step = "waiting for all cells to run and the kernel to be idle"
        page.wait_for_function(_ALL_DONE, timeout=LAB_RUN_TIMEOUT, polling=250)

        stderr = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        # textContent: innerText is empty for cells scrolled out of view
        # (content-visibility).
        texts = stderr.evaluate_all(
            "outputs => outputs.map(o => o.textContent)"
        )
        problems += [
            f"a cell wrote to stderr: {text.strip()[:300]!r}" for text in texts
        ]

        # The kernel is the venv's Python (Lab runs from sys.executable).
        kernels = [
            pid
            for pid in _children(jupyterlab.process.pid)
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        for pid in kernels:
            executable = (
                Path(f"/proc/{pid}/cmdline")
                .read_bytes()
                .split(b"\0")[0]
                .decode()
            )
            if Path(executable) != Path(sys.executable):
                problems.append(
                    f"the kernel runs {executable}, "
                    f"not the venv's {sys.executable}"
                )
        if Path("/proc/self").exists() and not kernels:
            problems.append("no ipykernel process found under JupyterLab")

        step = f"waiting for the live panel of {call} and its image"
        cell = page.locator(
            f".jp-CodeCell:has(.cm-content:has-text({json.dumps(call)}))"
        )
        panel = cell.locator(
            ".jp-OutputArea-output .widget-vbox:has(.widget-gridbox):has(img)"
        ).first
        panel.wait_for(timeout=WAIT)
        panel.scroll_into_view_if_needed()
        image = panel.locator("img").last
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0",
            arg=image.element_handle(),
        )
        before_src, before_pixels = (
            image.get_attribute("src"),
            image.evaluate(_PIXELS),
        )
        panel.screenshot(
            path=screenshots / _shot_name(f"lab-{name}", "--panel-before")
        )

        step = f"moving the {slider!r} slider"
        label = panel.locator(
            ".widget-slider",
            has=page.locator(f".widget-label:text-is('{slider}')"),
        )
        handle = label.locator("[role=slider]").first
        readout = label.locator(".widget-readout")
        before_value = readout.inner_text()
        state = _slider_state(handle)
        handle.focus()
        page.keyboard.press(
            "ArrowRight" if state["now"] < state["max"] else "ArrowLeft"
        )
        try:
            page.wait_for_function(
                "([img, src]) => img.src !== src"
                " && img.complete && img.naturalWidth > 0",
                arg=[image.element_handle(), before_src],
                timeout=60_000,
            )
        except PlaywrightTimeout:
            moved = f"{before_value} -> {readout.inner_text()}"
            problems.append(
                f"moving {slider!r} ({moved}) "
                "did not redraw the figure in 60 s"
            )
        else:
            if image.evaluate(_PIXELS) == before_pixels:
                problems.append(
                    f"moving {slider!r} replaced the image but not its pixels"
                )
        if readout.inner_text() == before_value:
            problems.append(
                f"the {slider!r} slider did not move with the keyboard "
                f"(still {before_value})"
            )
        panel.screenshot(
            path=screenshots / _shot_name(f"lab-{name}", "--panel-after")
        )
    except (PlaywrightError, TimeoutError) as error:
        problems.append(
            f"{step}: {type(error).__name__}: {str(error).splitlines()[0]}"
        )
        with contextlib.suppress(PlaywrightError):
            dialogs = page.locator(".jp-Dialog").all_inner_texts()
            problems += [
                f"a Lab dialog is open: {' '.join(d.split())[:200]!r}"
                for d in dialogs
            ]
    finally:
        with contextlib.suppress(PlaywrightError):
            page.screenshot(path=screenshots / _shot_name(f"lab-{name}"))
    problems += watch.problems
    _fail_with(f"JupyterLab {name}.ipynb", problems)
