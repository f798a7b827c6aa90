"""Chapter 3: the neuron's recorded graph, each node's value and
cotangent after one backward pass."""

from gradbook import checks
from gradbook.backprop import Node, Tape
from gradbook.circuits import NEURON_INPUTS, neuron
from gradbook.explorables.base import Data, LiveFigure, Scrubber
from gradbook.explorables.neuron import NEURON_CONTROLS, X_VALUES, neuron_point
from gradbook.i18n import tr
from gradbook.plots.graph import (
    GRAPH_TEXT,
    draw_graph,
    graph_shape,
    graph_words,
)

CONTROLS = NEURON_CONTROLS
SCRUBBER = Scrubber("x", X_VALUES)
RESULT = tr("output {value:.4f}; gradient [a, b, c, x, y] = [{grads}]")
ALT = tr(
    "The neuron's computational graph at x = {x:g}: the inputs on the "
    "left, the output sigma on the right, each node with its value and "
    "its cotangent (grad). The output is {value:.4f}."
)


def neuron_names(nodes: list[Node], inputs: list[int]) -> dict[int, str]:
    """Names for the nodes of a recorded neuron, as chapter 3's text reads
    them: the inputs, ``z = a·x + b·y + c``, ``e⁻ᶻ``, ``1 + e⁻ᶻ`` and sigma.

    ``sigmoid`` computes ``exp(-z)`` for ``z >= 0`` and ``exp(z)`` for
    ``z < 0``; the names say which.  ``inputs`` holds the indices of the
    input nodes ``a, b, c, x, y``.
    """
    who = "neuron_names"
    if not isinstance(nodes, list) or not all(
        isinstance(node, Node) for node in nodes
    ):
        got = checks.describe(nodes)
        raise TypeError(f"{who}: nodes must be a Tape's nodes, got {got}")
    if len(inputs) != len(NEURON_INPUTS):
        raise ValueError(
            f"{who}: inputs must hold 5 indices, got {len(inputs)}"
        )
    names = dict(zip(inputs, NEURON_INPUTS, strict=True))
    for i, node in enumerate(nodes):
        if node.op == "neg":
            ((z, _),) = node.inputs
            names[z], names[i] = "z", "−z"
        if node.op == "exp":
            ((j, _),) = node.inputs
            names[i] = "e⁻ᶻ" if nodes[j].op == "neg" else "eᶻ"
        if node.op == "+" and node.constant == 1 and i - 1 in names:
            names[i] = f"1 + {names[i - 1]}"
    names[len(nodes) - 1] = "\u03c3"  # sigma
    return names


def compute(a: float, b: float, c: float, x: float, y: float) -> Data:
    """Record the neuron at ``(a, b, c, x, y)`` and run the backward pass."""
    point = neuron_point((a, b, c, x, y), "neuron_graph.compute")
    tape = Tape()
    inputs = [tape.var(p) for p in point.values()]
    cotangents = tape.backward(neuron(inputs))
    names = neuron_names(tape.nodes, [v.index for v in inputs])
    grads = ", ".join(f"{cotangents[v.index]:.4f}" for v in inputs)
    value = tape.nodes[-1].value
    return Data(
        **point,
        nodes=tape.nodes,
        cotangents=cotangents,
        names=names,
        value=value,
        grads=grads,
    )


class Figure(LiveFigure):
    """The graph of :func:`gradbook.plots.computation_graph`.  While the
    graph keeps its shape (the same nodes in the same places) only its
    numbers change; a number becomes moving the first time it changes.  A
    new shape (the sigmoid's other branch) draws a new figure, kept."""

    def __init__(self) -> None:
        super().__init__(1.0, 1.0)  # replaced by the first graph drawn
        self.shape, self.texts = (), []
        self.graphs: dict[tuple, tuple] = {}  # shape: figure, texts, title

    def update(self, data: Data) -> None:
        parts = (data.nodes, data.cotangents, data.names)
        shape = graph_shape(data.nodes, data.cotangents)
        if shape != self.shape:
            if shape not in self.graphs:
                figure, texts = draw_graph(*parts)
                title = figure.axes[0].set_title(" ", fontsize=GRAPH_TEXT)
                self.graphs[shape] = figure, texts, self.moving(title)
            figure, self.texts, self.title = self.graphs[shape]
            self.shape = shape
            self.show(figure)
        for text, word in zip(self.texts, graph_words(*parts), strict=True):
            if text.get_text() != word:
                text.set_text(word)
                self.redraw = self.redraw or not text.get_animated()
                self.moving(text)
        self.show_title(CONTROLS, data, RESULT)
