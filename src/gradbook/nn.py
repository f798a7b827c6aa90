"""A small neural network on the book's engine: a multilayer perceptron.

Everything here is written with the generic operations (``@``, ``+``,
``functions.tanh``, ``functions.log_softmax``), so the same ``mlp`` runs on
plain numpy arrays (to predict) and on reverse-mode ``Var``s (to train).
Two ways to train it, on the same budget of loss evaluations: gradient
descent, and chapter 1's random search scaled up to every parameter.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradbook.backprop import backprop
from gradbook.functions import log_softmax, tanh
from gradbook.search import make_rng, perturb

__all__ = [
    "History",
    "accuracy",
    "confusion",
    "cross_entropy",
    "init_mlp",
    "loss",
    "minibatches",
    "mlp",
    "one_hot",
    "predict",
    "sgd_step",
    "train",
    "train_random_search",
]

Params = list[Any]  # [W1, b1, W2, b2, ...]: arrays, or Vars while training


def check_data(
    x: Any, labels: Any = None, classes: int | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """``x`` as a 2-D float array (one row per example) and ``labels`` as integers."""
    x = np.asarray(x)
    if x.ndim != 2 or x.dtype.kind not in "biuf":
        raise ValueError(f"x must be a 2-D numeric array (examples x features), got shape {x.shape}")
    if labels is None:
        return x.astype(float), None
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(
            f"labels must be a 1-D array of integers, got shape {labels.shape}, dtype {labels.dtype}"
        )
    if len(labels) != len(x):
        raise ValueError(f"x has {len(x)} examples but labels has {len(labels)}")
    if classes is not None and len(labels) and not (labels.min() >= 0 and labels.max() < classes):
        raise ValueError(f"labels must lie in 0..{classes - 1}, got {labels.min()}..{labels.max()}")
    return x.astype(float), labels


def one_hot(labels: Any, classes: int) -> np.ndarray:
    """Row ``i`` is all zeros except a one in column ``labels[i]``."""
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers, got dtype {labels.dtype}")
    if labels.size and not (labels.min() >= 0 and labels.max() < classes):
        raise ValueError(f"labels must lie in 0..{classes - 1}, got {labels.min()}..{labels.max()}")
    return np.eye(classes)[labels]


def init_mlp(sizes: list[int], rng: np.random.Generator | int | None = 0) -> Params:
    """Weights and biases for layers of the given sizes, e.g. ``[64, 32, 10]``.

    Weights are drawn with variance ``1 / fan_in`` so that every layer's
    outputs start at about the scale of its inputs; biases start at zero.
    """
    if len(sizes) < 2 or any(n < 1 for n in sizes):
        raise ValueError(f"sizes must list at least two positive layer widths, got {sizes}")
    rng = make_rng(rng)
    params: Params = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        params += [rng.normal(0.0, fan_in**-0.5, size=(fan_in, fan_out)), np.zeros(fan_out)]
    return params


def mlp(params: Params, x: Any, activation: Callable[[Any], Any] = tanh) -> Any:
    """Scores (logits), one row per example: ``activation(x @ W + b)`` layer after layer.

    The last layer has no activation: its outputs feed the softmax.
    """
    h = x
    for i in range(0, len(params) - 2, 2):
        h = activation(h @ params[i] + params[i + 1])
    return h @ params[-2] + params[-1]


def cross_entropy(scores: Any, targets: np.ndarray) -> Any:
    """Mean softmax cross-entropy: ``-log p(true class)``, averaged over examples.

    ``targets`` is one-hot, so multiplying picks each row's true class.
    """
    return -(log_softmax(scores) * targets).sum(axis=1).mean()


def loss(params: Params, x: Any, targets: np.ndarray, activation: Callable[[Any], Any] = tanh) -> Any:
    """The training objective: cross-entropy of the network's scores."""
    return cross_entropy(mlp(params, x, activation), targets)


def predict(params: Params, x: Any, activation: Callable[[Any], Any] = tanh) -> np.ndarray:
    """The most likely class of each example."""
    x, _ = check_data(x)
    return np.argmax(mlp(params, x, activation), axis=1)


def accuracy(params: Params, x: Any, labels: Any, activation: Callable[[Any], Any] = tanh) -> float:
    """The fraction of examples classified correctly."""
    x, labels = check_data(x, labels)
    return float(np.mean(predict(params, x, activation) == labels))


def confusion(predicted: np.ndarray, labels: np.ndarray, classes: int) -> np.ndarray:
    """``matrix[true, predicted]`` counts."""
    matrix = np.zeros((classes, classes), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def minibatches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """The indices ``0..n-1`` shuffled and cut into batches (the last may be smaller)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def sgd_step(params: Params, grads: Params, learning_rate: float) -> Params:
    """One step of gradient descent: move every parameter against its gradient."""
    return [p - learning_rate * g for p, g in zip(params, grads, strict=True)]


@dataclass
class History:
    """What training did.  ``losses[k]`` is the loss seen after ``evaluations[k]``
    loss evaluations; ``snapshots`` holds copies of the parameters at the
    evaluations listed in ``snapshot_at``."""

    params: Params
    losses: list[float] = field(default_factory=list)
    evaluations: list[int] = field(default_factory=list)
    snapshots: list[Params] = field(default_factory=list)
    snapshot_at: list[int] = field(default_factory=list)


def train(
    params: Params,
    x: Any,
    labels: Any,
    *,
    learning_rate: float = 0.1,
    epochs: int = 10,
    batch_size: int | None = None,
    rng: np.random.Generator | int | None = 0,
    activation: Callable[[Any], Any] = tanh,
    snapshot_every: int | None = None,
) -> History:
    """Minibatch gradient descent on the cross-entropy.

    Every step runs the loss forward once on its batch (one loss evaluation)
    and backward once for the gradient.  ``batch_size=None`` uses the whole
    training set each step.
    """
    classes = params[-1].shape[0]
    x, labels = check_data(x, labels, classes)
    targets = one_hot(labels, classes)
    rng = make_rng(rng)
    history = History(params=list(params))
    for _ in range(epochs):
        for batch in minibatches(len(x), batch_size or len(x), rng):
            if snapshot_every and len(history.losses) % snapshot_every == 0:
                history.snapshots.append(history.params)
                history.snapshot_at.append(len(history.losses))
            value, grads = backprop(lambda p, b=batch: loss(p, x[b], targets[b], activation), history.params)
            history.params = sgd_step(history.params, grads, learning_rate)
            history.losses.append(value)
            history.evaluations.append(len(history.losses))
    return history


def train_random_search(
    params: Params,
    x: Any,
    labels: Any,
    *,
    tweak: float = 0.01,
    evaluations: int = 100,
    rng: np.random.Generator | int | None = 0,
    activation: Callable[[Any], Any] = tanh,
) -> History:
    """Chapter 1's random search on every parameter at once.

    Each try nudges all parameters by ``tweak * u`` (``u`` uniform in
    ``[-1, 1)``, see ``search.perturb``), evaluates the loss on the whole
    training set (one loss evaluation) and keeps the try if the loss went
    down.  ``losses`` records the best loss after each evaluation.
    """
    classes = params[-1].shape[0]
    x, labels = check_data(x, labels, classes)
    targets = one_hot(labels, classes)
    rng = make_rng(rng)
    history = History(params=list(params))
    best = float(loss(history.params, x, targets, activation))
    for k in range(evaluations):
        candidate = perturb(history.params, tweak, rng)
        value = float(loss(candidate, x, targets, activation))
        if value < best:
            history.params, best = candidate, value
        history.losses.append(best)
        history.evaluations.append(k + 1)
    return history
