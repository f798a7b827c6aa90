"""A small neural network on the book's engine: a multilayer perceptron.

Everything here is written with the generic operations (``@``, ``+``,
``functions.tanh``, ``functions.log_softmax``), so the same ``mlp`` runs on
plain numpy arrays (to predict), on reverse-mode ``Var``s (to train) and on
forward-mode ``Dual``s.

Two ways to train it are compared on the same budget of *loss evaluations*.
One loss evaluation is one forward pass of the loss over the examples a step
uses (a minibatch, or the whole training set).  A gradient-descent step costs
one evaluation and one backward pass; a random-search try costs one
evaluation.  The count leaves the backward pass out, which favours gradient
descent: in time, one step costs several tries.  Chapter 4 measures the
ratio on its digits network (whole training set); on the machine that
built the book it was between 3 and 10, so the chapter also gives random
search ten times the budget.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from gradbook import checks
from gradbook.backprop import backprop
from gradbook.checks import MAX_ITERATIONS, make_rng
from gradbook.functions import Operand, log_softmax, tanh
from gradbook.search import perturb

__all__ = [
    "MAX_ITERATIONS",
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

# [W1, b1, W2, b2, ...]: arrays, or Vars (Duals) while differentiating.
Params = list[Operand]
Activation = Callable[[Operand], Operand]


def one_hot(labels: np.ndarray, classes: int) -> np.ndarray:
    """Row ``i`` is all zeros except a one in column ``labels[i]``."""
    classes = checks.whole(classes, "one_hot", "classes", minimum=1)
    return np.eye(classes)[_check_labels(labels, classes, "one_hot")]


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
    x = _check_inputs(params, x, activation, "mlp")
    for i in range(0, len(params) - 2, 2):
        x = activation(x @ params[i] + params[i + 1])  # the next layer's x
    return x @ params[-2] + params[-1]


@checks.arguments(scores=checks.as_operand, targets=checks.as_number)
def cross_entropy(scores: Operand, targets: np.ndarray) -> Operand:
    """Mean softmax cross-entropy: ``-log p(true class)``, over examples.

    ``targets`` is one-hot, so multiplying picks each row's true class.
    """
    _check_scores(scores, targets, "cross_entropy")
    return -(log_softmax(scores) * targets).sum(axis=1).mean()


def loss(
    params: Params,
    x: Operand,
    targets: np.ndarray,
    activation: Activation = tanh,
) -> Operand:
    """The training objective: cross-entropy of the network's scores."""
    x = _check_inputs(params, x, activation, "loss")
    targets = checks.as_number(targets, "loss", "targets")
    scores = mlp(params, x, activation)  # checked above in loss's words
    if np.shape(scores) != np.shape(targets):
        scores = f"the network's scores have shape {np.shape(scores)}"
        targets = f"targets have shape {np.shape(targets)}"
        need = "targets need one one-hot row per example of x"
        raise ValueError(f"loss: {scores} but {targets}; {need}")
    return cross_entropy(scores, targets)


def predict(
    params: Params, x: np.ndarray, activation: Activation = tanh
) -> np.ndarray:
    """The most likely class of each example.

    Scores that are not finite (nan from nan parameters, or an overflow)
    rank no class, so they are an error, not a guess.
    """
    x = _check_examples(params, x, activation, "predict")
    scores = checks.finite(mlp(params, x, activation), "predict", "scores")
    return np.argmax(scores, axis=1)


def accuracy(
    params: Params,
    x: np.ndarray,
    labels: np.ndarray,
    activation: Activation = tanh,
) -> float:
    """The fraction of examples classified correctly."""
    x, labels = _check_data(params, x, labels, activation, "accuracy")
    return float(np.mean(predict(params, x, activation) == labels))


def confusion(
    predicted: np.ndarray, labels: np.ndarray, classes: int
) -> np.ndarray:
    """``matrix[true, predicted]`` counts."""
    classes = checks.whole(classes, "confusion", "classes", minimum=1)
    predicted = _check_labels(predicted, classes, "confusion", "predicted")
    labels = _check_labels(labels, classes, "confusion")
    if len(predicted) != len(labels):
        counts = f"{len(predicted)} predictions for {len(labels)} labels"
        raise ValueError(f"confusion: {counts}")
    matrix = np.zeros((classes, classes), dtype=int)
    # a repeated (true, predicted) pair counts every time
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def minibatches(
    n: int, batch_size: int, rng: np.random.Generator | int | None
) -> Iterator[np.ndarray]:
    """The indices ``0..n-1``, shuffled and cut into batches.

    The last batch may be smaller than ``batch_size``.
    """
    batch_size = checks.whole(batch_size, "minibatches", "batch_size", 1)
    n = checks.whole(n, "minibatches", "n", minimum=0)
    order = make_rng(rng, "minibatches").permutation(n)
    for start in range(0, len(order), batch_size):
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
    search, the lowest loss found so far.  ``params`` are the final
    parameters.  ``snapshots`` holds the parameters after each number of
    steps listed in ``snapshot_at``.
    """

    params: Params
    losses: list[float] = field(default_factory=list)
    snapshots: list[Params] = field(default_factory=list)
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
    activation=checks.callable_,
    snapshot_every=_optional_count,
)
def train(
    params: Params,
    x: np.ndarray,
    labels: np.ndarray,
    *,
    learning_rate: float = 0.1,
    epochs: int = 10,
    batch_size: int | None = None,
    rng: np.random.Generator | int | None = 0,
    activation: Activation = tanh,
    snapshot_every: int | None = None,
) -> History:
    """Minibatch gradient descent on the cross-entropy.

    Each epoch shuffles the examples (with ``rng``) and takes one step per
    batch; ``batch_size=None`` uses the whole training set every step.  A
    step is one loss evaluation (the forward pass) plus one backward pass for
    the gradient.  With ``snapshot_every=k``, the parameters are kept before
    steps 0, k, 2k, ... and after the last step.  ``params`` is not changed.
    """
    x, labels = _check_data(params, x, labels, activation, "train")
    batch_size = len(x) if batch_size is None else batch_size
    _check_steps(epochs, len(x), batch_size, "train")
    targets = one_hot(labels, _classes(params))
    history = History(params=list(params))
    for _ in range(epochs):
        for batch in minibatches(len(x), batch_size, rng):
            _snapshot(history, snapshot_every)
            value, grads = backprop(
                lambda p, b=batch: loss(p, x[b], targets[b], activation),
                history.params,
            )
            history.params = sgd_step(history.params, grads, learning_rate)
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
    activation=checks.callable_,
)
def train_random_search(
    params: Params,
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
    nudge if the loss went down.  ``params`` is not changed.
    """
    who = "train_random_search"
    x, labels = _check_data(params, x, labels, activation, who)
    targets = one_hot(labels, _classes(params))
    history = History(params=list(params))
    best = float(loss(history.params, x, targets, activation))
    history.losses.append(best)
    for _ in range(evaluations - 1):
        candidate = perturb(history.params, tweak, rng)
        value = float(loss(candidate, x, targets, activation))
        if value < best:
            history.params, best = candidate, value
        history.losses.append(best)
    return history


def _snapshot(history: History, every: int | None, last: bool = False):
    """Keep the parameters every ``every`` steps (before the step), and
    after the last step."""
    steps = len(history.losses)
    due = steps % every == 0 if every else False
    if last:
        due = bool(every) and history.snapshot_at[-1:] != [steps]
    if due:  # sgd_step returns new arrays: a reference keeps these values
        history.snapshots.append(history.params)
        history.snapshot_at.append(steps)


def _check_steps(epochs: int, n: int, batch_size: int, who: str) -> None:
    """Training takes at most MAX_ITERATIONS steps in all."""
    batches = -(-n // batch_size)  # per epoch, rounded up
    if epochs * batches > MAX_ITERATIONS:
        steps = f"{epochs} epochs of {batches} batches are {epochs * batches}"
        bound = f"the bound on iterations (MAX_ITERATIONS = {MAX_ITERATIONS})"
        raise ValueError(f"{who}: {steps} steps, above {bound}")


def _classes(params: Params) -> int:
    """How many classes a network scores: the length of its last bias."""
    return len(params[-1])


def _check_params(params: object, who: str) -> None:
    """``params`` must be ``[W1, b1, W2, b2, ...]`` with shapes that chain,
    as ``init_mlp`` makes."""
    pairs = isinstance(params, (list, tuple)) and len(params) % 2 == 0
    if not pairs or len(params) < 2:
        what = "a list [W1, b1, W2, b2, ...] such as init_mlp returns"
        raise TypeError(f"{who}: params must be {what}")
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


def _check_inputs(
    params: Params, x: object, activation: Activation, who: str
) -> Operand:
    """``x`` checked against the network: examples in rows, one column per
    input of the first layer."""
    _check_params(params, who)
    checks.callable_(activation, who, "activation")
    x = checks.as_operand(x, who, "x")
    features = np.shape(params[0])[0]
    if np.ndim(x) not in (1, 2) or np.shape(x)[-1] != features:
        first = np.shape(params[0])
        weights = f"the first layer's weights have shape {first}"
        need = f"x needs {features} features (columns)"
        has = f"x has shape {np.shape(x)}"
        raise ValueError(f"{who}: {has}, but {weights}: {need}")
    return x


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
    if not isinstance(grads, (list, tuple)) or len(grads) != len(params):
        what = f"one gradient per parameter ({len(params)})"
        got = checks.describe(grads)
        raise ValueError(f"{who}: grads must hold {what}, got {got}")
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        checks.as_number(g, who, f"grads[{i}]")
        checks.same_shape(g, np.shape(p), who, f"grads[{i}]", f"params[{i}]")


def _check_data(
    params: Params,
    x: object,
    labels: object,
    activation: Activation,
    who: str,
) -> tuple[np.ndarray, np.ndarray]:
    """``x`` as a 2-D float array the network can read, and ``labels`` as
    checked integers, one per example."""
    x = _check_examples(params, x, activation, who)
    labels = _check_labels(labels, _classes(params), who)
    if len(labels) != len(x):
        counts = f"x has {len(x)} examples but labels has {len(labels)}"
        raise ValueError(f"{who}: {counts}")
    return x, labels


def _check_examples(
    params: Params, x: object, activation: Activation, who: str
) -> np.ndarray:
    """``x`` as a 2-D float array the network can read."""
    _check_params(params, who)
    checks.callable_(activation, who, "activation")
    given, x = x, np.asarray(x)
    if x.dtype.kind not in "iuf":
        raise TypeError(f"{who}: x must hold numbers, got {_got(given)}")
    if x.ndim != 2:
        what = "a 2-D numeric array (examples x features)"
        raise ValueError(f"{who}: x must be {what}, got shape {x.shape}")
    if len(x) == 0:
        raise ValueError(f"{who}: x has no examples")
    features = np.shape(params[0])[0]
    if x.shape[1] != features:
        has = f"x has {x.shape[1]} features per example"
        takes = f"the network takes {features} (x has shape {x.shape})"
        raise ValueError(f"{who}: {has} but {takes}")
    return checks.finite(x.astype(float), who, "x")


def _got(value: object) -> str:
    """What an array argument was, for a message: its dtype if it was an
    array or a list, else its type and value (``NoneType None``)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return f"dtype {np.asarray(value).dtype}"
    return checks.describe(value)


def _check_labels(
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
