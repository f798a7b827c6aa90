"""Chapter 8: the neuron along its gradient, against the straight line that
the gradient predicts and the parabola that the gradient and one
Hessian-vector product predict."""

import numpy as np

from gradbook import checks
from gradbook.article import POINT
from gradbook.backprop import grad_bp, hvp
from gradbook.circuits import neuron
from gradbook.explorables.base import Control, Data, LiveFigure, Scrubber
from gradbook.i18n import tr

CONTROLS = (
    Control("c", "c", -3.0, -8.0, 2.0, 0.5),
    Control("step", tr("step size"), 0.0, 0.0, 4.0, 0.25),
)
SCRUBBER = Scrubber("step", (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0))
RESULT = tr("output {output:.4f}, parabola {parabola:.4f}")
ALT = tr(
    "The neuron's output along its gradient, from the article's point "
    "with c = {c:g}, against the step size. A straight line follows the "
    "gradient alone; a parabola also uses the curvature along the "
    "gradient, {curvature:.4f}. At step size {step:g} the output is "
    "{output:.4f} and the parabola gives {parabola:.4f}."
)
STEPS = np.linspace(0.0, 4.0, 161)


def compute(c: float, step: float) -> Data:
    """The neuron at the article's point, with the bias ``c``, moved
    ``step`` times its gradient; the line and the parabola that the
    gradient ``g`` and the curvature ``g·Hg`` predict."""
    who = "curvature.compute"
    c = checks.real(c, who, "c")
    step = checks.real(step, who, "step")
    point = np.array([*POINT[:2], c, *POINT[3:]], dtype=float)
    g = np.array(grad_bp(neuron, list(point)))
    slope = g @ g  # the output's slope along g, per unit of step size
    bend = g @ np.array(hvp(neuron, list(point), list(g)))
    along = neuron(list(point[:, None] + g[:, None] * STEPS))
    data = Data(c=c, step=step)
    data.along, data.start = along, along[0]
    data.line = along[0] + slope * STEPS
    data.model = along[0] + slope * STEPS + bend * STEPS**2 / 2
    data.curvature = bend
    data.output = float(neuron(list(point + step * g)))
    data.parabola = along[0] + slope * step + bend * step**2 / 2
    return data


class Figure(LiveFigure):
    def __init__(self) -> None:
        super().__init__(6.4, 4.0)
        (ax,) = self.axes
        (self.along,) = ax.plot(STEPS, STEPS, color="C0", linewidth=2)
        (self.line,) = ax.plot(STEPS, STEPS, "--", color="C1")
        (self.model,) = ax.plot(STEPS, STEPS, ":", color="C2", linewidth=2)
        (self.here,) = ax.plot([], [], "o", color="C0", markersize=6)
        self.along.set_label(tr("output along the gradient"))
        self.line.set_label(tr("line: the gradient alone"))
        self.model.set_label(tr("parabola: with the curvature"))
        ax.legend(loc="lower left", fontsize=8)
        ax.set_xlabel(tr("step size"))
        ax.set_ylabel(tr("output of the neuron"))
        ax.set_xlim(0.0, 4.0)
        ax.set_ylim(-0.05, 1.25)
        ax.axhline(1.0, color="0.7", linewidth=0.8)
        ax.grid(alpha=0.3)
        for artist in (self.along, self.line, self.model, self.here):
            self.moving(artist)

    def update(self, data: Data) -> None:
        self.along.set_ydata(data.along)
        self.line.set_ydata(data.line)
        self.model.set_ydata(data.model)
        self.here.set_data([data.step], [data.output])
        self.show_title(CONTROLS, data, RESULT)
