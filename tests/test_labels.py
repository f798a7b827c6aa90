"""gradbook.labels: the figure words' table."""

from __future__ import annotations

import os
import string
import subprocess
import sys

from gradbook import labels


def fields(template: str) -> set[tuple[str, str]]:
    return {
        (name, spec)
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }


def test_english_is_the_source() -> None:
    assert labels.MESSAGES["en"] == {}
    assert labels.t("iteration") == labels.MESSAGES[labels.LANGUAGE].get(
        "iteration", "iteration"
    )


def test_every_russian_message_has_the_english_fields() -> None:
    for english, russian in labels.MESSAGES["ru"].items():
        assert fields(russian) == fields(english), english
        assert russian.strip(), english


def test_unknown_text_is_drawn_as_it_is() -> None:
    assert labels.t("a label no table holds {x}") == (
        "a label no table holds {x}"
    )


# A title drawn in a fresh Python, whose GRADBOOK_LANG is the language.
TITLE = (
    "from gradbook.labels import LANGUAGE, t; "
    "print(LANGUAGE, t('tweak {tweak:g}, {iterations} iterations, seed "
    "{seed}: output {start:.3f} → {best:.3f}', tweak=0.01, "
    "iterations=100, seed=1, start=-6, best=-5.2))"
)


def run_in(language: str, code: str) -> str:
    """What ``code`` prints in a fresh Python whose GRADBOOK_LANG is
    ``language`` (gradbook.labels reads it once, at import)."""
    env = {**os.environ, "GRADBOOK_LANG": language}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_language_comes_from_gradbook_lang() -> None:
    russian = run_in("ru", TITLE)
    assert russian.startswith("ru шаг 0.01")
    assert "-6.000 → -5.200" in russian  # a decimal point in both languages
    assert run_in("en", TITLE) == (
        "en tweak 0.01, 100 iterations, seed 1: output -6.000 → -5.200\n"
    )


# Draws every view and live figure of the chapters in Russian, and prints
# each drawn text that has an English word in it and no Russian one.
ENGLISH_LEFT = """
import re
import matplotlib
matplotlib.use("Agg")
from matplotlib.text import Text
from gradbook import views

point = dict(a=1, b=2, c=-3, x=-1, y=3)
figures = [getattr(views, name)() for name in (
    "random_search_view", "neuron_view", "neuron_graph_view", "training_view"
)]
for live, settings in [
    (views.random_search_live(), dict(
        tweak=0.01, iterations=100, x0=-2, y0=3, seed=1)),
    (views.neuron_live(), dict(point, wrt="x")),
    (views.neuron_graph_live(), point),
    (views.training_live(), dict(learning_rate=1.0, hidden=16, seed=0)),
]:
    live.update(**settings)
    figures.append(live.figure)
for figure in figures:
    for artist in figure.findobj(Text):
        text = artist.get_text()
        # Words of both languages: the argument "seed", the gradient "grad"
        # (Russian writes grad f too).
        english = set(re.findall("[A-Za-z]{3,}", text)) - {"seed", "grad"}
        if english and not re.search("[\u0400-\u04ff]", text):
            print(repr(text))
"""


def test_russian_figures_have_no_english_words() -> None:
    assert run_in("ru", ENGLISH_LEFT) == ""
