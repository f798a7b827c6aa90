"""The built book in a browser, for the build (the PDFs) and for everything
that checks it: a local server for the built HTML, Debian's Chromium with
the same flags for every launch, and the scripts that tell, in the page,
when it is ready (its scrubbers usable, its math typeset).  Nothing here
imports pytest.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

# Generous waits for a page (milliseconds).
WAIT = 30_000

CHROMIUM = shutil.which("chromium")  # Debian's binary on the PATH
# Its flags, for every launch: headless, with nothing that reaches for the
# network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium(executable: str | None = None) -> Iterator[Browser]:
    """Debian's Chromium (or `executable`), headless, with CHROMIUM_ARGS."""
    executable = executable or CHROMIUM
    if executable is None:
        raise RuntimeError(
            "chromium is not on the PATH: "
            "install Debian's chromium (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def page_url(book_url: str, page_file: str) -> str:
    """The URL of a built page file ("ru/book/intro") under `book_url`."""
    return f"{book_url}/{page_file}.html"


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


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port (Python's
    http.server, in a thread); yields the base URL."""
    server = _QuietServer(
        ("127.0.0.1", 0),
        functools.partial(_QuietHandler, directory=str(directory)),
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


# Every scrubber usable (gradbook.widgets.scrubber's HTML): its slider
# enabled by the book's scrubber.js and its shown frame loaded.
SCRUBBERS_READY = """() => [...document.querySelectorAll('.gradbook-scrubber')]
  .every(figure => {
    const input = figure.querySelector('input[type=range]');
    const shown = figure.querySelector('img:not([hidden])');
    return input && !input.disabled
      && shown && shown.complete && shown.naturalWidth > 0;
  })"""

# MathJax 3: wait for its first typeset (startup.promise), then typeset the
# formulas its ui/lazy extension leaves until they are scrolled into view
# (as printing does), at most `ms` in all.
MATHJAX_DONE = """async (ms) => {
  const mj = window.MathJax;
  if (!mj || !mj.startup || !mj.startup.promise)
    return 'MathJax 3 is not on this page';
  const timeout = new Promise(
    resolve => setTimeout(() => resolve('timed out'), ms));
  const all = mj.startup.promise.then(() => {
    const doc = mj.startup.document;
    return doc.lazyTypesetAll ? doc.lazyTypesetAll() : null;
  });
  return await Promise.race([
    all.then(() => 'ok', e => 'failed: ' + e), timeout]);
}"""

# Code blocks (listings, cells, printed output) in the article that are wider
# than the column, so the reader would have to scroll sideways.
WIDE_PRE = """() => [...document.querySelectorAll('.bd-article pre')]
  .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
  .map(pre => ({
    scroll: pre.scrollWidth, client: pre.clientWidth,
    text: pre.innerText.split('\\n').sort((a, b) => b.length - a.length)[0]
  }))"""
