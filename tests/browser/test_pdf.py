"""The PDF of each edition (`make pdf`, web/pdf.py), read with pypdf: it
opens; its length is plausible; it holds every page of the edition (each
title, in the text and as a bookmark), the article's value and, in the
Russian one, the Russian titles; no page is blank; every font is
embedded; links lead inside the PDF or to other sites, never to the
temporary server; the site's chrome (buttons, navigation) is not printed;
the site keeps a copy where the intro links it.

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

# Pages, measured when the PDFs were first made (133 and 141), within 15%:
# room for edits to the chapters, but not for a chapter printed twice or a
# layout that spreads the book over many more pages (a page left out is
# the titles' test's business).
PAGE_COUNTS = {"en": range(113, 154), "ru": range(120, 163)}
ARTICLE_VALUE = "0.8807970779778823"
CYRILLIC = re.compile("[\\u0400-\\u04ff]")  # the Cyrillic block
A4_POINTS = (595, 842)  # width and height, rounded
# Words of the site's chrome that must not be printed: the JupyterLite
# button, folded blocks' buttons, the footer's copyright, the search box.
CHROME = ["Run in your browser", "Click to show", "© Copyright", "Ctrl+K"]
LOCAL = re.compile(r"^[a-z]+://(127\.0\.0\.1|localhost|\[::1\])", re.I)


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
def page_texts(lang: str) -> tuple[str, ...]:
    return tuple(
        squash(page.extract_text() or "") for page in reader(lang).pages
    )


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


def outline_titles(outline: list[Any]) -> list[str]:
    return [item.title for item in outline if not isinstance(item, list)]


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


@pytest.mark.parametrize("lang", EDITIONS)
def test_pdf_opens_with_a_plausible_length(lang: str) -> None:
    pdf = reader(lang)
    assert len(pdf.pages) in PAGE_COUNTS[lang], (
        f"{EDITIONS[lang].pdf}: {len(pdf.pages)} pages, expected "
        f"{PAGE_COUNTS[lang].start} to {PAGE_COUNTS[lang].stop - 1}"
    )
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in pdf.pages
    }
    assert sizes == {A4_POINTS}, f"page sizes {sizes}, not A4"
    assert pdf.metadata.title == page_title(lang, PAGES[0])
    assert pdf.trailer["/Root"]["/Lang"] == lang


@pytest.mark.parametrize("lang", EDITIONS)
def test_pdf_holds_every_page_and_the_article_value(lang: str) -> None:
    text = " ".join(page_texts(lang))
    titles = [page_title(lang, page) for page in PAGES]
    missing = [title for title in titles if title not in text]
    assert not missing, f"titles not in the text: {missing}"
    assert ARTICLE_VALUE in text
    bookmarks = outline_titles(reader(lang).outline)
    assert [t for t in bookmarks if t in titles] == titles, (
        f"the bookmarks {bookmarks} are not the pages' titles in order"
    )
    if lang == "ru":
        english = [t for t in titles if not CYRILLIC.search(t)]
        assert not english, f"titles without Cyrillic: {english}"


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
        words = text.replace(pdf.page_labels[index], "", 1)
        for title in titles:
            words = words.replace(title, "", 1)
        images = (page.get("/Resources") or {}).get("/XObject") or {}
        if len(words.strip()) < 3 and not images:
            blank.append(pdf.page_labels[index])
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
    named = [
        annot["/Dest"]
        for _, annot in found
        if "/Dest" in annot and not isinstance(annot["/Dest"], ArrayObject)
    ]
    assert not named, f"links to named destinations: {named[:5]}"
    # The contents (the pages before page 1) link every page's title.
    front = pdf.page_labels.index("1")
    inside = [
        pdf.get_page_number(annot["/Dest"][0].get_object())
        for index, annot in found
        if index < front and "/Dest" in annot
    ]
    assert len(inside) >= len(PAGES), "the contents have too few links"
    assert all(target >= front for target in inside)
    # Links from one page of the book to another (the intro's list of
    # chapters, a chapter's link to the glossary) lead to the first page
    # of every page but the root one.
    targets = {
        pdf.get_page_number(annot["/Dest"][0].get_object())
        for index, annot in found
        if index >= front and "/Dest" in annot
    }
    starts = {
        item.title: pdf.get_destination_page_number(item)
        for item in pdf.outline
        if not isinstance(item, list)
    }
    unlinked = [
        title
        for title in (page_title(lang, page) for page in PAGES[1:])
        if starts[title] not in targets
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
