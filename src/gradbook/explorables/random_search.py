"""Chapter 1: random local search on ``x * y``: the best output against
the iteration, and the best point's path over the contour lines."""

import numpy as np

from gradbook import checks
from gradbook.article import ITERATIONS, START, TWEAK
from gradbook.circuits import multiply_gate
from gradbook.explorables.base import Control, Data, LiveFigure, Scrubber
from gradbook.i18n import tr
from gradbook.plots.search import contour_lines
from gradbook.search import random_search

CONTROLS = (
    Control("tweak", tr("tweak"), TWEAK, 0.001, 1.0, log=True),
    Control("iterations", tr("iterations"), ITERATIONS, 0, 1000, 10),
    Control("x0", tr("start x"), START[0], -3.0, 3.0, 0.1),
    Control("y0", tr("start y"), START[1], -3.0, 3.0, 0.1),
    Control("seed", tr("seed"), 1, 0, 20),
)
SCRUBBER = Scrubber("iterations", tuple(range(0, ITERATIONS + 1, 10)))
RESULT = tr("output {start:.3f} → {best:.3f}")
ALT = tr(
    "Random search on x times y after {iterations} iterations: the best "
    "output is {best:.3f}, from {start:.3f} at the start. Left: the best "
    "output against the iteration. Right: the path of the best point over "
    "the contour lines of x times y."
)
# the progress axis ends at 10, 20, 50, 100, ...: few moves redraw it
ENDS = [m * 10**p for p in range(1, 4) for m in (1, 2, 5)]


def compute(
    tweak: float, iterations: int, x0: float, y0: float, seed: int
) -> Data:
    """Random local search on ``x * y`` from ``(x0, y0)``."""
    who = "random_search.compute"
    tweak = checks.positive(tweak, who, "tweak")
    iterations = checks.iterations(iterations, who)
    x0, y0 = checks.real(x0, who, "x0"), checks.real(y0, who, "y0")
    seed = checks.whole(seed, who, "seed")
    run = random_search(multiply_gate, (x0, y0), tweak, iterations, seed)
    data = Data(tweak=tweak, iterations=iterations, x0=x0, y0=y0, seed=seed)
    data.history, data.start, data.best = (
        run,
        run.start_output,
        run.best_output,
    )
    return data


class Figure(LiveFigure):
    def __init__(self) -> None:
        super().__init__(9.0, 3.9, ncols=2)
        left, right = self.axes
        (self.progress,) = left.plot([], [])
        left.set_xlabel(tr("iteration"))
        left.set_ylabel(tr("best output so far"))
        left.grid(alpha=0.3)
        left.set_title(tr("best output against iteration"))
        (self.path,) = right.plot([], [], linewidth=1.5)
        (self.end,) = right.plot([], [], "o", color="C0", markersize=5)
        (self.start,) = right.plot([], [], "ks", markersize=6)
        (reached,) = right.plot([], [], "o", color="0.3", markersize=5)
        self.start.set_label(tr("start"))
        reached.set_label(tr("best point reached"))
        handles = [self.start, reached]
        right.legend(handles=handles, loc="upper right", fontsize=8)
        right.set_xlabel("x")
        right.set_ylabel("y")
        right.set_title(tr("path of the best point over contours of f"))
        for artist in (self.progress, self.path, self.end, self.start):
            self.moving(artist)
        self.box, self.contours = (), None

    def update(self, data: Data) -> None:
        left, right = self.axes
        history = data.history
        outputs = [history.start_output, *history.best_outputs]
        self.progress.set_data(np.arange(len(outputs)), outputs)
        points = np.vstack([history.start, history.best_points])
        self.path.set_data(*points.T)
        self.end.set_data(*points[-1:].T)
        self.start.set_data(*points[:1].T)
        self.show_title(CONTROLS, data, RESULT)
        top = next(n for n in ENDS if n >= data.iterations)
        self.steady(left, "x", 0, top, pad=0)
        self.steady(left, "y", min(outputs), max(outputs))
        middle = (points.min(axis=0) + points.max(axis=0)) / 2
        half = np.ptp(points, axis=0).max() / 2  # both axes alike
        for axis, mid in zip("xy", middle, strict=True):
            self.steady(right, axis, mid - half, mid + half, pad=0.5)
        box = (*right.get_xlim(), *right.get_ylim())
        if box != self.box:  # contour lines for the new box
            if self.contours is not None:
                self.contours.remove()
            style = {"levels": 12, "colors": "0.6", "linewidths": 0.8}
            self.contours = contour_lines(
                right, multiply_gate, box, 120, **style
            )
            right.clabel(self.contours, fontsize=7, fmt="%.2f")
            self.box = box
