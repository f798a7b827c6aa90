"""Chapter 2: the neuron ``sigmoid(a*x + b*y + c)`` and its derivatives.

Left, the output against one input with its tangent line (forward mode
gives the slope); right, all five partial derivatives.  The scrubber
moves ``x`` from -4 to 4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradbook import checks
from gradbook.article import POINT
from gradbook.circuits import NEURON_INPUTS, neuron
from gradbook.dual import gradient
from gradbook.explorables.base import (
    Control,
    Explorable,
    LiveFigure,
    Scrubber,
)
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
# x from -4 to 4, every 0.5
X_VALUES = tuple(k / 2 for k in range(-8, 9))
RESULT = tr("output {value:.4f}")
ALT = tr(
    "Left: the neuron's output against {wrt}, an S-shaped curve, with its "
    "tangent line at {wrt} = {along:g}, slope {slope:.4f}. Right: bars of "
    "the five partial derivatives at that point."
)


def neuron_arguments(values: tuple[object, ...], who: str) -> list[float]:
    """The neuron's five arguments ``a, b, c, x, y``, each a finite
    number."""
    pairs = zip(values, NEURON_INPUTS, strict=True)
    return [checks.real(value, who, name) for value, name in pairs]


@dataclass(frozen=True)
class Slope:
    """The neuron at one point, along one of its arguments."""

    a: float
    b: float
    c: float
    x: float
    y: float
    wrt: str
    xs: np.ndarray  # values of the argument wrt, around its value
    ys: np.ndarray  # the neuron's output at each
    value: float
    partials: tuple[float, ...]

    @property
    def along(self) -> float:
        return getattr(self, self.wrt)

    @property
    def slope(self) -> float:
        return self.partials[NEURON_INPUTS.index(self.wrt)]


def compute(
    a: float, b: float, c: float, x: float, y: float, wrt: str
) -> Slope:
    """The output along ``wrt`` (one forward pass over 201 values, as numpy
    arrays) and the five partials (five forward passes of dual numbers)."""
    point = neuron_arguments((a, b, c, x, y), "neuron.compute")
    checks.one_of(wrt, NEURON_INPUTS, "neuron.compute", "wrt")
    i = NEURON_INPUTS.index(wrt)
    # -6 to 6, or wider to reach the point: the axes keep still
    along = list(point)
    along[i] = np.linspace(
        min(-6.0, point[i] - 1), max(6.0, point[i] + 1), 201
    )
    partials = tuple(gradient(neuron, point))
    return Slope(*point, wrt, along[i], neuron(along), neuron(point), partials)


class SlopeFigure(LiveFigure):
    def __init__(self) -> None:
        super().__init__(9.0, 3.9, ncols=2)
        left, right = self.axes
        self.tangent = Tangent(left)
        self.left_title = left.set_title(" ")
        self.bars = right.bar(
            [f"∂/∂{n}" for n in NEURON_INPUTS], np.zeros(len(NEURON_INPUTS))
        )
        right.axhline(0, color="0.3", linewidth=0.8)
        right.set_ylabel(tr("partial derivative"))
        right.set_title(tr("all five partial derivatives"))
        tangent = self.tangent
        for artist in (
            tangent.curve,
            tangent.line,
            tangent.point,
            tangent.legend,
            self.left_title,
            *self.bars,
        ):
            self.moving(artist)
        self.labels: list = []
        self.wrt = ""

    def update(self, data: Slope) -> None:
        left, right = self.axes
        self.tangent.show(
            data.xs, data.ys, data.along, data.value, data.slope, data.wrt
        )
        self.left_title.set_text(
            tr(
                "output against {wrt}, tangent at {wrt} = {x0:g}",
                wrt=data.wrt,
                x0=data.along,
            )
        )
        self.show_title(CONTROLS, data, RESULT)
        for bar, name, height in zip(
            self.bars, NEURON_INPUTS, data.partials, strict=True
        ):
            bar.set_height(height)
            bar.set_color("C3" if name == data.wrt else "C0")
        for label in self.labels:
            label.remove()
        self.labels = [
            self.moving(label)
            for label in right.bar_label(
                self.bars, [f"{p:.4f}" for p in data.partials], fontsize=8
            )
        ]
        if data.wrt != self.wrt:  # the x label changed
            self.wrt, self.redraw = data.wrt, True
        self.steady(left, "x", data.xs[0], data.xs[-1], pad=0)
        low, high = min(*data.partials, 0.0), max(*data.partials, 0.0)
        self.steady(right, "y", low, high)


EXPLORABLE = Explorable(
    name="neuron",
    compute=compute,
    figure=SlopeFigure,
    controls=CONTROLS,
    scrubber=Scrubber("x", X_VALUES),
    alt=ALT,
)
