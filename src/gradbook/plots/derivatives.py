"""Figures of derivatives: the tangent line, and the Jacobian that one
forward or one reverse pass fills."""

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from gradbook import checks
from gradbook.i18n import tr
from gradbook.plots.base import new_figure, number_text, static


class Tangent:
    """A curve on ``ax``, a point on it and the tangent line there, with
    the tangent's slope in the legend below the axes; :meth:`show` moves
    them."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        (self.curve,) = ax.plot([], [], label=tr("neuron output"))
        (self.line,) = ax.plot([], [], "--", color="C3", label=" ")
        (self.point,) = ax.plot([], [], "o", color="C3")
        ax.set_ylabel(tr("neuron output"))
        ax.set_ylim(-0.05, 1.05)
        ax.grid(alpha=0.3)
        # below the axes, so that it never covers the curve or the point
        below = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.22)}
        self.legend = ax.legend(**below, ncols=2, frameon=False)
        self.artists = (self.curve, self.line, self.point, self.legend)

    def show(self, xs, ys, x0: float, y0: float, slope: float, name: str):
        """The curve ``ys`` along ``xs`` against input ``name``, and its
        tangent of slope ``slope`` at ``(x0, y0)``."""
        self.curve.set_data(xs, ys)
        half = 0.25 * (xs[-1] - xs[0])
        line_x = np.array([x0 - half, x0 + half])
        self.line.set_data(line_x, y0 + slope * (line_x - x0))
        self.point.set_data([x0], [y0])
        label = tr("tangent, slope {slope:.4f}", slope=slope)
        self.line.set_label(label)
        self.legend.get_texts()[1].set_text(label)
        self.ax.set_xlabel(tr("input {name}", name=name))


@static
def tangent_line(
    xs: np.ndarray,
    ys: np.ndarray,
    x0: float,
    y0: float,
    slope: float,
    name: str,
    title: str | None = None,
) -> Figure:
    """The neuron's output ``ys`` against one input ``xs``, with the
    tangent line of slope ``slope`` (the derivative) at ``x0``."""
    who = "tangent_line"
    xs = np.atleast_1d(checks.as_number(xs, who, "xs"))
    ys = np.atleast_1d(checks.as_number(ys, who, "ys"))
    checks.same_shape(ys, xs.shape, who, "ys", "xs")
    x0, y0 = checks.real(x0, who, "x0"), checks.real(y0, who, "y0")
    slope = checks.real(slope, who, "slope")
    fig, (ax,) = new_figure(6.0, 3.8)
    Tangent(ax).show(xs, ys, x0, y0, slope, checks.text(name, who, "name"))
    ax.relim()
    ax.autoscale_view()
    default = tr(
        "The derivative with respect to {name} is the slope of the tangent",
        name=name,
    )
    ax.set_title(title or default)
    return fig


@static
def jacobian_passes(
    jacobian: np.ndarray,
    column: int,
    row: int,
    inputs: list[str],
    outputs: list[str],
    title: str | None = None,
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
    fig, (ax,) = new_figure(1.4 * n + 3.0, 0.7 * m + 2.2)
    ax.imshow(np.zeros((m, n)), cmap="Greys", vmin=0, vmax=1)
    for (i, j), value in np.ndenumerate(jacobian):
        text = number_text(value, "g")
        ax.text(j, i, text, fontsize=11, ha="center", va="center")
    outline = {"fill": False, "linewidth": 2.5}
    forward = {"ec": "C0", "label": tr("one forward pass (a JVP): a column")}
    reverse = {"ec": "C3", "ls": "--"}
    reverse["label"] = tr("one reverse pass (a VJP): a row")
    corner = (column - 0.45, -0.45)
    ax.add_patch(Rectangle(corner, 0.9, m - 0.1, **forward, **outline))
    corner = (-0.42, row - 0.42)
    ax.add_patch(Rectangle(corner, n - 0.16, 0.84, **reverse, **outline))
    ax.set_xticks(range(n), [f"d/d{name}" for name in inputs], fontsize=10)
    ax.set_yticks(range(m), outputs, fontsize=10)
    ax.set_xlabel(tr("argument (one column each)"))
    ax.set_ylabel(tr("output (one row each)"))
    fig.legend(loc="outside lower center", fontsize=9)
    ax.set_title(
        title or tr("One pass, one column or one row of the Jacobian")
    )
    return fig
