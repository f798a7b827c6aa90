"""Chapter 4: a small network learning the spirals.

Left, the regions where the network predicts each class, under the
spirals' points; right, the loss against the gradient step.  The scrubber
shows the article-style run (learning rate 2) every 20 steps.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from gradbook import checks, data, nn
from gradbook.explorables.base import (
    Control,
    Explorable,
    LiveFigure,
    Scrubber,
)
from gradbook.i18n import tr

TRAINING_STEPS = 200  # full-batch gradient steps per training run
EVERY = 20  # the steps the figure can show: 0, 20, ..., 200
# A run not trained yet is first shown, pale, after its first 40 steps
# (a fifth of the time), then whole: the panel answers a move at once.
PREVIEW = 40
CONTROLS = (
    Control("learning_rate", tr("learning rate"), 2.0, 0.01, 10.0, log=True),
    Control("hidden", tr("hidden units"), 16, 2, 64),
    Control("seed", tr("seed"), 0, 0, 20),
    Control("steps", tr("gradient steps"), TRAINING_STEPS, 0, 200, EVERY),
)
RESULT = tr("loss {loss:.3f}, accuracy {accuracy:.0%}")
ALT = tr(
    "The network after {steps} gradient steps. Left: the spirals' points "
    "over the regions where the network predicts each class; the "
    "network puts {accuracy:.0%} of the points in their right class. "
    "Right: the loss against the step."
)


@functools.cache
def spirals() -> tuple[np.ndarray, np.ndarray]:
    """Chapter 4's data set: 3 spirals of 60 points (made once, read-only)."""
    x, labels = data.spirals(60, classes=3, noise=0.2, rng=0)
    x.setflags(write=False)
    labels.setflags(write=False)
    return x, labels


def train(
    learning_rate: float, hidden: int, seed: int, steps: int
) -> nn.History:
    """``steps`` full-batch gradient steps of a 2 -> ``hidden`` -> 3
    network on the spirals, its parameters kept every 20 steps; ``seed``
    draws the first weights."""
    x, labels = spirals()
    start = nn.init_mlp([2, hidden, 3], rng=seed)
    return nn.train(
        start,
        x,
        labels,
        learning_rate=learning_rate,
        epochs=steps,
        rng=seed,
        snapshot_every=EVERY,
    )


# The runs the panel has trained, by (learning rate, hidden, seed): moving
# the steps slider, or back to a setting, trains nothing.  The oldest go.
_RUNS: dict[tuple[float, int, int], nn.History] = {}


@dataclass(frozen=True)
class Training:
    """A network after ``steps`` steps of a training run."""

    learning_rate: float
    hidden: int
    seed: int
    steps: int
    params: list[np.ndarray]
    losses: list[float]  # after 0, 1, ..., steps steps
    accuracy: float

    @property
    def loss(self) -> float:
        return self.losses[-1]


def _after(
    history: nn.History, steps: int, settings: tuple[float, int, int]
) -> Training:
    x, labels = spirals()
    params = history.snapshots[history.snapshot_at.index(steps)]
    now = float(nn.loss(params, x, nn.one_hot(labels, 3)))
    score = nn.accuracy(params, x, labels)
    losses = [*history.losses[:steps], now]
    return Training(*settings, steps, params, losses, score)


def compute(
    learning_rate: float, hidden: int, seed: int, steps: int
) -> Iterator[Training]:
    """The network after ``steps`` steps of its training run; a run not
    trained yet is shown after 40 steps first."""
    who = "training.compute"
    learning_rate = checks.positive(learning_rate, who, "learning_rate")
    hidden = checks.whole(hidden, who, "hidden", minimum=1)
    seed = checks.whole(seed, who, "seed")
    steps = checks.whole(steps, who, "steps", maximum=TRAINING_STEPS)
    if steps % EVERY:
        raise ValueError(f"{who}: steps must be a multiple of {EVERY}")
    settings = (learning_rate, hidden, seed)
    if settings not in _RUNS:
        if steps > PREVIEW:
            yield _after(train(*settings, PREVIEW), PREVIEW, settings)
        _RUNS[settings] = train(*settings, TRAINING_STEPS)
        if len(_RUNS) > 64:
            del _RUNS[next(iter(_RUNS))]
    yield _after(_RUNS[settings], steps, settings)


class TrainingFigure(LiveFigure):
    def __init__(self) -> None:
        super().__init__(9.0, 4.1, ncols=2)
        left, right = self.axes
        x, labels = spirals()
        (x0, y0), (x1, y1) = x.min(axis=0) - 0.3, x.max(axis=0) + 0.3
        gx, gy = np.meshgrid(
            np.linspace(x0, x1, 150), np.linspace(y0, y1, 150)
        )
        self.grid = np.column_stack([gx.ravel(), gy.ravel()])
        self.regions = left.imshow(
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
        # moving too, so that they are drawn over the regions
        points = [
            left.scatter(
                *x[labels == k].T,
                s=10,
                color=f"C{k}",
                label=tr("class {k}", k=k),
                edgecolors="none",
            )
            for k in range(3)
        ]
        left.set_xlabel("x₁")
        left.set_ylabel("x₂")
        left.set_title(tr("what the network predicts"))
        legend = left.legend(fontsize=9, loc="upper right")
        (self.curve,) = right.plot([], [], label=tr("training loss"))
        right.set_xlabel(tr("gradient steps"))
        right.set_ylabel(tr("loss"))
        right.set_title(tr("cross-entropy loss"))
        right.grid(alpha=0.3)
        right.legend(loc="upper right")
        right.set_xlim(0, TRAINING_STEPS)
        for artist in (self.regions, *points, legend, self.curve):
            self.moving(artist)

    def update(self, data: Training) -> None:
        _, right = self.axes
        shape = self.regions.get_array().shape
        regions = nn.predict(data.params, self.grid).reshape(shape)
        self.regions.set_data(regions)
        self.curve.set_data(np.arange(len(data.losses)), data.losses)
        self.show_title(CONTROLS, data, RESULT)
        self.steady(right, "y", 0, max(data.losses), pad=0.05)


EXPLORABLE = Explorable(
    name="training",
    compute=compute,
    figure=TrainingFigure,
    controls=CONTROLS,
    scrubber=Scrubber("steps", tuple(range(0, TRAINING_STEPS + 1, EVERY))),
    alt=ALT,
)
