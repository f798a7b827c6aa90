"""The Russian edition's catalogs (locales/ru) are complete and current.

- Every message is translated and none is fuzzy, so the Russian edition
  never shows an English paragraph.
- The catalogs hold exactly the messages the English pages have now: the
  test extracts them again (the gettext build of `make gettext`, into a
  temporary folder) and compares.  After an English edit this fails until
  `make translations` has updated the catalogs and the new or changed
  messages are translated (README.md, "The Russian edition").
- A translation keeps the English message's code (`...`) and math ($...$)
  as they are: code and printed output are never translated.
"""

from __future__ import annotations

import re
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
    [*page_catalogs(), *(MESSAGES / name for name in THEME_CATALOGS)],
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
