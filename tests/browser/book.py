"""The book under test: its pages in reading order, where things are, and a
server for the built HTML."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sphinx_external_toc.api import GlobItem, SiteMap, UrlItem
from sphinx_external_toc.parsing import parse_toc_yaml

REPO = Path(__file__).resolve().parents[2]
HTML_DIR = Path(
    os.environ.get("GRADBOOK_HTML", REPO / "_build" / "html")
).resolve()
SCREENSHOT_DIR = Path(
    os.environ.get("GRADBOOK_SCREENSHOTS", REPO / "_build" / "screenshots")
).resolve()
# Page-load measurements (tests/browser/test_load.py) as JSON.
METRICS_DIR = Path(
    os.environ.get("GRADBOOK_METRICS", REPO / "_build" / "page-load")
).resolve()

CHROMIUM = shutil.which("chromium")  # Debian's binary on the PATH
# Its flags, for every launch (the tests' and metrics.py's own): headless,
# with nothing that reaches for the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Chapter pages are book/0*.html; each must have at least one scrubber.
CHAPTER = re.compile(r"(^|/)0[^/]*$")
# The widths every page is checked and photographed at: a phone and a laptop.
WIDTHS = (390, 1366)
SOURCE_SUFFIXES = (".md", ".ipynb", ".rst")


def toc_files(toc_path: Path = REPO / "_toc.yml") -> list[str]:
    """Every document of a _toc.yml (root, parts, chapters, sections,
    globs), in reading order, as docnames (no suffix)."""
    site_map: SiteMap = parse_toc_yaml(toc_path)
    files: list[str] = []

    def add(docname: str) -> None:
        if docname in files:
            return
        files.append(docname)
        for tree in site_map[docname].subtrees if docname in site_map else []:
            for item in tree.items:
                if isinstance(item, UrlItem):
                    continue
                if isinstance(item, GlobItem):
                    for path in sorted(toc_path.parent.glob(str(item))):
                        if path.suffix in SOURCE_SUFFIXES:
                            add(
                                path.relative_to(toc_path.parent)
                                .with_suffix("")
                                .as_posix()
                            )
                else:
                    add(str(item))

    add(site_map.root.docname)
    return files


PAGES = toc_files()
ROOT_PAGE = PAGES[0]
CHAPTERS = [page for page in PAGES if CHAPTER.search(page)]

# The book's editions (web/language.py): English at the root of the built
# HTML, Russian under ru/.  A Russian page file is "ru/" + its English one.
EDITIONS = {"en": "", "ru": "ru/"}
EDITION_PAGES = [
    prefix + page for prefix in EDITIONS.values() for page in PAGES
]


# Each edition's PDF (web/pdf.py, `make pdf`), and where the site keeps a
# copy: pdf/ beside the edition's book/ folder, so that each intro links
# its own as ../pdf/<file>.
PDF_DIR = Path(
    os.environ.get("GRADBOOK_PDF", REPO / "_build" / "pdf")
).resolve()
PDF_FILES = {"en": "gradient-book.pdf", "ru": "gradient-book-ru.pdf"}


def site_pdf(lang: str, html_dir: Path = HTML_DIR) -> Path:
    """Where the built site keeps the PDF of edition `lang`."""
    return html_dir / EDITIONS[lang] / "pdf" / PDF_FILES[lang]


def edition_of(page_file: str) -> str:
    """The edition ("en" or "ru") of a page file such as "ru/book/intro"."""
    return next(
        (
            lang
            for lang, prefix in EDITIONS.items()
            if prefix and page_file.startswith(prefix)
        ),
        "en",
    )


def require_built(html_dir: Path, page_file: str) -> None:
    """Fail (not skip) the test when the page was not built."""
    if not (html_dir / f"{page_file}.html").is_file():
        pytest.fail(
            f"{page_file}.html is missing from {html_dir}: run `make book` "
            "first",
            pytrace=False,
        )


def page_url(book_url: str, page_file: str) -> str:
    return f"{book_url}/{page_file}.html"


def shot_name(page_file: str, suffix: str = "") -> str:
    return page_file.replace("/", "-") + suffix + ".png"


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
