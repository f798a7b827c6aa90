"""What a machine can check of the Russian edition's style, in every
translated message of every catalog (pages, themes, figures): outside code,
math and links,

- no English word, but the names of programs, people and works, and an
  English term given in parentheses after its Russian term, "(cotangent)";
- no thousands separator that reads as a decimal comma ("1,000" or
  "1{,}000"): the book writes 1000 and 100 000;
- Russian typography: «» quotes, never straight ones; a dash, never a
  hyphen between spaces; a no-break space before a dash and between a
  number and its unit.

A message kept as it is (code, a listing) is not a translation and is not
checked.  The glossary's term list says which Russian term stands for
which English one; tests/test_translations.py checks completeness.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

MESSAGES = Path(__file__).resolve().parent.parent / "locales" / "ru"
CATALOGS = sorted((MESSAGES / "LC_MESSAGES").rglob("*.po"))

# Names a Russian text writes in Latin letters: programs, formats, people,
# works and abbreviations.
NAME_LIST = """
    API autodiff autograd Autodidax backprop BatchNorm BLAS Chromium CPU
    CSS DeZero Dual GPU gradbook Haskell HIPS HTML Ioffe JAX JIT JSON JVP
    JupyterLab JupyterLite Karpathy Linux matplotlib micrograd MLP MNIST
    MyST numpy NumPy Paged PDF PyPI Pyodide Python PyTorch README ReLU relu
    scikit-learn softmax Szegedy tanh Var VJP XLA sigmoid exp log sin cos
    glibc LeCun Adam SGD ipywidgets nbval Sphinx Jupyter Book ID
    IEEE SIAM Griewank Walther Baydin Pearlmutter Radul Siskind Santurkar
    jaxpr DeZero Value GitHub nn-zero-to-hero hvp
"""
NAMES = set(NAME_LIST.split())
LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
NUMBER_UNIT = re.compile(
    r"\d (мс|с|мин|ч|КБ|МБ|ГБ|Кбайт|Мбайт|Гбайт|мкс|нс|%)(?![А-Яа-яЁё])"
)


def prose(text: str) -> str:
    """The text a reader reads as Russian: without code, math, roles,
    link targets, addresses, HTML tags and directive lines."""
    for pattern in (
        r"```.*?```",
        r"\$\$.*?\$\$",
        r"\$[^$\n]*\$",
        r"\{[a-z-]+\}`[^`]*`",
        r"`[^`]*`",
        r"<[^>]+>",
        r"(?<=\])\([^)]*\)",
        r"https?://\S+",
        r"(?m)^:[\w-]+:.*$",
        r"%\([a-z_]+\)s",
        # file names: gradient-book-ru.pdf
        r"[\w-]+\.(?:pdf|ipynb|py|md|json)\b",
        # identifiers and calls: grad_bp, b.grad, backward(), chain(v, 3)
        r"\b\w+(?:[._]\w+)+\b(?:\([^)]*\))?|\b\w+\([^)]*\)",
        # derivatives written as d/dx or d(out)/dx, and GitHub
        # references: issue #53, pull requests [#54](...)
        r"/d[a-z]\w*",
        r"\b(?:[Ii]ssues?|[Pp]ull requests?)(?= \[?#\d)",
        r"\{[a-z_]*(:[^}]*)?\}",
    ):
        text = re.sub(pattern, " ", text, flags=re.S)
    return text


def glossed(text: str) -> str:
    """Without English terms given in parentheses, "(cotangent)",
    "(**разветвление**, fan-out)", and link texts, «» quotes and italics
    that name an English work ("[A Hacker's Guide ...]", «Neural
    Networks: Zero to Hero», *Evaluating Derivatives*)."""
    text = re.sub(r"«[^«»А-Яа-яЁё]*»", " ", text)
    text = re.sub(r"\*[^*А-Яа-яЁё]+\*", " ", text)
    term = r"\*{0,2}[A-Za-z][A-Za-z' -]*\*{0,2}"
    text = re.sub(rf"\((?:{term})(?:, {term})*\)", " ", text)
    # "(**разветвление**, fan-out)", "(seed; ...)": the term last or first
    text = re.sub(rf"(?<=, ){term}(?=\))|(?<=\(){term}(?=;)", " ", text)
    return re.sub(r"\[[^\]А-Яа-яЁё]*\]", " ", text)


def translations() -> list[tuple[str, str, str]]:
    """(catalog, English, Russian) for every translated message."""
    found = []
    for path in CATALOGS:
        with path.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id or not message.string:
                continue
            english = (
                message.id if isinstance(message.id, str) else message.id[0]
            )
            russian = (
                message.string
                if isinstance(message.string, str)
                else message.string[0]
            )
            if russian != english:
                found.append(
                    (path.relative_to(MESSAGES).as_posix(), english, russian)
                )
    return found


TRANSLATIONS = translations()


def problems(check) -> list[str]:
    return [
        f"{catalog}: {what}: {russian[:120]!r}"
        for catalog, _, russian in TRANSLATIONS
        for what in check(russian)
    ]


def english_words(russian: str) -> list[str]:
    words = LATIN.findall(glossed(prose(russian)))
    return [
        f"English word {w!r}"
        for w in words
        if w not in NAMES and w.lower() not in NAMES
    ]


def separators(russian: str) -> list[str]:
    text = re.sub(r"`[^`]*`", " ", russian)
    found = re.findall(r"\d\{,\}\d{3}|(?<![\d.])\d{1,3},\d{3}(?!\d)", text)
    return [f"thousands separator {s!r}" for s in found]


def typography(russian: str) -> list[str]:
    text = prose(russian)
    found = []
    if '"' in text:
        found.append("straight quotes (use «»)")
    if re.search(r"\s-{1,2}\s", text):
        found.append("a hyphen between spaces (use a dash, —)")
    if re.search(r" [—–]", text):
        found.append("an ordinary space before a dash (use a no-break one)")
    found += [
        f"an ordinary space in {m.group(0)!r}"
        for m in NUMBER_UNIT.finditer(text)
    ]
    return found


@pytest.mark.parametrize(
    "check", [english_words, separators, typography], ids=lambda c: c.__name__
)
def test_russian_messages(check) -> None:
    assert TRANSLATIONS
    found = problems(check)
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("russian", "check", "count"),
    [
        ("Это слово seed осталось.", english_words, 1),
        ("**Кокасательный вектор** (cotangent) узла", english_words, 0),
        ("Движок `grad_bp` и micrograd", english_words, 0),
        ("Без zero_grad, b.grad и backward() в d/dx", english_words, 0),
        (
            "См. [Day 3: Haskell Guide](https://x.org/a) и «Zero to Hero»",
            english_words,
            0,
        ),
        ("Где: micrograd issue #53, pull requests #54, #61", english_words, 0),
        ("Отчёт: backward twice, а не issue", english_words, 3),
        (
            "Книга *Deep Learning from Scratch* и (**разветвление**, fan-out)",
            english_words,
            0,
        ),
        (
            "(seed; каждое задаёт), pull requests [#54](https://x.org)",
            english_words,
            0,
        ),
        ("Файл gradient-book-ru.pdf, d(выход)/dx, Softmax", english_words, 0),
        ("Это (значение, not run, вот) и *это* done", english_words, 3),
        ("Всего $100{,}000$ шагов", separators, 1),
        ("Всего 1,000 шагов, шаг 0,5", separators, 1),
        ("Всего 100\u00a0000 шагов", separators, 0),
        ('Он сказал "да"', typography, 1),
        ("Слово - другое", typography, 1),
        ("Слово\u00a0— другое, за 100 мс", typography, 1),
        ("Слово\u00a0— другое, за 100\u00a0мс", typography, 0),
    ],
)
def test_the_checks_find_what_they_look_for(russian, check, count) -> None:
    assert len(check(russian)) == count
