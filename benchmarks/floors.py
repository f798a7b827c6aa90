"""The floors the engines are measured against, in plain Python and numpy:
no engine, so that ``jax_peer`` can import them in an environment without
gradbook's peers.

The neuron on floats, written inline, and its five partials derived by
hand; the digits problem of ``vector_mlp`` with its numpy forward pass and
its backward pass written by hand.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.datasets import load_digits

HIDDEN, CLASSES = 128, 10

Params = list[np.ndarray]


def plain_neuron(a: float, b: float, c: float, x: float, y: float) -> float:
    """The neuron on floats, written inline: no checks, no generic code."""
    return 1 / (1 + math.exp(-(a * x + b * y + c)))


def hand_gradient(
    a: float, b: float, c: float, x: float, y: float
) -> list[float]:
    """All five partials, derived by hand: d sigma / dz = e / (1 + e)**2
    with e = exp(-z), times each input's factor in z."""
    e = math.exp(-(a * x + b * y + c))
    d = e / ((1 + e) * (1 + e))
    return [d * x, d * y, d, d * a, d * b]


def problem(seed: int = 0) -> tuple[np.ndarray, np.ndarray, Params]:
    """The digits (pixels scaled to 0..1), one-hot targets, and seeded
    starting parameters."""
    digits = load_digits()
    x = digits.data / 16.0
    targets = np.eye(CLASSES)[digits.target]
    rng = np.random.default_rng(seed)
    n_in = x.shape[1]
    params = [
        rng.normal(size=(n_in, HIDDEN)) / np.sqrt(n_in),
        0.1 * rng.normal(size=HIDDEN),
        rng.normal(size=(HIDDEN, CLASSES)) / np.sqrt(HIDDEN),
        0.1 * rng.normal(size=CLASSES),
    ]
    return x, targets, params


def numpy_loss(params: Params, x: np.ndarray, targets: np.ndarray) -> float:
    w1, b1, w2, b2 = params
    scores = np.tanh(x @ w1 + b1) @ w2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -(log_p * targets).sum(axis=1).mean()


def numpy_gradient(
    params: Params, x: np.ndarray, targets: np.ndarray
) -> tuple[float, Params]:
    """The loss and its gradient, the backward pass derived and written out
    by hand."""
    w1, b1, w2, b2 = params
    h = np.tanh(x @ w1 + b1)
    scores = h @ w2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    loss = -((shifted - np.log(total)) * targets).sum(axis=1).mean()
    d_scores = (exp / total - targets) / len(
        x
    )  # softmax minus one-hot, averaged
    d_pre = (d_scores @ w2.T) * (1 - h * h)
    return loss, [
        x.T @ d_pre,
        d_pre.sum(axis=0),
        h.T @ d_scores,
        d_scores.sum(axis=0),
    ]
