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


def drawn_title(language: str) -> str:
    env = {**os.environ, "GRADBOOK_LANG": language}
    return subprocess.run(
        [sys.executable, "-c", TITLE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_language_comes_from_gradbook_lang() -> None:
    russian = drawn_title("ru")
    assert russian.startswith("ru шаг 0.01")
    assert "-6.000 → -5.200" in russian  # a decimal point in both languages
    assert drawn_title("en") == (
        "en tweak 0.01, 100 iterations, seed 1: output -6.000 → -5.200\n"
    )
