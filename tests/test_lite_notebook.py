"""web/lite_notebook.py: a learner's copy of a chapter says where it runs,
folds each solution (and only the solution), and keeps every other cell."""

from __future__ import annotations

import json

import pytest
from web.lite_notebook import (
    FIRST_LINE,
    NOTES,
    NotebookShapeError,
    learner_copy,
)
from web.site import CHAPTER_NOTEBOOKS as CHAPTERS

START = "```{solution-start} ex-1\n:class: dropdown\n```"
END = "```{solution-end}\n```"
EXERCISE = (
    "```{exercise} 1.1: a title\n:label: ex-1\n:nonumber:\n\nDo it.\n```"
)


def markdown(text: str, id_: str) -> dict:
    return {
        "cell_type": "markdown",
        "id": id_,
        "metadata": {},
        "source": [text],
    }


def code(text: str, id_: str) -> dict:
    text_ = ["a\n", "b\n"]
    output = {"name": "stdout", "output_type": "stream", "text": text_}
    return {
        "cell_type": "code",
        "id": id_,
        "metadata": {},
        "execution_count": 1,
        "outputs": [output],
        "source": [text],
    }


def chapter() -> dict:
    return {
        "cells": [
            markdown("# Title\n\nText.\n\n> **Running?** Old\n> advice.", "t"),
            markdown(EXERCISE, "e"),
            code("def f():\n    raise NotImplementedError", "stub"),
            markdown(START + "\n\nThe idea, first.", "s"),
            code("def f():\n    return 1", "answer"),
            markdown(f"Why it works.\n\n{END}\n\nThe chapter goes on.", "z"),
            code("f()", "after"),
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def folded(cell: dict) -> bool:
    return cell["metadata"].get("jupyter", {}).get("source_hidden", False)


def test_the_note_says_where_the_notebook_runs():
    for place in ("browser", "lab"):
        title = learner_copy(chapter(), place, "en")["cells"][0]["source"]
        assert title == "# Title\n\nText.\n\n" + NOTES[place, "en"]


def test_a_solution_is_folded_and_only_the_solution():
    cells = learner_copy(chapter(), "browser", "en")["cells"]
    sources = [(c["source"], folded(c)) for c in cells]
    assert [text.split("\n")[0][:38] for text, _ in sources] == [
        "# Title",
        EXERCISE.split("\n")[0],
        "def f():",
        "**Solution** (Exercise 1.1: a title). ",
        "````{dropdown} Solution",
        "# Solution",
        "````{dropdown} Solution",
        "The chapter goes on.",
        "f()",
    ]
    assert [hidden for _, hidden in sources] == [
        *(False, False, False, False, False),
        True,
        *(False, False, False),
    ]
    answer = cells[5]
    assert answer["metadata"]["jupyter"] == {
        "source_hidden": True,
        "outputs_hidden": True,
    }
    assert answer["source"] == f"# {FIRST_LINE['en']}\ndef f():\n    return 1"
    assert cells[4]["source"] == (
        "````{dropdown} Solution\nThe idea, first.\n````"
    )
    assert cells[6]["source"] == "````{dropdown} Solution\nWhy it works.\n````"
    # Split cells keep unique ids; others keep theirs.
    ids = [c["id"] for c in cells]
    assert len(set(ids)) == len(ids) and "answer" in ids and "after" in ids


def test_multi_line_strings_become_one_string():
    cells = learner_copy(chapter(), "lab", "en")["cells"]
    assert cells[2]["source"] == "def f():\n    raise NotImplementedError"
    assert cells[2]["outputs"][0]["text"] == "a\nb\n"


def test_a_scrubber_keeps_only_the_frame_it_shows():
    path = CHAPTERS[0]
    book = json.loads(path.read_text(encoding="utf-8"))
    copy = learner_copy(book, "browser", "en")
    (stored,) = [
        "".join(o["data"]["text/html"])
        for c in book["cells"]
        for o in c.get("outputs", [])
        if "gradbook-scrubber"
        in "".join(o.get("data", {}).get("text/html", ""))
    ]
    (slim,) = [
        o["data"]["text/html"]
        for c in copy["cells"]
        for o in c.get("outputs", [])
        if "gradbook-scrubber" in o.get("data", {}).get("text/html", "")
    ]
    frames = stored.count("<img ")
    assert frames > 5 and slim.count("<img ") == 1
    shown = [
        f for f in stored.split("\n") if "<img " in f and " hidden" not in f
    ]
    assert len(shown) == 1 and shown[0] in slim
    assert len(slim) < len(stored) / 5


def test_the_russian_copy_speaks_russian():
    notebook = chapter()
    notebook["cells"][1] = markdown(EXERCISE.replace("a title", "имя"), "e")
    cells = learner_copy(notebook, "browser", "ru")["cells"]
    assert cells[0]["source"].endswith(NOTES["browser", "ru"])
    assert cells[3]["source"].startswith("**Решение** (Упражнение 1.1: имя)")
    assert cells[5]["source"].startswith("# Решение\n")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.pop(5), "no {solution-end}"),
        (lambda c: c.pop(1), "no exercise labelled 'ex-1'"),
        (lambda c: c.__setitem__(0, markdown("# Title", "t")), "block quote"),
    ],
)
def test_a_chapter_of_another_shape_is_refused(change, message):
    notebook = chapter()
    change(notebook["cells"])
    with pytest.raises(NotebookShapeError, match=message.replace("{", r"\{")):
        learner_copy(notebook, "browser", "en")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_folds_every_solution(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    starts = sum(
        "{solution-start}" in "".join(c["source"]) for c in notebook["cells"]
    )
    cells = learner_copy(notebook, "browser", "en")["cells"]
    heads = [c for c in cells if c["source"].startswith("**Solution** (")]
    assert len(heads) == starts >= 3
    assert not any("{solution-" in c["source"] for c in cells)
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    copied = [c for c in cells if c["cell_type"] == "code"]
    assert [c["source"].removeprefix("# Solution\n") for c in copied] == [
        "".join(c["source"]) for c in code
    ]
