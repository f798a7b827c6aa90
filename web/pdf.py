"""`make pdf`: each edition of the built book as one PDF, for printing and
for reading offline.

    python -m web.pdf [en] [ru]      (from the repository's root)

Debian's Chromium (the one the browser tests drive) opens the edition's
root page from the built HTML served on 127.0.0.1, with print media (the
book's print stylesheet: solutions open, each scrubber at the frame its
slider names).  web/pdf.js puts every page of the book into that one
document behind a title page and the contents, and Paged.js (the npm
package) sets it in pages with web/pdf.css: the contents' page numbers,
the running heads and the page numbers are its.  Chromium prints it, with
bookmarks from the headings and links inside the PDF; pypdf only adds
what Chromium cannot write (see `finish`).  Nothing is fetched from the
network.  The editions are printed at the same time, one tab each.

The result is `_build/pdf/gradient-book.pdf` and `gradient-book-ru.pdf`
(A4; web/site.py names them).  The Makefile copies each into
the site beside its edition's pages, where the intro links it.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from playwright.async_api import Browser, async_playwright
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from web.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MATHJAX_DONE,
    WAIT,
    WIDE_PRE,
    page_url,
    serve,
)
from web.site import EDITIONS, HTML_DIR, PAGES, PDF_DIR, Edition

WEB = Path(__file__).resolve().parent
PAGED_JS = WEB.parent / "node_modules" / "pagedjs" / "dist" / "paged.js"
# Paged.js lays out every page of an edition at once: minutes at most.
PAGINATE_MS = 300_000


async def print_edition(
    browser: Browser, book_url: str, edition: Edition
) -> bytes:
    """One edition as one printed document.  Anything that would print
    wrong (a formula left untypeset, an image not loaded) stops the
    build."""
    urls = [page_url(book_url, edition.page_file(page)) for page in PAGES]
    lang = edition.language
    # As wide as an A4 page, so that width media queries see the same
    # width while Paged.js sets the pages and while Chromium prints them.
    context = await browser.new_context(
        viewport={"width": 794, "height": 1123}, color_scheme="light"
    )
    context.set_default_timeout(PAGINATE_MS)
    page = await context.new_page()
    await page.emulate_media(media="print")
    await page.goto(urls[0], wait_until="load")
    mathjax = await page.evaluate(MATHJAX_DONE, WAIT)
    if mathjax != "ok":
        raise SystemExit(f"{lang}: MathJax did not start: {mathjax}")
    await page.add_script_tag(path=WEB / "pdf.js")
    found = await page.evaluate(
        "args => gradbookPdf.assemble(args)",
        {
            "pages": urls,
            "edition": edition.pdf_edition,
            "contents": edition.pdf_contents,
            "pdfPath": f"/{edition.folder}pdf/{edition.pdf}",
        },
    )
    for url in found["dropped"]:
        print(
            f"  {lang}: dropped a link to the server: {url}", file=sys.stderr
        )
    if found["missing"] or found["untypeset"]:
        raise SystemExit(
            f"{lang}: images not loaded: {found['missing']}, "
            f"formulas not typeset: {found['untypeset']}"
        )
    await page.add_style_tag(path=WEB / "pdf.css")
    await page.add_script_tag(path=PAGED_JS)
    headings = await page.evaluate("gradbookPdf.paginate()")
    for wide in await page.evaluate(WIDE_PRE):
        print(
            f"  {lang}: a code line is cut: {wide['text']!r}", file=sys.stderr
        )
    data = await page.pdf(
        prefer_css_page_size=True,
        print_background=True,
        outline=True,
        tagged=True,
    )
    await context.close()
    return await asyncio.to_thread(finish, data, headings, edition)


def outline_items(node: DictionaryObject) -> Iterator[DictionaryObject]:
    """The bookmarks under `node`, depth first (the headings' order)."""
    item = node.get("/First")
    while item is not None:
        item = item.get_object()
        yield item
        yield from outline_items(item)
        item = item.get("/Next")


def finish(data: bytes, headings: list[str], edition: Edition) -> bytes:
    """What Chromium does not write, added as an incremental update: the
    bookmarks' titles as the headings say them (Chromium drops the space
    where a heading's line wraps, and some formulas), the language, the
    bookmarks panel open with the pages of the book in it."""
    writer = PdfWriter(PdfReader(io.BytesIO(data)), incremental=True)
    root = writer.root_object
    items = list(outline_items(root["/Outlines"]))
    if len(items) != len(headings):
        raise SystemExit(
            f"{edition.language}: {len(items)} bookmarks for "
            f"{len(headings)} headings"
        )
    for item, text in zip(items, headings, strict=True):
        item[NameObject("/Title")] = TextStringObject(text)
        if item["/Parent"] == root["/Outlines"] and "/Count" in item:
            # closed, so that the panel lists the pages of the book
            item[NameObject("/Count")] = NumberObject(-abs(item["/Count"]))
    writer.add_metadata({"/Subject": edition.pdf_edition})
    root[NameObject("/Lang")] = TextStringObject(edition.language)
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def print_all(html: Path, out: Path, editions: list[Edition]) -> None:
    """Print the editions at the same time, each into its file."""
    began = time.monotonic()
    with serve(html) as url:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            printed = await asyncio.gather(
                *(print_edition(browser, url, edition) for edition in editions)
            )
            await browser.close()
    for edition, data in zip(editions, printed, strict=True):
        (out / edition.pdf).write_bytes(data)
        pages = len(PdfReader(out / edition.pdf).pages)
        print(f"{out / edition.pdf}: {pages} pages", file=sys.stderr)
    print(f"printed in {time.monotonic() - began:.0f} s", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "editions",
        nargs="*",
        metavar="edition",
        help=f"the editions to print: {', '.join(EDITIONS)} (default: all)",
    )
    parser.add_argument("--html", type=Path, default=HTML_DIR)
    parser.add_argument("--out", type=Path, default=PDF_DIR)
    args = parser.parse_args(argv)
    # (not argparse's choices: with nargs="*" it refuses an empty list)
    unknown = set(args.editions) - set(EDITIONS)
    if unknown:
        parser.error(f"no edition {', '.join(sorted(unknown))}")
    if not (args.html / "index.html").is_file():
        raise SystemExit(f"no built book in {args.html}: run `make book`")
    if CHROMIUM is None:
        raise SystemExit("no chromium on the PATH: apt-get install chromium")
    if not PAGED_JS.is_file():
        raise SystemExit(f"no {PAGED_JS}: run `npm ci` (or `make book`)")
    args.out.mkdir(parents=True, exist_ok=True)
    editions = [EDITIONS[lang] for lang in args.editions or EDITIONS]
    asyncio.run(print_all(args.html, args.out, editions))


if __name__ == "__main__":
    main()
