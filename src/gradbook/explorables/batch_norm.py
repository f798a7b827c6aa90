"""Chapter 6: chapter 5's digits network, without and with batch
normalization, trained at one learning rate: the training loss of each
epoch, and the test accuracy."""

import copy
import functools
import math

import numpy as np

from gradbook import checks, data, nn
from gradbook.explorables.base import Control, Data, LiveFigure, Scrubber
from gradbook.functions import tanh
from gradbook.i18n import tr

EPOCHS, BATCH_SIZE, SEED = 10, 32, 0
CONTROLS = (
    Control("learning_rate", tr("learning rate"), 1.0, 0.1, 10.0, log=True),
)
RATES = CONTROLS[0].values  # 0.1, 0.2, 0.5, 1, 2, 5, 10
# every rate: after the scrubber, the panel finds each run already made
SCRUBBER = Scrubber("learning_rate", RATES)
# ranges, as the chapter prints them: a run's last digits differ from one
# machine to the next, and the words of a stored picture must not
RESULT = tr(
    "test accuracy {plain_accuracy_range} without, "
    "{normalized_accuracy_range} with batch normalization"
)
ALT = tr(
    "The digits network trained with learning rate {learning_rate:g}, "
    "without batch normalization and with it. Left: the mean training "
    "loss of each epoch, on a log scale; in the last epoch, "
    "{plain_loss_range} without and {normalized_loss_range} with. Right: "
    "the test accuracy, {plain_accuracy_range} without and "
    "{normalized_accuracy_range} with."
)
# the ranges the chapter prints and the alt text gives: wide enough that
# a run ends in the same one on every machine (the chapter measures it)
LOSS_EDGES, ACCURACY_EDGES = (0.5, 5), (80,)
# rough's words: English where the chapter prints them (the same in both
# editions), in the reader's language in the figure's alt text
PRINTED = {
    "below": "below {high}",
    "between": "{low} to {high}",
    "above": "above {low}",
    "nan": "not a number",
}
DRAWN = {
    "below": tr("below {high}"),
    "between": tr("{low} to {high}"),
    "above": tr("above {low}"),
    "nan": tr("not a number"),
}
WITHOUT, WITH = (
    tr("without batch normalization"),
    tr("with batch normalization"),
)


@functools.cache
def digits() -> data.Dataset:
    """Chapter 5's digits: the same split, with the same seed."""
    return data.digits(test_fraction=0.25, seed=0)


def network(normalized: bool) -> nn.Network:
    """Chapter 5's network, 64 -> 64 -> 10 with tanh; with ``normalized``,
    a ``BatchNorm`` between the hidden layer's ``Dense`` and its tanh."""
    middle = [nn.BatchNorm(64)] if normalized else []
    layers = [nn.Dense(64, 64), *middle, tanh, nn.Dense(64, 10)]
    return nn.Network(layers, rng=SEED)


@functools.cache  # the chapter's table and its figure share the runs
def run(learning_rate: float, normalized: bool) -> nn.History:
    """The network trained on the digits: 10 epochs of minibatches of 32,
    the last, smaller batch of each epoch left out (``drop_last``).  A run
    is made once and shared: copy its network before changing it."""
    d, start = digits(), network(normalized)
    how = {"epochs": EPOCHS, "batch_size": BATCH_SIZE, "rng": SEED}
    how |= {"learning_rate": learning_rate, "drop_last": True}
    return nn.train(start, d.x_train, d.y_train, **how)


def epoch_losses(history: nn.History) -> np.ndarray:
    """The mean training loss of each epoch's steps."""
    return np.mean(np.reshape(history.losses, (EPOCHS, -1)), axis=1)


def test_accuracy(trained: nn.History | nn.Network) -> float:
    """The accuracy on the test digits of a run's trained network, or of
    a network (such as a snapshot), in evaluation mode (on a copy: the
    shared run stays as it is); nan if its scores are not finite (a run
    that ended in nan classifies no digit correctly)."""
    network = trained.params if isinstance(trained, nn.History) else trained
    model = copy.deepcopy(network)
    model.eval()
    with np.errstate(all="ignore"):
        if not np.isfinite(model(digits().x_test)).all():
            return math.nan
    return nn.accuracy(model, digits().x_test, digits().y_test)


def rough(
    value: float,
    edges: tuple[float, ...],
    unit: str = "",
    words: dict[str, str] = PRINTED,
) -> str:
    """``value`` as the range between two ``edges`` it lies in: a claim
    with a margin, never its last digits; nan is "not a number"."""
    if math.isnan(value):
        return words["nan"]
    below = [f"{e:g}{unit}" for e in edges if e <= value]
    above = [f"{e:g}{unit}" for e in edges if e > value]
    if not below:
        return words["below"].format(high=above[0])
    if not above:
        return words["above"].format(low=below[-1])
    return words["between"].format(low=below[-1], high=above[0])


def verdict(history: nn.History) -> str:
    """How a run ended: its last epoch's mean training loss and its test
    accuracy (in evaluation mode), each as a range (``LOSS_EDGES``,
    ``ACCURACY_EDGES``): a diverged run's digits differ from one machine
    to the next, its range does not (checked on 100 runs at each of the
    chapter's large rates, the starting weights moved by about 1e-13)."""
    loss = rough(epoch_losses(history)[-1], LOSS_EDGES)
    accuracy = rough(100 * test_accuracy(history), ACCURACY_EDGES, "%")
    return f"loss {loss}, test accuracy {accuracy}"


def compute(learning_rate: float) -> Data:
    """Both networks trained with ``learning_rate``, one of ``RATES``."""
    who = "batch_norm.compute"
    learning_rate = checks.real(learning_rate, who, "learning_rate")
    if learning_rate not in RATES:
        raise ValueError(f"{who}: learning_rate must be one of {RATES}")
    result = Data(learning_rate=learning_rate)
    for name, normalized in (("plain", False), ("normalized", True)):
        history = run(learning_rate, normalized)
        losses, accuracy = epoch_losses(history), test_accuracy(history)
        setattr(result, f"{name}_losses", losses)
        setattr(result, f"{name}_accuracy", accuracy)
        loss_range = rough(losses[-1], LOSS_EDGES, words=DRAWN)
        setattr(result, f"{name}_loss_range", loss_range)
        accuracy_range = rough(100 * accuracy, ACCURACY_EDGES, "%", DRAWN)
        setattr(result, f"{name}_accuracy_range", accuracy_range)
    return result


class Figure(LiveFigure):
    def __init__(self) -> None:
        super().__init__(9.0, 3.9, ncols=2)
        left, right = self.axes
        epochs = np.arange(1, EPOCHS + 1)
        self.curves = [
            left.plot(epochs, np.ones(EPOCHS), "o-", label=label)[0]
            for label in (WITHOUT, WITH)
        ]
        left.set_yscale("log")
        left.set_ylim(1e-3, 1e3)
        left.set_xlabel(tr("epoch"))
        left.set_ylabel(tr("mean training loss"))
        left.set_title(tr("training loss"))
        left.grid(alpha=0.3)
        left.legend(loc="upper right", fontsize=8)
        self.bars = right.bar([0, 1], [0, 0], color=["C0", "C1"])
        right.set_xticks([0, 1], [WITHOUT, WITH], fontsize=8)
        right.set_ylim(0, 1)
        right.set_ylabel(tr("test accuracy"))
        right.set_title(tr("test accuracy (evaluation mode)"))
        right.grid(alpha=0.3, axis="y")
        for artist in (*self.curves, *self.bars):
            self.moving(artist)

    def update(self, data: Data) -> None:
        losses = (data.plain_losses, data.normalized_losses)
        for curve, values in zip(self.curves, losses, strict=True):
            curve.set_ydata(values)
        accuracies = (data.plain_accuracy, data.normalized_accuracy)
        for bar, value in zip(self.bars, accuracies, strict=True):
            bar.set_height(0.0 if math.isnan(value) else value)
        self.show_title(CONTROLS, data, RESULT)
