"""A chapter notebook with its markdown text in another edition's language,
made from the same catalogs (locales/<language>/LC_MESSAGES/book/<page>.po)
that the HTML edition uses, for the in-browser notebooks (web/lite_site.py).

Sphinx makes one message of each paragraph, heading, list item and exercise
title: its markdown source, with the line breaks joined by spaces.  Here
each markdown cell is parsed with the book's own MyST parser settings, and
each such block is replaced by its catalog translation.  Code cells, math
blocks and directive options stay as they are.  A block the catalog does
not hold stops the build (`UntranslatedTextError`): a notebook is either
translated whole, from the catalogs, or not made.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from babel.messages.pofile import read_po
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
# _config.yml's parse: myst_enable_extensions.
PARSER = create_md_parser(
    MdParserConfig(enable_extensions={"colon_fence", "dollarmath", "amsmath"}),
    RendererHTML,
)
# Directives whose body is markdown text (the others hold no prose).
BLOCKS = ("paragraph_open", "heading_open")
PROSE_DIRECTIVES = {"exercise", "solution", "admonition", "note", "tip"}
DIRECTIVE = re.compile(r"^(\s*)(`{3,}|:{3,})\{([\w-]+)\}\s*(.*)$")
OPTION = re.compile(r"^\s*:[\w-]+:")


class UntranslatedTextError(ValueError):
    """A markdown block that the page's catalog does not translate."""


def catalog(page: str, language: str) -> dict[str, str]:
    """The translated, non-fuzzy messages of ``page``'s catalog."""
    path = LOCALES / language / "LC_MESSAGES" / "book" / f"{page}.po"
    with path.open("rb") as f:
        messages = read_po(f)
    return {
        m.id: m.string
        for m in messages
        if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
    }


def translate_markdown(text: str, messages: dict[str, str]) -> str:
    """``text`` (one markdown cell) with every paragraph, heading, list
    item and prose directive translated from ``messages``."""
    lines = text.split("\n")
    # Replaced from the bottom up, so that earlier line numbers hold.
    for start, end, replacement in sorted(
        _replacements(lines, messages), reverse=True
    ):
        lines[start:end] = replacement
    return "\n".join(lines)


def _replacements(
    lines: list[str], messages: dict[str, str]
) -> list[tuple[int, int, list[str]]]:
    found = []
    tokens = PARSER.parse("\n".join(lines))
    for i, token in enumerate(tokens):
        # An inline token always follows the block that opens it.
        opening = tokens[i - 1]
        if token.type == "inline" and opening.type in BLOCKS:
            start, end = opening.map
            found.append(
                (start, end, [_block(lines, start, token.content, messages)])
            )
        elif token.type in ("fence", "colon_fence"):
            found += _directive(lines, token.map, messages)
    return found


def _block(
    lines: list[str], start: int, content: str, messages: dict[str, str]
) -> str:
    """A paragraph or heading, translated, on one line after its marker
    (``## ``, ``- ``, ``1. `` or indentation)."""
    message = content.replace("\n", " ").strip()
    if message not in messages:
        raise UntranslatedTextError(f"not in the catalog: {message[:70]!r}")
    first = content.split("\n", 1)[0]
    marker = lines[start][: lines[start].index(first)]
    return marker + messages[message]


def _directive(
    lines: list[str], where: list[int], messages: dict[str, str]
) -> list[tuple[int, int, list[str]]]:
    """A prose directive's title and body, translated; other fences (code,
    solution markers) as they are."""
    start, end = where
    match = DIRECTIVE.match(lines[start])
    if not match or match.group(3) not in PROSE_DIRECTIVES:
        return []
    indent, fence, name, title = match.groups()
    found = []
    if title:
        # An exercise title is a message of its own (web/language.py).
        if title not in messages:
            raise UntranslatedTextError(f"title not in the catalog: {title!r}")
        opening = f"{indent}{fence}{{{name}}} {messages[title]}"
        found.append((start, start + 1, [opening]))
    body = start + 1
    while body < end and OPTION.match(lines[body]):
        body += 1
    closing = end - 1 if lines[end - 1].strip() == fence else end
    inner = translate_markdown("\n".join(lines[body:closing]), messages)
    found.append((body, closing, inner.split("\n")))
    return found


def translated_notebook(notebook: dict, page: str, language: str) -> dict:
    """A copy of ``notebook`` (nbformat JSON) whose markdown cells are in
    ``language``, from the catalog of ``page``."""
    messages = catalog(page, language)
    result = copy.deepcopy(notebook)
    for cell in result["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        translated = translate_markdown(source, messages)
        cell["source"] = translated.splitlines(keepends=True)
    return result
