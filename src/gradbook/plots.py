"""Figure builders: data in, a ``matplotlib.figure.Figure`` out.

No function here touches pyplot's global state or computes anything the
engine should: the notebooks and widgets compute, these only draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gradbook.search import SearchHistory

__all__ = [
    "search_overview",
    "search_path",
    "search_progress",
]


def _figure(width: float = 6.4, height: float = 4.0, ncols: int = 1) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, list(axes)


def _progress_on(ax: Axes, histories: Mapping[str, SearchHistory], upto: int | None = None) -> None:
    """Best output against iteration, the start drawn as iteration 0."""
    for label, history in histories.items():
        k = history.iterations if upto is None else min(upto, history.iterations)
        steps = np.arange(k + 1)
        outputs = np.concatenate([[history.start_output], history.best_outputs[:k]])
        ax.plot(steps, outputs, label=label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("best output so far")
    ax.grid(alpha=0.3)


def search_progress(
    histories: Mapping[str, SearchHistory], title: str = "How the best output improves"
) -> Figure:
    """Best output against iteration, one line per labelled search."""
    fig, (ax,) = _figure()
    _progress_on(ax, histories)
    ax.set_title(title)
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
    points = np.concatenate([np.vstack([h.start, h.best_points]) for h in histories.values()])
    if box is None:
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        pad = 0.15 * max(x1 - x0, y1 - y0, 1e-3)
        box = (x0 - pad, x1 + pad, y0 - pad, y1 + pad)
    xs, ys = np.meshgrid(np.linspace(box[0], box[1], 120), np.linspace(box[2], box[3], 120))
    contours = ax.contour(xs, ys, f(xs, ys), levels=12, colors="0.6", linewidths=0.8)
    ax.clabel(contours, fontsize=7, fmt="%.2f")
    for label, history in histories.items():
        k = history.iterations if upto is None else min(upto, history.iterations)
        path = np.vstack([history.start, history.best_points[:k]])
        (line,) = ax.plot(path[:, 0], path[:, 1], label=label, linewidth=1.5)
        ax.plot(*path[-1], "o", color=line.get_color(), markersize=5)
    start = next(iter(histories.values())).start
    ax.plot(*start, "ks", markersize=6, label="start")
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_xlabel("x")
    ax.set_ylabel("y")


def search_path(
    histories: Mapping[str, SearchHistory],
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    title: str = "Where the best point goes",
) -> Figure:
    """The path of the best point in the (x, y) plane, over contour lines of ``f``."""
    fig, (ax,) = _figure(5.0, 4.2)
    _path_on(ax, histories, f)
    ax.set_title(title)
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
    """Progress (left) and path (right) side by side, optionally after ``upto`` iterations.

    Fixed ``progress_limits`` and ``box`` keep the axes still while ``upto``
    changes, so frames of an animation line up.
    """
    fig, (left, right) = _figure(9.0, 3.6, ncols=2)
    _progress_on(left, histories, upto)
    if progress_limits is not None:
        left.set_ylim(*progress_limits)
        left.set_xlim(0, max(h.iterations for h in histories.values()))
    left.set_title("best output against iteration")
    left.legend(fontsize=8, loc="lower right")
    _path_on(right, histories, f, upto, box)
    right.set_title("path of the best point over contours of f")
    if title:
        fig.suptitle(title)
    return fig
