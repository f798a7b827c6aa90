"""Chapter 5's network: a multilayer perceptron as a list of parameters.

``init_mlp`` makes the list ``[W1, b1, W2, b2, ...]`` and ``mlp`` computes
with it.  Both are written with the generic operations (``@``, ``+``,
``functions.tanh``), so the same ``mlp`` runs on plain numpy arrays, on
reverse-mode ``Var``s and on forward-mode ``Dual``s.  (``Network`` builds
the same network from layers: ``Dense`` and ``tanh``.)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from gradbook import checks
from gradbook.checks import make_rng
from gradbook.functions import Operand, tanh

__all__ = ["Activation", "Params", "init_mlp", "mlp"]

# [W1, b1, W2, b2, ...]: arrays, or Vars (Duals) while differentiating.
Params = list[Operand]
Activation = Callable[[Operand], Operand]


def init_mlp(
    sizes: list[int], rng: np.random.Generator | int | None = 0
) -> Params:
    """Weights and biases for layers of the given sizes, such as
    ``[64, 32, 10]``.

    Weights are drawn with variance ``1 / fan_in`` so that every layer's
    outputs start at about the scale of its inputs; biases start at zero.
    """
    what = "list at least two positive layer widths"
    if not isinstance(sizes, (list, tuple)):
        got = checks.describe(sizes)
        raise TypeError(f"init_mlp: sizes must {what}, got {got}")
    if len(sizes) < 2:
        raise ValueError(f"init_mlp: sizes must {what}, got {sizes!r}")
    name = "every layer width"
    sizes = [checks.whole(n, "init_mlp", name, minimum=1) for n in sizes]
    rng = make_rng(rng, "init_mlp")
    params: Params = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        params += [
            rng.normal(0.0, fan_in**-0.5, size=(fan_in, fan_out)),
            np.zeros(fan_out),
        ]
    return params


def mlp(params: Params, x: Operand, activation: Activation = tanh) -> Operand:
    """Scores (logits), one row per example.

    Each layer computes ``activation(x @ W + b)`` from the layer before.

    The last layer has no activation: its outputs feed the softmax.
    """
    x = check_inputs(params, x, activation, "mlp")
    for i in range(0, len(params) - 2, 2):
        x = activation(x @ params[i] + params[i + 1])  # the next layer's x
    return x @ params[-2] + params[-1]


def check_params(params: object, who: str, name: str = "params") -> None:
    """``params`` must be ``[W1, b1, W2, b2, ...]`` with shapes that chain,
    as ``init_mlp`` makes."""
    what = "a list [W1, b1, W2, b2, ...] such as init_mlp returns"
    if not isinstance(params, (list, tuple)):
        got = checks.describe(params)
        raise TypeError(f"{who}: {name} must be {what}, got {got}")
    if not params:
        empty = f"an empty {type(params).__name__}"
        raise ValueError(f"{who}: {name} must be {what}, got {empty}")
    if len(params) % 2:
        arrays = "1 array" if len(params) == 1 else f"{len(params)} arrays"
        odd = f"it holds {arrays}, an odd number"
        pairs = "weights and biases come in pairs"
        raise ValueError(f"{who}: {name} must be {what}; {odd}, but {pairs}")
    width = None
    layers = zip(params[::2], params[1::2], strict=True)
    for layer, (W, b) in enumerate(layers, start=1):
        w_shape, b_shape = np.shape(W), np.shape(b)
        fits = b_shape == w_shape[1:] and width in (None, w_shape[0])
        if len(w_shape) != 2 or not fits:
            shapes = f"weights of shape {w_shape} and biases of shape "
            shapes += str(b_shape)
            before = f"a previous layer of width {width}"
            before = "the inputs" if width is None else before
            where = f"{who}: layer {layer}"
            raise ValueError(f"{where}: {shapes} do not fit {before}")
        width = w_shape[1]


def check_inputs(
    params: Params,
    x: object,
    activation: Activation,
    who: str,
    name: str = "params",
) -> Operand:
    """``x`` checked against the network: examples in rows, one column per
    input of the first layer."""
    check_params(params, who, name)
    checks.callable_(activation, who, "activation")
    x = checks.as_operand(x, who, "x")
    if np.ndim(x) not in (1, 2):
        what = "1-D (one example) or 2-D (one example per row)"
        raise ValueError(f"{who}: x must be {what}, got shape {np.shape(x)}")
    features = np.shape(params[0])[0]
    if np.shape(x)[-1] != features:
        first = np.shape(params[0])
        weights = f"the first layer's weights have shape {first}"
        need = f"x needs {features} features (columns)"
        has = f"x has shape {np.shape(x)}"
        raise ValueError(f"{who}: {has}, but {weights}: {need}")
    return x
