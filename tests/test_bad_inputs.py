"""Bad input, table-driven: every public function, its errors and messages.

The error policy (DESIGN.md, "Errors"), which every row is written to:

* A message starts with the name of the public function that was called
  and a colon: ``"exp: x must be a real number or a numeric array, got
  bool True"``.  For constructing a ``Dual`` or a ``Var`` and for their
  arithmetic the name is ``Dual`` or ``Var``.
* ``TypeError`` for the wrong kind of thing.  Bools (Python's and
  numpy's) and complex numbers are not numbers (the message says "bool"
  or "complex"); a str where a number is wanted says "str"; None says
  "None"; an ``f`` that returns None or a str says "None" or "str"; a
  callable argument that is not callable says "function".
* ``ValueError`` for a wrong value: a wrong shape says "shape", a Var of
  another tape says "tape", a ragged list says "ragged", a bad numeric
  argument names the argument, a count above the documented maximum names
  the count ("iterations", "epochs", ...).

Further down: NaN in gives NaN out (not an error), and the correctness
regressions of the engine issue, each with its exact right answer.
"""

import contextlib
import inspect
import math
import re
import signal
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure

from gradbook import (
    article,
    backprop,
    circuits,
    data,
    dual,
    functions,
    nn,
    numerical,
    search,
    source,
)
from gradbook.backprop import Tape, Var, grad_bp
from gradbook.dual import Dual, derivative

# gradbook.checks is left out: its functions are the policy itself, which
# every row below tests; the engine calls them with its own names (who,
# name), not with a reader's input.
MODULES = [
    article,
    circuits,
    functions,
    search,
    numerical,
    dual,
    backprop,
    nn,
    data,
    source,
]

# Public names with no row, and why.  The test below checks each reason.
CLASSES = {  # records and bases, not called with user input
    "functions.Tracer",
    "search.SearchHistory",
    "backprop.Tape",
    "nn.History",
    "data.Dataset",
    "backprop.Node",
}
CONSTANTS = {
    "article.GRADIENT",
    "article.ITERATIONS",
    "article.NEURON_INPUTS",
    "article.POINT",
    "article.START",
    "article.TWEAK",
    "article.VALUE",
    "circuits.NEURON_INPUTS",
    "search.MAX_ITERATIONS",
    "nn.MAX_ITERATIONS",
}
NO_ARGUMENTS = {
    "data.load_digits",
}


@dataclass
class Row:
    """``target(*args, **kwargs)`` must raise ``error`` with ``word`` in
    its message, which starts with ``name:``.

    ``target`` is the public object the row covers; ``expr``, if given,
    is evaluated instead (for operators, generators, and Vars made on the
    spot).
    """

    target: Any
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    error: type = TypeError
    word: str = ""
    name: str = ""
    expr: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or self.target.__name__
        assert isinstance(self.args, tuple), self
        assert isinstance(self.kwargs, dict), self
        assert issubclass(self.error, Exception), self
        assert self.word, self

    @property
    def id(self) -> str:
        named = [f"{k}={_short(v)}" for k, v in self.kwargs.items()]
        shown = ", ".join([_short(a) for a in self.args] + named)
        how = self.expr or f"{self.name}({shown})"
        return f"{how}-{self.error.__name__}-{self.word}"


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray)


def _short(value: Any) -> str:
    """A test id's view of an argument: short, and the same on every run."""
    if isinstance(value, np.ndarray):
        return f"array{value.shape}:{value.dtype}"
    if isinstance(value, (list, tuple)) and any(map(_is_array, value)):
        return f"{type(value).__name__}[{len(value)}]"
    if isinstance(value, (Figure, np.random.Generator)):
        return type(value).__name__
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__.strip("<>")
    if isinstance(value, dict):
        items = ", ".join(f"{k!r}: {_short(v)}" for k, v in value.items())
        return "{" + items + "}"
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 24 else text[:21] + "..."


def _x(v):
    return v * v


_squares = circuits.sum_of_squares  # for a list of inputs


def _none(*_):
    return None


def _text(*_):
    return "1.0"


def _two_features():
    return nn.init_mlp([2, 3, 2], rng=0)


PARAMS = _two_features()
X = np.linspace(-1.0, 1.0, 8).reshape(4, 2)
LABELS = np.array([0, 1, 0, 1])
TARGETS = nn.one_hot(LABELS, 2)
RNG = np.random.default_rng(0)
HISTORY = search.random_search(
    circuits.multiply_gate,
    (-2.0, 3.0),
    iterations=3,
    rng=0,
)
XS, YS = np.linspace(-1.0, 1.0, 5), np.linspace(0.0, 1.0, 5)
RAGGED = [[1.0], [1.0, 2.0]]
NAN = math.nan
HUGE = 10**12  # above any documented maximum count
B = np.True_


def _rows() -> list[Row]:
    rows = []
    # functions: every primitive and function built from them
    for f in (
        functions.exp,
        functions.log,
        functions.sin,
        functions.cos,
        functions.tanh,
        functions.sqrt,
        functions.sigmoid,
        functions.relu,
    ):
        rows += [
            Row(f, (True,), word="bool"),
            Row(f, (B,), word="bool"),
            Row(f, (np.array([True, False]),), word="bool"),
            Row(f, (1 + 2j,), word="complex"),
            Row(f, (np.array([1j]),), word="complex"),
            Row(f, ("1.0",), word="str"),
            Row(f, (None,), word="None"),
        ]
    rows += [
        Row(functions.exp, (RAGGED,), error=ValueError, word="ragged"),
        Row(functions.log_softmax, (True,), word="bool"),
        Row(functions.log_softmax, ("abc",), word="str"),
        Row(functions.log_softmax, (None,), word="None"),
        Row(functions.log_softmax, (np.array([1j, 2.0]),), word="complex"),
        Row(functions.where, (np.array([True]), "a", 1.0), word="str"),
        Row(functions.where, (np.array([True]), None, 1.0), word="None"),
        Row(functions.where, (np.array([True]), 1.0, True), word="bool"),
        Row(functions.where, ("yes", 1.0, 2.0), word="str"),
        Row(
            functions.where,
            (np.array([True, False]), np.ones(3), 0.0),
            error=ValueError,
            word="shape",
        ),
        Row(functions.power_slope, ("a", 2), word="str"),
        Row(functions.power_slope, (2.0, None), word="None"),
        Row(functions.power_slope, (2.0, True), word="bool"),
        Row(functions.primal, ("abc",), word="str"),
        Row(functions.primal, (None,), word="None"),
        Row(functions.plain, ("abc",), word="str"),
        Row(functions.plain, (None,), word="None"),
        Row(functions.plain, (True,), word="bool"),
    ]
    # circuits
    rows += [
        Row(circuits.multiply_gate, (True, 2.0), word="bool"),
        Row(circuits.multiply_gate, ("a", 2.0), word="str"),
        Row(circuits.multiply_gate, (None, 2.0), word="None"),
        Row(circuits.multiply_gate, (1j, 2.0), word="complex"),
        Row(
            circuits.neuron,
            ([1.0, 2.0, -3.0, -1.0],),
            error=ValueError,
            word="neuron",
        ),
        Row(circuits.neuron, (None,), word="None"),
        Row(circuits.neuron, ([1.0, 2.0, -3.0, -1.0, True],), word="bool"),
        Row(circuits.neuron, ([1.0, 2.0, -3.0, -1.0, "3"],), word="str"),
        Row(circuits.sum_of_squares, ([1.0, True],), word="bool"),
        Row(circuits.sum_of_squares, (None,), word="None"),
        Row(circuits.sum_of_squares, ("abc",), word="str"),
    ]
    # search
    gate, start = circuits.multiply_gate, (-2.0, 3.0)
    rows += [
        Row(search.random_search, (5, start), word="function"),
        Row(search.random_search, (gate, None), word="None"),
        Row(search.random_search, (gate, "ab"), word="str"),
        Row(search.random_search, (gate, (1.0, True)), word="bool"),
        Row(search.random_search, (gate, start, True), word="bool"),
        Row(search.random_search, (gate, start, "0.01"), word="str"),
        Row(search.random_search, (gate, start, NAN), {}, ValueError, "tweak"),
        Row(
            search.random_search,
            (gate, start, -0.01),
            {},
            ValueError,
            "tweak",
        ),
        Row(
            search.random_search,
            (gate, start),
            {"iterations": HUGE},
            ValueError,
            "iterations",
        ),
        Row(search.random_search, (gate, start), {"rng": "seed"}, word="str"),
        Row(
            search.random_search,
            (_none, start),
            {"iterations": 1},
            word="None",
        ),
        Row(
            search.random_search,
            (_text, start),
            {"iterations": 1},
            word="str",
        ),
        Row(
            search.random_search,
            (gate, start),
            {"propose": 5},
            word="propose",
        ),
        Row(search.gradient_ascent, (5, start), word="function"),
        Row(
            search.gradient_ascent,
            (gate, start),
            {"step_size": 0},
            ValueError,
            "step_size",
        ),
        Row(
            search.gradient_ascent,
            (gate, start),
            {"step_size": NAN},
            ValueError,
            "step_size",
        ),
        Row(
            search.gradient_ascent,
            (gate, start),
            {"iterations": HUGE},
            ValueError,
            "iterations",
        ),
        Row(
            search.gradient_ascent,
            (gate, start),
            {"gradient": 5},
            word="function",
        ),
        Row(search.gradient_ascent, (gate, (True, 1.0)), word="bool"),
        Row(
            search.gradient_ascent,
            (gate, start),
            {"normalized": 1},
            word="normalized",
        ),
        Row(
            search.gradient_ascent,
            (_none, start),
            {"iterations": 1},
            word="None",
        ),
        Row(search.make_rng, ("seed",), word="str"),
        Row(search.make_rng, (True,), word="bool"),
        Row(search.make_rng, (-1,), error=ValueError, word="rng"),
        Row(search.perturb, ("ab", 0.1, RNG), word="str"),
        Row(search.perturb, (np.zeros(2), True, RNG), word="bool"),
        Row(search.perturb, (np.zeros(2), NAN, RNG), {}, ValueError, "tweak"),
        Row(search.perturb, (np.zeros(2), -1.0, RNG), {}, ValueError, "tweak"),
        Row(search.perturb, (None, 0.1, RNG), word="None"),
    ]
    # numerical
    rows += [
        Row(numerical.central_difference, (5, 1.0), word="function"),
        Row(numerical.central_difference, (_x, True), word="bool"),
        Row(numerical.central_difference, (_x, "1"), word="str"),
        Row(numerical.central_difference, (_x, None), word="None"),
        Row(numerical.central_difference, (_x, 1.0, 0), {}, ValueError, "h"),
        Row(numerical.central_difference, (_x, 1.0, NAN), {}, ValueError, "h"),
        Row(numerical.central_difference, (_none, 1.0), word="None"),
        Row(numerical.central_difference, (_text, 1.0), word="str"),
        Row(numerical.gradient, (5, [1.0]), word="function"),
        Row(numerical.gradient, (_squares, [1.0, True]), word="bool"),
        Row(numerical.gradient, (_x, "abc"), word="str"),
        Row(numerical.gradient, (_x, None), word="None"),
        Row(numerical.gradient, (_x, 1j), word="complex"),
        Row(numerical.gradient, (_x, 1.0), {"h": 0}, ValueError, "h"),
        Row(numerical.gradient, (_none, 1.0), word="None"),
        Row(numerical.gradient, (_text, 1.0), word="str"),
        Row(numerical.check_grad, (5, 1.0, 2.0), word="function"),
        Row(numerical.check_grad, (_x, 1.0, "2"), word="str"),
        Row(numerical.check_grad, (_x, 1.0, None), word="None"),
        Row(numerical.check_grad, (_x, 1.0, True), word="bool"),
        Row(numerical.check_grad, (_x, 1.0, 2.0), {"h": 0}, ValueError, "h"),
        Row(
            numerical.check_grad,
            (_x, 1.0, 2.0),
            {"rtol": -1.0},
            ValueError,
            "rtol",
        ),
        Row(
            numerical.check_grad,
            (_x, 1.0, 2.0),
            {"atol": NAN},
            ValueError,
            "atol",
        ),
        Row(numerical.check_grad, (_none, 1.0, 2.0), word="None"),
        Row(numerical.max_relative_error, (1.0, "a"), word="str"),
        Row(numerical.max_relative_error, (None, 1.0), word="None"),
        Row(numerical.max_relative_error, (True, 1.0), word="bool"),
        Row(
            numerical.max_relative_error,
            (np.ones(2), np.ones(3)),
            error=ValueError,
            word="shape",
        ),
    ]
    # dual: construction, arithmetic, and the functions
    rows += [
        Row(Dual, ("1.0",), word="str"),
        Row(Dual, (True,), word="bool"),
        Row(Dual, (B,), word="bool"),
        Row(Dual, (np.array([True]),), word="bool"),
        Row(Dual, (1j,), word="complex"),
        Row(Dual, (None,), word="None"),
        Row(Dual, (1.0, "a"), word="str"),
        Row(Dual, (1.0, True), word="bool"),
        Row(Dual, (np.ones(3), np.ones(2)), {}, ValueError, "shape"),
        Row(Dual, (RAGGED,), error=ValueError, word="ragged"),
        Row(Dual, expr='Dual(1.0) + "a"', word="str"),
        Row(Dual, expr='"a" - Dual(1.0)', word="str"),
        Row(Dual, expr="Dual(1.0) * True", word="bool"),
        Row(Dual, expr="Dual(1.0) + None", word="None"),
        Row(Dual, expr="Dual(1.0) + 1j", word="complex"),
        Row(Dual, expr='Dual(1.0) ** "2"', word="str"),
        Row(
            Dual,
            expr="Dual(np.ones(3)) + Dual(np.ones(2))",
            error=ValueError,
            word="shape",
        ),
        Row(
            Dual,
            expr="Dual(np.ones((2, 3))) @ np.ones(2)",
            error=ValueError,
            word="shape",
        ),
        Row(dual.constant, ("a",), word="str"),
        Row(dual.constant, (True,), word="bool"),
        Row(dual.variable, (True,), word="bool"),
        Row(dual.variable, (None,), word="None"),
        Row(derivative, (5, 1.0), word="function"),
        Row(derivative, (_x, True), word="bool"),
        Row(derivative, (_x, "1"), word="str"),
        Row(derivative, (_x, 1j), word="complex"),
        Row(derivative, (_x, None), word="None"),
        Row(derivative, (_none, 1.0), word="None"),
        Row(derivative, (_text, 1.0), word="str"),
        Row(dual.jvp, (5, 1.0, 1.0), word="function"),
        Row(dual.jvp, (_x, 1.0, True), word="bool"),
        Row(dual.jvp, (_x, np.ones(3), np.ones(2)), {}, ValueError, "shape"),
        Row(dual.jvp, (_none, 1.0, 1.0), word="None"),
        Row(dual.jvp, (_text, 1.0, 1.0), word="str"),
        Row(dual.gradient, (5, [1.0]), word="function"),
        Row(dual.gradient, (_x, "ab"), word="str"),
        Row(dual.gradient, (_squares, [1.0, True]), word="bool"),
        Row(dual.gradient, (_x, None), word="None"),
        Row(dual.gradient, (_none, [1.0]), word="None"),
        Row(dual.gradient, (_text, [1.0]), word="str"),
    ]
    # backprop: Var construction, arithmetic, and the functions
    rows += [
        Row(Var, ("a",), word="str"),
        Row(Var, (True,), word="bool"),
        Row(Var, (B,), word="bool"),
        Row(Var, (np.array([True]),), word="bool"),
        Row(Var, (1j,), word="complex"),
        Row(Var, (None,), word="None"),
        Row(Var, (RAGGED,), error=ValueError, word="ragged"),
        Row(Var, expr='Var(1.0) + "a"', word="str"),
        Row(Var, expr='"a" * Var(1.0)', word="str"),
        Row(Var, expr="Var(1.0) * True", word="bool"),
        Row(Var, expr="Var(1.0) + None", word="None"),
        Row(Var, expr="Var(1.0) + 1j", word="complex"),
        Row(
            Var,
            expr="Var(1.0) + Var(2.0)",
            error=ValueError,
            word="tape",
        ),
        Row(
            Var,
            expr="_same_tape(np.ones(3), np.ones(2))",
            error=ValueError,
            word="shape",
        ),
        Row(
            Var,
            expr="Var(np.ones((2, 3))) @ np.ones(2)",
            error=ValueError,
            word="shape",
        ),
        Row(backprop.backprop, (5, 1.0), word="function"),
        Row(backprop.backprop, (_x, True), word="bool"),
        Row(backprop.backprop, (_x, "1"), word="str"),
        Row(backprop.backprop, (_none, 1.0), word="None"),
        Row(backprop.backprop, (_text, 1.0), word="str"),
        Row(
            backprop.backprop,
            (lambda v: v, np.ones(3)),
            error=ValueError,
            word="shape",
        ),
        Row(backprop.eval_bp, (5, 1.0), word="function"),
        Row(backprop.eval_bp, (_x, "1"), word="str"),
        Row(backprop.eval_bp, (_x, None), word="None"),
        Row(backprop.eval_bp, (_none, 1.0), word="None"),
        Row(grad_bp, (5, 1.0), word="function"),
        Row(grad_bp, (_x, True), word="bool"),
        Row(grad_bp, (_squares, [1.0, B]), word="bool"),
        Row(grad_bp, (_x, 1j), word="complex"),
        Row(grad_bp, (_x, None), word="None"),
        Row(grad_bp, (_none, 1.0), word="None"),
        Row(grad_bp, (_text, 1.0), word="str"),
        Row(
            grad_bp,
            expr="_another_tape()",
            error=ValueError,
            word="tape",
        ),
        Row(backprop.sequence_var, (None,), word="None"),
        Row(backprop.sequence_var, ("abc",), word="str"),
    ]
    # nn
    rows += [
        Row(nn.one_hot, ([0, 1],), {"classes": True}, word="bool"),
        Row(nn.one_hot, (None, 2), word="None"),
        Row(nn.init_mlp, ([2, True],), word="bool"),
        Row(nn.init_mlp, ([2, 3],), {"rng": "x"}, word="str"),
        Row(nn.init_mlp, (None,), word="None"),
        Row(nn.mlp, (PARAMS, np.ones((4, 3))), {}, ValueError, "shape"),
        Row(nn.mlp, (PARAMS, "abc"), word="str"),
        Row(nn.mlp, (PARAMS, X), {"activation": 5}, word="function"),
        Row(
            nn.cross_entropy,
            (np.ones((2, 3)), np.ones((2, 2))),
            error=ValueError,
            word="shape",
        ),
        Row(nn.cross_entropy, (None, np.ones((2, 2))), word="None"),
        Row(
            nn.loss,
            (PARAMS, np.ones((4, 3)), TARGETS),
            {},
            ValueError,
            "shape",
        ),
        Row(nn.loss, (PARAMS, X, np.ones((4, 3))), {}, ValueError, "shape"),
        Row(nn.loss, (PARAMS, X, TARGETS), {"activation": 5}, word="function"),
        Row(nn.predict, (PARAMS, np.ones((4, 3))), {}, ValueError, "shape"),
        Row(nn.predict, (PARAMS, "abc"), word="str"),
        Row(nn.accuracy, (PARAMS, X, None), word="None"),
        Row(
            nn.accuracy,
            (PARAMS, np.ones((4, 3)), LABELS),
            error=ValueError,
            word="shape",
        ),
        Row(nn.confusion, ([0, 1], [0, 1], True), word="bool"),
        Row(nn.confusion, (None, [0, 1], 2), word="None"),
        Row(
            nn.minibatches,
            name="minibatches",
            expr="list(nn.minibatches(10, True, 0))",
            word="bool",
        ),
        Row(
            nn.minibatches,
            name="minibatches",
            expr="list(nn.minibatches(10, 0, 0))",
            error=ValueError,
            word="batch_size",
        ),
        Row(
            nn.sgd_step,
            ([np.ones((2, 3))], [np.ones(3)], 0.1),
            error=ValueError,
            word="shape",
        ),
        Row(
            nn.sgd_step,
            ([np.ones(3)], [np.ones(2)], 0.1),
            error=ValueError,
            word="shape",
        ),
        Row(nn.sgd_step, ([np.ones(3)], [np.ones(3)], True), word="bool"),
        Row(nn.sgd_step, ([np.ones(3)], [np.ones(3)], "0.1"), word="str"),
        Row(
            nn.sgd_step,
            ([np.ones(3)], [np.ones(3)], NAN),
            error=ValueError,
            word="learning_rate",
        ),
        Row(
            nn.train,
            (PARAMS, X, LABELS),
            {"learning_rate": 0},
            ValueError,
            "learning_rate",
        ),
        Row(
            nn.train,
            (PARAMS, X, LABELS),
            {"epochs": HUGE},
            ValueError,
            "epochs",
        ),
        Row(nn.train, (PARAMS, X, LABELS), {"epochs": True}, word="bool"),
        Row(nn.train, (PARAMS, X, LABELS), {"activation": 5}, word="function"),
        Row(
            nn.train_random_search,
            (PARAMS, X, LABELS),
            {"tweak": -1.0},
            ValueError,
            "tweak",
        ),
        Row(
            nn.train_random_search,
            (PARAMS, X, LABELS),
            {"evaluations": HUGE},
            ValueError,
            "evaluations",
        ),
        Row(nn.train_random_search, (PARAMS, X, None), word="None"),
    ]
    # data
    rows += [
        Row(data.spirals, (True,), word="bool"),
        Row(data.spirals, (), {"noise": -1.0}, ValueError, "noise"),
        Row(data.spirals, (), {"noise": "a"}, word="str"),
        Row(data.spirals, (), {"classes": 1}, ValueError, "classes"),
        Row(data.spirals, (), {"rng": "x"}, word="str"),
        Row(data.digits, (2,), error=ValueError, word="test_fraction"),
        Row(data.digits, (NAN,), error=ValueError, word="test_fraction"),
        Row(data.digits, (True,), word="bool"),
        Row(data.digits, (0.25, "a"), word="str"),
    ]
    # source
    rows += [
        Row(source.show_source, (5,), word="function"),
        Row(source.show_source, (None,), word="None"),
    ]
    return rows


def _same_tape(a, b):
    tape = Tape()
    return tape.var(a) + tape.var(b)


def _another_tape():
    w = Var(3.0)  # recorded on its own tape, not on grad_bp's
    return grad_bp(lambda v: w * w, [1.0, 2.0])


ROWS = _rows()


class _TooSlow(BaseException):
    """Raised when a row runs on instead of refusing its input."""


@contextlib.contextmanager
def deadline(seconds: float | None):
    """Stop a call that ignores a bad count and loops (10**12 iterations)."""
    if seconds is None:
        yield
        return

    def stop(signum, frame):
        raise _TooSlow(f"still running after {seconds} s: no check")

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def contains_word(message: str, word: str) -> bool:
    """``word`` starts a word of ``message``; a short word must be whole."""
    end = r"(?![A-Za-z0-9_])" if len(word) < 3 else ""
    pattern = r"(?<![A-Za-z0-9_])" + re.escape(word) + end
    return re.search(pattern, message) is not None


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_input(row):
    # a count of 10**12 that is not refused would run for days
    counts = [*row.args, *row.kwargs.values()]
    limit = 2.0 if any(type(v) is int and v == HUGE for v in counts) else None
    with deadline(limit), pytest.raises(row.error) as caught:
        if row.expr:
            eval(row.expr)
        else:
            row.target(*row.args, **row.kwargs)
    message = str(caught.value)
    assert message.startswith(f"{row.name}:"), message
    assert contains_word(message, row.word), message


def test_every_row_calls_with_arguments_the_function_accepts():
    """A row with a mistyped call would raise TypeError for the wrong
    reason; every direct call binds to its function's signature."""
    for row in ROWS:
        if not row.expr:
            inspect.signature(row.target).bind(*row.args, **row.kwargs)


def _public():
    for module in MODULES:
        short = module.__name__.rsplit(".", 1)[-1]
        for name in module.__all__:
            yield f"{short}.{name}", getattr(module, name)


def test_the_table_covers_every_public_name():
    covered = {id(row.target) for row in ROWS}
    missing = []
    for qualified, obj in _public():
        if qualified in CLASSES:
            assert inspect.isclass(obj), qualified
        elif qualified in CONSTANTS:
            assert not callable(obj), qualified
        elif qualified in NO_ARGUMENTS:
            assert not inspect.signature(obj).parameters, qualified
        elif id(obj) not in covered:
            missing.append(qualified)
    assert not missing, f"no bad-input row for {missing}"
    names = {qualified for qualified, _ in _public()}
    assert names >= (CLASSES | CONSTANTS | NO_ARGUMENTS)


# NaN in, NaN out: not an error, and not a number made up.

NAN_CASES = [
    ("exp", functions.exp),
    ("log", functions.log),
    ("sin", functions.sin),
    ("cos", functions.cos),
    ("tanh", functions.tanh),
    ("sqrt", functions.sqrt),
    ("sigmoid", functions.sigmoid),
    ("relu", functions.relu),
    ("abs", abs),
    ("square", lambda x: x**2),
]


@pytest.mark.parametrize(
    ("name", "f"),
    NAN_CASES,
    ids=[name for name, _ in NAN_CASES],
)
def test_nan_in_gives_nan_out(name, f):
    assert math.isnan(f(NAN))
    assert np.isnan(f(np.array([NAN, 0.5]))[0])
    assert math.isnan(dual.jvp(f, NAN, 1.0)[0])
    assert math.isnan(backprop.eval_bp(f, NAN))


def test_nan_in_log_softmax_gives_nan_out():
    out = functions.log_softmax(np.array([NAN, 1.0]))
    assert np.all(np.isnan(out))


# Correctness regressions from the engine issue, with the right answers.


def test_nested_derivatives_do_not_confuse_their_perturbations():
    # d/dx (d/dy x*y at y=1) = d/dx x = 1
    assert derivative(lambda x: derivative(lambda y: x * y, 1.0), 2.0) == 1.0


def test_an_untaken_where_branch_contributes_nothing():
    def f(x):
        return functions.where(x > 0.1, functions.sqrt(x), 0.0).sum()

    # sqrt(-1) is nan and numpy says so; the gradient must still be right
    with np.errstate(invalid="ignore", divide="ignore"):
        grad = grad_bp(f, np.array([4.0, -1.0]))
    np.testing.assert_array_equal(grad, [0.25, 0.0])


def test_an_untaken_where_branch_with_an_infinite_slope():
    def f(v):
        return functions.where(v[0] > 0.1, functions.sqrt(v[0]), 0.0)

    assert grad_bp(f, [0.0]) == [0.0]


def test_forward_gradient_of_an_array_input():
    grad = dual.gradient(lambda v: (v * v).sum(), np.array([1.0, 2.0, 3.0]))
    assert isinstance(grad, np.ndarray)
    np.testing.assert_array_equal(grad, [2.0, 4.0, 6.0])


BATCHED = [
    ((3,), (4, 3, 2)),  # vector @ stack of matrices
    ((4, 2, 3), (3,)),  # stack of matrices @ vector
]


def _batched_case(a_shape, b_shape):
    a = np.sin(1.0 + np.arange(math.prod(a_shape))).reshape(a_shape)
    b = np.cos(2.0 + np.arange(math.prod(b_shape))).reshape(b_shape)
    weights = np.linspace(-1.0, 1.0, math.prod((a @ b).shape))
    weights = weights.reshape((a @ b).shape)

    def f(v):
        return ((v[0] @ v[1]) * weights).sum()

    return f, [a, b]


@pytest.mark.parametrize(("a_shape", "b_shape"), BATCHED, ids=str)
def test_batched_matmul_reverse_mode(a_shape, b_shape):
    f, xs = _batched_case(a_shape, b_shape)
    grads = grad_bp(f, xs)
    assert [np.shape(g) for g in grads] == [a_shape, b_shape]
    numerical.check_grad(f, xs, grads)


@pytest.mark.parametrize(("a_shape", "b_shape"), BATCHED, ids=str)
def test_batched_matmul_forward_mode(a_shape, b_shape):
    f, xs = _batched_case(a_shape, b_shape)
    grads = dual.gradient(f, xs)  # one pass per element, shaped like xs
    assert [np.shape(g) for g in grads] == [a_shape, b_shape]
    numerical.check_grad(f, xs, grads)


def _quotient(v):
    return v[0] / v[1]


QUOTIENTS = [
    # (point, value, gradient): d(u/v) = [1/v, -u/v**2]
    ([1e-170, 1e-170], 1.0, [1e170, -1e170]),
    ([1e160, 1e160], 1.0, [1e-160, -1e-160]),
]


@pytest.mark.parametrize(("point", "value", "grad"), QUOTIENTS, ids=str)
def test_quotient_rule_at_extreme_scales_reverse(point, value, grad):
    out, reverse = backprop.backprop(_quotient, point)
    assert out == value
    assert reverse == pytest.approx(grad, rel=1e-14, abs=0.0)


@pytest.mark.parametrize(("point", "value", "grad"), QUOTIENTS, ids=str)
def test_quotient_rule_at_extreme_scales_forward(point, value, grad):
    assert dual.jvp(_quotient, point, [1.0, 0.0])[0] == value
    forward = dual.gradient(_quotient, point)
    assert forward == pytest.approx(grad, rel=1e-14, abs=0.0)


def test_the_referee_cannot_be_fooled_by_nan():
    with pytest.raises(AssertionError):
        numerical.check_grad(lambda x: x * x, 1.0, float("nan"))
