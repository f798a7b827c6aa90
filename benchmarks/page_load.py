"""How each chapter of the built book loads on a simulated slow phone.

The phone is the browser tests' (tests/browser/metrics.py: 10 Mbit/s, 40 ms
round trip, CPU 4x slower, cache off, 390 px at 2x).  Each chapter is
loaded ``rounds`` times in a fresh browser context; times are medians, the
transfer is what the last load sent (it is the same every time).  Needs the
HTML book (`make book`), which `make bench` builds first.
"""

from __future__ import annotations

import statistics
from typing import Any

from tests.browser.metrics import CONDITIONS, measure_page_load
from web.browser import chromium, page_url, serve
from web.site import CHAPTERS, HTML_DIR

IMPORTS = ("playwright",)


def measure(rounds: int) -> dict[str, Any]:
    if not (HTML_DIR / "index.html").is_file():
        raise RuntimeError(f"no built book in {HTML_DIR}: run `make book`")
    pages: dict[str, dict[str, Any]] = {}
    with serve(HTML_DIR) as book_url, chromium() as browser:
        for page in CHAPTERS:
            loads = [
                measure_page_load(page_url(book_url, page), browser=browser)
                for _ in range(rounds)
            ]
            pages[page] = {
                "first paint (ms)": _median(loads, "first_paint_ms"),
                "scrubber usable (ms)": _median(loads, "scrubbers_ready_ms"),
                "own transfer (MB)": loads[-1]["own_transfer_bytes"] / 1e6,
                "all transfer (MB)": loads[-1]["transfer_bytes"] / 1e6,
                "requests": loads[-1]["requests"],
            }
    return {"conditions": CONDITIONS, "pages": pages}


def _median(loads: list[dict[str, Any]], key: str) -> float | None:
    values = [load[key] for load in loads if load[key] is not None]
    return round(statistics.median(values)) if values else None
