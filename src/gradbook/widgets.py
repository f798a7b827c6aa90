"""Interactive figures: live panels for JupyterLab and scrubbers for the HTML book.

A *live panel* re-runs the computation whenever a control moves; it needs a
kernel.  A *scrubber* pre-renders a figure for a handful of values of one
parameter and lets a slider pick among them in the browser, with no kernel:
in the built HTML book that is the reader's way to move a figure.

Each chapter's update logic is a plain function (``*_view``) that returns a
figure, so it can be tested and timed without a browser.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from gradbook import data, nn, plots
from gradbook.backprop import Tape
from gradbook.circuits import NEURON_INPUTS, multiply_gate, neuron
from gradbook.dual import gradient
from gradbook.search import random_search

__all__ = [
    "NEURON_DEFAULTS",
    "SEARCH_DEFAULTS",
    "TRAINING_DEFAULTS",
    "figure_png",
    "live_panel",
    "neuron_graph_panel",
    "neuron_graph_scrubber",
    "neuron_graph_view",
    "neuron_panel",
    "neuron_scrubber",
    "neuron_view",
    "random_search_panel",
    "random_search_scrubber",
    "random_search_view",
    "scrubber",
    "training_panel",
    "training_scrubber",
    "training_view",
]


def figure_png(fig: Figure, dpi: int = 80, colors: int | None = 96) -> bytes:
    """Render ``fig`` as PNG bytes, reduced to a palette of ``colors`` to keep pages light.

    ``colors=None`` skips the reduction: faster, for images nobody stores.
    """
    raw = io.BytesIO()
    fig.savefig(raw, format="png", dpi=dpi)
    if colors is None:
        return raw.getvalue()
    image = Image.open(raw).convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    small = io.BytesIO()
    image.save(small, format="png", optimize=True)
    return small.getvalue()


def live_panel(
    update: Callable[..., Figure], controls: Mapping[str, widgets.ValueWidget], dpi: int = 72
) -> widgets.VBox:
    """Controls above a figure that ``update(**values)`` redraws on every change.

    Needs a running kernel: in the static HTML book the controls would move
    while the figure stayed still.
    """
    image = widgets.Image(format="png")

    def refresh(_change: Any = None) -> None:
        # full colour: a live image is redrawn at once and never stored in a page
        image.value = figure_png(update(**{name: c.value for name, c in controls.items()}), dpi, colors=None)

    for control in controls.values():
        control.observe(refresh, names="value")
    refresh()
    grid = widgets.GridBox(
        list(controls.values()), layout=widgets.Layout(grid_template_columns="repeat(3, 1fr)")
    )
    return widgets.VBox([grid, image])


def scrubber(
    render: Callable[[Any], Figure],
    values: Sequence[Any],
    description: str,
    label: Callable[[Any], str] = str,
    start: int = 0,
    dpi: int = 60,
) -> widgets.VBox:
    """A slider over pre-rendered frames ``render(v)`` for ``v`` in ``values``.

    The frames sit in a ``widgets.Stack`` whose ``selected_index`` is linked to
    the slider in the browser (``jslink``), so moving the slider swaps the
    picture even in the static HTML book, where no kernel runs.
    """
    frames = [widgets.Image(value=figure_png(render(v), dpi), format="png") for v in values]
    stack = widgets.Stack(frames, selected_index=start)
    slider = widgets.SelectionSlider(
        options=[label(v) for v in values],
        index=start,
        description=description,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="60%"),
    )
    widgets.jslink((slider, "index"), (stack, "selected_index"))
    return widgets.VBox([slider, stack])


# Chapter 1: random local search on the multiply gate.

SEARCH_DEFAULTS: dict[str, Any] = {"tweak": 0.01, "iterations": 100, "x0": -2.0, "y0": 3.0, "seed": 1}


def random_search_view(
    tweak: float = 0.01, iterations: int = 100, x0: float = -2.0, y0: float = 3.0, seed: int = 1
) -> Figure:
    """Run random search on ``x * y`` with these settings and draw its progress and path."""
    history = random_search(multiply_gate, (x0, y0), tweak, iterations, seed)
    title = (
        f"tweak {tweak:g}, {iterations} iterations, seed {seed}: output "
        f"{history.start_output:.3f} → {history.best_output:.3f}"
    )
    return plots.search_overview({f"seed {seed}": history}, multiply_gate, title=title)


def random_search_panel() -> widgets.VBox:
    """The live chapter 1 panel: tweak amount, iterations, start and seed."""
    d = SEARCH_DEFAULTS
    controls = {
        "tweak": widgets.FloatLogSlider(value=d["tweak"], base=10, min=-3, max=0, description="tweak"),
        "iterations": widgets.IntSlider(
            value=d["iterations"], min=0, max=1000, step=10, description="iterations"
        ),
        "x0": widgets.FloatSlider(value=d["x0"], min=-3, max=3, step=0.1, description="start x"),
        "y0": widgets.FloatSlider(value=d["y0"], min=-3, max=3, step=0.1, description="start y"),
        "seed": widgets.IntSlider(value=d["seed"], min=0, max=20, description="seed"),
    }
    return live_panel(random_search_view, controls)


def random_search_scrubber() -> widgets.VBox:
    """Chapter 1's scrubber: the default search after k = 0, 5, ..., 100 iterations."""
    d = SEARCH_DEFAULTS
    history = random_search(multiply_gate, (d["x0"], d["y0"]), d["tweak"], d["iterations"], d["seed"])
    box = (-2.05, -1.65, 2.8, 3.05)
    limits = (history.start_output - 0.05, history.best_output + 0.05)

    def frame(k: int) -> Figure:
        best = history.best_outputs[k - 1] if k else history.start_output
        return plots.search_overview(
            {f"seed {d['seed']}": history},
            multiply_gate,
            upto=k,
            progress_limits=limits,
            box=box,
            title=f"after {k} iterations: best output {best:.3f}",
        )

    return scrubber(frame, list(range(0, d["iterations"] + 1, 5)), "iterations", start=0)


# Chapters 2 and 3: the neuron sigmoid(a*x + b*y + c).

NEURON_DEFAULTS: dict[str, float] = {"a": 1.0, "b": 2.0, "c": -3.0, "x": -1.0, "y": 3.0}


def _neuron_controls(
    extra: Mapping[str, widgets.ValueWidget] | None = None,
) -> dict[str, widgets.ValueWidget]:
    controls: dict[str, widgets.ValueWidget] = {
        name: widgets.FloatSlider(value=value, min=-5, max=5, step=0.1, description=name)
        for name, value in NEURON_DEFAULTS.items()
    }
    controls.update(extra or {})
    return controls


def neuron_view(
    a: float = 1.0,
    b: float = 2.0,
    c: float = -3.0,
    x: float = -1.0,
    y: float = 3.0,
    wrt: str = "x",
    sweep: tuple[float, float] | None = None,
    partial_limits: tuple[float, float] | None = None,
) -> Figure:
    """The neuron at these inputs: output against ``wrt`` with its tangent, and all partials.

    The curve is one forward pass over 201 values of ``wrt`` (numpy arrays);
    the partials are the five forward passes of ``dual.gradient``.
    """
    params = [a, b, c, x, y]
    i = NEURON_INPUTS.index(wrt)
    low, high = sweep or (params[i] - 4.0, params[i] + 4.0)
    along = list(params)
    along[i] = np.linspace(low, high, 201)
    value = neuron(params)
    partials = gradient(neuron, params)
    names = ", ".join(f"{n}={p:g}" for n, p in zip(NEURON_INPUTS, params, strict=True))
    return plots.derivative_panel(
        along[i],
        neuron(along),
        params[i],
        value,
        NEURON_INPUTS,
        partials,
        wrt,
        title=f"neuron at {names}: output {value:.4f}",
        partial_limits=partial_limits,
    )


def neuron_panel() -> widgets.VBox:
    """The live chapter 2 panel: sliders for a, b, c, x, y and the input to differentiate."""
    choice = widgets.Dropdown(options=NEURON_INPUTS, value="x", description="d/d")
    return live_panel(neuron_view, _neuron_controls({"wrt": choice}))


def neuron_scrubber() -> widgets.VBox:
    """Chapter 2's scrubber: the tangent line as x moves from -4 to 4."""
    values = [round(v, 2) for v in np.linspace(-4.0, 4.0, 17)]
    fixed = {k: v for k, v in NEURON_DEFAULTS.items() if k != "x"}

    def frame(x: float) -> Figure:
        return neuron_view(x=x, wrt="x", sweep=(-6.0, 6.0), partial_limits=(-1.1, 0.9), **fixed)

    return scrubber(frame, values, "x", label=lambda v: f"{v:g}", start=values.index(-1.0))


def neuron_graph_view(
    a: float = 1.0, b: float = 2.0, c: float = -3.0, x: float = -1.0, y: float = 3.0
) -> Figure:
    """The neuron's recorded graph at these inputs, with values and gradients."""
    tape = Tape()
    inputs = [tape.var(p) for p in (a, b, c, x, y)]
    output = neuron(inputs)
    cotangents = tape.backward(output)
    grads = ", ".join(f"{cotangents[v.index]:.4f}" for v in inputs)
    return plots.computation_graph(
        tape.nodes,
        cotangents,
        {v.index: name for v, name in zip(inputs, NEURON_INPUTS, strict=True)},
        title=f"output {output.value:.4f}; gradient [a, b, c, x, y] = [{grads}]",
    )


def neuron_graph_panel() -> widgets.VBox:
    """The live chapter 3 panel: sliders for a, b, c, x, y redraw the annotated graph."""
    return live_panel(neuron_graph_view, _neuron_controls())


def neuron_graph_scrubber() -> widgets.VBox:
    """Chapter 3's scrubber: the graph's values and gradients as x moves from -4 to 4."""
    values = [round(v, 2) for v in np.linspace(-4.0, 4.0, 17)]
    fixed = {k: v for k, v in NEURON_DEFAULTS.items() if k != "x"}
    return scrubber(
        lambda x: neuron_graph_view(x=x, **fixed),
        values,
        "x",
        label=lambda v: f"{v:g}",
        start=values.index(-1.0),
    )


# Chapter 4: a small network learning the spirals.

TRAINING_DEFAULTS: dict[str, Any] = {"learning_rate": 2.0, "hidden": 16, "seed": 0}
TRAINING_STEPS = 200
SPIRALS = data.spirals(60, classes=3, noise=0.2, rng=0)


def _train_spirals(
    learning_rate: float, hidden: int, seed: int, snapshot_every: int | None = None
) -> nn.History:
    x, labels = SPIRALS
    start = nn.init_mlp([2, hidden, 3], rng=seed)
    return nn.train(
        start,
        x,
        labels,
        learning_rate=learning_rate,
        epochs=TRAINING_STEPS,
        rng=seed,
        snapshot_every=snapshot_every,
    )


def training_view(learning_rate: float = 2.0, hidden: int = 16, seed: int = 0) -> Figure:
    """Train a 2 -> hidden -> 3 network on the spirals for 200 full-batch steps and draw it."""
    history = _train_spirals(learning_rate, hidden, seed)
    x, labels = SPIRALS
    score = nn.accuracy(history.params, x, labels)
    return plots.training_overview(
        lambda points: nn.predict(history.params, points),
        x,
        labels,
        history.losses,
        title=f"learning rate {learning_rate:g}, {hidden} hidden units, seed {seed}: "
        f"loss {history.losses[-1]:.3f}, accuracy {score:.0%}",
    )


def training_panel() -> widgets.VBox:
    """The live chapter 4 panel: learning rate, hidden units and seed; each change retrains."""
    d = TRAINING_DEFAULTS
    controls = {
        "learning_rate": widgets.FloatLogSlider(
            value=d["learning_rate"], base=10, min=-2, max=1, description="learning rate"
        ),
        "hidden": widgets.IntSlider(value=d["hidden"], min=2, max=64, description="hidden units"),
        "seed": widgets.IntSlider(value=d["seed"], min=0, max=20, description="seed"),
    }
    for control in controls.values():
        control.style = {"description_width": "initial"}
    return live_panel(training_view, controls)


def training_scrubber() -> widgets.VBox:
    """Chapter 4's scrubber: the decision boundary every 10 steps of the default training."""
    history = _train_spirals(**TRAINING_DEFAULTS, snapshot_every=10)
    x, labels = SPIRALS
    limits = (0.0, max(history.losses) * 1.05)

    def frame(k: int) -> Figure:
        params, step = history.snapshots[k], history.snapshot_at[k]
        return plots.training_overview(
            lambda points: nn.predict(params, points),
            x,
            labels,
            history.losses[:step],
            title=f"after {step} gradient steps: accuracy {nn.accuracy(params, x, labels):.0%}",
            total_steps=TRAINING_STEPS,
            loss_limits=limits,
        )

    return scrubber(
        frame, list(range(len(history.snapshots))), "steps", label=lambda k: str(history.snapshot_at[k])
    )
