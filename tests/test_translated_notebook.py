"""web/translated_notebook.py: a chapter's markdown in Russian, made from
the Russian edition's catalogs, for the in-browser notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from web import translated_notebook as tn
from web.site import CHAPTER_NOTEBOOKS

MESSAGES = {
    "Title": "Заголовок",
    "One paragraph on two lines, with `code` and $x$.": (
        "Один абзац с `code` и $x$."
    ),
    "an item": "пункт",
    "a second item on two lines": "второй пункт",
    "1.1: a title": "1.1: заголовок",
    "The body.": "Текст.",
}


def test_blocks_are_replaced_by_their_messages() -> None:
    text = (
        "## Title\n"
        "\n"
        "One paragraph on two lines,\n"
        "with `code` and $x$.\n"
        "\n"
        "$$\n"
        "x^2\n"
        "$$\n"
        "\n"
        "- an item\n"
        "- a second item\n"
        "  on two lines\n"
        "\n"
        "```{exercise} 1.1: a title\n"
        ":label: ex-1\n"
        "\n"
        "The body.\n"
        "```\n"
        "\n"
        "```python\n"
        "print('code stays')\n"
        "```"
    )
    assert tn.translate_markdown(text, MESSAGES) == (
        "## Заголовок\n"
        "\n"
        "Один абзац с `code` и $x$.\n"
        "\n"
        "$$\n"
        "x^2\n"
        "$$\n"
        "\n"
        "- пункт\n"
        "- второй пункт\n"
        "\n"
        "```{exercise} 1.1: заголовок\n"
        ":label: ex-1\n"
        "\n"
        "Текст.\n"
        "```\n"
        "\n"
        "```python\n"
        "print('code stays')\n"
        "```"
    )


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("A paragraph no catalog holds.", "A paragraph no catalog"),
        ("# Title\n\n- an item\n- another item", "another item"),
        ("```{exercise} 9.9: unknown\n\nThe body.\n```", "9.9: unknown"),
        ("```{note}\nA note no catalog holds.\n```", "A note no catalog"),
    ],
)
def test_a_block_the_catalog_lacks_stops_the_build(
    text: str, missing: str
) -> None:
    with pytest.raises(tn.UntranslatedTextError, match=missing):
        tn.translate_markdown(text, MESSAGES)


@pytest.mark.parametrize("chapter", CHAPTER_NOTEBOOKS, ids=lambda p: p.stem)
def test_chapters_are_translated_whole(chapter: Path) -> None:
    """Every message whose Russian differs from its English (prose, not
    math or code) is in the translated notebook; code cells are kept."""
    english = json.loads(chapter.read_text(encoding="utf-8"))
    russian = tn.translated_notebook(english, chapter.stem, "ru")
    markdown = "\n".join(
        "".join(cell["source"])
        for cell in russian["cells"]
        if cell["cell_type"] == "markdown"
    )
    messages = tn.catalog(chapter.stem, "ru")
    # A figure's alt text is a message of the page too, but it lives in its
    # code cell's metadata (which JupyterLab does not show).
    alt_texts = {
        cell["metadata"].get("mystnb", {}).get("image", {}).get("alt")
        for cell in english["cells"]
    }
    missing = [
        english_text[:70]
        for english_text, text in messages.items()
        if text != english_text
        and text not in markdown
        and english_text not in alt_texts
    ]
    assert not missing
    assert len(russian["cells"]) == len(english["cells"])
    for ours, theirs in zip(russian["cells"], english["cells"], strict=True):
        if theirs["cell_type"] != "markdown":
            assert ours == theirs
