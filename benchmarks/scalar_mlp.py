"""2. micrograd's demo step: a 2 -> 16 -> 16 -> 1 MLP of scalars, on 100
points of two moons.

One step is what micrograd's ``demo.ipynb`` does in each iteration of its
training loop: the forward pass of every point, the SVM "max-margin" loss
``mean(relu(1 - y * score)) + 1e-4 * sum(p * p)``, then the backward pass
to every parameter (micrograd also zeroes its gradients first).  Both
engines start from the same 337 parameters (micrograd's ``MLP`` after
``random.seed(1337)``) and must agree on the loss and on every gradient.

Differences from the demo, the same for both engines: the moons are made
with numpy (``make_moons``' recipe, seeded) instead of scikit-learn, and the
labels are Python floats (+-1.0) rather than numpy integers.  The micrograd
side keeps the demo's own code, inputs wrapped in ``Value`` and all; the
gradbook side is the same network written with scalar ``Var`` operations and
``gradbook.functions.relu``, its inputs plain numbers (constants).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from micrograd.engine import Value
from micrograd.nn import MLP

from benchmarks import checks
from benchmarks.timing import interleaved
from gradbook.backprop import backprop
from gradbook.functions import relu

IMPORTS = ("gradbook", "numpy", "micrograd")

SIZES = (2, 16, 16, 1)
ALPHA = 1e-4  # the demo's L2 weight

OURS = "gradbook Var"
MICROGRAD = "micrograd"


def moons(
    n: int = 100, noise: float = 0.1, seed: int = 1337
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles with Gaussian noise (scikit-learn's
    ``make_moons`` recipe).

    Returns points of shape ``(n, 2)`` and labels -1.0 (upper moon) or 1.0.
    """
    rng = np.random.default_rng(seed)
    upper, lower = n // 2, n - n // 2
    t_upper, t_lower = (
        np.linspace(0, np.pi, upper),
        np.linspace(0, np.pi, lower),
    )
    x = np.concatenate(
        [
            np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
            np.column_stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)]),
        ]
    )
    x += rng.normal(scale=noise, size=x.shape)
    y = np.concatenate([-np.ones(upper), np.ones(lower)])
    return x, y


def _layers(params: Sequence[Any]) -> list[list[tuple[Sequence[Any], Any]]]:
    """A flat parameter list, in micrograd's order, as layers of (weights,
    bias) neurons."""
    layers, k = [], 0
    for fan_in, fan_out in itertools.pairwise(SIZES):
        layer = []
        for _ in range(fan_out):
            layer.append((params[k : k + fan_in], params[k + fan_in]))
            k += fan_in + 1
        layers.append(layer)
    return layers


def gradbook_loss(
    params: Sequence[Any], x: list[list[float]], y: list[float]
) -> Any:
    """The demo's loss, generic over numbers: floats give its value, Vars its
    gradient."""
    layers = _layers(params)
    scores = []
    for row in x:
        h: Sequence[Any] = row
        for depth, layer in enumerate(layers):
            acts = [
                sum((wi * hi for wi, hi in zip(w, h, strict=True)), b)
                for w, b in layer
            ]
            h = acts if depth == len(layers) - 1 else [relu(a) for a in acts]
        scores.append(h[0])
    losses = [
        relu(1 + -yi * score) for yi, score in zip(y, scores, strict=True)
    ]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in params)
    return data_loss + reg_loss


def cases() -> dict[str, Callable[[], object]]:
    """The timed steps, checked against each other first."""
    random.seed(1337)  # as the demo does, before making the model
    model = MLP(SIZES[0], list(SIZES[1:]))
    parameters = model.parameters()
    start = [p.data for p in parameters]
    points, labels = moons()
    x, y = points.tolist(), labels.tolist()

    def micrograd_step() -> tuple[float, list[float]]:
        # the demo's loss(), then model.zero_grad() and total_loss.backward()
        inputs = [list(map(Value, row)) for row in x]
        scores = list(map(model, inputs))
        losses = [
            (1 + -yi * scorei).relu()
            for yi, scorei in zip(y, scores, strict=True)
        ]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in parameters)
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        return total_loss.data, [p.grad for p in parameters]

    def gradbook_step() -> tuple[float, list[float]]:
        return backprop(lambda p: gradbook_loss(p, x, y), start)

    timed: dict[str, Callable[[], object]] = {
        OURS: gradbook_step,
        MICROGRAD: micrograd_step,
    }
    theirs, ours = micrograd_step(), gradbook_step()
    checks.close(
        ours[0],
        theirs[0],
        "scalar MLP loss, gradbook against micrograd",
        rtol=1e-12,
    )
    checks.close(
        ours[0],
        gradbook_loss(start, x, y),
        "scalar MLP loss, Vars against floats",
        rtol=1e-12,
    )
    checks.close(
        ours[1],
        theirs[1],
        "scalar MLP gradient, gradbook against micrograd",
        rtol=1e-9,
    )
    if not any(ours[1]):
        raise checks.WrongAnswerError("the scalar MLP gradient is all zeros")
    return timed


def measure(rounds: int) -> dict:
    times = interleaved(
        cases(), rounds, turn=0.0
    )  # one step per turn: a step takes 0.1-1 s
    return {
        "checked": (
            "loss and all 337 partials agree with micrograd's "
            "(rtol 1e-12 and 1e-9), "
            "and the loss with a plain float evaluation of the same code"
        ),
        "milliseconds per step": {
            name: t.median * 1e3 for name, t in times.items()
        },
        "gradbook Var / micrograd": times[OURS].median
        / times[MICROGRAD].median,
        "timings": {name: t.as_json() for name, t in times.items()},
    }
