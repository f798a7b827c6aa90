"""What a model is, for the loss, the predictions and the training loops.

A model is one of two things:

- chapter 5's multilayer perceptron: a parameter list ``[W1, b1, W2, b2,
  ...]`` such as ``init_mlp`` returns, computed by ``mlp`` with an
  activation;
- a ``Network``: layers, their parameters and their state.

The functions here are the only places that tell the two apart.
"""

from __future__ import annotations

import copy

import numpy as np

from gradbook import checks
from gradbook.functions import Operand, tanh
from gradbook.nn.layers import Network
from gradbook.nn.mlp import Activation, Params, check_inputs, check_params, mlp

Model = Params | Network


def scores(model: Model, x: Operand, activation: Activation) -> Operand:
    """The model's scores for ``x``, one row per example."""
    if isinstance(model, Network):
        return model(x)
    return mlp(model, x, activation)


def parameters(model: Model) -> list[Operand]:
    """The model's parameters, as one list (what ``backprop`` takes)."""
    return model.params if isinstance(model, Network) else model


def with_params(model: Model, params: list[Operand]) -> Model:
    """The model with ``params`` in place of its parameters."""
    return model.with_params(params) if isinstance(model, Network) else params


def trainable(model: Model) -> Model:
    """A copy to train: the caller's model keeps its parameters and
    state.  A Network's copy is in training mode."""
    if not isinstance(model, Network):
        return list(model)
    model = copy.deepcopy(model)
    model.train()
    return model


def frozen(model: Model) -> Model:
    """The model as it is now, kept: a Network's state goes on changing
    as it trains, so it is copied; a parameter list is never changed."""
    return copy.deepcopy(model) if isinstance(model, Network) else model


def classes(model: Model) -> int:
    """How many classes a model scores: the length of its last bias (a
    Network's last parameter)."""
    return len(parameters(model)[-1])


def check_model(model: object, activation: object, who: str) -> None:
    """A Network (whose activations are among its layers), or a parameter
    list for ``mlp`` with a function as its activation."""
    checks.callable_(activation, who, "activation")
    if not isinstance(model, Network):
        if not isinstance(model, (list, tuple)):
            what = "a Network, or a list [W1, b1, W2, b2, ...]"
            got = checks.describe(model)
            raise TypeError(f"{who}: model must be {what}, got {got}")
        check_params(model, who, "model")
        return
    if activation is not tanh:
        why = "a Network has its activations among its layers"
        raise ValueError(f"{who}: activation is for an mlp list; {why}")
    if not model.params:
        what = "parameters (its last layer with them scores the classes)"
        raise ValueError(f"{who}: the network has no {what}")


def check_model_inputs(
    model: Model, x: object, activation: Activation, who: str
) -> Operand:
    """``x`` checked against the model, as the loss computes with it."""
    check_model(model, activation, who)
    if isinstance(model, Network):
        return checks.as_operand(x, who, "x")
    return check_inputs(model, x, activation, who, "model")


def check_examples(
    model: Model, x: object, activation: Activation, who: str
) -> np.ndarray:
    """``x`` as a float array of examples the model can read: 2-D with
    the first layer's features for an mlp list, at least 2-D (examples
    first) for a Network."""
    check_model(model, activation, who)
    given, x = x, np.asarray(x)
    if x.dtype.kind not in "iuf":
        raise TypeError(f"{who}: x must hold numbers, got {_got(given)}")
    if isinstance(model, Network):
        if x.ndim < 2:
            what = "a numeric array of examples, one per row (at least 2-D)"
            raise ValueError(f"{who}: x must be {what}, got shape {x.shape}")
    elif x.ndim != 2:
        what = "a 2-D numeric array (examples x features)"
        raise ValueError(f"{who}: x must be {what}, got shape {x.shape}")
    if len(x) == 0:
        raise ValueError(f"{who}: x has no examples")
    features = None if isinstance(model, Network) else np.shape(model[0])[0]
    if features is not None and x.shape[1] != features:
        has = f"x has {x.shape[1]} features per example"
        takes = f"the network takes {features} (x has shape {x.shape})"
        raise ValueError(f"{who}: {has} but {takes}")
    return checks.finite(x.astype(float), who, "x")


def check_data(
    model: Model,
    x: object,
    labels: object,
    activation: Activation,
    who: str,
) -> tuple[np.ndarray, np.ndarray]:
    """``x`` as examples the model can read, and ``labels`` as checked
    integers, one per example."""
    x = check_examples(model, x, activation, who)
    labels = check_labels(labels, classes(model), who)
    if len(labels) != len(x):
        counts = f"x has {len(x)} examples but labels has {len(labels)}"
        raise ValueError(f"{who}: {counts}")
    return x, labels


def check_labels(
    labels: object,
    classes: int,
    who: str,
    name: str = "labels",
) -> np.ndarray:
    """``labels`` as a 1-D integer array, every entry in ``0..classes-1``."""
    given, labels = labels, np.asarray(labels)
    if labels.dtype.kind not in "iu":  # bools and floats: 1.0 is not a class
        got = _got(given)
        raise TypeError(f"{who}: {name} must be integers, got {got}")
    if labels.ndim != 1:
        what = "a 1-D array (one label per example)"
        got = f"shape {labels.shape}"
        raise ValueError(f"{who}: {name} must be {what}, got {got}")
    if labels.size and not (labels.min() >= 0 and labels.max() < classes):
        what = f"lie in 0..{classes - 1}"
        got = f"{labels.min()}..{labels.max()}"
        raise ValueError(f"{who}: {name} must {what}, got {got}")
    return labels


def _got(value: object) -> str:
    """What an array argument was, for a message: its dtype if it was an
    array or a list, else its type and value (``NoneType None``)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return f"dtype {np.asarray(value).dtype}"
    return checks.describe(value)
