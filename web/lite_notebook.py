"""A chapter as a learner's notebook: the copy that the in-browser site
(web/lite_site.py) and `make lab` (web/lab_notebooks.py) open, made from
book/*.ipynb (and, for the Russian edition, its translation).

What differs from the book's notebook:

- the first cell's note ("Running this notebook yourself?") says what to do
  where the notebook runs: in the browser, or in JupyterLab from the
  repository;
- each solution is folded until the learner opens it, under a line that
  names its exercise: its code cells are collapsed (JupyterLab's
  `source_hidden` and `outputs_hidden`), its text is a closed MyST
  dropdown (Run All unfolds a collapsed markdown cell, not a dropdown).
  The book marks a solution with sphinx-exercise's gated directives,
  `{solution-start}` and `{solution-end}`, which may sit inside a cell of
  other text; such a cell is split, so that only the solution's part is
  folded;
- every multi-line string is one string, as nbformat reads it (JupyterLite
  would show a list of lines with commas between them);
- a scrubber's stored output keeps only the frame it starts on: its other
  frames serve the HTML book's slider, which is disabled in a notebook
  until the cell runs, and they were most of the in-browser site's
  notebooks (6.1 of 10.0 MB with eight chapters).

Everything else (the MyST, the code, the outputs) is the book's: JupyterLab
renders the MyST with jupyterlab-myst.
"""

from __future__ import annotations

import copy
import re

# The words the copies add, per edition.
NOTES = {
    ("browser", "en"): (
        "> **Running this notebook in your browser.** Python runs in this "
        "page: nothing is installed, and your changes stay in this browser. "
        "Choose **Run › Run All Cells** to run the chapter from the top (the "
        "first cell installs the book's engine, `gradbook`). Until a cell "
        "runs, it shows the output stored with the book; a live panel moves "
        "once its cell has run. Printed results are the program's own and "
        "stay in English. To work on your own computer instead, clone the "
        "book's repository and run `make lab` in its folder."
    ),
    ("browser", "ru"): (
        "> **Блокнот работает в вашем браузере.** Python выполняется прямо "
        "на этой странице: ничего не устанавливается, а ваши изменения "
        "хранятся в этом браузере. Выберите **Запуск › Запустить все "
        "ячейки**, чтобы выполнить главу с начала (первая "
        "ячейка устанавливает движок книги, `gradbook`). Пока ячейка не "
        "выполнена, в ней виден результат, сохранённый с книгой; "
        "интерактивная панель начинает двигаться, когда её ячейка "
        "выполнена. Текст, "
        "который печатают программы, остаётся английским. Чтобы работать "
        "на своём компьютере, клонируйте репозиторий книги и выполните в "
        "его папке `make lab`."
    ),
    ("lab", "en"): (
        "> **Running this notebook in JupyterLab.** This is your copy of the "
        "chapter, made by `make lab` from the book's repository; your "
        "changes stay in it. Choose **Run › Run All Cells** to run the "
        "chapter from the top. Until a cell runs, it shows the output "
        "stored with the book; a live panel moves once its cell has run."
    ),
    ("lab", "ru"): (
        "> **Блокнот работает в JupyterLab.** Это ваша копия главы, её "
        "сделала команда `make lab` из репозитория книги; ваши изменения "
        "остаются в ней. Выберите **Запуск › Запустить все ячейки**, чтобы "
        "выполнить главу с начала. Пока ячейка не "
        "выполнена, в ней виден результат, сохранённый с книгой; "
        "интерактивная панель начинает двигаться, когда её ячейка "
        "выполнена. Текст, "
        "который печатают программы, остаётся английским."
    ),
}
SOLUTION = {
    "en": (
        "**Solution** ({exercise}). Its cells are folded below: click a "
        "folded cell to open it."
    ),
    "ru": (
        "**Решение** ({exercise}). Его ячейки ниже свёрнуты: щёлкните по "
        "свёрнутой ячейке, чтобы открыть её."
    ),
}
EXERCISE = {"en": "Exercise {title}", "ru": "Упражнение {title}"}
# A folded code cell shows its first line: a solution's first line is this
# word (a comment), so that nothing of the answer shows; a solution's text
# is folded under it (a MyST dropdown).
FIRST_LINE = {"en": "Solution", "ru": "Решение"}

OPTIONS = r"(?:[ \t]*:[\w-]+:[^\n]*\n)*"
FENCE_START = re.compile(
    r"^```\{solution-start\}[ \t]*(\S+)[ \t]*\n" + OPTIONS + r"```[ \t]*$",
    re.M,
)
FENCE_END = re.compile(r"^```\{solution-end\}[ \t]*\n```[ \t]*$", re.M)
EXERCISE_FENCE = re.compile(
    r"^```\{exercise\}[ \t]*([^\n]*)\n(" + OPTIONS + r")(.*?)^```",
    re.M | re.S,
)
LABEL = re.compile(r":label:[ \t]*(\S+)")
BOLD = re.compile(r"\*\*(.+?)\.?\*\*")
FOLDED = {"source_hidden": True, "outputs_hidden": True}
# A scrubber's frames but the one shown (gradbook.widgets); an alt text
# escapes ">", so no attribute holds one.
SCRUBBER = "gradbook-scrubber"
HIDDEN_FRAME = re.compile(r"<img [^>]*\bhidden\b[^>]*>\n?")


class NotebookShapeError(ValueError):
    """A chapter lacks what the copy replaces (its note, a solution's
    exercise), or has a solution that does not end."""


def learner_copy(notebook: dict, place: str, language: str) -> dict:
    """A copy of ``notebook`` for a learner in ``place`` ("browser" or
    "lab"), in ``language`` ("en" or "ru"; the markdown is already in it)."""
    result = copy.deepcopy(notebook)
    result["cells"] = [_joined(cell) for cell in result["cells"]]
    _replace_note(result["cells"], NOTES[place, language])
    result["cells"] = _folded(result["cells"], language)
    return result


def _joined(cell: dict) -> dict:
    """The cell with each multi-line string (source, output text, output
    data) as one string, and a scrubber's output with its shown frame
    only."""
    cell["source"] = "".join(cell["source"])
    for output in cell.get("outputs", []):
        if isinstance(output.get("text"), list):
            output["text"] = "".join(output["text"])
        for mime, value in output.get("data", {}).items():
            if isinstance(value, list):
                output["data"][mime] = value = "".join(value)
            if mime == "text/html" and SCRUBBER in value:
                output["data"][mime] = HIDDEN_FRAME.sub("", value)
    return cell


def _replace_note(cells: list[dict], note: str) -> None:
    """The first cell's one block quote (the note on running the
    notebook) becomes ``note``."""
    first = cells[0]
    lines = first["source"].split("\n")
    quoted = [i for i, line in enumerate(lines) if line.startswith(">")]
    if not quoted or quoted != list(range(quoted[0], quoted[-1] + 1)):
        raise NotebookShapeError(
            "the first cell must hold one block quote: the note on running"
            " the notebook"
        )
    lines[quoted[0] : quoted[-1] + 1] = [note]
    first["source"] = "\n".join(lines)


def _exercises(cells: list[dict], language: str) -> dict[str, str]:
    """Each exercise's label and its name, as the copy's words give it:
    "Exercise 1.1: the best try in the square"."""
    found = {}
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        for title, options, body in EXERCISE_FENCE.findall(cell["source"]):
            label = LABEL.search(options)
            if label is None:
                continue
            bold, title = BOLD.search(body), title.strip()
            if title:
                found[label[1]] = EXERCISE[language].format(title=title)
            elif bold:
                found[label[1]] = bold[1]
    return found


def _folded(cells: list[dict], language: str) -> list[dict]:
    """The cells with each solution folded under a line naming its
    exercise; a markdown cell that holds a solution's start or end is
    split there."""
    exercises = _exercises(cells, language)
    result: list[dict] = []
    inside = False
    for cell in cells:
        if cell["cell_type"] != "markdown":
            if inside:
                cell["metadata"]["jupyter"] = dict(FOLDED)
                cell["source"] = f"# {FIRST_LINE[language]}\n{cell['source']}"
            result.append(cell)
            continue
        parts, after = _split(cell["source"], inside, exercises, language)
        for k, (text, folded) in enumerate(parts):
            piece = copy.deepcopy(cell)
            piece["source"] = text
            if "id" in cell and len(parts) > 1:
                piece["id"] = f"{cell['id']}-{k}"
            if folded:
                # Not JupyterLab's folding: Run All unfolds a markdown cell.
                title = FIRST_LINE[language]
                piece["source"] = f"````{{dropdown}} {title}\n{text}\n````"
            result.append(piece)
        inside = after
    if inside:
        raise NotebookShapeError("a solution has no {solution-end}")
    return result


def _split(
    text: str, inside: bool, exercises: dict[str, str], language: str
) -> tuple[list[tuple[str, bool]], bool]:
    """``text`` cut at the solution markers: (piece, folded) pairs, the
    markers replaced by a line naming the exercise; and whether the text
    ends inside a solution."""
    parts: list[tuple[str, bool]] = []
    markers = sorted(
        [(m.start(), m.end(), m) for m in FENCE_START.finditer(text)]
        + [(m.start(), m.end(), None) for m in FENCE_END.finditer(text)],
        key=lambda found: found[0],
    )
    at = 0
    for start, end, opening in markers:
        before = text[at:start].strip("\n")
        if before.strip():
            parts.append((before, inside))
        if opening is not None:
            label = opening[1]
            if label not in exercises:
                raise NotebookShapeError(f"no exercise labelled {label!r}")
            line = SOLUTION[language].format(exercise=exercises[label])
            parts.append((line, False))
            inside = True
        else:
            inside = False
        at = end
    rest = text[at:].strip("\n")
    if rest.strip() or not parts:
        parts.append((rest if markers else text, inside))
    return parts, inside
