"""How heavy a page of the built book is, and how fast it shows on a slow
phone.

`measure_page` opens one page in Chromium with the network and the CPU
slowed down through the DevTools protocol (by default: 10 Mbit/s, 40 ms
round trip, CPU 4 times slower, a 390 px wide screen), and reports

- `transfer`: bytes received for everything the page loaded (uncompressed
  as served by Python's http.server), and `own`: the part that only this
  page loads (its HTML and files outside `_static/`, such as its images),
  as opposed to the theme, math and widget code every page shares and a
  browser caches;
- `first_paint`: seconds from navigation to the first contentful paint;
- `widgets_ready`: seconds until every widget view has rendered with its
  images loaded (a scrubber can be moved), or None on a page without
  widgets;
- `largest`: the biggest files, for finding what to cut.

The browser tests assert loose bounds on these numbers; `python -m
tests.browser_metrics [page ...]` serves `_build/html` and prints them
exactly (for `make bench`).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# Debian's Chromium, headless, with nothing that reaches for the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

REPO = Path(__file__).resolve().parent.parent

# The slow phone of the issue: 10 Mbit/s both ways, 40 ms round trip, a CPU
# four times slower than this machine's.
SLOW_PHONE = {
    "latency_ms": 40,
    "bits_per_second": 10_000_000,
    "cpu_slowdown": 4,
    "viewport": {"width": 390, "height": 844},
}

# Widgets ready: the manager replaces each widget-view <script> with a
# .widget-subarea holding the rendered view; ready when every view is there
# and every image in them has loaded.
WIDGETS_READY = """() => {
  const views = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]');
  const areas = [...document.querySelectorAll('.widget-subarea')];
  if (areas.length < views.length) return false;
  if (!areas.every(a => a.querySelector('.jupyter-widgets'))) return false;
  return areas.every(a => [...a.querySelectorAll('img')]
    .every(i => i.complete && i.naturalWidth > 0));
}"""

FIRST_PAINT = """() => {
  const paint = performance.getEntriesByType('paint')
    .find(p => p.name === 'first-contentful-paint');
  return paint ? paint.startTime / 1000 : null;
}"""


def measure_page(
    browser: Browser,
    url: str,
    *,
    shared_prefix: str = "/_static/",
    timeout_ms: int = 120_000,
    phone: dict[str, Any] = SLOW_PHONE,
) -> dict[str, Any]:
    """Load `url` once, cold (fresh context, no cache), on the simulated
    phone; see the module docstring for what is returned."""
    context = browser.new_context(
        viewport=phone["viewport"], service_workers="block"
    )
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        bytes_per_second = phone["bits_per_second"] / 8
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": phone["latency_ms"],
                "downloadThroughput": bytes_per_second,
                "uploadThroughput": bytes_per_second,
            },
        )
        cdp.send(
            "Emulation.setCPUThrottlingRate", {"rate": phone["cpu_slowdown"]}
        )
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.responseReceived",
            lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(
                e["requestId"], int(e["encodedDataLength"])
            ),
        )
        page.goto(url, wait_until="load", timeout=timeout_ms)
        widgets_ready = None
        if page.locator(
            'script[type="application/vnd.jupyter.widget-view+json"]'
        ).count():
            page.wait_for_function(
                WIDGETS_READY, timeout=timeout_ms, polling=100
            )
            widgets_ready = page.evaluate("performance.now()") / 1000
        first_paint = page.evaluate(FIRST_PAINT)
        # Late requests (fonts, lazy images) count too.
        # (A page still busy after 15 s is measured as it is.)
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_load_state("networkidle", timeout=15_000)
        files = {
            urls[rid]: size
            for rid, size in sizes.items()
            if rid in urls and urls[rid].startswith("http")
        }
        own = {
            u: s
            for u, s in files.items()
            if shared_prefix not in u.split("?")[0]
        }
        largest = sorted(files.items(), key=lambda kv: -kv[1])[:8]
        return {
            "url": url,
            "transfer": sum(files.values()),
            "own": sum(own.values()),
            "requests": len(files),
            "first_paint": first_paint,
            "widgets_ready": widgets_ready,
            "largest": [[u.rsplit("/", 1)[-1], s] for u, s in largest],
        }
    finally:
        context.close()


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map = {  # noqa: RUF012 (the base class's own attribute)
            **http.server.SimpleHTTPRequestHandler.extensions_map,
            ".js": "text/javascript",
            ".css": "text/css",
            ".svg": "image/svg+xml",
            ".woff2": "font/woff2",
        }

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str]) -> None:
    html = Path(os.environ.get("GRADBOOK_HTML", REPO / "_build" / "html"))
    pages = argv or ["book/01_random_search"]
    with serve(html) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            for name in pages:
                started = time.monotonic()
                result = measure_page(browser, f"{base}/{name}.html")
                result["wall"] = round(time.monotonic() - started, 1)
                print(json.dumps(result))
        finally:
            browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
