"""How a page loads on a simulated slow phone: what it transfers and when it
first paints.

`measure_page_load(page_url)` opens one page in a fresh Chromium context
with the network at 10 Mbit/s each way and 40 ms round trip, the CPU slowed
4x (Chrome DevTools Protocol: Network.emulateNetworkConditions and
Emulation.setCPUThrottlingRate) and the cache off, waits for the load event
(and for the page's scrubbers to be usable, if it has any), and returns:

- ``first_paint_ms``, ``first_contentful_paint_ms``: from
  ``performance.getEntriesByType('paint')``;
- ``load_ms``: the load event's end (navigation timing);
- ``scrubbers_ready_ms``: when every scrubber could be moved (None on a
  page without scrubbers, or if they never became usable);
- ``transfer_bytes``: bytes on the wire (CDP Network.loadingFinished's
  encodedDataLength: headers and body as sent) of every response this page
  loaded, and ``own_transfer_bytes``: of those, the page's own (its HTML,
  its images, anything not under the book's shared ``_static/``);
- ``resources``: each response (url, type, bytes, shared or own), largest
  first.

No pytest here.  Pass a Playwright `Browser` to reuse one (a test's
session browser); without one it starts Debian's Chromium itself.

From the command line, `python -m tests.browser.metrics [PAGE ...]` (pages
as in `_toc.yml`, such as `book/01_random_search`; by default every
chapter) serves the built book (`_build/html`, or $GRADBOOK_HTML) on
127.0.0.1 and prints one JSON line per page: its paint and load times, its
transfer and its largest files.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.parse
from typing import Any

from playwright.sync_api import Browser
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from web.browser import SCRUBBERS_READY, chromium, page_url, serve
from web.site import CHAPTERS, HTML_DIR

# The simulated phone (the numbers): 10 Mbit/s, 40 ms RTT, CPU x4.
MBIT = 1_000_000 / 8  # bytes per second in one Mbit/s
NETWORK = {
    "offline": False,
    "latency": 40,  # ms, added to each round trip
    "downloadThroughput": 10 * MBIT,
    "uploadThroughput": 10 * MBIT,
}
CPU_SLOWDOWN = 4
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# The same, as the reports state it.
CONDITIONS = {
    "download_mbit_s": NETWORK["downloadThroughput"] / MBIT,
    "rtt_ms": NETWORK["latency"],
    "cpu_slowdown": CPU_SLOWDOWN,
    "viewport": PHONE["viewport"],
}
# Assets every page shares (theme, vendored scripts and fonts): not a
# page's own transfer.
SHARED = "/_static/"
TIMEOUT_MS = 120_000

# An in-page clock for SCRUBBERS_READY, installed before the page's own
# scripts: the first time (performance.now()) at which the page has a
# scrubber and all are ready, checked every 50 ms until then.  Measured in
# the page, since waiting for it from outside would add the load event.
_READY_CLOCK = f"""(() => {{
  const ready = {SCRUBBERS_READY};
  const tick = () => {{
    if (document.querySelector('.gradbook-scrubber') && ready()) {{
      window.__gradbookScrubbersReady = performance.now();
    }} else if (document.readyState !== 'complete'
        || document.querySelector('.gradbook-scrubber')) {{
      setTimeout(tick, 50);
    }}
  }};
  tick();
}})()"""

_TIMINGS = """() => {
  const paint = Object.fromEntries(performance.getEntriesByType('paint')
    .map(e => [e.name, e.startTime]));
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    first_paint_ms: paint['first-paint'] ?? null,
    first_contentful_paint_ms: paint['first-contentful-paint'] ?? null,
    load_ms: nav ? nav.loadEventEnd : null,
    has_scrubbers: !!document.querySelector('.gradbook-scrubber'),
  };
}"""


def measure_page_load(
    page_url: str,
    *,
    browser: Browser | None = None,
    executable: str | None = None,
) -> dict[str, Any]:
    """Load `page_url` once on the simulated slow phone; see the module's
    docstring for what comes back."""
    if browser is not None:
        return _measure(browser, page_url)
    with chromium(executable) as own:
        return _measure(own, page_url)


def _measure(browser: Browser, page_url: str) -> dict[str, Any]:
    context = browser.new_context(**PHONE, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        requests: dict[str, dict[str, Any]] = {}
        finished: dict[str, float] = {}

        def sent(event: dict[str, Any]) -> None:
            # A redirect reuses the id: the last URL is the one answered.
            requests[event["requestId"]] = {
                "url": event["request"]["url"],
                "type": event.get("type", "Other"),
            }

        def done(event: dict[str, Any]) -> None:
            finished[event["requestId"]] = event["encodedDataLength"]

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.loadingFinished", done)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})

        page.add_init_script(_READY_CLOCK)
        page.goto(page_url, wait_until="load")
        timings = page.evaluate(_TIMINGS)
        scrubbers_ready_ms = None
        if timings.pop("has_scrubbers"):
            try:
                page.wait_for_function(
                    "() => window.__gradbookScrubbersReady !== undefined",
                    timeout=TIMEOUT_MS,
                    polling=100,
                )
                scrubbers_ready_ms = page.evaluate(
                    "() => window.__gradbookScrubbersReady"
                )
            except PlaywrightTimeout:  # reported as None
                scrubbers_ready_ms = None
        # Late requests (fonts, lazy images) count as the page's too.
        deadline = time.monotonic() + 10
        while set(requests) - set(finished) and time.monotonic() < deadline:
            page.wait_for_timeout(200)
    finally:
        context.close()

    origin = _origin(page_url)
    resources = []
    for request_id, size in finished.items():
        request = requests.get(request_id)
        if request is None or _origin(request["url"]) != origin:
            continue  # data:, blob: or (never expected) another origin
        path = urllib.parse.urlsplit(request["url"]).path
        resources.append(
            {
                "url": request["url"],
                "type": request["type"],
                "bytes": int(size),
                "shared": SHARED in path,
            }
        )
    resources.sort(key=lambda r: -r["bytes"])
    return {
        "url": page_url,
        **timings,
        "scrubbers_ready_ms": scrubbers_ready_ms,
        "transfer_bytes": sum(r["bytes"] for r in resources),
        "own_transfer_bytes": sum(
            r["bytes"] for r in resources if not r["shared"]
        ),
        "requests": len(resources),
        "resources": resources,
        "conditions": CONDITIONS,
    }


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def main(pages: list[str]) -> int:
    """Measure `pages` (default: every chapter) on the built book; one
    JSON line each."""
    if not (HTML_DIR / "index.html").is_file():
        print(f"no built book at {HTML_DIR}: run `make book` first")
        return 1
    with serve(HTML_DIR) as base, chromium() as browser:
        for page_file in pages or CHAPTERS:
            result = measure_page_load(
                page_url(base, page_file.removesuffix(".html")),
                browser=browser,
            )
            largest = result.pop("resources")[:5]
            result["largest"] = [
                [r["url"].rsplit("/", 1)[-1], r["bytes"]] for r in largest
            ]
            print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
