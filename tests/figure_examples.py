"""One example call of every static figure (gradbook.plots.FIGURES), and a
check that every figure draws only words in the reader's language.

tests/test_plots.py checks that every registered figure has an example
here.  Run as a script (tests/test_translations.py does, with
GRADBOOK_LANG=ru), this draws every explorable (from the registry: its
start frame, its scrubber's other end and its controls' labels and alt
text) and every example, and prints each drawn text that has an English
word and no word of the reader's language, then one line counting what it
checked.  The examples pass symbols, not words: the words drawn are the
figures' own.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.text import Text

from gradbook import explorables, plots
from gradbook.article import POINT, START
from gradbook.backprop import Tape
from gradbook.bug_hunts import hunt1, hunt2, hunt3, hunt4, hunt5, hunt6
from gradbook.bug_hunts.symptoms import symptom
from gradbook.circuits import multiply_gate, neuron
from gradbook.engine_check import check_engine, located_graph
from gradbook.explorables.neuron_graph import neuron_names
from gradbook.search import gradient_ascent, random_search


def _graph() -> Figure:
    tape = Tape()
    inputs = [tape.var(p) for p in POINT]
    cotangents = tape.backward(neuron(inputs))
    names = neuron_names(tape.nodes, [v.index for v in inputs])
    return plots.computation_graph(tape.nodes, cotangents, names)


def _histories() -> dict:
    return {
        "A": random_search(multiply_gate, START, 0.01, 20, rng=1),
        "B": gradient_ascent(multiply_gate, START, 0.01, 20),
    }


def _located() -> Figure:
    report = check_engine(hunt2.Value)
    return located_graph(next(f for f in report.failures if f.located))


XS = np.linspace(-3.0, 3.0, 31)
HUNTS = (hunt1, hunt2, hunt3, hunt4, hunt5, hunt6)
# figure: a call that draws it (or a list of calls, for all its words)
EXAMPLES: dict[str, Callable[[], Figure | list[Figure]]] = {
    "located_graph": _located,
    "symptom": lambda: [symptom(hunt) for hunt in HUNTS],
    "array_tape": lambda: plots.array_tape(
        [("Z", "@", ("X", "W")), ("L", "+", ("Z", "b"))],
        {"X": (4, 2), "W": (2, 3), "Z": (4, 3), "b": (3,), "L": (4, 3)},
        parameters=["W"],
        rules={"Z": "G Wᵀ, Xᵀ G"},
    ),
    "computation_graph": _graph,
    "confusion_matrix": lambda: plots.confusion_matrix(
        np.array([[5, 1], [0, 7]])
    ),
    "cost_scaling": lambda: plots.cost_scaling(
        [1, 10, 100], {"A": [1e-5, 1e-4, 1e-2]}, "n", fit=True
    ),
    "digit_grid": lambda: plots.digit_grid(
        np.zeros((3, 64)), np.array([1, 2, 3]), np.array([1, 7, 3]), 3
    ),
    "image_grid": lambda: plots.image_grid(
        np.arange(18.0).reshape(2, 3, 3) - 9, ["a", "b"], signed=True
    ),
    "gradient_map": lambda: plots.gradient_map(
        multiply_gate,
        START,
        (3.0, -2.0),
        (-3.5, 1.5, 0.5, 4.5),
        histories=_histories(),
        arrow_length=0.5,
    ),
    "gradient_per_call": lambda: plots.gradient_per_call(
        {"A": [6, 6], "B": [6, 12]}
    ),
    "jacobian_passes": lambda: plots.jacobian_passes(
        np.eye(2), 0, 1, ["x", "y"], ["p", "q"]
    ),
    "learning_curves": lambda: plots.learning_curves(
        {"A": ([1, 2], [1.0, 0.5])}, "n"
    ),
    "ratio_bars": lambda: plots.ratio_bars({"A": 0.3, "B": 1.0}, "n", "r"),
    "search_progress": lambda: plots.search_progress(_histories()),
    "tangent_line": lambda: plots.tangent_line(
        XS, 1 / (1 + np.exp(-XS)), 0.0, 0.5, 0.25, "x"
    ),
}

# Words of both languages: the gradient "grad" (Russian writes grad f too),
# and names of code: an operation (mul), a function (tanh).
BOTH = {"grad", "mul", "tanh"}


def _words() -> Iterator[tuple[str, str]]:
    """(where, text) for every word every figure draws or says."""
    for name, explorable in explorables.registry().items():
        for control in explorable.controls:
            yield name, control.label
        moved = explorable.scrubber.control
        for value in (explorable.start, explorable.scrubber.values[-1]):
            data = explorable.data(**{moved: value})
            live = explorable.figure()
            live.update(data)
            yield name, explorable.alt_text(data)
            for text in live.figure.findobj(Text):
                yield name, text.get_text()
    for name, example in EXAMPLES.items():
        drawn = example()
        for figure in drawn if isinstance(drawn, list) else [drawn]:
            for text in figure.findobj(Text):
                yield name, text.get_text()


def main() -> None:
    matplotlib.use("Agg")
    checked = 0
    for where, text in _words():
        checked += 1
        english = set(re.findall("[A-Za-z]{3,}", text)) - BOTH
        if english and not re.search("[\u0400-\u04ff]", text):
            print(f"{where}: {text!r}")
    figures = len(explorables.registry()) + len(EXAMPLES)
    print(f"checked {checked} texts of {figures} figures")


if __name__ == "__main__":
    sys.exit(main())
