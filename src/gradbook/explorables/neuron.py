"""Chapter 2: the neuron's output against one argument with its tangent
(forward mode gives the slope), and all five partial derivatives."""

import numpy as np

from gradbook import checks
from gradbook.article import POINT
from gradbook.circuits import NEURON_INPUTS, neuron
from gradbook.dual import gradient
from gradbook.explorables.base import Control, Data, LiveFigure, Scrubber
from gradbook.i18n import tr
from gradbook.plots.derivatives import Tangent

# A slider for each of the neuron's five arguments, at the article's point.
NEURON_CONTROLS = tuple(
    Control(name, name, value, -5.0, 5.0, 0.1)
    for name, value in zip(NEURON_INPUTS, POINT, strict=True)
)
CONTROLS = (
    *NEURON_CONTROLS,
    Control("wrt", tr("tangent along"), "x", choices=NEURON_INPUTS),
)
X_VALUES = tuple(k / 2 for k in range(-8, 9))  # -4 to 4, every 0.5
SCRUBBER = Scrubber("x", X_VALUES)
RESULT = tr("output {value:.4f}")
ALT = tr(
    "Left: the neuron's output against {wrt}, an S-shaped curve, with its "
    "tangent line at {wrt} = {along:g}, slope {slope:.4f}. Right: bars of "
    "the five partial derivatives at that point."
)


def neuron_point(values: tuple, who: str) -> dict[str, float]:
    """The neuron's five arguments by name, each a finite number."""
    pairs = zip(NEURON_INPUTS, values, strict=True)
    return {name: checks.real(value, who, name) for name, value in pairs}


def compute(a: float, b: float, c: float, x: float, y: float, wrt: str):
    """The output along ``wrt`` (one forward pass over 201 values, numpy
    arrays) and the five partials (five forward passes of dual numbers)."""
    point = neuron_point((a, b, c, x, y), "neuron.compute")
    checks.one_of(wrt, NEURON_INPUTS, "neuron.compute", "wrt")
    along = point[wrt]
    # -6 to 6, or wider to reach the point: the axes keep still
    xs = np.linspace(min(-6.0, along - 1), max(6.0, along + 1), 201)
    ys = neuron([xs if name == wrt else v for name, v in point.items()])
    data = Data(**point, wrt=wrt, along=along, xs=xs, ys=ys)
    data.value = neuron(list(point.values()))
    data.partials = gradient(neuron, list(point.values()))
    data.slope = data.partials[NEURON_INPUTS.index(wrt)]
    return data


class Figure(LiveFigure):
    def __init__(self) -> None:
        super().__init__(9.0, 3.9, ncols=2)
        left, right = self.axes
        self.tangent, self.left_title = Tangent(left), left.set_title(" ")
        names = [f"∂/∂{n}" for n in NEURON_INPUTS]
        self.bars = right.bar(names, np.zeros(len(names)))
        right.axhline(0, color="0.3", linewidth=0.8)
        right.set_ylabel(tr("partial derivative"))
        right.set_title(tr("all five partial derivatives"))
        for artist in (*self.tangent.artists, self.left_title, *self.bars):
            self.moving(artist)
        self.labels, self.wrt = [], ""

    def update(self, data: Data) -> None:
        left, right = self.axes
        self.tangent.show(
            data.xs, data.ys, data.along, data.value, data.slope, data.wrt
        )
        left_title = tr("output against {wrt}, tangent at {wrt} = {x0:g}")
        self.left_title.set_text(
            left_title.format(wrt=data.wrt, x0=data.along)
        )
        self.show_title(CONTROLS, data, RESULT)
        chosen = NEURON_INPUTS.index(data.wrt)
        for k, bar in enumerate(self.bars):
            bar.set_height(data.partials[k])
            bar.set_color("C3" if k == chosen else "C0")
        for label in self.labels:
            label.remove()
        texts = [f"{p:.4f}" for p in data.partials]
        labels = right.bar_label(self.bars, texts, fontsize=8)
        self.labels = [self.moving(label) for label in labels]
        if data.wrt != self.wrt:  # the x label changed
            self.wrt, self.redraw = data.wrt, True
        self.steady(left, "x", data.xs[0], data.xs[-1], pad=0)
        low, high = min(*data.partials, 0.0), max(*data.partials, 0.0)
        self.steady(right, "y", low, high)
