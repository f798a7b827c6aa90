"""web/site.py and the build around it: the pages and chapters come from
_toc.yml, the editions from one table, the templates' words from the
catalogs, and the build imports nothing of the tests."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
import web
import yaml
from babel.messages.pofile import read_po
from web import site

LOCALES = site.ROOT / "locales"


def test_pages_and_chapters_follow_the_toc():
    # a new chapter goes after these, before the back matter
    assert site.PAGES[:6] == [
        "book/intro",
        "book/01_random_search",
        "book/02_dual_numbers",
        "book/03_backprop",
        "book/04_engine_workshop",
        "book/05_training",
    ]
    back_matter = ["book/teachers", "book/appendix_speed", "book/glossary"]
    assert site.PAGES[-3:] == back_matter
    assert site.ROOT_PAGE == "book/intro"
    assert site.PAGES[1:-3] == site.CHAPTERS
    assert [path.name for path in site.CHAPTER_NOTEBOOKS] == [
        f"{page[len('book/') :]}.ipynb" for page in site.CHAPTERS
    ]


def write_toc(folder: Path, chapters: list[str], back_matter: list[str]):
    """A book in `folder`: a root page, then `chapters` and `back_matter`
    (names with their suffix), each an empty file."""
    for name in ["intro.md", *chapters, *back_matter]:
        (folder / name).write_text("", encoding="utf-8")
    toc = {
        "format": "jb-book",
        "root": "intro",
        "meta": {"back_matter": [Path(n).stem for n in back_matter]},
        "chapters": [{"file": Path(n).stem} for n in chapters + back_matter],
    }
    path = folder / "_toc.yml"
    path.write_text(yaml.safe_dump(toc), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "notebook", site.CHAPTER_NOTEBOOKS, ids=lambda path: path.stem
)
def test_each_chapter_lists_key_outputs_its_cells_print(notebook):
    # the in-browser test checks these; here, that the stored run has them
    listed = 0
    for cell in site.code_cells(notebook):
        texts = [
            "".join(output.get("text", ""))
            or "".join(output.get("data", {}).get("text/plain", ""))
            for output in cell["outputs"]
        ]
        texts = [text.strip() for text in texts]
        lines = {line for text in texts for line in text.splitlines()}
        for key in cell["metadata"].get("key_outputs", []):
            listed += 1
            assert key in texts or key in lines, (notebook.name, key)
    assert listed, f"{notebook.name} lists no key output"


def test_panel_names_are_the_calls_in_code_cells(tmp_path):
    cells = [
        {"cell_type": "markdown", "source": 'widgets.panel("prose")'},
        {"cell_type": "code", "source": ['widgets.panel("a")\n']},
        {"cell_type": "code", "source": 'x = 1\nwidgets.panel("b")'},
    ]
    notebook = tmp_path / "n.ipynb"
    notebook.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert site.panel_names(notebook) == ["a", "b"]
    assert site.panel_names(site.source("book/01_random_search")) == [
        "random_search"
    ]
    chapter_4 = site.source("book/04_engine_workshop")
    assert site.panel_names(chapter_4, site.SCRUBBER_CALL) == []
    chapter_1 = site.source("book/01_random_search")
    assert site.panel_names(chapter_1, site.SCRUBBER_CALL) == ["random_search"]


def test_any_name_and_a_text_page_can_be_a_chapter(tmp_path):
    chapters = [f"chapter_{k}.ipynb" for k in range(1, 10)]
    chapters += ["workshop.md", "10_tenth.ipynb"]
    toc = write_toc(tmp_path, chapters, ["glossary.md", "teachers.md"])
    assert site.toc_chapters(toc) == [Path(n).stem for n in chapters]
    assert site.toc_pages(toc)[-2:] == ["glossary", "teachers"]


def test_back_matter_must_name_pages(tmp_path):
    toc = write_toc(tmp_path, ["one.ipynb"], ["glossary.md"])
    text = toc.read_text(encoding="utf-8")
    toc.write_text(text.replace("- glossary\n", "- glosary\n", 1), "utf-8")
    with pytest.raises(
        ValueError, match=r"back_matter lists no page \['glosary'\]"
    ):
        site.toc_chapters(toc)


def test_a_page_without_a_source_is_refused():
    assert site.source("book/glossary") == site.ROOT / "book" / "glossary.md"
    with pytest.raises(FileNotFoundError, match="book/missing"):
        site.source("book/missing")


def test_the_source_editions_words_are_the_configurations():
    config = yaml.safe_load((site.ROOT / "_config.yml").read_text("utf-8"))
    english = site.SOURCE_EDITION
    assert (english.language, english.folder) == ("en", "")
    assert english.title == config["title"]
    assert english.author == config["author"]
    options = config["sphinx"]["config"]["html_theme_options"]
    assert english.search_text == options["search_bar_text"]


def test_built_files_of_each_edition():
    russian = site.EDITIONS["ru"]
    assert russian.page_file("book/intro") == "ru/book/intro"
    assert site.edition_of("ru/book/intro") is russian
    assert site.edition_of("book/intro") is site.SOURCE_EDITION
    html = Path("/built")
    assert russian.site_pdf(html) == html / "ru/pdf/gradient-book-ru.pdf"
    assert site.SOURCE_EDITION.site_pdf(html) == html / "pdf/gradient-book.pdf"


def test_copy_pdfs_copies_the_pdfs_made(tmp_path):
    made, html = tmp_path / "pdf", tmp_path / "html"
    made.mkdir()
    (made / "gradient-book-ru.pdf").write_bytes(b"%PDF ru")
    site.copy_pdfs(made, html)
    assert (html / "ru/pdf/gradient-book-ru.pdf").read_bytes() == b"%PDF ru"
    assert not (html / "pdf").exists()  # the English one was not made


def template_messages(folder: Path) -> set[str]:
    """The `_()` messages of the Jinja templates under `folder`, found as
    Sphinx's gettext builder finds them."""
    env = jinja2.Environment(
        extensions=[
            "jinja2.ext.i18n",
            "jinja2.ext.do",
            "jinja2.ext.loopcontrols",
        ]
    )
    return {
        message
        for path in folder.rglob("*.html")
        for _, _, message in env.extract_translations(path.read_text("utf-8"))
    }


@pytest.mark.parametrize(
    "language", [lang for lang, e in site.EDITIONS.items() if e.folder]
)
def test_templates_words_are_in_the_catalog(language):
    """Every word of the book's templates (the button, the page scripts'
    words) is translated in the edition's sphinx.po, and the catalog
    holds only words of a template: the book's or its themes'."""
    ours = template_messages(Path(web.__file__).parent / "_templates")
    themes = set()
    for theme in ("pydata_sphinx_theme", "sphinx_book_theme"):
        module = importlib.import_module(theme)
        themes |= template_messages(Path(module.__file__).parent)
    path = LOCALES / language / "LC_MESSAGES" / "sphinx.po"
    with path.open("rb") as f:
        catalog = {m.id: m.string for m in read_po(f) if m.id}
    untranslated = sorted(m for m in ours if not catalog.get(m))
    assert not untranslated, f"not translated in {path}: {untranslated}"
    unused = sorted(set(catalog) - ours - themes)
    assert not unused, f"in {path} but in no template: {unused}"


def test_the_build_imports_no_tests():
    """Every module of web/ imports, in a fresh Python, with neither pytest
    nor the tests' helpers: `make book` does not depend on them."""
    modules = [f"web.{m.name}" for m in pkgutil.iter_modules(web.__path__)]
    assert {"web.site", "web.browser", "web.pdf", "web.lite"} <= set(modules)
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules\n"
        "    if m.split('.')[0] in ('pytest', '_pytest', 'tests')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=site.ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
