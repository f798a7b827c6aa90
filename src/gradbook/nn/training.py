"""The loss, predictions, and the training loops, for any model.

A model is chapter 5's parameter list or a ``Network`` (see
``gradbook.nn.model``); one training loop, ``train``, trains both.

Two ways to train are compared on the same budget of *loss evaluations*.
One loss evaluation is one forward pass of the loss over the examples a
step uses (a minibatch, or the whole training set).  A gradient-descent
step costs one evaluation and one backward pass; a random-search try costs
one evaluation.  The count leaves the backward pass out, which favours
gradient descent: in time, one step costs several tries.  Chapter 5
measures the ratio on its digits network (whole training set).  It
depends on the machine, its load and how memory is obtained from the
system; where we ran it, it was usually between 2 and 6, above the
ratio of multiplications (2.14), and on a busy machine outside that
range.  A step also records the tape; its backward pass has work
besides the matrix products (the rules of tanh, exp, log and the sums);
and it keeps every intermediate array until the backward pass ends, so it
needs more fresh memory.  (With glibc's malloc
the ratio was about 5.8 in a fresh process, and 2.3 once a large array
had been freed: that raises the size below which freed memory is kept
for reuse.)  So the chapter also gives random search ten times the
budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from gradbook import checks
from gradbook.backprop import backprop
from gradbook.checks import MAX_ITERATIONS, make_rng
from gradbook.functions import Operand, log_softmax, tanh
from gradbook.nn.mlp import Activation, Params
from gradbook.nn.model import (
    Model,
    check_data,
    check_examples,
    check_labels,
    check_model_inputs,
    classes,
    frozen,
    parameters,
    scores,
    trainable,
    with_params,
)
from gradbook.search import perturb

__all__ = [
    "History",
    "accuracy",
    "confusion",
    "cross_entropy",
    "loss",
    "minibatches",
    "one_hot",
    "predict",
    "sgd_step",
    "train",
    "train_random_search",
]


def one_hot(labels: np.ndarray, classes: int) -> np.ndarray:
    """Row ``i`` is all zeros except a one in column ``labels[i]``."""
    classes = checks.whole(classes, "one_hot", "classes", minimum=1)
    return np.eye(classes)[check_labels(labels, classes, "one_hot")]


@checks.arguments(scores=checks.as_operand, targets=checks.as_number)
def cross_entropy(scores: Operand, targets: np.ndarray) -> Operand:
    """Mean softmax cross-entropy: ``-log p(true class)``, over examples.

    ``targets`` is one-hot, so multiplying picks each row's true class.
    """
    _check_scores(scores, targets, "cross_entropy")
    return -(log_softmax(scores) * targets).sum(axis=1).mean()


def loss(
    model: Model,
    x: Operand,
    targets: np.ndarray,
    activation: Activation = tanh,
) -> Operand:
    """The training objective: cross-entropy of the model's scores."""
    x = check_model_inputs(model, x, activation, "loss")
    targets = checks.as_number(targets, "loss", "targets")
    out = scores(model, x, activation)  # checked above in loss's words
    if np.shape(out) != np.shape(targets):
        out = f"the network's scores have shape {np.shape(out)}"
        targets = f"targets have shape {np.shape(targets)}"
        need = "targets need one one-hot row per example of x"
        raise ValueError(f"loss: {out} but {targets}; {need}")
    return cross_entropy(out, targets)


def predict(
    model: Model, x: np.ndarray, activation: Activation = tanh
) -> np.ndarray:
    """The most likely class of each example.

    Scores that are not finite (nan from nan parameters, or an overflow)
    rank no class, so they are an error, not a guess.  A Network computes
    in the mode it is in: call its ``eval()`` first.
    """
    x = check_examples(model, x, activation, "predict")
    out = scores(model, x, activation)
    return np.argmax(checks.finite(out, "predict", "scores"), axis=1)


def accuracy(
    model: Model,
    x: np.ndarray,
    labels: np.ndarray,
    activation: Activation = tanh,
) -> float:
    """The fraction of examples classified correctly."""
    x, labels = check_data(model, x, labels, activation, "accuracy")
    return float(np.mean(predict(model, x, activation) == labels))


def confusion(
    predicted: np.ndarray, labels: np.ndarray, classes: int
) -> np.ndarray:
    """``matrix[true, predicted]`` counts."""
    classes = checks.whole(classes, "confusion", "classes", minimum=1)
    predicted = check_labels(predicted, classes, "confusion", "predicted")
    labels = check_labels(labels, classes, "confusion")
    if len(predicted) != len(labels):
        counts = f"{len(predicted)} predictions for {len(labels)} labels"
        raise ValueError(f"confusion: {counts}")
    matrix = np.zeros((classes, classes), dtype=int)
    # a repeated (true, predicted) pair counts every time
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def minibatches(
    n: int,
    batch_size: int,
    rng: np.random.Generator | int | None,
    drop_last: bool = False,
) -> Iterator[np.ndarray]:
    """The indices ``0..n-1``, shuffled and cut into batches.

    The last batch may be smaller than ``batch_size``; ``drop_last=True``
    leaves it out.  (Batch normalization computes statistics over each
    batch: over a few examples, they are mostly noise.)
    """
    batch_size = checks.whole(batch_size, "minibatches", "batch_size", 1)
    n = checks.whole(n, "minibatches", "n", minimum=0)
    drop_last = checks.flag(drop_last, "minibatches", "drop_last")
    order = make_rng(rng, "minibatches").permutation(n)
    end = n - n % batch_size if drop_last else n
    for start in range(0, end, batch_size):
        yield order[start : start + batch_size]


def sgd_step(params: Params, grads: Params, learning_rate: float) -> Params:
    """One step of gradient descent: each parameter against its gradient."""
    _check_grads(params, grads, "sgd_step")
    learning_rate = checks.positive(learning_rate, "sgd_step", "learning_rate")
    return [p - learning_rate * g for p, g in zip(params, grads, strict=True)]


@dataclass
class History:
    """What training did, one entry per loss evaluation.

    ``losses[k]`` is what was known after evaluation ``k + 1``: for gradient
    descent, the loss of the step's batch just before the step; for random
    search, the lowest loss found so far.  ``params`` is the trained model,
    of the kind training started from: a parameter list, or a Network.
    ``snapshots`` holds the model after each number of steps listed in
    ``snapshot_at``.
    """

    params: Model
    losses: list[float] = field(default_factory=list)
    snapshots: list[Model] = field(default_factory=list)
    snapshot_at: list[int] = field(default_factory=list)

    @property
    def evaluations(self) -> list[int]:
        """The loss evaluations used at each entry of ``losses``: 1, 2, ..."""
        return list(range(1, len(self.losses) + 1))


def _optional_count(value: object, who: str, name: str) -> int | None:
    """``None``, or a whole number of at least 1."""
    return None if value is None else checks.whole(value, who, name, 1)


@checks.arguments(
    learning_rate=checks.positive,
    epochs=checks.iterations,
    batch_size=_optional_count,
    rng=checks.make_rng,
    snapshot_every=_optional_count,
    drop_last=checks.flag,
)
def train(
    model: Model,
    x: np.ndarray,
    labels: np.ndarray,
    *,
    learning_rate: float = 0.1,
    epochs: int = 10,
    batch_size: int | None = None,
    rng: np.random.Generator | int | None = 0,
    activation: Activation = tanh,
    snapshot_every: int | None = None,
    drop_last: bool = False,
) -> History:
    """Minibatch gradient descent on the cross-entropy.

    Each epoch shuffles the examples (with ``rng``) and takes one step per
    batch; ``batch_size=None`` uses the whole training set every step, and
    ``drop_last=True`` leaves out each epoch's last, smaller batch.  A
    step is one loss evaluation (the forward pass) plus one backward pass for
    the gradient.  With ``snapshot_every=k``, the model is kept before
    steps 0, k, 2k, ... and after the last step.  ``model`` is not changed:
    training works on a copy.  A Network trains in training mode and stays
    in it: call ``eval()`` on the result before testing it.
    """
    x, labels = check_data(model, x, labels, activation, "train")
    batch_size = len(x) if batch_size is None else batch_size
    _check_steps(epochs, len(x), batch_size, drop_last, "train")
    targets = one_hot(labels, classes(model))
    model = trainable(model)  # a copy (a Network's, in training mode)

    def batch_loss(params: Params, batch: np.ndarray) -> Operand:
        model_now = with_params(model, params)
        return loss(model_now, x[batch], targets[batch], activation)

    params = parameters(model)
    history = History(params=model)
    for _ in range(epochs):
        for batch in minibatches(len(x), batch_size, rng, drop_last):
            _snapshot(history, snapshot_every)
            value, grads = backprop(
                lambda p, b=batch: batch_loss(p, b), params
            )
            params = sgd_step(params, grads, learning_rate)
            history.params = with_params(model, params)
            history.losses.append(value)
    _snapshot(history, snapshot_every, last=True)
    return history


def _evaluations(value: object, who: str, name: str) -> int:
    """A count of loss evaluations: at least 1 (the start's)."""
    return checks.iterations(value, who, name, minimum=1)


@checks.arguments(
    tweak=checks.positive,
    evaluations=_evaluations,
    rng=checks.make_rng,
)
def train_random_search(
    model: Model,
    x: np.ndarray,
    labels: np.ndarray,
    *,
    tweak: float = 0.01,
    evaluations: int = 100,
    rng: np.random.Generator | int | None = 0,
    activation: Activation = tanh,
) -> History:
    """Chapter 1's random search on every parameter at once.

    The first evaluation measures the loss at the start, on the whole
    training set, as full-batch gradient descent's first step does.  Each of
    the other ``evaluations - 1`` tries nudges all parameters by ``tweak * u``
    (``u`` uniform in ``[-1, 1)``, see ``search.perturb``) and keeps the
    nudge if the loss went down.  ``model`` is not changed.
    """
    who = "train_random_search"
    x, labels = check_data(model, x, labels, activation, who)
    targets = one_hot(labels, classes(model))
    model = trainable(model)
    history = History(params=model)
    best = float(loss(model, x, targets, activation))
    history.losses.append(best)
    for _ in range(evaluations - 1):
        candidate = perturb(parameters(history.params), tweak, rng)
        candidate = with_params(model, candidate)
        value = float(loss(candidate, x, targets, activation))
        if value < best:
            history.params, best = candidate, value
        history.losses.append(best)
    return history


def _snapshot(history: History, every: int | None, last: bool = False):
    """Keep the model every ``every`` steps (before the step), and after
    the last step."""
    steps = len(history.losses)
    due = steps % every == 0 if every else False
    if last:
        due = bool(every) and history.snapshot_at[-1:] != [steps]
    if due:
        history.snapshots.append(frozen(history.params))
        history.snapshot_at.append(steps)


def _check_steps(
    epochs: int, n: int, batch_size: int, drop_last: bool, who: str
) -> None:
    """Training takes at least one step an epoch, and at most
    MAX_ITERATIONS steps in all."""
    batches = n // batch_size if drop_last else -(-n // batch_size)
    if batches == 0:
        few = f"{n} examples make no full batch of {batch_size}"
        raise ValueError(f"{who}: {few}, and drop_last=True drops the rest")
    if epochs * batches > MAX_ITERATIONS:
        steps = f"{epochs} epochs of {batches} batches are {epochs * batches}"
        bound = f"the bound on iterations (MAX_ITERATIONS = {MAX_ITERATIONS})"
        raise ValueError(f"{who}: {steps} steps, above {bound}")


def _check_scores(scores: Operand, targets: np.ndarray, who: str) -> None:
    """Scores are 2-D (examples x classes), and targets have their shape:
    broadcasting would give a wrong number silently."""
    if np.ndim(scores) != 2:
        what = "a 2-D array (examples x classes)"
        got = f"shape {np.shape(scores)}"
        raise ValueError(f"{who}: scores must be {what}, got {got}")
    checks.same_shape(targets, np.shape(scores), who, "targets", "scores")


def _check_grads(params: Params, grads: object, who: str) -> None:
    """One gradient per parameter, each of its parameter's shape."""
    what = f"one gradient per parameter ({len(params)})"
    if not isinstance(grads, (list, tuple)):
        got = checks.describe(grads)
        raise TypeError(f"{who}: grads must be a list of {what}, got {got}")
    if len(grads) != len(params):
        raise ValueError(f"{who}: grads must hold {what}, got {_count(grads)}")
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        checks.as_number(g, who, f"grads[{i}]")
        checks.same_shape(g, np.shape(p), who, f"grads[{i}]", f"params[{i}]")


def _count(value: object) -> str:
    """What a list of arrays was, briefly, for a message: how many it
    holds."""
    return f"a {type(value).__name__} of {len(value)}"
