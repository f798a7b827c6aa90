"""Figures of searches: how the best output improves, and the gradient on
the contour lines of ``f(x, y)``."""

from collections.abc import Callable, Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gradbook import checks
from gradbook.i18n import tr
from gradbook.plots.base import new_figure, static
from gradbook.search import SearchHistory


def _histories(histories: object, who: str) -> Mapping[str, SearchHistory]:
    """``histories`` checked: a dict of label: SearchHistory."""
    checks.mapping(histories, who, "histories", "label: SearchHistory")
    for label, history in histories.items():
        checks.instance(history, SearchHistory, who, f"histories[{label!r}]")
    return histories


def contour_lines(ax: Axes, f: Callable, box, cells: int, **style):
    """Contour lines of ``f(x, y)`` over ``box`` (x0, x1, y0, y1), from a
    grid of ``cells`` by ``cells`` points."""
    x0, x1, y0, y1 = box
    xs, ys = np.meshgrid(
        np.linspace(x0, x1, cells), np.linspace(y0, y1, cells)
    )
    return ax.contour(xs, ys, f(xs, ys), **style)


@static
def search_progress(
    histories: Mapping[str, SearchHistory], title: str | None = None
) -> Figure:
    """Best output against iteration, one line per labelled search; the
    start is drawn as iteration 0."""
    _histories(histories, "search_progress")
    fig, (ax,) = new_figure()
    for label, history in histories.items():
        outputs = [history.start_output, *history.best_outputs]
        ax.plot(np.arange(len(outputs)), outputs, label=label)
    ax.set_xlabel(tr("iteration"))
    ax.set_ylabel(tr("best output so far"))
    ax.grid(alpha=0.3)
    ax.set_title(title or tr("How the best output improves"))
    ax.legend()
    return fig


@static
def gradient_map(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    point: tuple[float, float],
    gradient: tuple[float, float],
    box: tuple[float, float, float, float],
    histories: Mapping[str, SearchHistory] | None = None,
    levels: list[float] | None = None,
    arrow_length: float | None = None,
    title: str | None = None,
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
    if histories is not None:
        _histories(histories, who)
    fig, (ax,) = new_figure(5.6, 5.0)
    style = {"colors": "0.55", "linewidths": 0.9, "linestyles": "solid"}
    contours = contour_lines(ax, f, box, 200, levels=levels, **style)
    ax.clabel(contours, fontsize=9, fmt="%g")
    for label, history in (histories or {}).items():
        path = np.vstack([history.start, history.best_points])
        ax.plot(path[:, 0], path[:, 1], label=label, linewidth=1.8)
    gx, gy = gradient
    arrow, name = gradient, tr("gradient ({gx:g}, {gy:g})", gx=gx, gy=gy)
    if arrow_length is not None:
        arrow = gradient * (arrow_length / np.linalg.norm(gradient))
        name = tr("direction of the gradient ({gx:g}, {gy:g})", gx=gx, gy=gy)
    head = {"arrowstyle": "-|>", "color": "C3", "linewidth": 2}
    head["mutation_scale"] = 18
    tip, tail = tuple(point + arrow), tuple(point)
    ax.annotate("", xy=tip, xytext=tail, arrowprops=head)
    ax.plot([], [], color="C3", linewidth=2, label=name)
    ax.plot(*point, "ks", markersize=6, label=tr("start"))
    ax.set_aspect("equal")
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title or tr("The gradient points uphill"))
    ax.legend(fontsize=9, loc="best")
    return fig
