"""How fast the in-browser notebooks start: from the click on chapter 1's
"Run in your browser" button, in each edition, to the first executed cell
(the set-up cell that installs gradbook), in headless Chromium with an
empty cache, JupyterLite's service worker allowed (as in a reader's
browser) and every host but 127.0.0.1 blocked.  The goal is 10 s on this
machine, per edition; it is reported, not asserted.

`make bench` runs `python -m benchmarks.lite` after `benchmarks.run`; it
adds the key "lite" to benchmarks/results.json (run.py rewrites the file, so
this comes second).  It needs the built book (`make book`).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright
from tests.browser.lite import OffHost, start_chapter
from web.browser import CHROMIUM, CHROMIUM_ARGS, serve
from web.site import EDITIONS, HTML_DIR

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
CHAPTER = "book/01_random_search"
GOAL_SECONDS = 10.0
ROUNDS = 3


def size_mb(path: Path) -> float:
    files = (f for f in path.rglob("*") if f.is_file())
    return round(sum(f.stat().st_size for f in files) / 1e6, 1)


def measure(rounds: int = ROUNDS) -> dict[str, Any]:
    """Seconds from the click to the first executed cell, per edition, each
    round in a fresh browser context (nothing cached)."""
    seconds: dict[str, list[float]] = {e: [] for e in EDITIONS}
    blocked: list[str] = []
    with serve(HTML_DIR) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for _ in range(rounds):
                for language, edition in EDITIONS.items():
                    context = browser.new_context(service_workers="allow")
                    off_host = OffHost()
                    off_host.attach(context)
                    try:
                        page = context.new_page()
                        chapter = edition.page_file(CHAPTER)
                        seconds[language].append(
                            start_chapter(page, url, chapter)
                        )
                    finally:
                        context.close()
                    blocked += off_host.blocked
        finally:
            browser.close()
    medians = {e: statistics.median(s) for e, s in seconds.items()}
    return {
        "what": (
            f"seconds from the click on {CHAPTER}'s button to the first"
            " executed cell, empty cache, headless Chromium, per edition"
        ),
        "seconds": {e: [round(x, 1) for x in s] for e, s in seconds.items()},
        "median seconds": {e: round(m, 1) for e, m in medians.items()},
        "goal seconds": GOAL_SECONDS,
        "met": max(medians.values()) <= GOAL_SECONDS,
        "requests off 127.0.0.1": len(blocked),
        "site MB (_build/html/lite)": size_mb(HTML_DIR / "lite"),
    }


def main() -> None:
    built = HTML_DIR / "lite" / "jupyter-lite.json"
    chapter = HTML_DIR / f"{CHAPTER}.html"
    if built.is_file() and chapter.is_file():
        lite = measure()
    else:
        lite = {"not measured": "no built book: run `make book` first"}
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    results["lite"] = lite
    RESULTS.write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print(json.dumps(lite, indent=2))


if __name__ == "__main__":
    main()
