"""Chapter 5: a small network learning the spirals: where it predicts
each class, and the loss against the gradient step."""

import functools

import numpy as np

from gradbook import checks, data, nn
from gradbook.explorables.base import Control, Data, LiveFigure, Scrubber
from gradbook.i18n import tr

STEPS, EVERY = 200, 20  # steps of a run, and the steps the figure shows
# A run not trained yet is first shown, pale, after its first 20 steps (a
# tenth of the time), then whole: the panel answers a move at once.
PREVIEW = 20
CONTROLS = (
    Control("learning_rate", tr("learning rate"), 2.0, 0.01, 10.0, log=True),
    Control("hidden", tr("hidden units"), 16, 2, 64),
    Control("seed", tr("seed"), 0, 0, 20),
    Control("steps", tr("gradient steps"), STEPS, 0, STEPS, EVERY),
)
SCRUBBER = Scrubber("steps", tuple(range(0, STEPS + 1, EVERY)))
RESULT = tr("loss {loss:.3f}, accuracy {accuracy:.0%}")
ALT = tr(
    "The network after {steps} gradient steps. Left: the spirals' points "
    "over the regions where the network predicts each class; the "
    "network puts {accuracy:.0%} of the points in their right class. "
    "Right: the loss against the step."
)
# The runs a panel trained, by (learning rate, hidden, seed): moving the
# steps, or back to a setting, trains nothing.  The oldest go first.
_RUNS: dict[tuple[float, int, int], nn.History] = {}


@functools.cache
def spirals() -> tuple[np.ndarray, np.ndarray]:
    """Chapter 5's data set: 3 spirals of 60 points (made once, read-only)."""
    x, labels = data.spirals(60, classes=3, noise=0.2, rng=0)
    x.setflags(write=False)
    labels.setflags(write=False)
    return x, labels


def train(
    learning_rate: float, hidden: int, seed: int, steps: int
) -> nn.History:
    """``steps`` full-batch gradient steps of a 2 -> ``hidden`` -> 3
    network on the spirals (``seed`` draws the first weights), its
    parameters kept every 20 steps."""
    start = nn.init_mlp([2, hidden, 3], rng=seed)
    how = {"learning_rate": learning_rate, "epochs": steps, "rng": seed}
    return nn.train(start, *spirals(), **how, snapshot_every=EVERY)


def _after(run: nn.History, steps: int, settings: dict) -> Data:
    """The network of ``run`` after ``steps`` steps."""
    x, labels = spirals()
    params = run.snapshots[run.snapshot_at.index(steps)]
    data = Data(**settings, steps=steps, params=params)
    data.loss = float(nn.loss(params, x, nn.one_hot(labels, 3)))
    data.accuracy = nn.accuracy(params, x, labels)
    data.losses = [*run.losses[:steps], data.loss]  # after 0, 1, ... steps
    return data


def compute(learning_rate: float, hidden: int, seed: int, steps: int):
    """The network after ``steps`` steps of its run; a run not trained yet
    is shown after 20 steps first."""
    who = "training.compute"
    settings = {
        "learning_rate": checks.positive(learning_rate, who, "learning_rate"),
        "hidden": checks.whole(hidden, who, "hidden", minimum=1),
        "seed": checks.whole(seed, who, "seed"),
    }
    if checks.whole(steps, who, "steps", maximum=STEPS) % EVERY:
        raise ValueError(f"{who}: steps must be a multiple of {EVERY}")
    key = tuple(settings.values())
    if key not in _RUNS:
        if steps > PREVIEW:
            yield _after(train(*key, PREVIEW), PREVIEW, settings)
        _RUNS[key] = train(*key, STEPS)
        if len(_RUNS) > 64:
            del _RUNS[next(iter(_RUNS))]
    yield _after(_RUNS[key], steps, settings)


class Figure(LiveFigure):
    def __init__(self) -> None:
        super().__init__(9.0, 4.1, ncols=2)
        left, right = self.axes
        x, labels = spirals()
        (x0, y0), (x1, y1) = x.min(axis=0) - 0.3, x.max(axis=0) + 0.3
        grid = np.meshgrid(np.linspace(x0, x1, 150), np.linspace(y0, y1, 150))
        self.grid = np.column_stack([g.ravel() for g in grid])
        style = {"cmap": "tab10", "vmin": 0, "vmax": 9, "alpha": 0.25}
        self.regions = left.imshow(
            np.zeros(grid[0].shape),
            extent=(x0, x1, y0, y1),
            origin="lower",
            aspect="auto",
            interpolation="nearest",
            **style,
        )
        points = {"s": 10, "edgecolors": "none"}
        # moving too, so that they are drawn over the regions
        moving = [self.regions]
        for k in range(3):
            label = tr("class {k}", k=k)
            moving.append(
                left.scatter(
                    *x[labels == k].T, color=f"C{k}", label=label, **points
                )
            )
        left.set_xlabel("x₁")
        left.set_ylabel("x₂")
        left.set_title(tr("what the network predicts"))
        moving.append(left.legend(fontsize=9, loc="upper right"))
        (self.curve,) = right.plot([], [], label=tr("training loss"))
        right.set_xlabel(tr("gradient steps"))
        right.set_ylabel(tr("loss"))
        right.set_title(tr("cross-entropy loss"))
        right.grid(alpha=0.3)
        right.legend(loc="upper right")
        right.set_xlim(0, STEPS)
        for artist in (*moving, self.curve):
            self.moving(artist)

    def update(self, data: Data) -> None:
        shape = self.regions.get_array().shape
        regions = nn.predict(data.params, self.grid).reshape(shape)
        self.regions.set_data(regions)
        self.curve.set_data(np.arange(len(data.losses)), data.losses)
        self.show_title(CONTROLS, data, RESULT)
        self.steady(self.axes[1], "y", 0, max(data.losses), pad=0.05)
