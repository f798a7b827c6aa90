"""The PDF of each edition (`make pdf`, web/pdf.py), read with pypdf: it
opens; it holds every page of the edition once (each title, in the text
and as a bookmark with one bookmark per section below it), the article's
value and, in the Russian one, the Russian titles; the contents give each
title's page number; every page but the title page has its number and a
running head; pages are as full as their text needs and none is blank;
every font is embedded; links lead inside the PDF or to other sites,
never to the temporary server; the site's chrome (buttons, navigation) is
not printed; the site keeps a copy where the intro links it.

Marked `browser`: the PDFs are what Chromium printed, and `make test`
builds them (`make pdf`) before the browser tests run."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pypdf
import pytest
from pypdf.generic import ArrayObject, DictionaryObject
from web.site import EDITIONS, HTML_DIR, PAGES, PDF_DIR

pytestmark = pytest.mark.browser

ARTICLE_VALUE = "0.8807970779778823"
CYRILLIC = re.compile("[\\u0400-\\u04ff]")  # the Cyrillic block
A4_POINTS = (595, 842)  # width and height, rounded
# Words of the site's chrome that must not be printed: the JupyterLite
# button, folded blocks' buttons, the footer's copyright, the search box.
CHROME = ["Run in your browser", "Click to show", "© Copyright", "Ctrl+K"]
LOCAL = re.compile(r"^[a-z]+://(127\.0\.0\.1|localhost|\[::1\])", re.I)
# How full the pages are, in characters of text per page, a figure counted
# as FIGURE_CHARS: a layout that spreads the book over many more pages
# (a larger font, a figure per page, half-empty pages) falls below these,
# however long a chapter grows.  Measured when the PDFs were first set by
# Paged.js: 1,300 to 1,350 over a whole edition; per page of the book
# 730 (the Russian glossary's table) to 1,700, the contents 580.
FIGURE_CHARS = 1000
FULL_BOOK = 1000
FULL_PART = 450


def squash(text: str) -> str:
    """Text with its spaces squashed and its ligatures (the "ff" of
    "differentiation" as one glyph) as letters."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@cache
def reader(lang: str) -> pypdf.PdfReader:
    path = PDF_DIR / EDITIONS[lang].pdf
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make pdf`", pytrace=False)
    return pypdf.PdfReader(path)


@cache
def page_lines(lang: str) -> tuple[tuple[str, ...], ...]:
    """Each page's lines of text."""
    return tuple(
        tuple((page.extract_text() or "").splitlines())
        for page in reader(lang).pages
    )


@cache
def page_texts(lang: str) -> tuple[str, ...]:
    return tuple(squash(" ".join(lines)) for lines in page_lines(lang))


def page_title(lang: str, page_file: str) -> str:
    """The title (h1) of a built page, as text."""
    path = HTML_DIR / f"{EDITIONS[lang].page_file(page_file)}.html"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make book`", pytrace=False)
    found = re.search(r"<h1>(.*?)</h1>", path.read_text(), re.S)
    assert found, f"{path}: no <h1>"
    return squash(html.unescape(re.sub(r"<[^>]+>", "", found[1])))


def links(lang: str) -> list[tuple[int, DictionaryObject]]:
    """Every link annotation, with the index of its page."""
    found = []
    for index, page in enumerate(reader(lang).pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Link":
                found.append((index, annot))
    return found


def link_target(pdf: pypdf.PdfReader, annot: DictionaryObject) -> int | None:
    """The index of the page a link inside the PDF leads to (None for a
    link to a URI); a named destination must be in the PDF."""
    dest = annot.get("/Dest")
    if dest is None and "/A" in annot and annot["/A"].get("/S") == "/GoTo":
        dest = annot["/A"]["/D"]
    if dest is None:
        return None
    if isinstance(dest, ArrayObject):
        return pdf.get_page_number(dest[0].get_object())
    named = pdf.named_destinations
    assert str(dest) in named, f"a link to a missing destination {dest}"
    return pdf.get_destination_page_number(named[str(dest)])


def parts(lang: str) -> list[tuple[str, Any, range]]:
    """The printed parts: the front matter (the title page and the
    contents), then each page of the book, as (title, its bookmark, its
    pages' indexes) from the top-level bookmarks."""
    pdf = reader(lang)
    tops = [item for item in pdf.outline if not isinstance(item, list)]
    starts = [pdf.get_destination_page_number(item) for item in tops[1:]]
    ends = [*starts[1:], len(pdf.pages)]
    return [("front", tops[0], range(starts[0]))] + [
        (item.title, item, range(start, end))
        for item, start, end in zip(tops[1:], starts, ends, strict=True)
    ]


def nested(outline: list[Any], item: Any) -> int:
    """How many bookmarks are nested under `item`, at any depth."""
    index = outline.index(item) + 1
    if index == len(outline) or not isinstance(outline[index], list):
        return 0

    def count(items: list[Any]) -> int:
        return sum(count(i) if isinstance(i, list) else 1 for i in items)

    return count(outline[index])


def figures(page: pypdf.PageObject) -> int:
    """The images a page draws."""
    images = (page.get("/Resources") or {}).get("/XObject") or {}
    return sum(
        1
        for ref in images.values()
        if ref.get_object()["/Subtype"] == "/Image"
    )


def font_problems(resources: Any, where: str, seen: set[int]) -> list[str]:
    """Fonts without an embedded font file, in a page's resources and in
    the forms (XObjects) it draws."""
    if resources is None:
        return []
    resources = resources.get_object()
    problems = []
    for name, ref in (resources.get("/Font") or {}).items():
        font = ref.get_object()
        if id(font) in seen:
            continue
        seen.add(id(font))
        if font.get("/Subtype") == "/Type3":
            continue  # glyphs drawn by the PDF itself
        described = font
        if font.get("/Subtype") == "/Type0":
            described = font["/DescendantFonts"][0].get_object()
        descriptor = (described.get("/FontDescriptor") or {}).get_object()
        if not any(
            key in descriptor
            for key in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            problems.append(
                f"{where}: font {name} ({font.get('/BaseFont')}) "
                "is not embedded"
            )
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            problems += font_problems(xobject.get("/Resources"), where, seen)
    return problems


def article_headings(lang: str, page_file: str) -> int:
    """How many headings a built page's article has below its title."""
    path = HTML_DIR / f"{EDITIONS[lang].page_file(page_file)}.html"
    found = re.search(r"<article.*?</article>", path.read_text(), re.S)
    assert found, f"{path}: no <article>"
    return len(re.findall(r"<h[2-6][\\s>]", found[0]))


@pytest.mark.parametrize("lang", EDITIONS)
def test_pdf_opens_as_a4_with_the_books_title(lang: str) -> None:
    pdf = reader(lang)
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in pdf.pages
    }
    assert sizes == {A4_POINTS}, f"page sizes {sizes}, not A4"
    assert pdf.metadata.title == page_title(lang, PAGES[0])
    assert pdf.trailer["/Root"]["/Lang"] == lang


@pytest.mark.parametrize("lang", EDITIONS)
def test_pdf_holds_every_page_once_and_the_article_value(lang: str) -> None:
    """Each page of the book once, in order, from a page of its own: its
    title as a bookmark with one bookmark per section nested under it, so
    a page or a section printed twice or left out fails here."""
    text = " ".join(page_texts(lang))
    titles = [page_title(lang, page) for page in PAGES]
    missing = [title for title in titles if title not in text]
    assert not missing, f"titles not in the text: {missing}"
    assert ARTICLE_VALUE in text
    printed = parts(lang)[1:]
    assert [title for title, _, _ in printed] == titles, (
        f"the bookmarks {[t for t, _, _ in printed]} are not the titles"
    )
    outline = reader(lang).outline
    for page, (title, item, pages) in zip(PAGES, printed, strict=True):
        assert pages, f"{title}: no page of its own"
        assert title in page_texts(lang)[pages[0]], f"{title}: not on top"
        assert nested(outline, item) == article_headings(lang, page), (
            f"{title}: {nested(outline, item)} bookmarks for its sections, "
            f"{article_headings(lang, page)} sections"
        )
    if lang == "ru":
        english = [t for t in titles if not CYRILLIC.search(t)]
        assert not english, f"titles without Cyrillic: {english}"


@pytest.mark.parametrize("lang", EDITIONS)
def test_contents_give_each_titles_page_number(lang: str) -> None:
    front = " ".join(page_texts(lang)[: len(parts(lang)[0][2])])
    wrong = [
        f"{title} (page {pages[0] + 1})"
        for title, _, pages in parts(lang)[1:]
        if f"{title} {pages[0] + 1}" not in front
    ]
    assert not wrong, f"not in the contents with their page: {wrong}"


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_page_has_its_number_and_a_running_head(lang: str) -> None:
    """Pages are numbered as the PDF counts them, from the title page
    (which shows neither); the head is the title of the part being read,
    except on the page where that title is set."""
    texts = page_texts(lang)
    wrong = []
    for title, item, pages in parts(lang):
        head = item.title if title == "front" else title
        for index in pages[1:]:
            number = str(index + 1) in page_lines(lang)[index]
            if not number or head not in texts[index]:
                wrong.append(index + 1)
    assert not wrong, f"pages without their number or head: {wrong}"


@pytest.mark.parametrize("lang", EDITIONS)
def test_pages_are_as_full_as_their_text_needs(lang: str) -> None:
    pdf = reader(lang)
    texts = page_texts(lang)

    def fill(pages: range) -> float:
        chars = sum(len(texts[i]) for i in pages)
        drawn = sum(figures(pdf.pages[i]) for i in pages)
        return (chars + FIGURE_CHARS * drawn) / len(pages)

    book = fill(range(len(pdf.pages)))
    assert book >= FULL_BOOK, f"{book:.0f} characters a page in the book"
    sparse = {
        title: round(fill(pages))
        for title, _, pages in parts(lang)
        if fill(pages) < FULL_PART
    }
    assert not sparse, f"characters a page: {sparse}"


@pytest.mark.parametrize("lang", EDITIONS)
def test_no_page_is_blank(lang: str) -> None:
    pdf = reader(lang)
    titles = [page_title(lang, page) for page in PAGES]
    blank = []
    for index, (page, text) in enumerate(
        zip(pdf.pages, page_texts(lang), strict=True)
    ):
        # Every page has its number and most a running head (a page's
        # title): a page with nothing else is blank, unless it shows an
        # image.
        words = text.replace(str(index + 1), "", 1)
        for title in titles:
            words = words.replace(title, "", 1)
        if len(words.strip()) < 3 and not figures(page):
            blank.append(index + 1)
    assert not blank, f"blank pages: {blank}"


@pytest.mark.parametrize("lang", EDITIONS)
def test_fonts_are_embedded(lang: str) -> None:
    problems: list[str] = []
    seen: set[int] = set()
    for index, page in enumerate(reader(lang).pages):
        problems += font_problems(
            page.get("/Resources"), f"page {index + 1}", seen
        )
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("lang", EDITIONS)
def test_links_stay_inside_the_pdf_or_go_to_other_sites(lang: str) -> None:
    pdf = reader(lang)
    found = links(lang)
    local = [
        str(annot["/A"]["/URI"])
        for _, annot in found
        if "/A" in annot and LOCAL.match(str(annot["/A"].get("/URI", "")))
    ]
    assert not local, f"links to the temporary server: {local[:5]}"
    inside = [(index, link_target(pdf, annot)) for index, annot in found]
    # The contents (the pages before the first page of the book) link
    # every page's title.
    front = len(parts(lang)[0][2])
    contents = [target for index, target in inside if index < front]
    assert len(contents) >= len(PAGES), "the contents have too few links"
    assert all(target is not None and target >= front for target in contents)
    # Links from one page of the book to another (the intro's list of
    # chapters, a chapter's link to the glossary) lead to the first page
    # of every page but the root one.
    targets = {target for index, target in inside if index >= front}
    unlinked = [
        title for title, _, pages in parts(lang)[2:] if pages[0] not in targets
    ]
    assert not unlinked, f"no link leads to: {unlinked}"
    external = [
        annot for _, annot in found if "/A" in annot and "/URI" in annot["/A"]
    ]
    assert external, "the links to other sites were lost"


def article_text(lang: str, page_file: str) -> str:
    """The text a built page's article says itself: without the
    JupyterLite button's paragraph and without buttons."""
    path = HTML_DIR / f"{EDITIONS[lang].page_file(page_file)}.html"
    found = re.search(r"<article.*?</article>", path.read_text(), re.S)
    assert found, f"{path}: no <article>"
    body = re.sub(r'<p class="lite-launch">.*?</p>', "", found[0], flags=re.S)
    body = re.sub(r"<button.*?</button>", "", body, flags=re.S)
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.mark.parametrize("lang", EDITIONS)
def test_the_sites_chrome_is_not_printed(lang: str) -> None:
    """The chrome's words are printed only where the book's text says
    them (the intro names the "Run in your browser" button)."""
    text = " ".join(page_texts(lang))
    said = " ".join(article_text(lang, page) for page in PAGES)
    printed = {
        words: (text.count(words), said.count(words))
        for words in CHROME
        if text.count(words) > said.count(words)
    }
    assert not printed, f"printed (times, times the text says it): {printed}"


@pytest.mark.parametrize("lang", EDITIONS)
def test_the_intro_links_the_sites_copy(lang: str) -> None:
    intro = HTML_DIR / f"{EDITIONS[lang].page_file(PAGES[0])}.html"
    href = f"../pdf/{EDITIONS[lang].pdf}"
    assert f'href="{href}"' in intro.read_text(), f"{intro} lacks {href}"
    copy = EDITIONS[lang].site_pdf()
    assert (intro.parent / href).resolve() == copy.resolve()
    assert copy.is_file(), f"{copy} is missing: run `make pdf`"
    original = PDF_DIR / EDITIONS[lang].pdf
    assert Path(copy).read_bytes() == original.read_bytes(), (
        f"{copy} is not the PDF `make pdf` made last"
    )
