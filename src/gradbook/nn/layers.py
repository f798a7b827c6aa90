"""Layers, and a network made of them.

A layer with parameters is a small object.  It knows the shapes of its
parameters (``shapes``), makes their starting values (``init``) and
computes its output from its input and those parameters:
``layer(x, *params)``.  It does not keep the parameters: the network
keeps them, in one flat list, so that ``backprop`` can differentiate by
them and ``sgd_step`` can move them.  A layer without parameters is just
a function of ``x``: ``functions.tanh``, ``functions.relu``, ``flatten``,
``max_pool``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

import numpy as np

from gradbook import checks
from gradbook.functions import Operand

__all__ = ["Dense", "Layer", "Network", "flatten"]


class Layer:
    """Base of the layers with parameters (``Dense``, ``Conv2d``,
    ``BatchNorm``).

    A subclass sets ``shapes``, the shapes of its parameters, and defines
    ``init(rng)``, their starting values, and ``__call__(x, *params)``, its
    output.  ``training`` is the mode that ``Network.train`` and
    ``Network.eval`` set; only ``BatchNorm`` computes differently in the
    two modes.
    """

    shapes: tuple[tuple[int, ...], ...] = ()
    training = True

    def init(self, rng: np.random.Generator) -> list[np.ndarray]:
        raise NotImplementedError

    def __call__(self, x: Operand, *params: Operand) -> Operand:
        raise NotImplementedError


class Dense(Layer):
    """``x @ W + b``: each output is a weighted sum of all the inputs, plus
    a bias."""

    def __init__(self, fan_in: int, fan_out: int) -> None:
        fan_in = checks.whole(fan_in, "Dense", "fan_in", minimum=1)
        fan_out = checks.whole(fan_out, "Dense", "fan_out", minimum=1)
        self.shapes = ((fan_in, fan_out), (fan_out,))

    def __repr__(self) -> str:
        return "Dense({}, {})".format(*self.shapes[0])

    def init(self, rng: np.random.Generator) -> list[np.ndarray]:
        """``W`` drawn with variance ``1 / fan_in``, as ``init_mlp`` draws
        it; ``b`` zero."""
        (fan_in, fan_out), _ = self.shapes
        W = rng.normal(0.0, fan_in**-0.5, size=(fan_in, fan_out))
        return [W, np.zeros(fan_out)]

    def __call__(self, x: Operand, W: Operand, b: Operand) -> Operand:
        x, W, b = _check_dense(self, x, W, b)
        return x @ W + b


def _check_dense(
    layer: Dense, x: object, W: object, b: object
) -> tuple[Operand, Operand, Operand]:
    """``x`` with the layer's ``fan_in`` features in its last axis, and
    the layer's parameters."""
    x = checks.as_operand(x, "Dense", "x")
    fan_in = layer.shapes[0][0]
    if np.shape(x)[-1:] != (fan_in,):
        has = f"x has shape {np.shape(x)}"
        takes = f"{layer!r} takes {fan_in} features (the last axis)"
        raise ValueError(f"Dense: {has}, but {takes}")
    return x, *check_params(layer, [W, b], ("W", "b"))


def check_params(
    layer: Layer, params: list[object], names: tuple[str, ...]
) -> list[Operand]:
    """A layer's parameters as given to it: numbers, of the shapes it
    declares."""
    who = type(layer).__name__
    checked = []
    for value, name, shape in zip(params, names, layer.shapes, strict=True):
        value = checks.as_operand(value, who, name)
        checks.same_shape(value, shape, who, name, f"{layer!r}'s {name}")
        checked.append(value)
    return checked


def flatten(x: Operand) -> Operand:
    """Each example's values in one row: shape ``(N, ...)`` becomes
    ``(N, everything else)``, as a ``Dense`` layer after a convolution
    needs."""
    x = checks.as_operand(x, "flatten", "x")
    if np.ndim(x) < 2:
        what = "an array with an axis of examples and at least one more"
        got = f"got shape {np.shape(x)}"
        raise ValueError(f"flatten: x must be {what}, {got}")
    return x.reshape(len(x), -1)


class Network:
    """Layers applied one after another, and the parameters they use.

    ``Network([Dense(64, 32), tanh, Dense(32, 10)], rng=0)`` makes each
    layer's starting parameters, in order, from one random generator (a
    seed or a ``numpy.random.Generator``): this one starts exactly where
    ``init_mlp([64, 32, 10], rng=0)`` does.  ``network(x)`` computes the
    outputs (scores), one row per example.

    ``params`` is one list of every layer's parameters, in order;
    ``with_params`` gives the same network with other parameters (Vars,
    while ``backprop`` differentiates).  Parameters are what gradient
    descent changes.  *State*, such as ``BatchNorm``'s running statistics,
    is what a forward pass in training mode changes; the layers keep it.
    ``train()`` and ``eval()`` switch every layer to training or
    evaluation mode, as PyTorch's methods of those names do.
    """

    def __init__(
        self,
        layers: Sequence[Layer | Callable],
        rng: np.random.Generator | int | None = 0,
    ) -> None:
        self.layers = _check_layers(layers)
        rng = checks.make_rng(rng, "Network")
        self.params: list[Operand] = []
        for layer in self.layers:
            if isinstance(layer, Layer):
                self.params += layer.init(rng)

    def __repr__(self) -> str:
        names = ", ".join(_name(layer) for layer in self.layers)
        return f"Network([{names}])"

    def __call__(self, x: Operand) -> Operand:
        params = iter(self.params)
        for i, layer in enumerate(self.layers, start=1):
            own = []
            if isinstance(layer, Layer):
                own = [next(params) for _ in layer.shapes]
            try:
                x = layer(x, *own)
            except (TypeError, ValueError) as error:
                # say which layer: the message alone names only an operation
                kind = (
                    TypeError if isinstance(error, TypeError) else ValueError
                )
                where = f"Network: layer {i}, {_name(layer)}"
                raise kind(f"{where}: {error}") from None
        return x

    def with_params(self, params: Sequence[Operand]) -> Network:
        """This network, with ``params`` in place of its parameters: one
        for each, of the same shape.  The layers, so their state and mode,
        are shared, not copied."""
        _check_params(self, params)
        network = copy.copy(self)
        network.params = list(params)
        return network

    def train(self) -> None:
        """Training mode: ``BatchNorm`` normalizes with the batch's own
        statistics, and moves its running statistics towards them."""
        for layer in self.layers:
            if isinstance(layer, Layer):
                layer.training = True

    def eval(self) -> None:
        """Evaluation mode: ``BatchNorm`` normalizes with its running
        statistics, so each example's output depends on that example only;
        no state changes."""
        for layer in self.layers:
            if isinstance(layer, Layer):
                layer.training = False


def _name(layer: Layer | Callable) -> str:
    """A layer as a reader wrote it: ``Dense(64, 32)``, or ``tanh``."""
    if isinstance(layer, Layer):
        return repr(layer)
    return getattr(layer, "__name__", repr(layer))


def _check_layers(layers: object) -> list[Layer | Callable]:
    """A list of layers: ``Layer`` objects and functions of ``x``."""
    if not isinstance(layers, (list, tuple)):
        what = "a list of layers"
        got = checks.describe(layers)
        raise TypeError(f"Network: layers must be {what}, got {got}")
    for i, layer in enumerate(layers):
        if isinstance(layer, type):  # Dense, where Dense(64, 32) was meant
            what = f"a layer, not the class {layer.__name__}"
            make = f"make one with {layer.__name__}(...)"
            raise TypeError(f"Network: layers[{i}] must be {what}; {make}")
        if not isinstance(layer, Layer):
            checks.callable_(layer, "Network", f"layers[{i}]")
    return list(layers)


def _check_params(network: Network, params: object) -> None:
    """One parameter for each of the network's, of the same shape."""
    who, count = "Network.with_params", len(network.params)
    what = f"a list of {count} parameters, one for each of the network's"
    if not isinstance(params, (list, tuple)):
        raise TypeError(
            f"{who}: params must be {what}, got {checks.describe(params)}"
        )
    if len(params) != count:
        raise ValueError(f"{who}: params must be {what}, got {len(params)}")
    for i, (new, old) in enumerate(zip(params, network.params, strict=True)):
        name = f"params[{i}]"
        checks.as_operand(new, who, name)
        checks.same_shape(
            new, np.shape(old), who, name, f"the network's {name}"
        )
