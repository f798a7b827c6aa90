"""Batch normalization: each feature rescaled by its statistics over the
batch, then scaled and shifted by two parameters.

``batch_norm`` is the computation, written once with the engine's
operations: reverse mode (``Var``) and forward mode (``Dual``)
differentiate it with the rules they already have.  ``BatchNorm`` is the
layer: it keeps running statistics for evaluation mode.
"""

from __future__ import annotations

import numpy as np

from gradbook import checks
from gradbook.functions import Operand, plain, sqrt
from gradbook.nn.layers import Layer, check_params

__all__ = ["BatchNorm", "batch_norm"]


def batch_norm(
    x: Operand, gamma: Operand, beta: Operand, eps: float = 1e-5
) -> Operand:
    """Normalize each feature (column) of the batch ``x``, then scale it by
    ``gamma`` and shift it by ``beta``.

    ``x`` has shape ``(N, features)``; ``gamma`` and ``beta`` have one
    entry per feature (or are one number).  For each column, with the mean
    and variance over the N examples of the batch::

        x_hat = (x - mean) / sqrt(var + eps)
        out = gamma * x_hat + beta

    Every output depends on every example of its column, through the mean
    and the variance, so the gradient flows through them too.  ``eps``
    keeps a constant column (variance 0) finite: its ``x_hat`` is 0.
    """
    x, gamma, beta = _check(x, gamma, beta, "batch_norm")
    eps = checks.positive(eps, "batch_norm", "eps")
    mean = x.mean(axis=0)
    centered = x - mean
    var = (centered**2).mean(axis=0)
    x_hat = centered / sqrt(var + eps)
    return gamma * x_hat + beta


class BatchNorm(Layer):
    """``batch_norm`` as a layer of ``features`` columns.

    Its parameters are ``gamma`` (starts at 1) and ``beta`` (starts at 0).
    Its state is ``running_mean`` and ``running_var`` (start at 0 and 1).

    In training mode it normalizes with the batch's own mean and variance
    (``batch_norm``), and moves the running statistics towards them:
    ``running = (1 - momentum) * running + momentum * batch``.  In
    evaluation mode it normalizes with the running statistics instead, so
    each example's output depends on that example alone, and nothing
    changes.  The running variance averages the batches' variances as
    ``batch_norm`` computes them (dividing by N); PyTorch divides by
    ``N - 1`` there.
    """

    def __init__(
        self, features: int, momentum: float = 0.1, eps: float = 1e-5
    ) -> None:
        features = checks.whole(features, "BatchNorm", "features", 1)
        self.momentum = checks.fraction(momentum, "BatchNorm", "momentum")
        self.eps = checks.positive(eps, "BatchNorm", "eps")
        self.shapes = ((features,), (features,))
        self.running_mean = np.zeros(features)
        self.running_var = np.ones(features)

    def __repr__(self) -> str:
        return f"BatchNorm({self.shapes[0][0]})"

    def init(self, rng: np.random.Generator) -> list[np.ndarray]:
        features = self.shapes[0][0]
        return [np.ones(features), np.zeros(features)]

    def __call__(self, x: Operand, gamma: Operand, beta: Operand) -> Operand:
        x, gamma, beta = _check_layer(self, x, gamma, beta)
        if not self.training:
            x_hat = (x - self.running_mean) / sqrt(self.running_var + self.eps)
            return gamma * x_hat + beta
        batch = plain(x)  # state: plain numbers, outside the gradient
        m = self.momentum
        self.running_mean = (1 - m) * self.running_mean + m * batch.mean(0)
        self.running_var = (1 - m) * self.running_var + m * batch.var(0)
        return batch_norm(x, gamma, beta, self.eps)


def _check_layer(
    layer: BatchNorm, x: object, gamma: object, beta: object
) -> tuple[Operand, Operand, Operand]:
    """A batch with the layer's features, and the layer's parameters."""
    gamma, beta = check_params(layer, [gamma, beta], ("gamma", "beta"))
    x = checks.as_operand(x, "BatchNorm", "x")
    features = layer.shapes[0][0]
    if np.ndim(x) != 2 or len(x) == 0 or np.shape(x)[1] != features:
        has = f"x has shape {np.shape(x)}"
        takes = f"{layer!r} takes a batch of shape (N, {features}), N >= 1"
        raise ValueError(f"BatchNorm: {has}, but {takes}")
    return x, gamma, beta


def _check(
    x: object, gamma: object, beta: object, who: str
) -> tuple[Operand, Operand, Operand]:
    """``x`` a batch ``(N, features)``; ``gamma`` and ``beta`` one number
    or one entry per feature."""
    x = checks.as_operand(x, who, "x")
    if np.ndim(x) != 2 or len(x) == 0:
        what = "a batch of shape (N, features), with N at least 1"
        raise ValueError(f"{who}: x must be {what}, got {np.shape(x)}")
    features, checked = np.shape(x)[1], []
    for name, value in (("gamma", gamma), ("beta", beta)):
        value = checks.as_operand(value, who, name)
        if np.shape(value) not in ((), (features,)):
            what = f"one number or one per feature ({features},)"
            got = f"got shape {np.shape(value)}"
            raise ValueError(f"{who}: {name} must be {what}, {got}")
        checked.append(value)
    return x, *checked
