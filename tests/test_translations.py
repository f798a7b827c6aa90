"""The Russian edition's catalogs (locales/ru) are complete and current,
and every word a figure draws comes from them.

- Every message is translated and none is fuzzy, so the Russian edition
  never shows an English paragraph.
- The catalogs hold exactly the messages the English pages have now: the
  test extracts them again (the gettext build of `make gettext`, into a
  temporary folder) and compares.  After an English edit this fails until
  `make translations` has updated the catalogs and the new or changed
  messages are translated (README.md, "The Russian edition").
- A translation keeps the English message's code (`...`) and math ($...$)
  as they are: code and printed output are never translated.
- The figures' catalog (gradbook.po) holds exactly the words marked in
  src/gradbook, the benchmarks' names and the notebooks' code cells, each
  translated with the same {fields}; drawn in Russian, no figure shows an
  English word, and no notebook passes an unmarked word to a figure.
"""

from __future__ import annotations

import ast
import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ROOT / "locales" / "ru" / "LC_MESSAGES"
# The pages' catalogs, one per page (gettext_compact = False).
PAGES = MESSAGES / "book"
# Overrides of the themes' interface words (web/language.py), not pages.
THEME_CATALOGS = ["sphinx.po", "booktheme.po"]
# The words gradbook's figures draw (gradbook.i18n, babel.cfg).
FIGURES = MESSAGES / "gradbook.po"

CODE = re.compile(r"`[^`]+`")
MATH = re.compile(r"\$[^$]+\$")


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def page_catalogs() -> list[Path]:
    return sorted(PAGES.glob("*.po"))


def test_there_is_a_catalog_per_page() -> None:
    names = {p.stem for p in page_catalogs()}
    pages = {p.stem for p in (ROOT / "book").glob("*.ipynb")}
    pages |= {p.stem for p in (ROOT / "book").glob("*.md")}
    assert names == pages


@pytest.mark.parametrize(
    "path",
    [
        *page_catalogs(),
        *(MESSAGES / name for name in THEME_CATALOGS),
        FIGURES,
    ],
    ids=lambda p: p.relative_to(MESSAGES).as_posix(),
)
def test_every_message_is_translated(path: Path) -> None:
    catalog = read(path)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    problems = [f"untranslated: {i[:70]!r}" for i in untranslated]
    problems += [f"fuzzy: {i[:70]!r}" for i in fuzzy]
    problems += [f"obsolete: {i[:70]!r}" for i in catalog.obsolete]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "path", page_catalogs(), ids=lambda p: p.relative_to(MESSAGES).as_posix()
)
def test_code_and_math_are_kept(path: Path) -> None:
    problems = []
    for m in read(path):
        if not m.id or not m.string:
            continue
        if sorted(CODE.findall(m.id)) != sorted(CODE.findall(m.string)):
            problems.append(f"code changed in {m.id[:60]!r}")
        missing = set(MATH.findall(m.id)) - set(MATH.findall(m.string))
        if missing:
            problems.append(f"math {sorted(missing)} lost in {m.id[:60]!r}")
    assert not problems, "\n".join(problems)


def test_catalogs_match_the_english_pages(tmp_path: Path) -> None:
    """Extract the English messages again and compare them with the
    catalogs' (as `make gettext` does, into a temporary folder)."""
    config = tmp_path / "_config.yml"
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "-m", "web.language", "gettext", config],
        check=True,
        cwd=ROOT,
    )
    build = subprocess.run(
        [
            bin_dir / "jupyter-book",
            "build",
            ROOT,
            "--config",
            config,
            "--path-output",
            tmp_path,
            "--builder",
            "custom",
            "--custom-builder",
            "gettext",
            "--warningiserror",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    templates = tmp_path / "_build" / "gettext" / "book"
    fresh = {p.stem: read(p) for p in templates.glob("*.pot")}
    assert set(fresh) == {p.stem for p in page_catalogs()}
    problems = []
    for path in page_catalogs():
        english = {m.id for m in fresh[path.stem] if m.id}
        ours = {m.id for m in read(path) if m.id}
        problems += [
            f"{path.stem}: new English message, not in the catalog: {i[:70]!r}"
            for i in sorted(english - ours)
        ]
        problems += [
            f"{path.stem}: the English page no longer has: {i[:70]!r}"
            for i in sorted(ours - english)
        ]
    assert not problems, (
        "the Russian catalogs are stale: run `make translations`, then "
        "translate what is new or fuzzy (README.md)\n" + "\n".join(problems)
    )


def _fields(template: str) -> set[tuple[str, str]]:
    return {
        (name, spec)
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }


def test_a_figure_word_keeps_its_fields() -> None:
    problems = [
        f"{m.id[:70]!r}: {sorted(_fields(m.string))}"
        for m in read(FIGURES)
        if m.id and _fields(m.string) != _fields(m.id)
    ]
    assert not problems, "\n".join(problems)


def test_the_figure_catalog_matches_the_marked_words(tmp_path: Path) -> None:
    """Extract the marked words again, as `make figure-words` does (the
    Makefile's EXTRACT_FIGURE_WORDS), and compare them with the catalog."""
    template = tmp_path / "gradbook.pot"
    done = subprocess.run(
        [
            *(sys.executable, "-m", "babel.messages.frontend", "-q"),
            *("extract", "-F", "babel.cfg", "--no-default-keywords"),
            *("-k", "tr", "-k", "N_", "-o", template),
            "--ignore-dirs=.* _* node_modules",
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    english = {m.id for m in read(template) if m.id}
    ours = {m.id for m in read(FIGURES) if m.id}
    problems = [f"new, not in the catalog: {i[:70]!r}" for i in english - ours]
    problems += [f"no longer marked: {i[:70]!r}" for i in ours - english]
    assert not problems, (
        "the figures' catalog is stale: run `make translations`, then "
        "translate what is new or fuzzy (README.md)\n" + "\n".join(problems)
    )


def test_russian_figures_have_no_english_words() -> None:
    """Every explorable (from its registry) and every static figure (from
    gradbook.plots.FIGURES, by tests/figure_examples.py) drawn in Russian;
    it prints each text with an English word, then what it checked."""
    done = subprocess.run(
        [sys.executable, ROOT / "tests" / "figure_examples.py"],
        env={**os.environ, "GRADBOOK_LANG": "ru", "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    *english, checked = done.stdout.splitlines()
    assert not english, "\n".join(english)
    assert re.fullmatch(r"checked \d{3,} texts of \d+ figures", checked)


def test_the_catalog_is_read_for_gradbook_lang_ru(monkeypatch, tmp_path):
    from gradbook import i18n

    monkeypatch.setattr(i18n, "LANGUAGE", "ru")
    assert i18n._translations().gettext("iteration") == "итерация"
    monkeypatch.setattr(i18n, "CATALOGS", tmp_path)
    with pytest.raises(RuntimeError, match="make catalogs"):
        i18n._translations()


# Figures take their words from gradbook.plots; a notebook marks each word
# it passes to one with tr() (or N_() where it is made, tr() where drawn).
MARKS = {"tr", "N_"}
WORD = re.compile("[A-Za-z]{2,}")


def _unmarked(node: ast.AST) -> list[str]:
    """The strings with a word in ``node`` that no tr() or N_() holds."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in MARKS:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if WORD.search(node.value) else []
    if isinstance(node, ast.Subscript):  # runs["gate"]: a key, not drawn
        return _unmarked(node.value)
    return [
        s for child in ast.iter_child_nodes(node) for s in _unmarked(child)
    ]


def _keys(value: ast.AST) -> list[ast.AST]:
    if isinstance(value, ast.Dict):
        return [key for key in value.keys if key is not None]
    if isinstance(value, ast.DictComp):
        return [value.key]
    return []


def _code(notebook: Path) -> ast.Module:
    cells = json.loads(notebook.read_text())["cells"]
    lines = [
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if not line.lstrip().startswith(("%", "!"))
    ]
    return ast.parse("\n".join(lines))


@pytest.mark.parametrize(
    "notebook", sorted((ROOT / "book").glob("*.ipynb")), ids=lambda p: p.stem
)
def test_notebooks_mark_every_word_they_pass_to_a_figure(notebook: Path):
    tree = _code(notebook)
    # what each name was given: name = {...}, and name[key] = ...
    given: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    given.setdefault(target.id, []).extend(_keys(node.value))
                if isinstance(target, ast.Subscript):
                    name = getattr(target.value, "id", "")
                    given.setdefault(name, []).append(target.slice)
    problems = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and getattr(node.func.value, "id", "") == "plots"
        ):
            continue
        passed = [*node.args, *(k.value for k in node.keywords)]
        for argument in passed:
            problems += _unmarked(argument)
            if isinstance(argument, ast.Name):
                for key in given.get(argument.id, []):
                    problems += _unmarked(key)
    assert not problems, f"mark these with tr(): {problems}"
