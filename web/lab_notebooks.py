"""The learner's copies of the chapters that `make lab` opens in JupyterLab:
_build/lab/en/ and _build/lab/ru/, made from book/*.ipynb by the same rules
as the in-browser ones (web/lite_notebook.py: the note for JupyterLab, the
solutions folded).

- A Russian copy is translated from the catalogs (web/translated_notebook.py)
  and starts with a cell that sets GRADBOOK_LANG=ru, so that the figures it
  draws are in Russian.  Its stored outputs are those of the Russian build's
  run when `make book` made one of the same code, and none otherwise.
- A copy the learner has changed is never overwritten: this says so, and
  says how to get the new one, when its chapter has changed since.

Run `python -m web.lab_notebooks`.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from web.lite_notebook import learner_copy
from web.site import CHAPTER_NOTEBOOKS, ROOT
from web.translated_notebook import translated_notebook

LAB = ROOT / "_build" / "lab"
EXECUTED_RU = ROOT / "_build" / "ru" / "_build" / "jupyter_execute" / "book"
# Where a copy records the digest of what it was made as (so that a copy
# the learner changed is known).
MADE = "gradbook_made"
RUSSIAN_CELL = """\
# The figures of this notebook speak Russian (gradbook.i18n reads
# GRADBOOK_LANG once, when first imported).
%env GRADBOOK_LANG=ru"""


def lab_copy(chapter: Path, language: str) -> dict:
    """The chapter as the learner's JupyterLab notebook in ``language``."""
    notebook = json.loads(chapter.read_text(encoding="utf-8"))
    if language == "ru":
        notebook = translated_notebook(notebook, chapter.stem, "ru")
        russian_outputs(notebook, EXECUTED_RU / chapter.name)
    notebook = learner_copy(notebook, "lab", language)
    if language == "ru":
        cell = {
            "cell_type": "code",
            "execution_count": None,
            "id": "russian-figures",
            "metadata": {},
            "outputs": [],
            "source": RUSSIAN_CELL,
        }
        notebook["cells"].insert(0, cell)
    return notebook


def russian_outputs(notebook: dict, executed: Path) -> None:
    """The Russian build's outputs, if it ran this code; else none."""
    ran = json.loads(executed.read_text("utf-8")) if executed.exists() else {}
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    theirs = [c for c in ran.get("cells", []) if c["cell_type"] == "code"]
    same = len(code) == len(theirs) and all(
        "".join(a["source"]) == "".join(b["source"])
        for a, b in zip(code, theirs, strict=False)
    )
    runs = theirs if same else [{}] * len(code)
    for ours, run in zip(code, runs, strict=True):
        ours["outputs"] = run.get("outputs", [])
        ours["execution_count"] = run.get("execution_count")
    if not same:
        notebook["metadata"].pop("widgets", None)


def digest(notebook: dict) -> str:
    """The cells' digest, whether JupyterLab saved a string as one string
    or as a list of lines."""

    def joined(value):
        if isinstance(value, dict):
            return {key: joined(item) for key, item in value.items()}
        if isinstance(value, list):
            if value and all(isinstance(item, str) for item in value):
                return "".join(value)
            return [joined(item) for item in value]
        return value

    cells = json.dumps(joined(notebook["cells"]), sort_keys=True)
    return hashlib.sha256(cells.encode()).hexdigest()


def write(notebook: dict, path: Path) -> str:
    """Write the copy unless the learner changed the one there; returns
    what happened."""
    if path.exists():
        there = json.loads(path.read_text(encoding="utf-8"))
        if there["metadata"].get(MADE) != digest(there):
            if there["metadata"].get(MADE) != digest(notebook):
                return f"kept your changed {path}"
            return "unchanged"
    notebook["metadata"][MADE] = digest(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return f"made {path}"


def main() -> None:
    for language in ("en", "ru"):
        for chapter in CHAPTER_NOTEBOOKS:
            path = LAB / language / chapter.name
            done = write(lab_copy(chapter, language), path)
            if done.startswith("kept"):
                print(
                    f"web.lab_notebooks: {done}; delete it to get the book's"
                    f" {chapter.relative_to(ROOT)} again",
                    file=sys.stderr,
                )


if __name__ == "__main__":
    main()
