"""3. A vectorized MLP gradient at the digits' size: 1797 x 64 -> 128 tanh ->
10-way softmax.

The loss is the mean softmax cross-entropy over all 1,797 of scikit-learn's
8x8 digit images, in float64.  Four ways to get at it:

- numpy, forward only: the loss and nothing else, the floor;
- numpy, forward and backward written by hand: what a library saves you from;
- autograd: ``autograd.grad`` of the loss written with ``autograd.numpy``;
- gradbook: ``grad_bp`` of the loss written with ``gradbook.functions.tanh``,
  ``log_softmax`` and the array ``Var``'s ``@``, ``+``, ``.sum`` and ``.mean``
  (the model is written here, not taken from ``gradbook.nn``, so that this
  measures the engine).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import autograd
import autograd.numpy as anp
import numpy as np
from sklearn.datasets import load_digits

from benchmarks import checks
from benchmarks.timing import interleaved
from gradbook.backprop import eval_bp, grad_bp
from gradbook.functions import log_softmax, tanh

IMPORTS = ("gradbook", "numpy", "autograd", "scikit-learn")

HIDDEN, CLASSES = 128, 10

FORWARD = "numpy forward only"
BY_HAND = "numpy forward + backward by hand"
AUTOGRAD = "autograd"
OURS = "gradbook Var"

Params = list[np.ndarray]


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


def autograd_loss(params: list, x: np.ndarray, targets: np.ndarray) -> Any:
    w1, b1, w2, b2 = params
    scores = anp.dot(anp.tanh(anp.dot(x, w1) + b1), w2) + b2
    shifted = scores - anp.max(scores, axis=1, keepdims=True)
    log_p = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
    return -anp.mean(anp.sum(log_p * targets, axis=1))


def gradbook_loss(params: list, x: np.ndarray, targets: np.ndarray) -> Any:
    w1, b1, w2, b2 = params
    scores = tanh(x @ w1 + b1) @ w2 + b2
    return -(log_softmax(scores, axis=1) * targets).sum(axis=1).mean()


def cases() -> dict[str, Callable[[], object]]:
    """The timed callables, each checked against the hand-written gradient
    first."""
    x, targets, params = problem()
    autograd_gradient = autograd.grad(autograd_loss)
    timed: dict[str, Callable[[], object]] = {
        FORWARD: lambda: numpy_loss(params, x, targets),
        BY_HAND: lambda: numpy_gradient(params, x, targets),
        AUTOGRAD: lambda: autograd_gradient(params, x, targets),
        OURS: lambda: grad_bp(lambda p: gradbook_loss(p, x, targets), params),
    }
    loss, reference = numpy_gradient(params, x, targets)
    checks.close(
        timed[FORWARD](),
        loss,
        "numpy forward against the hand-written pass",
        rtol=1e-12,
    )
    checks.close(
        eval_bp(lambda p: gradbook_loss(p, x, targets), params),
        loss,
        "gradbook's loss",
        rtol=1e-12,
    )
    checks.close(
        timed[AUTOGRAD](),
        reference,
        "autograd's gradient against the hand-written one",
    )
    checks.close(
        timed[OURS](),
        reference,
        "gradbook's gradient against the hand-written one",
    )
    return timed


def measure(rounds: int) -> dict:
    times = interleaved(cases(), rounds, turn=0.05)
    floor = times[FORWARD].median
    return {
        "checked": (
            "loss of every version agrees (rtol 1e-12); "
            "autograd's and gradbook's gradients "
            "agree with the hand-written one (rtol 1e-9)"
        ),
        "milliseconds": {name: t.median * 1e3 for name, t in times.items()},
        "ratio to numpy forward": {
            name: t.median / floor for name, t in times.items()
        },
        "timings": {name: t.as_json() for name, t in times.items()},
    }
