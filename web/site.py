"""What the book is, for the build and for everything that checks it: its
pages in reading order, which of them are chapters, its editions, its PDFs
and where the build puts them.  Each is defined here once; the Sphinx
extensions, the PDFs, the in-browser notebooks, the tests and the
benchmarks import them.  Nothing here imports pytest.

- The pages are every document of `_toc.yml`, read with
  sphinx-external-toc's own parser (the one Jupyter Book uses).
- The chapters are the pages other than the root page and the pages that
  `_toc.yml` lists under `meta: back_matter:`.  A chapter may be a
  notebook or a text page; a chapter notebook gets the "Run in your
  browser" button (web/lite.py) and an in-browser copy (web/lite_site.py).
- An edition is a row of EDITIONS: English (the source) at the root of
  the built HTML, Russian under ru/.  Its words outside the catalogs (the
  title and author of its configuration, the PDF's own pages) are in its
  row; the pages' words are in locales/<language>/LC_MESSAGES/.

`python -m web.site copy-pdfs` copies each edition's PDF into the built
site (make book).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from sphinx_external_toc.api import GlobItem, UrlItem
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parent.parent
TOC = ROOT / "_toc.yml"
SOURCE_SUFFIXES = (".ipynb", ".md", ".rst")
# The built HTML (English at its root) and the PDFs, or the folders in
# $GRADBOOK_HTML and $GRADBOOK_PDF.
HTML_DIR = Path(
    os.environ.get("GRADBOOK_HTML", ROOT / "_build" / "html")
).resolve()
PDF_DIR = Path(
    os.environ.get("GRADBOOK_PDF", ROOT / "_build" / "pdf")
).resolve()


def toc_pages(toc: Path = TOC) -> list[str]:
    """Every document of a _toc.yml (root, parts, chapters, sections,
    globs), in reading order, as docnames (no suffix)."""
    site_map = parse_toc_yaml(toc)
    pages: list[str] = []

    def add(docname: str) -> None:
        if docname in pages:
            return
        pages.append(docname)
        for tree in site_map[docname].subtrees if docname in site_map else []:
            for item in tree.items:
                if isinstance(item, UrlItem):
                    continue
                if isinstance(item, GlobItem):
                    for path in sorted(toc.parent.glob(str(item))):
                        if path.suffix in SOURCE_SUFFIXES:
                            relative = path.relative_to(toc.parent)
                            add(relative.with_suffix("").as_posix())
                else:
                    add(str(item))

    add(site_map.root.docname)
    return pages


def toc_chapters(toc: Path = TOC) -> list[str]:
    """The chapters of a _toc.yml: its pages but the root page and those
    under `meta: back_matter:` (each of which must be a page)."""
    pages = toc_pages(toc)
    meta = parse_toc_yaml(toc).meta or {}
    back_matter = meta.get("back_matter", [])
    unknown = [page for page in back_matter if page not in pages]
    if unknown:
        raise ValueError(f"{toc}: back_matter lists no page {unknown}")
    return [page for page in pages[1:] if page not in back_matter]


def source(page: str) -> Path:
    """The source file of a page (book/01_random_search.ipynb)."""
    for suffix in SOURCE_SUFFIXES:
        path = ROOT / f"{page}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"no source file for the page {page!r}")


PAGES = toc_pages()
ROOT_PAGE = PAGES[0]
CHAPTERS = toc_chapters()
# The chapters that are notebooks: they run in the browser too.
CHAPTER_NOTEBOOKS = [
    path for path in map(source, CHAPTERS) if path.suffix == ".ipynb"
]


# How a chapter shows a live panel, and a scrubber, in a code cell.
PANEL_CALL = re.compile(r'widgets\.panel\("(\w+)"\)')
SCRUBBER_CALL = re.compile(r'widgets\.scrubber\("(\w+)"\)')


def code_cells(notebook: Path) -> list[dict]:
    """The code cells of a notebook, as nbformat stores them."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [cell for cell in cells if cell["cell_type"] == "code"]


def panel_names(notebook: Path, call: re.Pattern = PANEL_CALL) -> list[str]:
    """The explorables whose live panel (or, with ``SCRUBBER_CALL``,
    scrubber) the notebook shows, in order."""
    code = "\n".join("".join(cell["source"]) for cell in code_cells(notebook))
    return call.findall(code)


def key_outputs(notebook: Path) -> list[str]:
    """What the chapter must print wherever it runs (in the browser too):
    the texts its code cells list in their metadata under "key_outputs",
    each a whole output of the cell or one of its lines."""
    return [
        text
        for cell in code_cells(notebook)
        for text in cell["metadata"].get("key_outputs", [])
    ]


@dataclass(frozen=True)
class Edition:
    """One edition of the book."""

    language: str  # its pages' language, and its catalogs' folder
    folder: str  # where its pages are in the built HTML: "" or "ru/"
    name: str  # its name in its own language (the other's switch shows it)
    title: str  # the book's title
    author: str
    search_text: str  # the search box's placeholder
    pdf: str  # its PDF's file name
    pdf_edition: str  # the PDF's title page names the edition so
    pdf_contents: str  # the heading of the PDF's table of contents

    def page_file(self, page: str) -> str:
        """A page's file in the built HTML, without .html
        ("ru/book/intro")."""
        return self.folder + page

    def site_pdf(self, html_dir: Path = HTML_DIR) -> Path:
        """Where the built site keeps this edition's PDF: pdf/ beside its
        book/ folder, so that its intro links it as ../pdf/<file>."""
        return html_dir / self.folder / "pdf" / self.pdf


# The source edition first; its title, author and search text are
# _config.yml's (a test checks it).
EDITIONS = {
    edition.language: edition
    for edition in (
        Edition(
            language="en",
            folder="",
            name="English",
            title="The gradient book",
            author="The gradient book authors",
            search_text="Search this book...",
            pdf="gradient-book.pdf",
            pdf_edition="English edition",
            pdf_contents="Contents",
        ),
        Edition(
            language="ru",
            folder="ru/",
            name="Русский",
            title="Книга о градиентах",
            author="команда «Книги о градиентах»",
            search_text="Поиск по книге...",
            pdf="gradient-book-ru.pdf",
            pdf_edition="Русское издание",
            pdf_contents="Содержание",
        ),
    )
}
SOURCE_EDITION = next(iter(EDITIONS.values()))


def edition_of(page_file: str) -> Edition:
    """The edition of a built page file such as "ru/book/intro"."""
    for edition in EDITIONS.values():
        if edition.folder and page_file.startswith(edition.folder):
            return edition
    return SOURCE_EDITION


def copy_pdfs(pdf_dir: Path = PDF_DIR, html_dir: Path = HTML_DIR) -> None:
    """Each edition's PDF, if made, into the site (Edition.site_pdf)."""
    for edition in EDITIONS.values():
        made, copy = pdf_dir / edition.pdf, edition.site_pdf(html_dir)
        if made.is_file():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(made, copy)


def main(argv: list[str]) -> None:
    if argv != ["copy-pdfs"]:
        raise SystemExit("usage: python -m web.site copy-pdfs")
    copy_pdfs()


if __name__ == "__main__":
    main(sys.argv[1:])
