"""Each chapter's update logic: parameters in, figure out.

A *view* (``*_view``) is a plain function that runs a chapter's computation
for the values of its arguments and returns a ``matplotlib`` figure.  The
live panels and scrubbers of :mod:`gradbook.widgets` are built on these
functions; here they can be called, tested and timed without ipywidgets or a
browser.  A view's defaults are the chapter's starting values (the article's
numbers from :mod:`gradbook.article`), and the panels read them from the
view's signature.

Importing this module computes nothing: data and runs are made when a
function is called.
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.figure import Figure

from gradbook import checks, data, nn, plots
from gradbook.article import ITERATIONS, POINT, START, TWEAK
from gradbook.backprop import Node, Tape
from gradbook.circuits import NEURON_INPUTS, multiply_gate, neuron
from gradbook.dual import gradient
from gradbook.labels import t
from gradbook.search import SearchHistory, random_search

__all__ = [
    "TRAINING_STEPS",
    "neuron_alt",
    "neuron_graph_alt",
    "neuron_graph_live",
    "neuron_graph_view",
    "neuron_live",
    "neuron_names",
    "neuron_view",
    "random_search_alt",
    "random_search_frame",
    "random_search_live",
    "random_search_view",
    "search_gate",
    "spirals",
    "train_spirals",
    "training_alt",
    "training_frame",
    "training_live",
    "training_view",
]


# Chapter 1: random local search on the multiply gate.

# The region the default run's best point moves in (from START).
_SEARCH_BOX = (-2.05, -1.65, 2.8, 3.05)


def random_search_view(
    tweak: float = TWEAK,
    iterations: int = ITERATIONS,
    x0: float = START[0],
    y0: float = START[1],
    seed: int = 1,
) -> Figure:
    """Run random search on ``x * y`` and draw its progress and path."""
    settings = _search(tweak, iterations, x0, y0, seed, "random_search_view")
    history = search_gate(*settings)
    return plots.search_overview(
        {t("seed {seed}", seed=seed): history},
        multiply_gate,
        title=_search_title(settings, history),
    )


def _search_title(
    settings: tuple[float, int, float, float, int], history: SearchHistory
) -> str:
    tweak, iterations, _, _, seed = settings
    return t(
        "tweak {tweak:g}, {iterations} iterations, seed {seed}: output "
        "{start:.3f} → {best:.3f}",
        tweak=tweak,
        iterations=iterations,
        seed=seed,
        start=history.start_output,
        best=history.best_output,
    )


def search_gate(
    tweak: float,
    iterations: int,
    x0: float,
    y0: float,
    seed: int,
) -> SearchHistory:
    """Random local search on the multiply gate ``x * y`` from
    ``(x0, y0)``."""
    tweak, iterations, x0, y0, seed = _search(
        tweak, iterations, x0, y0, seed, "search_gate"
    )
    return random_search(multiply_gate, (x0, y0), tweak, iterations, seed)


def _search(
    tweak: float, iterations: int, x0: float, y0: float, seed: int, who: str
) -> tuple[float, int, float, float, int]:
    """A search's settings, checked in the words of ``who``."""
    return (
        checks.positive(tweak, who, "tweak"),
        checks.iterations(iterations, who),
        checks.real(x0, who, "x0"),
        checks.real(y0, who, "y0"),
        checks.whole(seed, who, "seed"),
    )


def random_search_frame(
    history: SearchHistory,
    upto: int,
    label: str,
) -> Figure:
    """``history`` after its first ``upto`` iterations: a scrubber's frame.

    The axes fit the whole run, so every frame of one run lines up.
    """
    who = "random_search_frame"
    checks.instance(history, SearchHistory, who, "history")
    upto = checks.whole(upto, who, "upto", maximum=history.iterations)
    checks.text(label, who, "label")
    best = _best_after(history, upto)
    limits = (history.start_output - 0.05, history.best_output + 0.05)
    return plots.search_overview(
        {label: history},
        multiply_gate,
        upto=upto,
        progress_limits=limits,
        box=_SEARCH_BOX,
        title=t(
            "after {upto} iterations: best output {best:.3f}",
            upto=upto,
            best=best,
        ),
    )


def random_search_alt(history: SearchHistory, upto: int) -> str:
    """What :func:`random_search_frame` shows, in words (its alt text)."""
    who = "random_search_alt"
    checks.instance(history, SearchHistory, who, "history")
    upto = checks.whole(upto, who, "upto", maximum=history.iterations)
    start = history.start_output
    if upto == 0:
        progress = t(
            "No iterations yet: the best output is the start, {start:.3f}.",
            start=start,
        )
    else:
        progress = t(
            "After {upto} of {total} iterations, the best output has gone "
            "from {start:.3f} to {best:.3f}.",
            upto=upto,
            total=history.iterations,
            start=start,
            best=_best_after(history, upto),
        )
    return t(
        "Random search on x times y. {progress} Left: the best output "
        "against the iteration. Right: the path of the best point over the "
        "contour lines of x times y.",
        progress=progress,
    )


def _best_after(history: SearchHistory, upto: int) -> float:
    """The best output after ``upto`` iterations (the start's for 0)."""
    return history.best_outputs[upto - 1] if upto else history.start_output


# Chapters 2 and 3: the neuron sigmoid(a*x + b*y + c).


def neuron_view(
    a: float = POINT[0],
    b: float = POINT[1],
    c: float = POINT[2],
    x: float = POINT[3],
    y: float = POINT[4],
    wrt: str = "x",
    sweep: tuple[float, float] | None = None,
    partial_limits: tuple[float, float] | None = None,
) -> Figure:
    """The neuron's output against ``wrt`` with its tangent, and all partials.

    The curve is one forward pass over 201 values of ``wrt`` (numpy
    arrays); the partials are the five forward passes of ``dual.gradient``.
    ``sweep`` is the range of ``wrt`` drawn (its value ± 4 if None), and
    ``partial_limits`` fixes the partials' axis.
    """
    params = _neuron_inputs((a, b, c, x, y), "neuron_view")
    checks.one_of(wrt, NEURON_INPUTS, "neuron_view", "wrt")
    i = NEURON_INPUTS.index(wrt)
    low, high = sweep or (params[i] - 4.0, params[i] + 4.0)
    along = list(params)
    along[i] = np.linspace(low, high, 201)
    value = neuron(params)
    partials = gradient(neuron, params)
    return plots.derivative_panel(
        along[i],
        neuron(along),
        params[i],
        value,
        NEURON_INPUTS,
        partials,
        wrt,
        title=_neuron_title(params, value),
        partial_limits=partial_limits,
    )


def _neuron_title(params: list[float], value: float) -> str:
    pairs = zip(NEURON_INPUTS, params, strict=True)
    names = ", ".join(f"{n}={p:g}" for n, p in pairs)
    return t("neuron at {names}: output {value:.4f}", names=names, value=value)


def neuron_graph_view(
    a: float = POINT[0],
    b: float = POINT[1],
    c: float = POINT[2],
    x: float = POINT[3],
    y: float = POINT[4],
) -> Figure:
    """The neuron's recorded graph, with its values and gradients."""
    params = _neuron_inputs((a, b, c, x, y), "neuron_graph_view")
    nodes, cotangents, names, title = _neuron_graph(params)
    return plots.computation_graph(nodes, cotangents, names, title=title)


def _neuron_graph(
    params: list[float],
) -> tuple[list[Node], list[object], dict[int, str], str]:
    """The neuron recorded at ``params``: its nodes, cotangents, node names
    and a title with its output and gradient."""
    tape = Tape()
    inputs = [tape.var(p) for p in params]
    output = neuron(inputs)
    cotangents = tape.backward(output)
    grads = ", ".join(f"{cotangents[v.index]:.4f}" for v in inputs)
    names = neuron_names(tape.nodes, [v.index for v in inputs])
    order = ", ".join(NEURON_INPUTS)
    title = t(
        "output {value:.4f}; gradient [{order}] = [{grads}]",
        value=output.value,
        order=order,
        grads=grads,
    )
    return tape.nodes, cotangents, names, title


def neuron_alt(x: float) -> str:
    """What chapter 2's scrubber frame at ``x`` shows, in words (the other
    inputs at the article's point)."""
    params = _neuron_inputs((*POINT[:3], x, POINT[4]), "neuron_alt")
    slope = gradient(neuron, params)[NEURON_INPUTS.index("x")]
    return t(
        "Left: the neuron's output against x, an S-shaped curve, with its "
        "tangent line at x = {x:g}, slope {slope:.4f}. Right: bars of the "
        "five partial derivatives at that point.",
        x=x,
        slope=slope,
    )


def neuron_graph_alt(x: float) -> str:
    """What chapter 3's scrubber frame at ``x`` shows, in words (the other
    inputs at the article's point)."""
    params = _neuron_inputs((*POINT[:3], x, POINT[4]), "neuron_graph_alt")
    return t(
        "The neuron's computational graph at x = {x:g}: the inputs on the "
        "left, the output sigma on the right, each node with its value and "
        "its cotangent (grad). The output is {value:.4f}.",
        x=x,
        value=neuron(params),
    )


def neuron_names(nodes: list[Node], inputs: list[int]) -> dict[int, str]:
    """Names for the nodes of a recorded neuron, as chapter 3's text reads
    them: the inputs, ``z = a·x + b·y + c``, ``e⁻ᶻ``, ``1 + e⁻ᶻ`` and sigma.

    ``sigmoid`` computes ``exp(-z)`` for ``z >= 0`` and ``exp(z)`` for
    ``z < 0``; the names say which.  ``inputs`` holds the indices of the
    input nodes ``a, b, c, x, y``.
    """
    if not isinstance(nodes, list) or not all(
        isinstance(node, Node) for node in nodes
    ):
        got = checks.describe(nodes)
        raise TypeError(
            f"neuron_names: nodes must be a Tape's nodes, got {got}"
        )
    if len(inputs) != len(NEURON_INPUTS):
        got = len(inputs)
        raise ValueError(
            f"neuron_names: inputs must hold 5 indices, got {got}"
        )
    names = dict(zip(inputs, NEURON_INPUTS, strict=True))
    for i, node in enumerate(nodes):
        if node.op == "neg":
            ((z, _),) = node.inputs
            names[z], names[i] = "z", "−z"
        if node.op == "exp":
            ((j, _),) = node.inputs
            power = "⁻ᶻ" if nodes[j].op == "neg" else "ᶻ"
            names[i] = f"e{power}"
        if node.op == "+" and node.constant == 1 and i - 1 in names:
            names[i] = f"1 + {names[i - 1]}"
    names[len(nodes) - 1] = "\u03c3"  # sigma
    return names


def _neuron_inputs(values: tuple[float, ...], who: str) -> list[float]:
    """The neuron's five inputs ``a, b, c, x, y``, each a finite number."""
    pairs = zip(values, NEURON_INPUTS, strict=True)
    return [checks.real(value, who, name) for value, name in pairs]


# Chapter 4: a small network learning the spirals.

TRAINING_STEPS = 200  # full-batch gradient steps per training run


@functools.cache
def spirals() -> tuple[np.ndarray, np.ndarray]:
    """Chapter 4's data set: 3 spirals of 60 points (made once, read-only)."""
    x, labels = data.spirals(60, classes=3, noise=0.2, rng=0)
    x.setflags(write=False)
    labels.setflags(write=False)
    return x, labels


def train_spirals(
    learning_rate: float,
    hidden: int,
    seed: int,
    snapshot_every: int | None = None,
) -> nn.History:
    """Train a 2 -> ``hidden`` -> 3 network on the spirals.

    ``TRAINING_STEPS`` full-batch steps; ``seed`` draws the first weights.
    """
    _training(learning_rate, hidden, seed, "train_spirals")
    x, labels = spirals()
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


def training_view(
    learning_rate: float = 2.0,
    hidden: int = 16,
    seed: int = 0,
) -> Figure:
    """Train a 2 -> hidden -> 3 network on the spirals and draw the result.

    One training run of ``TRAINING_STEPS`` full-batch gradient steps.
    """
    _training(learning_rate, hidden, seed, "training_view")
    history = train_spirals(learning_rate, hidden, seed)
    x, labels = spirals()
    return plots.training_overview(
        lambda points: nn.predict(history.params, points),
        x,
        labels,
        history.losses,
        title=_training_title(learning_rate, hidden, seed, history),
    )


def _training_title(
    learning_rate: float, hidden: int, seed: int, history: nn.History
) -> str:
    x, labels = spirals()
    score = nn.accuracy(history.params, x, labels)
    return t(
        "learning rate {learning_rate:g}, {hidden} hidden units, "
        "seed {seed}: loss {loss:.3f}, accuracy {score:.0%}",
        learning_rate=learning_rate,
        hidden=hidden,
        seed=seed,
        loss=history.losses[-1],
        score=score,
    )


def _training(learning_rate: float, hidden: int, seed: int, who: str) -> None:
    """A training run's settings, checked in the words of ``who``."""
    checks.positive(learning_rate, who, "learning_rate")
    checks.whole(hidden, who, "hidden", minimum=1)
    checks.whole(seed, who, "seed")


def training_frame(history: nn.History, k: int) -> Figure:
    """The network of snapshot ``k`` of ``history``: a scrubber's frame.

    The loss axes fit the whole run, so every frame of one run lines up.
    """
    checks.instance(history, nn.History, "training_frame", "history")
    if not history.snapshots:
        no = "history has no snapshots (train with snapshot_every)"
        raise ValueError(f"training_frame: {no}")
    last = len(history.snapshots) - 1
    k = checks.whole(k, "training_frame", "k", maximum=last)
    x, labels = spirals()
    params, step = history.snapshots[k], history.snapshot_at[k]
    score = nn.accuracy(params, x, labels)  # the same as training_alt's
    return plots.training_overview(
        lambda points: nn.predict(params, points),
        x,
        labels,
        history.losses[:step],
        title=t(
            "after {step} gradient steps: accuracy {score:.0%}",
            step=step,
            score=score,
        ),
        total_steps=TRAINING_STEPS,
        loss_limits=(0.0, max(history.losses) * 1.05),
    )


def training_alt(history: nn.History, k: int) -> str:
    """What :func:`training_frame` shows for snapshot ``k``, in words."""
    checks.instance(history, nn.History, "training_alt", "history")
    last = len(history.snapshots) - 1
    k = checks.whole(k, "training_alt", "k", maximum=last)
    x, labels = spirals()
    score = nn.accuracy(history.snapshots[k], x, labels)
    return t(
        "The network after {step} gradient steps. Left: the spirals' points "
        "over the regions where the network predicts each class; the "
        "network puts {score:.0%} of the points in their right class. "
        "Right: the loss against the step.",
        step=history.snapshot_at[k],
        score=score,
    )


# Live figures: one figure per live panel, changed in place on every update.


def random_search_live() -> plots.LiveFigure:
    """Chapter 1's live figure: ``update`` takes the arguments of
    :func:`random_search_view`, runs the search and moves the lines."""
    live = plots.search_overview_live(multiply_gate)
    draw = live.update

    def update(
        tweak: float, iterations: int, x0: float, y0: float, seed: int
    ) -> bool:
        settings = _search(
            tweak, iterations, x0, y0, seed, "random_search_live"
        )
        history = search_gate(*settings)
        return draw(history, _search_title(settings, history))

    live.update = update
    return live


def neuron_live() -> plots.LiveFigure:
    """Chapter 2's live figure: ``update(a, b, c, x, y, wrt)`` redraws the
    curve, tangent and partials of :func:`neuron_view`.

    The curve spans -6 to 6 (wider if the input is outside), so the axes
    keep still while a slider moves.
    """
    live = plots.derivative_panel_live(NEURON_INPUTS)
    draw = live.update

    def update(
        a: float, b: float, c: float, x: float, y: float, wrt: str
    ) -> bool:
        params = _neuron_inputs((a, b, c, x, y), "neuron_live")
        checks.one_of(wrt, NEURON_INPUTS, "neuron_live", "wrt")
        i = NEURON_INPUTS.index(wrt)
        along = list(params)
        along[i] = np.linspace(
            min(-6.0, params[i] - 1), max(6.0, params[i] + 1), 201
        )
        value = neuron(params)
        return draw(
            along[i],
            neuron(along),
            params[i],
            value,
            gradient(neuron, params),
            wrt,
            _neuron_title(params, value),
        )

    live.update = update
    return live


def neuron_graph_live() -> plots.LiveFigure:
    """Chapter 3's live figure: ``update(a, b, c, x, y)`` records the neuron
    and writes the new numbers into the graph of
    :func:`neuron_graph_view`."""
    live = plots.computation_graph_live()
    draw = live.update

    def update(a: float, b: float, c: float, x: float, y: float) -> bool:
        params = _neuron_inputs((a, b, c, x, y), "neuron_graph_live")
        return draw(*_neuron_graph(params))

    live.update = update
    return live


def training_live() -> plots.LiveFigure:
    """Chapter 4's live figure: ``update(learning_rate, hidden, seed)``
    trains the network again and draws its regions and loss curve."""
    x, labels = spirals()
    live = plots.training_overview_live(x, labels)
    draw = live.update

    def update(learning_rate: float, hidden: int, seed: int) -> bool:
        _training(learning_rate, hidden, seed, "training_live")
        history = train_spirals(learning_rate, hidden, seed)
        return draw(
            lambda points: nn.predict(history.params, points),
            history.losses,
            _training_title(learning_rate, hidden, seed, history),
        )

    live.update = update
    return live
