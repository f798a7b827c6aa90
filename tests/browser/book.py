"""The book under test: its pages in reading order, and where things are."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

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


def page_url(book_url: str, page_file: str) -> str:
    return f"{book_url}/{page_file}.html"


def shot_name(page_file: str, suffix: str = "") -> str:
    return page_file.replace("/", "-") + suffix + ".png"
