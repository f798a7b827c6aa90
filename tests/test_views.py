import inspect
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

import gradbook
from gradbook import nn, views
from gradbook.article import GRADIENT, ITERATIONS, POINT, START, TWEAK
from gradbook.circuits import NEURON_INPUTS, multiply_gate
from gradbook.search import random_search


def defaults(view):
    parameters = inspect.signature(view).parameters.values()
    return {p.name: p.default for p in parameters if p.default is not p.empty}


def test_the_views_start_at_the_articles_numbers():
    point = dict(zip(NEURON_INPUTS, POINT, strict=True))
    assert defaults(views.random_search_view) == {
        "tweak": TWEAK,
        "iterations": ITERATIONS,
        "x0": START[0],
        "y0": START[1],
        "seed": 1,
    }
    assert defaults(views.neuron_view) == {
        **point,
        "wrt": "x",
        "sweep": None,
        "partial_limits": None,
    }
    assert defaults(views.neuron_graph_view) == point


def test_every_view_runs_with_no_arguments():
    for name in views.__all__:
        if name.endswith("_view"):
            assert isinstance(getattr(views, name)(), Figure), name


def test_random_search_view_at_the_articles_start():
    fig = views.random_search_view()
    # seed 1 of the article's experiment (tests/test_search.py)
    assert fig.texts[0].get_text().split(": ") == [
        "tweak 0.01, 100 iterations, seed 1",
        "output -6.000 → -5.165",
    ]
    progress = fig.axes[0].get_lines()[0]
    assert progress.get_label() == "seed 1"
    assert len(progress.get_ydata()) == ITERATIONS + 1
    assert progress.get_ydata()[0] == -6.0


def test_random_search_view_draws_the_search_it_names():
    fig = views.random_search_view(
        tweak=0.05,
        iterations=40,
        x0=-1.0,
        y0=2.0,
        seed=3,
    )
    history = random_search(multiply_gate, (-1.0, 2.0), 0.05, 40, 3)
    progress = fig.axes[0].get_lines()[0]
    assert progress.get_ydata()[-1] == history.best_output
    assert fig.texts[0].get_text().split(": ") == [
        "tweak 0.05, 40 iterations, seed 3",
        f"output -2.000 → {history.best_output:.3f}",
    ]


def test_search_gate_is_random_search_on_the_multiply_gate():
    history = views.search_gate(TWEAK, ITERATIONS, *START, seed=2)
    again = random_search(multiply_gate, START, TWEAK, ITERATIONS, 2)
    np.testing.assert_array_equal(history.best_points, again.best_points)
    assert history.best_output == again.best_output


def test_random_search_frames_share_their_axes():
    history = views.search_gate(TWEAK, ITERATIONS, *START, seed=1)
    first = views.random_search_frame(history, 0, "seed 1")
    later = views.random_search_frame(history, 50, "seed 1")
    title = first.texts[0].get_text()
    assert title == "after 0 iterations: best output -6.000"
    best = history.best_outputs[49]
    title = later.texts[0].get_text()
    assert title == f"after 50 iterations: best output {best:.3f}"
    for a, b in zip(first.axes, later.axes, strict=True):
        assert a.get_xlim() == b.get_xlim() and a.get_ylim() == b.get_ylim()
    assert first.axes[0].get_ylim() == (-6.05, history.best_output + 0.05)


def test_neuron_view_at_the_articles_point():
    fig = views.neuron_view()
    title = fig.texts[0].get_text()
    assert title == "neuron at a=1, b=2, c=-3, x=-1, y=3: output 0.8808"
    bars = [b.get_height() for b in fig.axes[1].patches]
    assert bars == GRADIENT  # dual.gradient: the article's digits
    ticks = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert ticks == ["∂/∂a", "∂/∂b", "∂/∂c", "∂/∂x", "∂/∂y"]
    assert fig.axes[0].get_title() == "output against x, tangent at x = -1"
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["neuron output", "tangent, slope 0.1050"]


def test_neuron_view_follows_the_input_it_is_given():
    fig = views.neuron_view(wrt="b", sweep=(0.0, 4.0))
    assert fig.axes[0].get_title() == "output against b, tangent at b = 2"
    curve = fig.axes[0].get_lines()[0].get_xdata()
    assert (curve[0], curve[-1], len(curve)) == (0.0, 4.0, 201)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "tangent, slope 0.3150" in legend


def test_neuron_view_names_a_wrong_input():
    with pytest.raises(ValueError, match="neuron_view: wrt must be one of"):
        views.neuron_view(wrt="z")


def test_neuron_graph_view_at_the_articles_point():
    fig = views.neuron_graph_view()
    assert fig.axes[0].get_title().split(" = ") == [
        "output 0.8808; gradient [a, b, c, x, y]",
        "[-0.1050, 0.3150, 0.1050, 0.1050, 0.2100]",
    ]


def test_neuron_graph_view_at_another_point():
    fig = views.neuron_graph_view(x=2.0)
    s = 1 / (1 + math.exp(-5.0))  # z = a*x + b*y + c = 1*2 + 2*3 - 3
    d = s * (1 - s)
    by_hand = ", ".join(f"{g:.4f}" for g in [2 * d, 3 * d, d, d, 2 * d])
    assert fig.axes[0].get_title().split(" = ") == [
        f"output {s:.4f}; gradient [a, b, c, x, y]",
        f"[{by_hand}]",
    ]
    assert by_hand == "0.0133, 0.0199, 0.0066, 0.0066, 0.0133"


def test_training_view_reports_the_training_it_draws():
    fig = views.training_view(learning_rate=1.0, hidden=8, seed=2)
    x, labels = views.spirals()
    history = nn.train(
        nn.init_mlp([2, 8, 3], rng=2),
        x,
        labels,
        learning_rate=1.0,
        epochs=views.TRAINING_STEPS,
        rng=2,
    )
    score = nn.accuracy(history.params, x, labels)
    assert fig.get_suptitle().split(": ") == [
        "learning rate 1, 8 hidden units, seed 2",
        f"loss {history.losses[-1]:.3f}, accuracy {score:.0%}",
    ]
    losses = fig.axes[1].get_lines()[0].get_ydata()
    np.testing.assert_array_equal(losses, history.losses)


def test_training_frames_show_the_snapshots():
    history = views.train_spirals(2.0, 4, 0, snapshot_every=100)
    assert history.snapshot_at == [0, 100, 200]
    x, labels = views.spirals()
    last = views.training_frame(history, 2)
    score = nn.accuracy(history.snapshots[2], x, labels)
    title = last.get_suptitle()
    assert title == f"after 200 gradient steps: accuracy {score:.0%}"
    first = views.training_frame(history, 0)
    assert first.get_suptitle().startswith("after 0 gradient steps")
    assert len(first.axes[1].get_lines()[0].get_ydata()) == 0
    assert first.axes[1].get_xlim() == last.axes[1].get_xlim() == (0, 200)


def test_spirals_are_made_once_and_read_only():
    x, labels = views.spirals()
    assert views.spirals()[0] is x
    assert x.shape == (180, 2) and sorted(set(labels.tolist())) == [0, 1, 2]
    with pytest.raises(ValueError, match="read-only"):
        x[0, 0] = 1.0


# Run in a fresh interpreter: every function that computes or draws is
# replaced by one that fails, then the modules are imported.
IMPORT_ONLY = """
import sys

import matplotlib.figure

from gradbook import data, dual, nn, search


def refuse(*args, **kwargs):
    raise AssertionError("computed at import time")


matplotlib.figure.Figure.__init__ = refuse
for module, name in [
    (search, "random_search"),
    (search, "gradient_ascent"),
    (dual, "gradient"),
    (nn, "init_mlp"),
    (nn, "train"),
    (data, "spirals"),
    (data, "digits"),
]:
    setattr(module, name, refuse)
import gradbook.views

print("ipywidgets" in sys.modules)
import gradbook.widgets

print("ipywidgets" in sys.modules)
"""


def test_importing_views_and_widgets_computes_nothing():
    src = Path(gradbook.__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ONLY],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src), "MPLBACKEND": "Agg"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # views works without ipywidgets; widgets is where it comes in
    assert done.stdout.split() == ["False", "True"]


def test_alt_texts_say_what_the_frames_show():
    history = views.search_gate(0.01, 100, -2.0, 3.0, 1)
    assert "No iterations yet: the best output is the start, -6.000." in (
        views.random_search_alt(history, 0)
    )
    best = f"{history.best_outputs[-1]:.3f}"
    assert (
        "After 100 of 100 iterations, the best output has gone from "
        f"-6.000 to {best}."
    ) in views.random_search_alt(history, 100)
    # the article's point: slope dsigma/dx = 0.1050, output 0.8808
    assert "at x = -1, slope 0.1050" in views.neuron_alt(-1.0)
    assert "The output is 0.8808." in views.neuron_graph_alt(-1.0)


@pytest.mark.parametrize(
    ("live", "view"),
    [
        (views.random_search_live, views.random_search_view),
        (views.neuron_live, views.neuron_view),
        (views.training_live, views.training_view),
    ],
)
def test_a_live_figure_at_the_defaults_has_its_views_title(live, view):
    live = live()
    start = {k: v for k, v in defaults(view).items() if v is not None}
    assert live.update(**start) is True  # the first update draws it all
    assert live.figure.get_suptitle() == view().get_suptitle()


def test_the_live_graph_has_the_views_title_and_numbers():
    live = views.neuron_graph_live()
    live.update(*POINT)
    (ax,) = live.figure.axes
    (expected,) = views.neuron_graph_view().axes
    assert ax.get_title() == expected.get_title()
    assert [t.get_text() for t in ax.texts] == [
        t.get_text() for t in expected.texts
    ]


def test_the_live_neuron_draws_the_article_partials():
    live = views.neuron_live()
    live.update(*POINT, "x")
    _, bars = live.figure.axes
    heights = [bar.get_height() for bar in bars.patches]
    assert heights == list(GRADIENT)
    labels = [t.get_text() for t in bars.texts]
    assert labels == [f"{g:.4f}" for g in GRADIENT]
