"""Figure builders: data in, a ``matplotlib.figure.Figure`` out.

No function here touches pyplot's global state or computes anything the
engine should: the notebooks and widgets compute, these only draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.path import Path

from gradbook import checks
from gradbook.backprop import OP_LABELS, Node
from gradbook.labels import t
from gradbook.search import SearchHistory

__all__ = [
    "COLUMN_PIXELS",
    "LiveFigure",
    "computation_graph",
    "computation_graph_live",
    "confusion_matrix",
    "cost_fit",
    "cost_scaling",
    "decision_boundary",
    "derivative_panel",
    "derivative_panel_live",
    "digit_grid",
    "gradient_map",
    "gradient_per_call",
    "jacobian_passes",
    "learning_curves",
    "op_label",
    "ratio_bars",
    "search_overview",
    "search_overview_live",
    "search_path",
    "search_progress",
    "steady_limits",
    "tangent_line",
    "training_overview",
    "training_overview_live",
]


def _histories(histories: object, who: str) -> Mapping[str, SearchHistory]:
    """``histories`` checked: a dict of label: SearchHistory."""
    checks.mapping(histories, who, "histories", "label: SearchHistory")
    for label, history in histories.items():
        checks.instance(history, SearchHistory, who, f"histories[{label!r}]")
    return histories


# Every book figure is drawn this many pixels wide: twice the book's text
# column (684 to 790 px, by the screen), so that it is sharp on
# high-density screens and in print.
COLUMN_PIXELS = 1520


def _figure(
    width: float = 6.4, height: float = 4.0, ncols: int = 1
) -> tuple[Figure, list[Axes]]:
    fig = _blank(width, height)
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, list(axes)


def _blank(width: float, height: float) -> Figure:
    """An empty figure ``width`` by ``height`` inches, COLUMN_PIXELS wide."""
    return Figure(
        figsize=(width, height),
        dpi=COLUMN_PIXELS / width,
        layout="constrained",
    )


def _progress_on(
    ax: Axes, histories: Mapping[str, SearchHistory], upto: int | None = None
) -> None:
    """Best output against iteration, the start drawn as iteration 0."""
    for label, history in histories.items():
        k = (
            history.iterations
            if upto is None
            else min(upto, history.iterations)
        )
        steps = np.arange(k + 1)
        outputs = np.concatenate(
            [[history.start_output], history.best_outputs[:k]]
        )
        ax.plot(steps, outputs, label=t(label))
    ax.set_xlabel(t("iteration"))
    ax.set_ylabel(t("best output so far"))
    ax.grid(alpha=0.3)


def search_progress(
    histories: Mapping[str, SearchHistory],
    title: str = "How the best output improves",
) -> Figure:
    """Best output against iteration, one line per labelled search."""
    _histories(histories, "search_progress")
    fig, (ax,) = _figure()
    _progress_on(ax, histories)
    ax.set_title(t(title))
    ax.legend()
    return fig


def _path_on(
    ax: Axes,
    histories: Mapping[str, SearchHistory],
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    upto: int | None = None,
    box: tuple[float, float, float, float] | None = None,
) -> None:
    """Paths of the best point over contour lines of ``f(x, y)``."""
    points = np.concatenate(
        [np.vstack([h.start, h.best_points]) for h in histories.values()]
    )
    if box is None:
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        pad = 0.15 * max(x1 - x0, y1 - y0, 1e-3)
        box = (x0 - pad, x1 + pad, y0 - pad, y1 + pad)
    xs, ys = np.meshgrid(
        np.linspace(box[0], box[1], 120), np.linspace(box[2], box[3], 120)
    )
    contours = ax.contour(
        xs, ys, f(xs, ys), levels=12, colors="0.6", linewidths=0.8
    )
    ax.clabel(contours, fontsize=7, fmt="%.2f")
    for label, history in histories.items():
        k = (
            history.iterations
            if upto is None
            else min(upto, history.iterations)
        )
        path = np.vstack([history.start, history.best_points[:k]])
        (line,) = ax.plot(
            path[:, 0], path[:, 1], label=t(label), linewidth=1.5
        )
        ax.plot(*path[-1], "o", color=line.get_color(), markersize=5)
    start = next(iter(histories.values())).start
    ax.plot(*start, "ks", markersize=6, label=t("start"))
    ax.plot(
        [], [], "o", color="0.3", markersize=5, label=t("best point reached")
    )
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_xlabel("x")
    ax.set_ylabel("y")


def search_path(
    histories: Mapping[str, SearchHistory],
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    title: str = "Where the best point goes",
) -> Figure:
    """The path of the best point in the (x, y) plane, over contour lines
    of ``f``."""
    _histories(histories, "search_path")
    checks.callable_(f, "search_path")
    fig, (ax,) = _figure(5.0, 4.2)
    _path_on(ax, histories, f)
    ax.set_title(t(title))
    ax.legend(fontsize=8)
    return fig


def search_overview(
    histories: Mapping[str, SearchHistory],
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    upto: int | None = None,
    progress_limits: tuple[float, float] | None = None,
    box: tuple[float, float, float, float] | None = None,
    title: str | None = None,
) -> Figure:
    """Progress (left) and path (right) side by side, optionally after
    ``upto`` iterations.

    Fixed ``progress_limits`` and ``box`` keep the axes still while ``upto``
    changes, so frames of an animation line up.
    """
    _histories(histories, "search_overview")
    checks.callable_(f, "search_overview")
    if upto is not None:
        checks.whole(upto, "search_overview", "upto")
    fig, (left, right) = _figure(9.0, 3.6, ncols=2)
    _progress_on(left, histories, upto)
    if progress_limits is not None:
        left.set_ylim(*progress_limits)
        left.set_xlim(0, max(h.iterations for h in histories.values()))
    left.set_title(t("best output against iteration"))
    left.legend(fontsize=8, loc="lower right")
    _path_on(right, histories, f, upto, box)
    right.set_title(t("path of the best point over contours of f"))
    markers = [
        h
        for h in right.get_lines()
        if h.get_label() in (t("start"), t("best point reached"))
    ]
    right.legend(handles=markers, fontsize=8, loc="upper right")
    if title:
        fig.suptitle(t(title))
    return fig


def _tangent_on(
    ax: Axes,
    xs: np.ndarray,
    ys: np.ndarray,
    x0: float,
    y0: float,
    slope: float,
    name: str,
) -> None:
    """A curve, the point ``(x0, y0)`` on it and the tangent line there."""
    ax.plot(xs, ys, label=t("neuron output"))
    half = 0.25 * (xs[-1] - xs[0])
    line_x = np.array([x0 - half, x0 + half])
    ax.plot(
        line_x,
        y0 + slope * (line_x - x0),
        "--",
        color="C3",
        label=t("tangent, slope {slope:.4f}", slope=slope),
    )
    ax.plot(x0, y0, "o", color="C3")
    ax.set_xlabel(t("input {name}", name=name))
    ax.set_ylabel(t("neuron output"))
    ax.set_ylim(-0.05, 1.05)
    ax.grid(alpha=0.3)
    # below the axes, so that it never covers the curve or the point
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22),
        ncols=2,
        frameon=False,
    )


def _curve(xs: object, ys: object, who: str) -> tuple[np.ndarray, ...]:
    """``xs`` and ``ys`` checked: two 1-D arrays of one shape."""
    xs = np.atleast_1d(checks.as_number(xs, who, "xs"))
    ys = np.atleast_1d(checks.as_number(ys, who, "ys"))
    checks.same_shape(ys, xs.shape, who, "ys", "xs")
    return xs, ys


def tangent_line(
    xs: np.ndarray,
    ys: np.ndarray,
    x0: float,
    y0: float,
    slope: float,
    name: str,
    title: str | None = None,
) -> Figure:
    """The neuron's output against one input, with the tangent line at
    ``x0``.

    ``ys`` are the outputs along ``xs``; ``slope`` is the derivative at
    ``x0``.
    """
    xs, ys = _curve(xs, ys, "tangent_line")
    x0 = checks.real(x0, "tangent_line", "x0")
    y0 = checks.real(y0, "tangent_line", "y0")
    slope = checks.real(slope, "tangent_line", "slope")
    checks.text(name, "tangent_line", "name")
    fig, (ax,) = _figure(6.0, 3.8)
    _tangent_on(ax, xs, ys, x0, y0, slope, name)
    default = "The derivative with respect to {name} is the slope"
    default = t(f"{default} of the tangent", name=name)
    ax.set_title(t(title) if title else default)
    return fig


def derivative_panel(
    xs: np.ndarray,
    ys: np.ndarray,
    x0: float,
    y0: float,
    names: tuple[str, ...],
    partials: list[float],
    wrt: str,
    title: str | None = None,
    partial_limits: tuple[float, float] | None = None,
) -> Figure:
    """Left: output against input ``wrt`` with its tangent.  Right: all
    partial derivatives.

    Fixed ``partial_limits`` keep the bar chart's axis still across frames.
    """
    who = "derivative_panel"
    xs, ys = _curve(xs, ys, who)
    x0, y0 = checks.real(x0, who, "x0"), checks.real(y0, who, "y0")
    checks.one_of(wrt, names, who, "wrt")
    partials = checks.as_number(partials, who, "partials")
    checks.same_shape(partials, (len(names),), who, "partials", "names")
    partials = list(partials)
    fig, (left, right) = _figure(9.0, 3.6, ncols=2)
    _tangent_on(left, xs, ys, x0, y0, partials[names.index(wrt)], wrt)
    left.set_title(
        t("output against {wrt}, tangent at {wrt} = {x0:g}", wrt=wrt, x0=x0)
    )
    colors = ["C3" if n == wrt else "C0" for n in names]
    bars = right.bar([f"∂/∂{n}" for n in names], partials, color=colors)
    right.bar_label(bars, fmt="%.4f", fontsize=8)
    right.axhline(0, color="0.3", linewidth=0.8)
    if partial_limits is None:
        low, high = min(min(partials), 0.0), max(max(partials), 0.0)
        pad = 0.15 * max(high - low, 1e-3)
        partial_limits = (low - pad, high + pad)
    right.set_ylim(*partial_limits)
    right.set_ylabel(t("partial derivative"))
    right.set_title(t("all five partial derivatives"))
    if title:
        fig.suptitle(t(title))
    return fig


def op_label(op: str, constant: object) -> str:
    """A tape operation as a reader would write it: ``"+ 1"``, ``"1 ÷ ·"``,
    ``"exp"``."""
    checks.text(op, "op_label", "op")
    label = OP_LABELS.get(op, op)
    if constant is None or not isinstance(constant, (int, float)):
        return label
    c = _number_text(constant, "g")
    return label.format(c=c) if "{c}" in label else f"{label} {c}"


def _number_text(value: object, spec: str = ".4g") -> str:
    """A number as the graph prints it: a true minus sign, and never ``-0``."""
    text = format(float(value), spec)
    if float(text) == 0:  # -0.0, or a tiny negative number rounded to 0
        return "0"
    return text.replace("-", "−")


def _edge_text(local: object) -> str:
    """The label of an edge: ``×k`` for a number, what it is otherwise."""
    if callable(local):
        return t("rule")  # a vector-Jacobian product, as for @ and sum
    if np.ndim(local) == 0:
        return "×" + _number_text(local, ".3g")
    return t("×array")


def _graph_layout(nodes: list[Node]) -> dict[int, tuple[float, float]]:
    """Columns by depth from the inputs; rows in order, inputs beside their
    first use."""
    depth: dict[int, int] = {}
    for i, node in enumerate(nodes):
        depth[i] = 1 + max((depth[j] for j, _ in node.inputs), default=-1)
    first_use = {}
    for i, node in enumerate(nodes):
        for j, _ in node.inputs:
            first_use.setdefault(j, i)
    columns: dict[int, list[int]] = {}
    for i in sorted(
        depth,
        key=lambda i: (first_use.get(i, i), i) if depth[i] == 0 else (0, i),
    ):
        columns.setdefault(depth[i], []).append(i)
    position = {}
    for d, members in columns.items():
        for row, i in enumerate(members):
            position[i] = (float(d), (len(members) - 1) / 2 - row)
    return position


def _graph_edges(
    nodes: list[Node], position: Mapping[int, tuple[float, float]]
) -> list[tuple[int, int, object, float]]:
    """Every edge as ``(from, to, local, bend)``.

    An edge that skips a column bends away from the middle row, so that it
    does not run through the nodes between its ends; repeated edges (a value
    used twice by one operation, as in ``x * x``) bend apart.
    """
    edges = []
    for i, node in enumerate(nodes):
        pairs = [j for j, _ in node.inputs]
        for k, (j, local) in enumerate(node.inputs):
            (x0, y0), (x1, y1) = position[j], position[i]
            repeats, first = pairs.count(j), pairs.index(j)
            bend = 0.0
            if repeats > 1:
                bend = 0.35 * (k - first - (repeats - 1) / 2) * 2
            elif x1 - x0 > 1:  # longer edges bend further, so they part
                bend = 0.25 + 0.35 * (x1 - x0 - 1)
                bend = -bend if (y0 + y1) / 2 < 0 else bend
            edges.append((j, i, local, bend))
    return edges


# A graph is about 12 inches wide, shown in a column about 7 inches wide:
# its text is set larger than other figures' so that it reads at the
# same size.
GRAPH_TEXT = 11
GRAPH_SMALL = 10


def computation_graph(
    nodes: list[Node],
    cotangents: list[object],
    names: dict[int, str],
    title: str = "The neuron's computational graph",
) -> Figure:
    """Draw a recorded graph: each node with its value (black) and gradient
    (red).

    ``nodes`` is a :class:`gradbook.backprop.Tape`'s node list and
    ``cotangents`` what its ``backward`` returned; ``names`` labels nodes by
    index (inputs, and any node the text names, such as sigma).  Every edge
    into a node that reaches the output carries the local derivative that
    the backward pass multiplies by; nodes that do not reach the output are
    grey.
    """
    who = "computation_graph"
    if not isinstance(nodes, list) or not nodes:
        got = checks.describe(nodes)
        raise TypeError(f"{who}: nodes must be a Tape's nodes, got {got}")
    for i, node in enumerate(nodes):
        checks.instance(node, Node, who, f"nodes[{i}]")
    if not isinstance(cotangents, list) or len(cotangents) != len(nodes):
        got = checks.describe(cotangents)
        what = f"{len(nodes)} cotangents (one per node), got {got}"
        raise ValueError(f"{who}: cotangents must be a list of {what}")
    if not isinstance(names, Mapping):
        got = checks.describe(names)
        raise TypeError(f"{who}: names must be a dict of labels, got {got}")
    used = [g is not None for g in cotangents]
    position = _graph_layout(nodes)
    width = max(x for x, _ in position.values()) + 1
    height = max(
        len([p for p in position.values() if p[0] == d])
        for d in range(int(width))
    )
    fig, (ax,) = _figure(1.3 * width + 0.6, 1.05 * height + 1.8)
    low, high = -height / 2 - 0.75, height / 2 + 0.55
    for j, i, local, bend in _graph_edges(nodes, position):
        color = "0.45" if used[i] else "0.8"
        (x0, y0), (x1, y1) = position[j], position[i]
        if bend == 0:
            ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0, y0),
                arrowprops={
                    "arrowstyle": "->",
                    "color": color,
                    "shrinkA": 24,
                    "shrinkB": 24,
                },
            )
            # above the boxes, so that a long label never covers one
            mid = ((x0 + x1) / 2, (y0 + y1) / 2 + 0.27)
        else:
            mid = _curved_edge(ax, (x0, y0), (x1, y1), bend, color)
            low, high = min(low, mid[1] - 0.5), max(high, mid[1] + 0.25)
        if used[i]:
            ax.text(
                *mid,
                _edge_text(local),
                fontsize=GRAPH_SMALL,
                color="0.3",
                ha="center",
                va="center",
                bbox={"boxstyle": "square,pad=0.05", "fc": "white", "lw": 0},
            )
    for i, node in enumerate(nodes):
        x, y = position[i]
        label = names.get(i, op_label(node.op, node.constant))
        grad = cotangents[i]
        text = f"{label}\n= {_number_text(node.value)}"
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=GRAPH_TEXT,
            color="black" if used[i] else "0.6",
            bbox={
                "boxstyle": "round,pad=0.35",
                "facecolor": "#eef3fa" if node.op == "input" else "white",
                "edgecolor": "0.5",
            },
        )
        if grad is not None:
            ax.text(
                x,
                y - 0.34,
                t("grad {value}", value=_number_text(grad)),
                ha="center",
                va="top",
                fontsize=GRAPH_SMALL,
                color="C3",
            )
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(low, high)
    ax.axis("off")
    ax.text(
        0.0,
        -0.02,
        t(
            "black: the node's value    red: d(output)/d(node)\n"
            "×k on an arrow: the local derivative"
        ),
        transform=ax.transAxes,
        fontsize=GRAPH_SMALL,
        color="0.3",
        va="top",
    )
    ax.set_title(title, fontsize=GRAPH_TEXT)
    return fig


def _curved_edge(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    bend: float,
    color: str,
) -> tuple[float, float]:
    """Draw an arrow along a curve bent sideways by ``bend`` (data units);
    return the middle of the curve, where its label goes."""
    p0, p2 = np.array(start), np.array(end)
    direction = (p2 - p0) / np.linalg.norm(p2 - p0)
    normal = np.array([-direction[1], direction[0]])
    control = (p0 + p2) / 2 + 2 * bend * normal
    # leave the node boxes: start and end a little way along the curve
    a = p0 + 0.32 * (control - p0) / np.linalg.norm(control - p0)
    b = p2 + 0.32 * (control - p2) / np.linalg.norm(control - p2)
    path = Path([a, control, b], [Path.MOVETO, Path.CURVE3, Path.CURVE3])
    ax.add_patch(
        FancyArrowPatch(
            path=path, arrowstyle="->", mutation_scale=10, color=color
        )
    )
    middle = (a + 2 * control + b) / 4
    return float(middle[0]), float(middle[1])


def cost_scaling(
    ns: list[int], timings: Mapping[str, list[float]], title: str
) -> Figure:
    """Cost against the number of inputs, on log-log axes, one line per
    method."""
    ns = checks.as_number(ns, "cost_scaling", "ns")
    checks.mapping(timings, "cost_scaling", "timings", "label: seconds")
    for label, seconds in timings.items():
        name = f"timings[{label!r}]"
        seconds = checks.as_number(seconds, "cost_scaling", name)
        checks.same_shape(seconds, np.shape(ns), "cost_scaling", name, "ns")
    fig, (ax,) = _figure(6.0, 4.0)
    for label, seconds in timings.items():
        ax.loglog(ns, seconds, "o-", label=t(label))
    ax.set_xlabel(t("number of inputs n"))
    ax.set_ylabel(t("seconds per gradient"))
    ax.set_title(t(title))
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return fig


def _points(
    predict: object, x: object, labels: object, who: str
) -> tuple[np.ndarray, np.ndarray]:
    """``predict``, ``x`` (points in rows) and ``labels`` (one per point)
    checked."""
    checks.callable_(predict, who, "predict")
    x = checks.as_number(x, who, "x")
    if x.ndim != 2 or x.shape[1] != 2 or not len(x):
        what = "points in rows, of shape (m, 2)"
        raise ValueError(f"{who}: x must hold {what}, got shape {x.shape}")
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        got = checks.describe(labels)
        raise TypeError(f"{who}: labels must be integers, got {got}")
    checks.same_shape(labels, (len(x),), who, "labels", "one label per point")
    return x, labels


def decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    labels: np.ndarray,
    title: str = "Decision boundary",
    ax: Axes | None = None,
    resolution: int = 80,
) -> Figure:
    """Regions of the plane by predicted class, with the labelled points on
    top.

    ``predict`` maps an ``(m, 2)`` array of points to ``m`` class labels.
    """
    x, labels = _points(predict, x, labels, "decision_boundary")
    checks.whole(resolution, "decision_boundary", "resolution", minimum=2)
    if ax is None:
        fig, (ax,) = _figure(4.8, 4.2)
    else:
        fig = ax.figure
    (x0, y0), (x1, y1) = x.min(axis=0) - 0.3, x.max(axis=0) + 0.3
    gx, gy = np.meshgrid(
        np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    )
    regions = predict(np.column_stack([gx.ravel(), gy.ravel()])).reshape(
        gx.shape
    )
    classes = int(max(labels.max(), regions.max())) + 1
    levels = np.arange(classes + 1) - 0.5
    ax.contourf(
        gx,
        gy,
        regions,
        levels=levels,
        cmap="tab10",
        vmin=0,
        vmax=9,
        alpha=0.25,
    )
    for k in range(classes):
        mine = labels == k
        ax.scatter(
            x[mine, 0],
            x[mine, 1],
            s=10,
            color=f"C{k}",
            label=t("class {k}", k=k),
            edgecolors="none",
        )
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(t(title))
    ax.legend(fontsize=9, loc="upper right")
    return fig


def learning_curves(
    curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
    xlabel: str,
    ylabel: str = "loss",
    title: str = "Learning curves",
    ax: Axes | None = None,
    log: bool = False,
) -> Figure:
    """One line per labelled ``(x, y)`` curve, such as loss against loss
    evaluations."""
    checks.mapping(curves, "learning_curves", "curves", "label: (x, y)")
    checks.text(xlabel, "learning_curves", "xlabel")
    if ax is None:
        fig, (ax,) = _figure(6.0, 3.8)
    else:
        fig = ax.figure
    for label, (xs, ys) in curves.items():
        ax.plot(xs, ys, label=t(label))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(t(xlabel))
    ax.set_ylabel(t(ylabel))
    ax.set_title(t(title))
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def digit_grid(
    images: np.ndarray,
    labels: np.ndarray,
    predicted: np.ndarray,
    columns: int = 10,
    title: str | None = None,
) -> Figure:
    """8x8 digit images with their predicted label; mistakes are titled in
    red with the truth."""
    images = checks.as_number(images, "digit_grid", "images")
    if images.ndim < 2 or images[0].size != 64:
        what = "8x8 images (64 pixels each)"
        got = f"shape {images.shape}"
        raise ValueError(f"digit_grid: images must be {what}, got {got}")
    columns = checks.whole(columns, "digit_grid", "columns", minimum=1)
    rows = -(-len(images) // columns)
    fig = _blank(columns * 0.8, rows * 0.95)
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, truth, guess in zip(
        axes.ravel(), images, labels, predicted, strict=False
    ):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", interpolation="nearest")
        wrong = truth != guess
        ax.set_title(
            t("{guess} (is {truth})", guess=guess, truth=truth)
            if wrong
            else f"{guess}",
            fontsize=9,
            color="C3" if wrong else "black",
        )
    if title:
        fig.suptitle(t(title))
    return fig


def confusion_matrix(
    matrix: np.ndarray, title: str = "Confusion matrix"
) -> Figure:
    """Counts of (true class, predicted class), with the count written in
    each cell."""
    checks.as_number(matrix, "confusion_matrix", "matrix")
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        what = "a square matrix of counts"
        got = f"shape {matrix.shape}"
        raise ValueError(f"confusion_matrix: matrix must be {what}, {got}")
    fig, (ax,) = _figure(5.0, 4.4)
    image = ax.imshow(matrix, cmap="Blues")
    classes = len(matrix)
    for i in range(classes):
        for j in range(classes):
            if matrix[i, j]:
                dark = matrix[i, j] > matrix.max() / 2
                ax.text(
                    j,
                    i,
                    str(matrix[i, j]),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white" if dark else "black",
                )
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.set_xlabel(t("predicted digit"))
    ax.set_ylabel(t("true digit"))
    ax.set_title(t(title))
    fig.colorbar(image, ax=ax, shrink=0.8, label=t("test images"))
    return fig


def training_overview(
    predict: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    labels: np.ndarray,
    losses: list[float],
    title: str,
    total_steps: int | None = None,
    loss_limits: tuple[float, float] | None = None,
) -> Figure:
    """Decision boundary (left) and training loss so far (right).

    ``total_steps`` and ``loss_limits`` fix the loss axes, so frames of an
    animation line up.
    """
    x, labels = _points(predict, x, labels, "training_overview")
    losses = checks.as_number(losses, "training_overview", "losses")
    fig, (left, right) = _figure(9.0, 3.8, ncols=2)
    decision_boundary(
        predict, x, labels, title="what the network predicts", ax=left
    )
    learning_curves(
        {"training loss": (np.arange(1, len(losses) + 1), losses)},
        xlabel="gradient steps",
        title="cross-entropy loss",
        ax=right,
    )
    if total_steps:
        right.set_xlim(0, total_steps)
    if loss_limits:
        right.set_ylim(*loss_limits)
    fig.suptitle(t(title))
    return fig


def ratio_bars(
    ratios: Mapping[str, float],
    xlabel: str,
    title: str,
    highlight: str | None = None,
    reference: float | None = None,
    log: bool = True,
) -> Figure:
    """Horizontal bars, one per labelled ratio, each with its value written
    beside it.

    ``highlight`` names a bar to draw in red; ``reference`` draws a dashed
    line there; ``log`` puts the ratios on a log axis (for spreads of many
    orders of magnitude).
    """
    checks.mapping(ratios, "ratio_bars", "ratios", "label: ratio")
    for label, ratio in ratios.items():
        checks.real(ratio, "ratio_bars", f"ratios[{label!r}]")
    fig, (ax,) = _figure(7.0, 0.45 * len(ratios) + 1.3)
    labels = list(ratios)
    colors = ["C3" if label == highlight else "C0" for label in labels]
    bars = ax.barh(
        [t(label) for label in labels],
        [ratios[label] for label in labels],
        color=colors,
    )
    ax.bar_label(
        bars,
        fmt="%.3g",
        padding=3,
        fontsize=9,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
    )
    if reference is not None:
        ax.axvline(reference, color="0.3", linestyle="--", linewidth=1)
    if log:
        ax.set_xscale("log")
    else:  # room for the value labels beside the longest bar
        ax.set_xlim(0, 1.15 * max([*ratios.values(), reference or 0.0]))
    ax.invert_yaxis()
    ax.set_xlabel(t(xlabel))
    ax.set_title(t(title))
    ax.grid(alpha=0.3, axis="x")
    return fig


def gradient_map(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    point: tuple[float, float],
    gradient: tuple[float, float],
    box: tuple[float, float, float, float],
    histories: Mapping[str, SearchHistory] | None = None,
    levels: list[float] | None = None,
    arrow_length: float | None = None,
    title: str = "The gradient points uphill",
) -> Figure:
    """Contour lines of ``f(x, y)`` on equal axes, and the gradient at
    ``point`` drawn as an arrow.

    Equal axes keep right angles right: the arrow crosses the contour line
    through ``point`` at a right angle.  The arrow has its true length, or
    ``arrow_length`` if given (then it shows only the direction).
    ``histories`` adds the path of each search's best point.
    """
    who = "gradient_map"
    checks.callable_(f, who)
    point = checks.point(point, who, "point")
    gradient = checks.point(gradient, who, "gradient")
    checks.same_shape(point, (2,), who, "point", "an (x, y) pair")
    checks.same_shape(gradient, (2,), who, "gradient", "point")
    box = checks.point(box, who, "box")
    checks.same_shape(box, (4,), who, "box", "(x0, x1, y0, y1)")
    fig, (ax,) = _figure(5.6, 5.0)
    xs, ys = np.meshgrid(
        np.linspace(box[0], box[1], 200), np.linspace(box[2], box[3], 200)
    )
    contours = ax.contour(
        xs,
        ys,
        f(xs, ys),
        levels=levels,
        colors="0.55",
        linewidths=0.9,
        linestyles="solid",
    )
    ax.clabel(contours, fontsize=9, fmt="%g")
    for label, history in (histories or {}).items():
        path = np.vstack([history.start, history.best_points])
        ax.plot(path[:, 0], path[:, 1], label=t(label), linewidth=1.8)
    gx, gy = gradient
    arrow, name = gradient, t("gradient ({gx:g}, {gy:g})", gx=gx, gy=gy)
    if arrow_length is not None:
        arrow = gradient * (arrow_length / np.linalg.norm(gradient))
        name = t("direction of the gradient ({gx:g}, {gy:g})", gx=gx, gy=gy)
    ax.annotate(
        "",
        xy=tuple(point + arrow),
        xytext=tuple(point),
        arrowprops={
            "arrowstyle": "-|>",
            "color": "C3",
            "linewidth": 2,
            "mutation_scale": 18,
        },
    )
    ax.plot([], [], color="C3", linewidth=2, label=name)
    ax.plot(*point, "ks", markersize=6, label=t("start"))
    ax.set_aspect("equal")
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(t(title))
    ax.legend(fontsize=9, loc="best")
    return fig


def gradient_per_call(
    reported: Mapping[str, list[float]],
    title: str = "The gradient each call reports",
) -> Figure:
    """Grouped bars: what each engine reports as the gradient after call
    1, 2, 3, ... of the same computation, with each value written on its
    bar."""
    who = "gradient_per_call"
    checks.mapping(reported, who, "reported", "label: gradients")
    reported = {
        label: np.atleast_1d(checks.as_number(v, who, f"reported[{label!r}]"))
        for label, v in reported.items()
    }
    fig, (ax,) = _figure(6.4, 3.8)
    calls = max(len(values) for values in reported.values())
    width = 0.8 / len(reported)
    for k, (label, values) in enumerate(reported.items()):
        shift = (k - (len(reported) - 1) / 2) * width
        spots = np.arange(1, len(values) + 1) + shift
        bars = ax.bar(spots, values, width=width, label=t(label))
        ax.bar_label(bars, fmt="%g", fontsize=9)
    ax.set_xticks(np.arange(1, calls + 1))
    ax.set_xlabel(t("call number"))
    ax.set_ylabel(t("gradient reported"))
    ax.set_title(t(title))
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3, axis="y")
    return fig


def jacobian_passes(
    jacobian: np.ndarray,
    column: int,
    row: int,
    inputs: list[str],
    outputs: list[str],
    title: str = "One pass, one column or one row of the Jacobian",
) -> Figure:
    """The Jacobian ``J[i, j] = d output_i / d input_j`` as a table, with
    the ``column`` one forward pass gives (a JVP) and the ``row`` one
    reverse pass gives (a VJP) outlined."""
    who = "jacobian_passes"
    jacobian = checks.as_number(jacobian, who, "jacobian")
    if jacobian.ndim != 2:
        got = f"shape {jacobian.shape}"
        raise ValueError(f"{who}: jacobian must be a table (2-D), got {got}")
    m, n = jacobian.shape
    column = checks.whole(column, who, "column", maximum=n - 1)
    row = checks.whole(row, who, "row", maximum=m - 1)
    if len(inputs) != n or len(outputs) != m:
        names = f"{len(inputs)} inputs and {len(outputs)} outputs"
        raise ValueError(f"{who}: jacobian of shape {(m, n)} needs {names}")
    fig, (ax,) = _figure(1.4 * n + 3.0, 0.7 * m + 2.2)
    ax.imshow(np.zeros((m, n)), cmap="Greys", vmin=0, vmax=1)
    for i in range(m):
        for j in range(n):
            ax.text(
                j,
                i,
                _number_text(jacobian[i, j], "g"),
                fontsize=11,
                ha="center",
                va="center",
            )
    ax.add_patch(
        Rectangle(
            (column - 0.45, -0.45),
            0.9,
            m - 0.1,
            fill=False,
            edgecolor="C0",
            linewidth=2.5,
            label=t("one forward pass (a JVP): a column"),
        )
    )
    ax.add_patch(
        Rectangle(
            (-0.42, row - 0.42),
            n - 0.16,
            0.84,
            fill=False,
            edgecolor="C3",
            linewidth=2.5,
            linestyle="--",
            label=t("one reverse pass (a VJP): a row"),
        )
    )
    ax.set_xticks(range(n), [f"d/d{name}" for name in inputs], fontsize=10)
    ax.set_yticks(range(m), outputs, fontsize=10)
    ax.set_xlabel(t("input (one column each)"))
    ax.set_ylabel(t("output (one row each)"))
    fig.legend(loc="outside lower center", fontsize=9)
    ax.set_title(t(title))
    return fig


def cost_fit(
    ns: list[int],
    timings: Mapping[str, list[float]],
    title: str,
) -> Figure:
    """Measured cost against ``n`` on log-log axes, with the least-squares
    line through all the points of each method; the legend gives its
    slope (the power of ``n`` the cost grows like)."""
    ns = checks.as_number(ns, "cost_fit", "ns")
    checks.mapping(timings, "cost_fit", "timings", "label: seconds")
    for label, seconds in timings.items():
        name = f"timings[{label!r}]"
        seconds = checks.as_number(seconds, "cost_fit", name)
        checks.same_shape(seconds, np.shape(ns), "cost_fit", name, "ns")
    fig, (ax,) = _figure(6.0, 4.0)
    log_n = np.log(np.asarray(ns, dtype=float))
    for k, (label, seconds) in enumerate(timings.items()):
        slope, intercept = np.polyfit(log_n, np.log(seconds), 1)
        ax.loglog(ns, seconds, "o", color=f"C{k}", label=t(label))
        ax.loglog(
            ns,
            np.exp(intercept + slope * log_n),
            "-",
            color=f"C{k}",
            alpha=0.6,
            label=t("fitted line, slope {slope:.1f}", slope=slope),
        )
    ax.set_xlabel(t("number of inputs n"))
    ax.set_ylabel(t("seconds per gradient"))
    ax.set_title(t(title))
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9)
    return fig


# Live figures: one figure a live panel keeps and changes in place.


class LiveFigure:
    """A figure that a live panel keeps, and the function that changes it.

    ``update(...)`` changes the figure's *animated* artists (the lines,
    bars and numbers that move) and returns True when anything else changed
    as well (axis limits, contour lines, or a new ``figure``): then the still
    parts must be drawn again too.
    """

    def __init__(self, figure: Figure, update: Callable[..., bool]) -> None:
        self.figure = figure
        self.update = update


def steady_limits(
    limits: tuple[float, float] | None,
    low: float,
    high: float,
    pad: float = 0.3,
) -> tuple[float, float]:
    """Axis limits for data from ``low`` to ``high`` that keep still while
    the data move a little: ``limits`` again if the data fit inside them
    and fill at least a quarter of them, else new limits with ``pad`` times
    the data's range on each side."""
    low = checks.real(low, "steady_limits", "low")
    high = checks.real(high, "steady_limits", "high")
    if limits is not None:
        start, end = limits
        if start <= low and high <= end and high - low >= (end - start) / 4:
            return limits
    margin = pad * max(high - low, 1e-3)
    return (low - margin, high + margin)


def _moving(artist: Artist) -> Artist:
    """``artist``, marked as one that a live figure redraws on each
    update."""
    artist.set_animated(True)
    return artist


def search_overview_live(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> LiveFigure:
    """:func:`search_overview` of one search, as a live figure.

    ``update(history, title)`` moves the lines; the axes move only when the
    new search no longer fits them well (:func:`steady_limits`), and the
    contour lines of ``f`` are drawn again only then.
    """
    checks.callable_(f, "search_overview_live")
    fig, (left, right) = _figure(9.0, 3.6, ncols=2)
    (progress,) = left.plot([], [])
    left.set_xlabel(t("iteration"))
    left.set_ylabel(t("best output so far"))
    left.grid(alpha=0.3)
    left.set_title(t("best output against iteration"))
    (path,) = right.plot([], [], linewidth=1.5)
    (end,) = right.plot([], [], "o", color=path.get_color(), markersize=5)
    (start,) = right.plot([], [], "ks", markersize=6, label=t("start"))
    (reached,) = right.plot(
        [], [], "o", color="0.3", markersize=5, label=t("best point reached")
    )
    right.legend(handles=[start, reached], fontsize=8, loc="upper right")
    right.set_xlabel("x")
    right.set_ylabel("y")
    right.set_title(t("path of the best point over contours of f"))
    title = fig.suptitle(" ")
    for artist in (progress, path, end, start, title):
        _moving(artist)
    drawn: dict[str, object] = {"limits": None, "box": None, "contours": None}

    def update(history: SearchHistory, heading: str) -> bool:
        checks.instance(
            history, SearchHistory, "search_overview_live", "history"
        )
        outputs = np.concatenate(
            [[history.start_output], history.best_outputs]
        )
        progress.set_data(np.arange(len(outputs)), outputs)
        points = np.vstack([history.start, history.best_points])
        path.set_data(points[:, 0], points[:, 1])
        end.set_data([points[-1, 0]], [points[-1, 1]])
        start.set_data([history.start[0]], [history.start[1]])
        title.set_text(heading)
        limits = (
            (0.0, max(history.iterations, 1)),
            steady_limits(
                drawn["limits"] and drawn["limits"][1],
                outputs.min(),
                outputs.max(),
            ),
        )
        middle = (points.min(axis=0) + points.max(axis=0)) / 2
        half = np.ptp(points, axis=0).max() / 2  # both axes alike
        old = drawn["box"]
        box = steady_limits(
            old and old[:2], middle[0] - half, middle[0] + half, pad=0.5
        ) + steady_limits(
            old and old[2:], middle[1] - half, middle[1] + half, pad=0.5
        )
        if (limits, box) == (drawn["limits"], old):
            return False
        left.set_xlim(*limits[0])
        left.set_ylim(*limits[1])
        if box != old:
            if drawn["contours"] is not None:
                drawn["contours"].remove()
            xs, ys = np.meshgrid(
                np.linspace(box[0], box[1], 120),
                np.linspace(box[2], box[3], 120),
            )
            drawn["contours"] = right.contour(
                xs, ys, f(xs, ys), levels=12, colors="0.6", linewidths=0.8
            )
            right.clabel(drawn["contours"], fontsize=7, fmt="%.2f")
            right.set_xlim(box[0], box[1])
            right.set_ylim(box[2], box[3])
        drawn["limits"], drawn["box"] = limits, box
        return True

    return LiveFigure(fig, update)


def derivative_panel_live(names: tuple[str, ...]) -> LiveFigure:
    """:func:`derivative_panel` as a live figure, for the inputs ``names``.

    ``update(xs, ys, x0, y0, partials, wrt, title)`` moves the curve, the
    tangent and the bars; the axes move only when the curve's range, the
    input ``wrt`` or the partials' range (:func:`steady_limits`) change.
    """
    checks.instance(names, tuple, "derivative_panel_live", "names")
    fig, (left, right) = _figure(9.0, 3.6, ncols=2)
    (curve,) = left.plot([], [], label=t("neuron output"))
    (tangent,) = left.plot([], [], "--", color="C3", label=t("tangent"))
    (point,) = left.plot([], [], "o", color="C3")
    left.set_ylabel(t("neuron output"))
    left.set_ylim(-0.05, 1.05)
    left.grid(alpha=0.3)
    left.legend(loc="upper left", fontsize=8)
    left_title = left.set_title(" ")
    bars = right.bar([f"∂/∂{n}" for n in names], np.zeros(len(names)))
    right.axhline(0, color="0.3", linewidth=0.8)
    right.set_ylabel(t("partial derivative"))
    right.set_title(t("all five partial derivatives"))
    title = fig.suptitle(" ")
    for artist in (curve, tangent, point, left_title, title, *bars):
        _moving(artist)
    drawn: dict[str, object] = {"axes": None, "labels": []}

    def update(
        xs: np.ndarray,
        ys: np.ndarray,
        x0: float,
        y0: float,
        partials: list[float],
        wrt: str,
        heading: str,
    ) -> bool:
        xs, ys = _curve(xs, ys, "derivative_panel_live")
        checks.one_of(wrt, names, "derivative_panel_live", "wrt")
        slope = partials[names.index(wrt)]
        curve.set_data(xs, ys)
        half = 0.25 * (xs[-1] - xs[0])
        line_x = np.array([x0 - half, x0 + half])
        tangent.set_data(line_x, y0 + slope * (line_x - x0))
        point.set_data([x0], [y0])
        left_title.set_text(
            t(
                "output against {wrt}, tangent at {wrt} = {x0:g}",
                wrt=wrt,
                x0=x0,
            )
        )
        title.set_text(heading)
        for bar, name, height in zip(bars, names, partials, strict=True):
            bar.set_height(height)
            bar.set_color("C3" if name == wrt else "C0")
        for label in drawn["labels"]:
            label.remove()
        drawn["labels"] = [
            _moving(label)
            for label in right.bar_label(
                bars, labels=[f"{p:.4f}" for p in partials], fontsize=8
            )
        ]
        old = drawn["axes"]
        low, high = min(min(partials), 0.0), max(max(partials), 0.0)
        axes = (
            (float(xs[0]), float(xs[-1])),
            wrt,
            steady_limits(old and old[2], low, high),
        )
        if axes == old:
            return False
        left.set_xlim(*axes[0])
        left.set_xlabel(t("input {name}", name=wrt))
        right.set_ylim(*axes[2])
        drawn["axes"] = axes
        return True

    return LiveFigure(fig, update)


def computation_graph_live() -> LiveFigure:
    """:func:`computation_graph` as a live figure.

    ``update(nodes, cotangents, names, title)`` draws the graph with
    :func:`computation_graph`; while the graph keeps its shape (the same
    nodes in the same places) only its numbers change in the kept figure,
    otherwise the new figure replaces it.  A number becomes animated the
    first time it changes (the still parts are drawn again then, without
    it); the numbers a slider never changes stay in the kept picture.
    """
    live = LiveFigure(Figure(), lambda *args: True)
    drawn: dict[str, object] = {"shape": None}

    def update(
        nodes: list[Node],
        cotangents: list[object],
        names: dict[int, str],
        heading: str,
    ) -> bool:
        new = computation_graph(nodes, cotangents, names, title=heading)
        (ax,) = new.axes
        # Where each text sits, in what colour: the graph's shape.
        shape = [(t.get_position(), t.get_color()) for t in ax.texts]
        if shape != drawn["shape"]:
            _moving(ax.title)
            live.figure, drawn["shape"] = new, shape
            return True
        (kept,) = live.figure.axes
        kept.title.set_text(heading)
        first_change = False
        for old, text in zip(kept.texts, ax.texts, strict=True):
            if old.get_text() != text.get_text():
                old.set_text(text.get_text())
                first_change = first_change or not old.get_animated()
                _moving(old)
        return first_change

    live.update = update
    return live


def training_overview_live(x: np.ndarray, labels: np.ndarray) -> LiveFigure:
    """:func:`training_overview` as a live figure, for the points ``x`` and
    their ``labels``.

    ``update(predict, losses, title)`` draws the new decision regions (as an
    image of 80 x 80 cells) and loss curve; the loss axes move only when the
    curve no longer fits them well (:func:`steady_limits`).
    """
    # len stands in for the network, which is only known at each update
    x, labels = _points(len, x, labels, "training_overview_live")
    fig, (left, right) = _figure(9.0, 3.8, ncols=2)
    (x0, y0), (x1, y1) = x.min(axis=0) - 0.3, x.max(axis=0) + 0.3
    gx, gy = np.meshgrid(np.linspace(x0, x1, 80), np.linspace(y0, y1, 80))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    regions = left.imshow(
        np.zeros(gx.shape),
        extent=(x0, x1, y0, y1),
        origin="lower",
        aspect="auto",
        interpolation="nearest",
        cmap="tab10",
        vmin=0,
        vmax=9,
        alpha=0.25,
    )
    # drawn over the regions on every update, so they stay on top
    points = [
        left.scatter(
            x[labels == k, 0],
            x[labels == k, 1],
            s=10,
            color=f"C{k}",
            label=t("class {k}", k=k),
            edgecolors="none",
        )
        for k in range(int(labels.max()) + 1)
    ]
    left.set_xlabel("x₁")
    left.set_ylabel("x₂")
    left.set_title(t("what the network predicts"))
    left.legend(fontsize=9, loc="upper right")
    (curve,) = right.plot([], [], label=t("training loss"))
    right.set_xlabel(t("gradient steps"))
    right.set_ylabel(t("loss"))
    right.set_title(t("cross-entropy loss"))
    right.grid(alpha=0.3)
    right.legend()
    title = fig.suptitle(" ")
    for artist in (regions, *points, curve, title):
        _moving(artist)
    drawn: dict[str, object] = {"limits": None}

    def update(
        predict: Callable[[np.ndarray], np.ndarray],
        losses: list[float],
        heading: str,
    ) -> bool:
        checks.callable_(predict, "training_overview_live", "predict")
        losses = np.atleast_1d(
            checks.as_number(losses, "training_overview_live", "losses")
        )
        regions.set_data(predict(grid).reshape(gx.shape))
        curve.set_data(np.arange(1, len(losses) + 1), losses)
        title.set_text(heading)
        _, top = steady_limits(
            drawn["limits"] and drawn["limits"][1], 0.0, float(losses.max())
        )
        limits = ((0.0, float(len(losses))), (0.0, top))
        if limits == drawn["limits"]:
            return False
        right.set_xlim(*limits[0])
        right.set_ylim(*limits[1])
        drawn["limits"] = limits
        return True

    return LiveFigure(fig, update)
