"""The computational graph a :class:`gradbook.backprop.Tape` recorded: each
node with its value and cotangent, each edge with its local derivative."""

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path
from matplotlib.text import Text

from gradbook import checks
from gradbook.backprop import Node
from gradbook.i18n import tr
from gradbook.plots.base import new_figure, number_text, static

# How a reader writes each operation that uses a constant ({c}).  "c-",
# "c/" and "c**" are the reflected operations, the constant on the left.
OP_LABELS = {"+": "+", "-": "−", "c-": "{c} −", "*": "×", "/": "÷"}
OP_LABELS |= {"c/": "{c} ÷ ·", "neg": "neg", "**": "**", "c**": "{c} **"}

# A graph is about 12 inches wide, shown in a column about 7 inches wide:
# its text is set larger than other figures' so that it reads at the
# same size.
GRAPH_TEXT, GRAPH_SMALL = 11, 10


def op_label(op: str, constant: object) -> str:
    """A tape operation as a reader would write it: ``"+ 1"``, ``"1 ÷ ·"``,
    ``"exp"``."""
    label = OP_LABELS.get(checks.text(op, "op_label", "op"), op)
    if constant is None or not isinstance(constant, (int, float)):
        return label
    c = number_text(constant, "g")
    return label.format(c=c) if "{c}" in label else f"{label} {c}"


def _edge_text(local: object) -> str:
    """The label of an edge: ``×k`` for a number, what it is otherwise."""
    if callable(local):
        return tr("rule")  # a vector-Jacobian product, as for @ and sum
    if np.ndim(local) == 0:
        return "×" + number_text(local, ".3g")
    return tr("×array")


def _layout(nodes: list[Node]) -> dict[int, tuple[float, float]]:
    """Columns by depth from the inputs; rows in order, inputs beside their
    first use."""
    depth: dict[int, int] = {}
    first_use: dict[int, int] = {}
    for i, node in enumerate(nodes):
        depth[i] = 1 + max((depth[j] for j, _ in node.inputs), default=-1)
        for j, _ in node.inputs:
            first_use.setdefault(j, i)
    columns: dict[int, list[int]] = {}
    for i in sorted(
        depth,
        key=lambda i: (first_use.get(i, i), i) if depth[i] == 0 else (0, i),
    ):
        columns.setdefault(depth[i], []).append(i)
    return {
        i: (float(d), (len(members) - 1) / 2 - row)
        for d, members in columns.items()
        for row, i in enumerate(members)
    }


def _edges(
    nodes: list[Node], position: Mapping[int, tuple[float, float]]
) -> list[tuple[int, int, object, float]]:
    """Every edge as ``(from, to, local, bend)``: one that skips a column
    bends away from the middle row, not to run through the nodes between
    its ends; a value used twice by one operation (``x * x``) bends apart."""
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


def _check(nodes: object, cotangents: object, names: object, who: str):
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


def graph_shape(nodes: list[Node], cotangents: list[object]) -> tuple:
    """What fixes where a graph's boxes, arrows and words go: two graphs of
    one shape differ only in their words."""
    structure = tuple((n.op, tuple(j for j, _ in n.inputs)) for n in nodes)
    return structure, tuple(g is not None for g in cotangents)


def graph_words(
    nodes: list[Node], cotangents: list[object], names: Mapping[int, str]
) -> list[str]:
    """The words of a graph that hold numbers, in the order
    :func:`draw_graph` returns their texts: each edge's local derivative,
    then each node's value and its cotangent."""
    _check(nodes, cotangents, names, "graph_words")
    used = [i for i, g in enumerate(cotangents) if g is not None]
    words = [_edge_text(d) for i in used for _, d in nodes[i].inputs]
    for i, node in enumerate(nodes):
        label = names.get(i, op_label(node.op, node.constant))
        words.append(f"{label}\n= {number_text(node.value)}")
        if cotangents[i] is not None:
            words.append(tr("grad {value}", value=number_text(cotangents[i])))
    return words


def draw_graph(
    nodes: list[Node], cotangents: list[object], names: Mapping[int, str]
) -> tuple[Figure, list[Text]]:
    """A recorded graph drawn on a new figure, and the texts of
    :func:`graph_words`, in its order.  An edge into a node that reaches the
    output carries the local derivative the backward pass multiplies by;
    the nodes that do not reach it are grey."""
    words = iter(graph_words(nodes, cotangents, names))
    used = [g is not None for g in cotangents]
    position = _layout(nodes)
    width = max(x for x, _ in position.values()) + 1
    height = max(
        len([p for p in position.values() if p[0] == d])
        for d in range(int(width))
    )
    fig, (ax,) = new_figure(1.3 * width + 0.6, 1.05 * height + 1.8)
    # The words with numbers go over every arrow, and out of the layout: a
    # live figure draws those that change after everything else.
    texts, numbers = [], {"zorder": 4, "in_layout": False, "ha": "center"}
    small = {"fontsize": GRAPH_SMALL, **numbers}
    red = {"va": "top", "color": "C3", **small}
    low, high = -height / 2 - 0.75, height / 2 + 0.55
    for j, i, _, bend in _edges(nodes, position):
        color = "0.45" if used[i] else "0.8"
        (x0, y0), (x1, y1) = position[j], position[i]
        if bend == 0:
            arrow = {"arrowstyle": "->", "color": color}
            arrow |= {"shrinkA": 24, "shrinkB": 24}
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops=arrow)
            # above the boxes, so that a long label never covers one
            mid = ((x0 + x1) / 2, (y0 + y1) / 2 + 0.27)
        else:
            mid = _curved_edge(ax, (x0, y0), (x1, y1), bend, color)
            low, high = min(low, mid[1] - 0.5), max(high, mid[1] + 0.25)
        if used[i]:
            box = {"boxstyle": "square,pad=0.05", "fc": "white", "lw": 0}
            label = next(words)
            style = {"va": "center", "color": "0.3", "bbox": box, **small}
            texts.append(ax.text(*mid, label, **style))
    for i, node in enumerate(nodes):
        x, y = position[i]
        face = "#eef3fa" if node.op == "input" else "white"
        box = {"boxstyle": "round,pad=0.35", "facecolor": face, "ec": "0.5"}
        color = "black" if used[i] else "0.6"
        style = {"va": "center", "fontsize": GRAPH_TEXT, "bbox": box}
        texts.append(
            ax.text(x, y, next(words), color=color, **style, **numbers)
        )
        if used[i]:
            texts.append(ax.text(x, y - 0.34, next(words), **red))
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(low, high)
    ax.axis("off")
    legend = tr(
        "black: the node's value    red: d(output)/d(node)\n"
        "×k on an arrow: the local derivative"
    )
    style = {"fontsize": GRAPH_SMALL, "color": "0.3", "va": "top"}
    ax.text(0.0, -0.02, legend, transform=ax.transAxes, **style)
    return fig, texts


@static
def computation_graph(
    nodes: list[Node],
    cotangents: list[object],
    names: dict[int, str],
    title: str | None = None,
) -> Figure:
    """A recorded graph, each node with its value (black) and gradient
    (red): ``nodes`` are a Tape's, ``cotangents`` what its ``backward``
    returned, ``names`` labels nodes by index (inputs, sigma, ...)."""
    _check(nodes, cotangents, names, "computation_graph")
    fig, _ = draw_graph(nodes, cotangents, names)
    title = title or tr("The neuron's computational graph")
    fig.axes[0].set_title(title, fontsize=GRAPH_TEXT)
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
    arrow = {"arrowstyle": "->", "mutation_scale": 10, "color": color}
    ax.add_patch(FancyArrowPatch(path=path, **arrow))
    return tuple((a + 2 * control + b) / 4)
