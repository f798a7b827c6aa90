"""`make new-chapter NAME=09_slopes`: a new chapter that already follows
every convention of the book (CONTRIBUTING.md), ready to be rewritten.

It writes two files and edits one:

- ``book/<NAME>.ipynb``: the title and objectives, the set-up cell, a
  static figure with its alt text, the explorable's scrubber and live
  panel, three exercises in the stub / check / solution pattern (the
  first writes a derivative rule, the third checks a backward pass), and a
  summary;
- ``src/gradbook/explorables/<name>.py``: its explorable (``<name>`` is
  NAME without its leading number), a curve and its tangent line;
- ``_toc.yml``: the chapter, after the last chapter, before the back
  matter.

`make new-chapter` then runs `make translations`, which adds the new
words to the Russian catalogs (empty, to be translated).  Run the notebook
once (`make execute`) to store its outputs.
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from pathlib import Path

from web.site import CHAPTERS, ROOT, TOC

EXPLORABLE = '''"""Chapter {number}: the curve ``y = a·x²`` and its tangent at
``x₀``, whose slope forward mode computes."""

import numpy as np

from gradbook import checks
from gradbook.dual import derivative
from gradbook.explorables.base import Control, Data, LiveFigure, Scrubber
from gradbook.i18n import tr

# One control per argument of compute: name, label, default, low, high, step.
CONTROLS = (
    Control("a", "a", 1.0, -2.0, 2.0, 0.1),
    Control("x0", "x₀", 1.0, -2.0, 2.0, 0.1),
)
# The scrubber's frames: x0 from -2 to 2, starting at its default.
SCRUBBER = Scrubber("x0", (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0))
# The second line of the title, and the alt text: from the data's fields.
RESULT = tr("slope {{slope:.3f}}")
ALT = tr(
    "The curve y = a x squared for a = {{a:g}}, and its tangent line at "
    "x = {{x0:g}}, of slope {{slope:.3f}}."
)


def compute(a: float, x0: float) -> Data:
    """The curve from -3 to 3 and its slope at ``x0``, by forward mode."""
    a = checks.real(a, "{name}.compute", "a")
    x0 = checks.real(x0, "{name}.compute", "x0")
    xs = np.linspace(-3.0, 3.0, 121)
    data = Data(a=a, x0=x0, xs=xs, ys=a * xs * xs, y0=a * x0 * x0)
    data.slope = derivative(lambda x: a * x * x, x0)
    return data


class Figure(LiveFigure):
    def __init__(self) -> None:
        super().__init__(6.4, 4.2)  # inches, one axes
        (ax,) = self.axes
        # The still parts: drawn once.
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_xlim(-3.0, 3.0)
        ax.grid(alpha=0.3)
        # The moving parts: update changes them.
        (self.curve,) = ax.plot([], [])
        (self.tangent,) = ax.plot([], [], "--", color="C3")
        (self.point,) = ax.plot([], [], "o", color="C3")
        for artist in (self.curve, self.tangent, self.point):
            self.moving(artist)

    def update(self, data: Data) -> None:
        (ax,) = self.axes
        self.curve.set_data(data.xs, data.ys)
        line = np.array([data.x0 - 1.0, data.x0 + 1.0])
        self.tangent.set_data(line, data.y0 + data.slope * (line - data.x0))
        self.point.set_data([data.x0], [data.y0])
        self.show_title(CONTROLS, data, RESULT)
        # limits that keep still while the curve moves a little
        self.steady(ax, "y", min(data.ys.min(), 0.0), max(data.ys.max(), 0.0))
'''


# The exercises' cells: the reader's stub, and checks that fail politely on
# it and never print the answer.
STUB = """def {f}:
    # Your turn: {todo}.
    raise NotImplementedError"""
CHECK = """def check_{f}():
    try:
        got = {got}
    except NotImplementedError:
        print("Not done yet: fill in {f} above, then run this cell again.")
        return
    want = {want}
    if not np.allclose(got, want):
        print("Not yet right: {hint}")
        return
    print("Well done: {done}")


check_{f}()"""
CHECK_SLOPE = CHECK.format(
    f="slope",
    got="[slope(1.0, 2.0), slope(-0.5, 3.0)]",
    want="""[
        derivative(lambda x: x * x, 2.0),
        derivative(lambda x: -0.5 * x * x, 3.0),
    ]""",
    hint="compare with forward mode, derivative(f, x).",
    done="slope agrees with forward mode.",
)
CHECK_WHERE = CHECK.format(
    f="where",
    got="[compute(a, where(a)).slope for a in (0.5, 2.0)]",
    want="[1.0, 1.0]",
    hint="the slope there should be 1.",
    done="the slope is 1 at both points.",
)
CHECK_BOTH = CHECK.format(
    f="both",
    got="both(1.5, -2.0)",
    want="""[
        central_difference(lambda a: a * 4.0, 1.5),
        central_difference(lambda x: 1.5 * x * x, -2.0),
    ]""",
    hint="compare with finite differences.",
    done="the backward pass agrees with finite differences.",
)


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text: str, **metadata: object) -> dict:
    cell = {"cell_type": "code", "execution_count": None, "outputs": []}
    return cell | {"metadata": metadata, "source": text}


def _exercise(
    number: str, title: str, task: str, stub: str, check: str, solution: str
) -> list[dict]:
    """An exercise: the task, the reader's cell, a check that fails politely
    on the stub and never prints the answer, the solution folded."""
    label = f"ex-{number.replace('.', '-')}"
    return [
        _markdown(
            f"```{{exercise}} {number}: {title}\n:label: {label}\n"
            f":nonumber:\n\n{task}\n```"
        ),
        _code(stub),
        _code(check),
        _markdown(f"```{{solution-start}} {label}\n:class: dropdown\n```"),
        _code(solution),
        _markdown("```{solution-end}\n```"),
    ]


def notebook(name: str, number: int, title: str) -> dict:
    n = number
    cells = [
        _markdown(
            f"# {title}\n\n"
            "Write here what this chapter is about, in short sentences.\n\n"
            "**By the end of this chapter you will be able to:**\n\n"
            "- compute the slope of a curve by forward mode;\n"
            "- move the curve and watch its tangent line follow;\n"
            "- check a derivative against finite differences.\n\n"
            "New terms are in **bold**. The {doc}`glossary` lists every "
            "term with a short definition.\n\n"
            # The in-browser and JupyterLab copies replace this note by
            # their own (web/lite_notebook.py).
            "> **Running this notebook yourself?** In your browser, with "
            "nothing to\n> install: the **Run in your browser** button "
            "above. On your own computer:\n> clone the book's repository "
            "and run `make lab` in its folder, which\n> installs everything"
            " and opens the chapters in JupyterLab."
        ),
        _code(
            "%matplotlib inline\n"
            "import numpy as np\n\n"
            "from gradbook import plots, widgets\n"
            "from gradbook.backprop import grad_bp\n"
            "from gradbook.dual import derivative\n"
            f"from gradbook.explorables.{name} import compute\n"
            "from gradbook.i18n import tr\n"
            "from gradbook.numerical import central_difference"
        ),
        _markdown(
            "## The curve\n\n"
            "The **slope** of $y = a x^2$ at $x_0$ is $2 a x_0$. Forward "
            "mode finds it with one pass:"
        ),
        _code(
            "data = compute(a=1.0, x0=1.0)\n"
            'print(f"slope at x0 = 1: {data.slope:g}")',
            key_outputs=["slope at x0 = 1: 2"],
        ),
        _code(
            "xs = np.linspace(-3.0, 3.0, 121)\n"
            "plots.learning_curves(\n"
            '    {tr("y = x²"): (xs, xs**2)},\n'
            '    xlabel="x",\n'
            '    ylabel="y",\n'
            '    title=tr("The curve y = x²"),\n'
            ")",
            mystnb={
                "image": {
                    "alt": "A parabola, the curve y = x squared, from x = "
                    "-3 to 3. It is lowest at x = 0."
                }
            },
        ),
        _markdown(
            "## Explore it yourself\n\n"
            "Drag the slider to move the point; the frames were drawn in "
            "advance, so the slider works in the HTML book too."
        ),
        _code(f'widgets.scrubber("{name}")'),
        _markdown(
            "In JupyterLab, the cell below opens the **live panel**: it "
            "computes again as you move a slider."
        ),
        _code(f'widgets.panel("{name}")', tags=["remove-output"]),
        _markdown("## Exercises"),
        *_exercise(
            f"{n}.1",
            "the derivative rule",
            "Write `slope(a, x)`, the derivative of $a x^2$ with respect "
            "to $x$, by hand.",
            STUB.format(
                f="slope(a, x)", todo="the derivative of a * x * x in x"
            ),
            CHECK_SLOPE,
            "def slope(a, x):\n    return 2 * a * x\n\n\ncheck_slope()",
        ),
        *_exercise(
            f"{n}.2",
            "where the slope is 1",
            "Write `where(a)`: the $x_0$ at which the slope of $a x^2$ is 1.",
            STUB.format(f="where(a)", todo="solve 2 * a * x0 = 1 for x0"),
            CHECK_WHERE,
            "def where(a):\n    return 1 / (2 * a)\n\n\ncheck_where()",
        ),
        *_exercise(
            f"{n}.3",
            "check a backward pass",
            "Write `both(a, x)`: the gradient of $a x^2$ with respect to "
            "$a$ and $x$, from one backward pass with `grad_bp`.",
            STUB.format(f="both(a, x)", todo="grad_bp of v[0] * v[1] * v[1]"),
            CHECK_BOTH,
            "def both(a, x):\n"
            "    return grad_bp(lambda v: v[0] * v[1] * v[1], [a, x])\n\n\n"
            "check_both()",
        ),
        _markdown(
            "## Summary\n\n"
            "- The slope of $a x^2$ at $x_0$ is $2 a x_0$: forward mode "
            "gives it in one pass.\n"
            "- A backward pass gives the slope with respect to every "
            "argument at once."
        ),
    ]
    for cell in cells:
        cell["id"] = uuid.uuid4().hex[:8]
        cell["source"] = cell["source"].splitlines(keepends=True)
    kernel = {"display_name": "Python 3 (ipykernel)", "language": "python"}
    kernel["name"] = "python3"
    metadata = {"kernelspec": kernel, "language_info": {"name": "python"}}
    return {
        "cells": cells,
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def add_to_toc(page: str, toc: Path = TOC) -> None:
    """``page`` in ``toc``'s chapters, after the last chapter."""
    text = toc.read_text(encoding="utf-8")
    last = f"  - file: {CHAPTERS[-1]}\n"
    if f"file: {page}\n" in text:
        raise ValueError(f"{toc} already has {page}")
    toc.write_text(text.replace(last, f"{last}  - file: {page}\n", 1))


def main(argv: list[str]) -> None:
    (stem,) = argv
    if not re.fullmatch(r"\d+_[a-z][a-z0-9_]*", stem):
        raise SystemExit(
            "make new-chapter: NAME must be like 09_slopes (a number, then "
            "lowercase words joined by _)"
        )
    name = stem.split("_", 1)[1]
    page, number = ROOT / "book" / f"{stem}.ipynb", len(CHAPTERS) + 1
    module = ROOT / "src" / "gradbook" / "explorables" / f"{name}.py"
    for path in (page, module):
        if path.exists():
            raise SystemExit(f"make new-chapter: {path} exists already")
    title = name.replace("_", " ").capitalize()
    page.write_text(
        json.dumps(notebook(name, number, title), indent=1, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    module.write_text(EXPLORABLE.format(number=number, name=name))
    add_to_toc(f"book/{stem}")
    print(f"wrote {page.relative_to(ROOT)}, {module.relative_to(ROOT)}")
    print(f"added book/{stem} to {TOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
