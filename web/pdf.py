"""`make pdf`: each edition of the built book as one PDF, for printing and
for reading offline.

    python -m web.pdf [en] [ru]      (from the repository's root)

Debian's Chromium (the one the browser tests drive) prints every page of
the edition, in the table of contents' order, from the built HTML served
on 127.0.0.1: with print media, so the book's print stylesheet opens the
solutions and shows each scrubber at the frame its slider names (the
article's point), after MathJax has typeset every formula and every image
has loaded.  pypdf then joins the pages behind a title page and a table of
contents with page numbers, gives the PDF bookmarks per chapter and
section, and turns links between pages into links inside the PDF.
Nothing is fetched from the network.

The result is `_build/pdf/gradient-book.pdf` and `gradient-book-ru.pdf`
(A4; web/site.py names them).  The Makefile copies each into the site
beside its edition's pages (`Edition.site_pdf`), where the intro links
it.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from playwright.sync_api import BrowserContext
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    Fit,
    FloatObject,
    NameObject,
    NullObject,
    TextStringObject,
)

from web.browser import (
    MATHJAX_DONE,
    SCRUBBERS_READY,
    WAIT,
    WIDE_PRE,
    chromium,
    page_url,
    serve,
)
from web.site import EDITIONS, HTML_DIR, PAGES, PDF_DIR, ROOT_PAGE

# A4, with room at the top for the running head and at the bottom for the
# page number.  The browser window is as wide as the printed column, so
# what the script measures in the page is laid out as it prints.
MARGINS_MM = {"top": 18, "right": 16, "bottom": 18, "left": 16}
A4_WIDTH_MM = 210
COLUMN_PX = round(
    (A4_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 96
)
MARGIN_BOX_FONT = "9pt 'DejaVu Sans', sans-serif"
# page.pdf()'s options.  The page size and margins are the @page rule's
# (page_style), given here as well: media queries in print see the paper
# Chromium is given, not the @page size (Letter, 816 px wide, by default),
# so this way the page's narrow-column rules (code that wraps) apply.
PDF_OPTIONS: dict[str, Any] = {
    "format": "A4",
    "margin": {side: f"{mm}mm" for side, mm in MARGINS_MM.items()},
    "prefer_css_page_size": True,
    "print_background": True,
}


def page_style(first_number: int, head: str, numbers: str = "decimal") -> str:
    """The @page rules for one printed document: A4, its pages numbered
    from `first_number` in the margin box below, the running head `head`
    above (not on its first page).  Each book page is printed as a
    document of its own, so the count starts where the last one ended."""
    margin = " ".join(
        f"{MARGINS_MM[side]}mm" for side in ("top", "right", "bottom", "left")
    )
    # json.dumps writes a valid CSS string (quotes and backslashes escaped).
    return f"""
@page {{
  size: A4;
  margin: {margin};
  @top-center {{
    content: {json.dumps(head, ensure_ascii=False)};
    font: {MARGIN_BOX_FONT}; color: #555;
  }}
  @bottom-center {{
    content: counter(page, {numbers});
    font: {MARGIN_BOX_FONT}; color: #555;
  }}
}}
@page :first {{
  @top-center {{ content: none; }}
}}
html {{ counter-reset: page {first_number - 1}; }}
{PDF_ONLY}"""


# What the PDF prints differently from a browser's print of one page: the
# PDF has its own contents and bookmarks, so not each page's list of its
# sections (Jupyter Book's print header); the header's copy of the title
# stays, set as a chapter's title rather than a poster's.
PDF_ONLY = """
#jb-print-toc { display: none; }
.bd-main .bd-content #jb-print-docs-body h1 {
  font-size: 24pt; line-height: 1.2; text-align: left; margin: 0 0 0.8em;
}
"""


# Prepares a page for print (print media already emulated), at most `ms`:
# - every image that prints is loaded: lazy ones load only near the
#   viewport, so they are made eager first;
# - every section and exercise becomes a named destination of the PDF:
#   Chromium writes one only for an id that a link in the same page
#   targets, so a hidden link to each one is added (the contents, the
#   bookmarks and other pages' links land there).
_PREPARE = """async (ms) => {
  const deadline = Date.now() + ms;
  const images = [...document.images].filter(img => img.checkVisibility());
  for (const img of images) if (img.loading === 'lazy') img.loading = 'eager';
  for (const img of images)
    while (!img.complete && Date.now() < deadline)
      await new Promise(r => setTimeout(r, 50));
  const targets = document.createElement('div');
  targets.hidden = true;
  for (const el of document.querySelectorAll(
      '.bd-article section[id], .bd-article .admonition[id]')) {
    const link = document.createElement('a');
    link.href = '#' + el.id;
    targets.append(link);
  }
  document.body.append(targets);
  return images.filter(img => !img.complete || !img.naturalWidth)
    .map(img => img.currentSrc || img.src);
}"""

# The page's headings (h1 to h3) with their sections' ids, as plain text:
# without the "#" link, a formula as the text of its MathML (superscript
# digits as such: "ε²"), since a bookmark cannot hold typeset math.
_HEADINGS = """() => {
  const sup = {'0':'⁰','1':'¹','2':'²','3':'³','4':'⁴','5':'⁵','6':'⁶',
               '7':'⁷','8':'⁸','9':'⁹'};
  const mathText = container => {
    const mml = container.querySelector('mjx-assistive-mml math');
    if (!mml) return container.textContent;
    const copy = mml.cloneNode(true);
    copy.querySelectorAll('msup').forEach(s => {
      const [base, power] = s.children;
      const digits = power && [...power.textContent].every(c => c in sup);
      s.replaceWith((base ? base.textContent : '')
        + (digits ? [...power.textContent].map(c => sup[c]).join('')
                  : '^' + (power ? power.textContent : '')));
    });
    return copy.textContent;
  };
  return [...document.querySelectorAll(
      '.bd-article section[id] > :is(h1, h2, h3)')].map(h => {
    const copy = h.cloneNode(true);
    copy.querySelectorAll('.headerlink').forEach(a => a.remove());
    copy.querySelectorAll('mjx-container').forEach(
      (m, i) => m.replaceWith(mathText(
        h.querySelectorAll('mjx-container')[i])));
    return {level: Number(h.tagName[1]), id: h.parentElement.id,
            title: copy.textContent.replace(/\\s+/g, ' ').trim()};
  });
}"""

# The first paragraph of the page (the intro's says what the book is).
_FIRST_PARAGRAPH = """() => {
  const p = document.querySelector('.bd-article section > p');
  return p ? p.textContent.replace(/\\s+/g, ' ').trim() : '';
}"""


@dataclass
class Printed:
    """One page of the book (or the front matter) printed as a PDF."""

    key: str  # the page file within its edition ("book/intro"), or "front"
    pdf: PdfReader
    headings: list[dict[str, Any]]
    first_number: int  # the printed number of its first page


def print_page(
    context: BrowserContext, url: str, key: str, first_number: int
) -> tuple[Printed, str]:
    """Print one built page, its pages numbered from `first_number` and
    headed with its title; also returns its first paragraph.  Anything
    that would print wrong (a formula left untypeset, an image not loaded)
    stops the build."""
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function(SCRUBBERS_READY, timeout=WAIT)
    mathjax = page.evaluate(MATHJAX_DONE, WAIT)
    if mathjax != "ok" and page.locator(".bd-article .math").count():
        raise SystemExit(f"{key}: MathJax did not finish: {mathjax}")
    # The headings' text before print media: MathJax may typeset a
    # formula again as the media changes, leaving it empty for a moment.
    headings = page.evaluate(_HEADINGS)
    if not headings or headings[0]["level"] != 1:
        raise SystemExit(f"{key}: the page does not start with a title")
    page.emulate_media(media="print")
    page.evaluate(MATHJAX_DONE, WAIT)
    missing = page.evaluate(_PREPARE, WAIT)
    if missing:
        raise SystemExit(f"{key}: images not loaded: {missing}")
    for wide in page.evaluate(WIDE_PRE):
        print(
            f"  {key}: a code line is cut at the margin: {wide['text']!r}",
            file=sys.stderr,
        )
    first_paragraph = page.evaluate(_FIRST_PARAGRAPH)
    page.add_style_tag(content=page_style(first_number, headings[0]["title"]))
    data = page.pdf(**PDF_OPTIONS)
    page.close()
    printed = Printed(key, PdfReader(io.BytesIO(data)), headings, first_number)
    return printed, first_paragraph


# A row of the contents: level (1 for a page's title), title, page file
# and section id.
Row = tuple[int, str, str, str]


def front_matter_html(
    lang: str,
    title: str,
    blurb: str,
    contents: list[Row],
    numbers: dict[Row, int],
    edition_url: str,
) -> str:
    """The title page and the table of contents, as one HTML document,
    each row with its printed page number (0 before they are known).  A
    row links the page's own URL under `edition_url`, which Joined turns
    into a link inside the PDF."""
    edition = EDITIONS[lang]
    rows = "\n".join(
        f'<li class="level-{row[0]}">'
        f'<a href="{escape(f"{edition_url}{row[2]}.html#{row[3]}")}">'
        f'<span class="title">{escape(row[1])}</span><span class="dots">'
        f'</span><span class="number">{numbers.get(row, 0)}</span></a></li>'
        for row in contents
    )
    style = page_style(1, edition.pdf_contents, numbers="lower-roman")
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>
{style}
@page :first {{ @bottom-center {{ content: none; }} }}
body {{ font-family: 'DejaVu Sans', sans-serif; font-size: 10.5pt;
  color: #222; margin: 0; }}
.title-page {{ height: 240mm; display: flex; flex-direction: column;
  justify-content: center; text-align: center; break-after: page; }}
.title-page h1 {{ font-size: 30pt; margin: 0 0 12mm; }}
.title-page .blurb {{ max-width: 130mm; margin: 0 auto 12mm;
  line-height: 1.5; }}
.title-page .edition {{ font-size: 13pt; color: #555; }}
h2 {{ font-size: 18pt; margin: 0 0 6mm; }}
ol {{ list-style: none; padding: 0; margin: 0; }}
li {{ break-inside: avoid; }}
li a {{ display: flex; align-items: baseline; color: inherit;
  text-decoration: none; }}
li.level-1 {{ font-weight: bold; margin-top: 3.5mm; }}
li.level-2 {{ padding-left: 7mm; margin-top: 1mm; }}
.dots {{ flex: 1 1 auto; border-bottom: 1px dotted #999;
  margin: 0 2mm 0.25em; min-width: 5mm; }}
.number {{ font-variant-numeric: tabular-nums; }}
</style></head><body>
<section class="title-page">
<h1>{escape(title)}</h1>
<p class="blurb">{escape(blurb)}</p>
<p class="edition">{escape(edition.pdf_edition)}</p>
</section>
<nav><h2>{escape(edition.pdf_contents)}</h2><ol>
{rows}
</ol></nav>
</body></html>"""


def print_front_matter(context: BrowserContext, html: str) -> Printed:
    """The title page and the contents, numbered i, ii, ... (the title
    page's number is not printed)."""
    page = context.new_page()
    page.set_content(html, wait_until="load")
    data = page.pdf(**PDF_OPTIONS)
    page.close()
    return Printed("front", PdfReader(io.BytesIO(data)), [], 1)


Destination = tuple[int, float | None, float | None]  # page index, left, top


def named_destinations(
    reader: PdfReader, offset: int
) -> dict[str, Destination]:
    """A printed part's named destinations (by id), as pages of the joined
    PDF that starts this part at page index `offset`."""
    found: dict[str, Destination] = {}
    for name, dest in reader.named_destinations.items():
        index = reader.get_destination_page_number(dest)
        found[unquote(name.lstrip("/"))] = (
            offset + index,
            dest.left if isinstance(dest.left, (int, float)) else None,
            dest.top if isinstance(dest.top, (int, float)) else None,
        )
    return found


class Joined:
    """The parts of one edition joined into one PDF: pages, links,
    bookmarks, page labels and metadata."""

    def __init__(self, parts: list[Printed], base_url: str, lang: str):
        self.writer = PdfWriter()
        self.base_url = base_url
        self.lang = lang
        self.prefix = EDITIONS[lang].folder  # "ru/"
        self.start: dict[str, int] = {}
        self.dests: dict[str, dict[str, Destination]] = {}
        self.dropped: list[str] = []
        owner: list[str] = []
        for part in parts:
            self.start[part.key] = len(self.writer.pages)
            self.dests[part.key] = named_destinations(
                part.pdf, self.start[part.key]
            )
            if part.headings:
                # The page's title: the top of its first page.  Jupyter
                # Book prints its own copy of the title there; the
                # article's h1, where the section's id is, does not print.
                title_id = part.headings[0]["id"]
                self.dests[part.key][title_id] = (
                    self.start[part.key],
                    None,
                    None,
                )
            for page in part.pdf.pages:
                self.writer.add_page(page)
                owner.append(part.key)
        for index, key in enumerate(owner):
            self._fix_links(index, key)

    def explicit(self, dest: Destination) -> ArrayObject:
        """A destination as PDF writes it inline: the page, and where on it
        (the top of the page when the position is not known)."""
        index, left, top = dest
        ref = self.writer.pages[index].indirect_reference
        if top is None:
            return ArrayObject([ref, NameObject("/Fit")])
        return ArrayObject(
            [
                ref,
                NameObject("/XYZ"),
                FloatObject(left or 0),
                FloatObject(top),
                NullObject(),
            ]
        )

    def resolve_url(self, url: str) -> Destination | None:
        """The destination in this PDF of a link to a page of the served
        edition (with its #fragment), or None when it is not one."""
        parts = urlsplit(url)
        path = unquote(parts.path).lstrip("/")
        if path == f"{self.prefix}pdf/{EDITIONS[self.lang].pdf}":
            return (0, None, None)  # the intro's link to this very PDF
        if not path.startswith(self.prefix) or not path.endswith(".html"):
            return None
        key = path[len(self.prefix) : -len(".html")]
        if key == "index":
            key = ROOT_PAGE
        if key not in self.start:
            return None
        fragment = unquote(parts.fragment)
        if fragment and fragment in self.dests[key]:
            return self.dests[key][fragment]
        return (self.start[key], None, None)

    def _fix_links(self, index: int, key: str) -> None:
        """Point the links of one page inside the PDF: a link to an id of
        the same page (a named destination Chromium wrote, which the
        joined PDF does not keep) and a link to another page of the book
        become explicit destinations (the intro's link to the PDF itself:
        its first page).  A link to anything else the local server served
        (it would lead nowhere once the server is gone) is dropped; links
        to other sites stay as they are."""
        page = self.writer.pages[index]
        if "/Annots" not in page:
            return
        kept = ArrayObject()
        for ref in page["/Annots"]:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                kept.append(ref)
                continue
            target: Destination | None = None
            local = False
            if "/Dest" in annot and not isinstance(
                annot["/Dest"], ArrayObject
            ):
                local = True
                name = unquote(str(annot["/Dest"]).lstrip("/"))
                target = self.dests[key].get(name)
            elif "/A" in annot and annot["/A"].get("/S") == "/URI":
                url = str(annot["/A"]["/URI"])
                local = url.startswith(self.base_url)
                target = self.resolve_url(url) if local else None
            if target is not None:
                if "/A" in annot:
                    del annot["/A"]
                annot[NameObject("/Dest")] = self.explicit(target)
            elif local:
                what = annot.get("/Dest") or annot["/A"]["/URI"]
                self.dropped.append(f"{key}: {what}")
                continue
            kept.append(ref)
        page[NameObject("/Annots")] = kept

    def add_bookmarks(self, parts: list[Printed], contents_title: str) -> None:
        """Bookmarks: the contents, then each page's h1 with its h2 and h3
        nested under it (chapters closed, so the panel lists them)."""
        self.writer.add_outline_item(title=contents_title, page_number=1)
        for part in parts:
            parents: dict[int, Any] = {}
            for heading in part.headings:
                dest = self.dests[part.key].get(heading["id"])
                if dest is None:
                    raise SystemExit(
                        f"{part.key}: no destination for #{heading['id']}"
                    )
                index, left, top = dest
                level = heading["level"]
                parent = next(
                    (
                        parents[lv]
                        for lv in range(level - 1, 0, -1)
                        if lv in parents
                    ),
                    None,
                )
                item = self.writer.add_outline_item(
                    title=heading["title"],
                    page_number=index,
                    parent=parent,
                    fit=Fit.xyz(left=left, top=top),
                    is_open=level > 1,
                )
                parents[level] = item
                for deeper in [lv for lv in parents if lv > level]:
                    del parents[deeper]

    def finish(self, title: str, front_pages: int) -> bytes:
        """Page labels as printed (i, ii, ... then 1, 2, ...), the title
        and language, the bookmarks panel open; the PDF's bytes."""
        writer = self.writer
        writer.set_page_label(0, front_pages - 1, style="/r", start=1)
        writer.set_page_label(
            front_pages, len(writer.pages) - 1, style="/D", start=1
        )
        writer.add_metadata(
            {"/Title": title, "/Subject": EDITIONS[self.lang].pdf_edition}
        )
        root = writer.root_object
        root[NameObject("/Lang")] = TextStringObject(self.lang)
        root[NameObject("/PageMode")] = NameObject("/UseOutlines")
        prefs = DictionaryObject(
            {NameObject("/DisplayDocTitle"): NameObject("/true")}
        )
        root[NameObject("/ViewerPreferences")] = prefs
        writer.compress_identical_objects()
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def build_edition(
    context: BrowserContext, base_url: str, lang: str
) -> tuple[bytes, int]:
    """One edition's PDF and its page count."""
    prefix = EDITIONS[lang].folder
    parts: list[Printed] = []
    number = 1
    blurb = ""
    for key in PAGES:
        url = page_url(base_url, prefix + key)
        part, first_paragraph = print_page(context, url, key, number)
        blurb = blurb or first_paragraph
        pages = len(part.pdf.pages)
        print(f"  {lang}: {key}: {pages} pages", file=sys.stderr)
        parts.append(part)
        number += pages
    # The root page's title is the book's.
    title = parts[0].headings[0]["title"]
    contents: list[Row] = [
        (heading["level"], heading["title"], part.key, heading["id"])
        for part in parts
        for heading in part.headings
        if heading["level"] <= 2
    ]
    edition_url = f"{base_url}/{prefix}"

    def front_matter(numbers: dict[Row, int]) -> Printed:
        html = front_matter_html(
            lang, title, blurb, contents, numbers, edition_url
        )
        return print_front_matter(context, html)

    # The front matter's length does not depend on the numbers in it:
    # print it once without them to know where each section lands.
    draft = front_matter({})
    front_pages = len(draft.pdf.pages)
    joined = Joined([draft, *parts], base_url, lang)
    numbers = {
        row: joined.dests[row[2]][row[3]][0] - front_pages + 1
        for row in contents
    }
    front = front_matter(numbers)
    if len(front.pdf.pages) != front_pages:
        raise SystemExit(f"{lang}: the contents changed length")
    joined = Joined([front, *parts], base_url, lang)
    joined.add_bookmarks(parts, EDITIONS[lang].pdf_contents)
    for dropped in joined.dropped:
        print(
            f"  {lang}: dropped a link to the server: {dropped}",
            file=sys.stderr,
        )
    data = joined.finish(title, front_pages)
    return data, len(joined.writer.pages)


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
    args.out.mkdir(parents=True, exist_ok=True)
    with serve(args.html) as base_url, chromium() as browser:
        context = browser.new_context(
            viewport={"width": COLUMN_PX, "height": 1000},
            color_scheme="light",
        )
        context.set_default_timeout(WAIT)
        for lang in args.editions or sorted(EDITIONS):
            began = time.monotonic()
            data, pages = build_edition(context, base_url, lang)
            path = args.out / EDITIONS[lang].pdf
            path.write_bytes(data)
            print(
                f"{path}: {pages} pages, {len(data) / 1e6:.1f} MB, "
                f"{time.monotonic() - began:.0f} s",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()
