"""The book under test: its pages in both editions (from web/site.py),
where the tests put what they make, and what a built page must show."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from web.site import EDITIONS, PAGES, ROOT, source

SCREENSHOT_DIR = Path(
    os.environ.get("GRADBOOK_SCREENSHOTS", ROOT / "_build" / "screenshots")
).resolve()
# Page-load measurements (tests/browser/test_load.py) as JSON.
METRICS_DIR = Path(
    os.environ.get("GRADBOOK_METRICS", ROOT / "_build" / "page-load")
).resolve()

# The widths every page is checked and photographed at: a phone and a laptop.
WIDTHS = (390, 1366)

# Every page of every edition, as files of the built HTML ("ru/book/intro").
EDITION_PAGES = [
    edition.page_file(page) for edition in EDITIONS.values() for page in PAGES
]


# myst-nb's tags that keep a cell's outputs off the page.
HIDDEN = {"remove-output", "remove-cell"}


def stored_scrubbers(page: str) -> int:
    """How many scrubbers (gradbook.widgets.scrubber) the shown outputs of
    a page's notebook hold (not those of a cell tagged to hide them): its
    built page must show as many.  A text page has none."""
    path = source(page)
    if path.suffix != ".ipynb":
        return 0
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(
        '<figure class="gradbook-scrubber">'
        in "".join(output.get("data", {}).get("text/html", ""))
        for cell in cells
        if not HIDDEN & set(cell.get("metadata", {}).get("tags", []))
        for output in cell.get("outputs", [])
    )


def require_built(html_dir: Path, page_file: str) -> None:
    """Fail (not skip) the test when the page was not built."""
    if not (html_dir / f"{page_file}.html").is_file():
        pytest.fail(
            f"{page_file}.html is missing from {html_dir}: run `make book` "
            "first",
            pytrace=False,
        )


def shot_name(page_file: str, suffix: str = "") -> str:
    return page_file.replace("/", "-") + suffix + ".png"
