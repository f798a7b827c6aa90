"""Bad input to the reader-facing engine: every public function, its errors
and its messages.

The error policy (DESIGN.md, "Errors"), which every row is written to:

* A message starts with the name of the public function that was called
  and a colon: ``"exp: x must be a real number or a numeric array, got
  bool True"``.  For a ``Dual`` or a ``Var`` and their arithmetic the name
  is ``Dual`` or ``Var`` (``Var.sum`` for a method).
* ``TypeError`` for the wrong kind of thing.  Bools (Python's and numpy's)
  and complex numbers are not numbers (the message says "bool" or
  "complex"); a str says "str"; None says "None"; an ``f`` that returns
  one of those says so; an argument that should be callable says
  "function".
* ``ValueError`` for a wrong value: a wrong shape says "shape", a Var of
  another tape says "tape", a ragged list says "ragged", a bad numeric
  argument names the argument, a count above the documented maximum names
  the count ("iterations", "epochs", ...).

The "not a number" family is generated: every argument that takes a
number, crossed with every kind of thing that is not one.  So is the
family of functions ``f`` that return something that is not a number, and
of arguments that should be functions.  The figures (plots,
explorables, widgets) have their own tables, beside their tests.
"""

import contextlib
import inspect
import math
import re
import signal
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from gradbook import (
    article,
    backprop,
    circuits,
    data,
    dual,
    functions,
    jit,
    nn,
    numerical,
    search,
)
from gradbook.backprop import Tape, Var, grad_bp
from gradbook.dual import Dual, derivative

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
    jit,
]

# Public names with no row, and why.  A test checks each reason.
CLASSES = {  # records and bases, never called with a reader's values
    "functions.Tracer",
    "search.SearchHistory",
    "backprop.Tape",
    "backprop.Node",
    "nn.History",
    "nn.Layer",
    "data.Dataset",
    "jit.MismatchError",
    "jit.Program",
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
    "functions.Operand",
    "search.MAX_ITERATIONS",
    "nn.MAX_ITERATIONS",
    "data.MAX_POINTS",
}
NO_ARGUMENTS = {"data.load_digits"}


@dataclass(frozen=True)
class Row:
    """``call()`` must raise ``error``; its message starts with ``name:``
    and holds ``word``.  ``target`` is the public object the row covers."""

    target: object
    call: Callable[[], object]
    error: type
    word: str
    name: str
    label: str

    @property
    def id(self) -> str:
        return f"{self.label}-{self.error.__name__}-{self.word}"


def row(target, call, error, word, label, name=None):
    name = name or target.__name__
    label = label if label.startswith(name) else f"{name}({label})"
    return Row(target, call, error, word, name, label)


# Things that are not numbers, and the word the message must hold.
NOT_NUMBERS = [
    ("True", True, "bool"),
    ("np.True_", np.True_, "bool"),
    ("a bool array", np.array([True, False]), "bool"),
    ("1+2j", 1 + 2j, "complex"),
    ("a complex array", np.array([1j]), "complex"),
    ("'1.0'", "1.0", "str"),
    ("None", None, "None"),
]


def _square(v):
    return v * v


def _squares(vs):
    return circuits.sum_of_squares(vs)


def _gate(x, y):
    return circuits.multiply_gate(x, y)


PARAMS = nn.init_mlp([2, 3, 2], rng=0)
X = np.linspace(-1.0, 1.0, 8).reshape(4, 2)
LABELS = np.array([0, 1, 0, 1])
TARGETS = nn.one_hot(LABELS, 2)
START = (-2.0, 3.0)
IMAGES = np.ones((2, 1, 4, 4))
KERNELS = np.ones((2, 1, 3, 3))
ONE = np.ones(2)
NET = nn.Network([nn.Conv2d(1, 2, 3), nn.flatten, nn.Dense(8, 2)])
RAGGED = [[1.0], [1.0, 2.0]]
NAN = math.nan
HUGE = 10**12  # above every documented maximum count

# Every argument that must be a number, as (target, name, call with v).
# ``name`` is what the message starts with.
NUMBER_ARGUMENTS = [
    (functions.exp, "exp", lambda v: functions.exp(v)),
    (functions.log, "log", lambda v: functions.log(v)),
    (functions.sin, "sin", lambda v: functions.sin(v)),
    (functions.cos, "cos", lambda v: functions.cos(v)),
    (functions.tanh, "tanh", lambda v: functions.tanh(v)),
    (functions.sqrt, "sqrt", lambda v: functions.sqrt(v)),
    (functions.sigmoid, "sigmoid", lambda v: functions.sigmoid(v)),
    (functions.relu, "relu", lambda v: functions.relu(v)),
    (functions.log_softmax, "log_softmax", functions.log_softmax),
    (functions.where, "where", lambda v: functions.where(X > 0, v, 1.0)),
    (functions.where, "where", lambda v: functions.where(True, 1.0, v)),
    (functions.primal, "primal", functions.primal),
    (functions.plain, "plain", functions.plain),
    (circuits.multiply_gate, "multiply_gate", lambda v: _gate(v, 2.0)),
    (circuits.neuron, "neuron", lambda v: circuits.neuron([*START, 1, 2, v])),
    (circuits.sum_of_squares, "sum_of_squares", lambda v: _squares([1, v])),
    (Dual, "Dual", lambda v: Dual(v)),
    (Dual, "Dual", lambda v: Dual(1.0, v)),
    (Dual, "Dual", lambda v: Dual(1.0) + v),
    (Dual, "Dual", lambda v: v * Dual(1.0)),
    (Dual, "Dual", lambda v: Dual(1.0) ** v),
    (dual.constant, "constant", dual.constant),
    (dual.variable, "variable", dual.variable),
    (derivative, "derivative", lambda v: derivative(_square, v)),
    (dual.jvp, "jvp", lambda v: dual.jvp(_square, v, 1.0)),
    (dual.jvp, "jvp", lambda v: dual.jvp(_square, 1.0, v)),
    (dual.gradient, "gradient", lambda v: dual.gradient(_squares, [1.0, v])),
    (Var, "Var", lambda v: Var(v)),
    (Var, "Var", lambda v: Var(1.0) + v),
    (Var, "Var", lambda v: v - Var(1.0)),
    (Var, "Var", lambda v: Var(1.0) ** v),
    (backprop.backprop, "backprop", lambda v: backprop.backprop(_square, v)),
    (backprop.eval_bp, "eval_bp", lambda v: backprop.eval_bp(_square, v)),
    (grad_bp, "grad_bp", lambda v: grad_bp(_square, v)),
    (grad_bp, "grad_bp", lambda v: grad_bp(_squares, [1.0, v])),
    (backprop.hvp, "hvp", lambda v: backprop.hvp(_square, v, 1.0)),
    (
        backprop.hvp,
        "hvp",
        lambda v: backprop.hvp(_squares, [1.0, 2.0], [1, v]),
    ),
    (jit.compile_grad, "compile_grad", lambda v: jit.compile_grad(_square, v)),
    (jit.compile_grad, "compile_grad", lambda v: _compiled([1.0, v])),
    (jit.trace, "trace", lambda v: jit.trace(_square, v)),
    (jit.trace_grad, "trace_grad", lambda v: jit.trace_grad(_squares, [v])),
    (jit.linearize, "linearize", lambda v: jit.linearize(_square, v)),
    (
        jit.grad_by_transpose,
        "grad_by_transpose",
        lambda v: jit.grad_by_transpose(_square, v),
    ),
    (
        numerical.central_difference,
        "central_difference",
        lambda v: numerical.central_difference(_square, v),
    ),
    (numerical.gradient, "gradient", lambda v: numerical.gradient(_square, v)),
    (
        numerical.check_grad,
        "check_grad",
        lambda v: numerical.check_grad(_square, v, 2.0),
    ),
    (
        numerical.check_grad,
        "check_grad",
        lambda v: numerical.check_grad(_square, 1.0, v),
    ),
    (
        numerical.max_relative_error,
        "max_relative_error",
        lambda v: numerical.max_relative_error(v, 1.0),
    ),
    (search.perturb, "perturb", lambda v: search.perturb(v, 0.1, 0)),
    (search.random_search, "random_search", lambda v: _searched(v)),
    (search.gradient_ascent, "gradient_ascent", lambda v: _ascended(v)),
    (nn.mlp, "mlp", lambda v: nn.mlp(PARAMS, v)),
    (nn.loss, "loss", lambda v: nn.loss(PARAMS, X, v)),
    (nn.cross_entropy, "cross_entropy", lambda v: nn.cross_entropy(v, 1.0)),
    (nn.batch_norm, "batch_norm", lambda v: nn.batch_norm(v, 1.0, 0.0)),
    (nn.batch_norm, "batch_norm", lambda v: nn.batch_norm(X, v, 0.0)),
    (nn.BatchNorm, "BatchNorm", lambda v: nn.BatchNorm(2)(X, v, 0.0)),
    (nn.Dense, "Dense", lambda v: nn.Dense(2, 2)(X, v, 0.0)),
    (nn.conv2d, "conv2d", lambda v: nn.conv2d(v, KERNELS)),
    (nn.conv2d, "conv2d", lambda v: nn.conv2d(IMAGES, v)),
    (nn.conv2d_unfolded, "conv2d_unfolded", lambda v: _unfolded(v)),
    (nn.max_pool, "max_pool", nn.max_pool),
    (nn.avg_pool, "avg_pool", nn.avg_pool),
    (nn.flatten, "flatten", nn.flatten),
    (
        nn.Network,
        "Network.with_params",
        lambda v: NET.with_params([v, *NET.params[1:]]),
    ),
]


def _kept_dual():
    """A Dual kept from a derivative that has finished."""
    kept = []
    derivative(lambda y: kept.append(y) or y, 1.0)
    return kept[0]


def _compiled(xs):
    """The compiled gradient of _squares, called on ``xs``."""
    return jit.compile_grad(_squares, [1.0, 2.0])(xs)


def _unfolded(images):
    return nn.conv2d_unfolded(images, KERNELS)


def _searched(start):
    return search.random_search(_gate, start, iterations=1, rng=0)


def _ascended(start):
    return search.gradient_ascent(_gate, start, iterations=1)


def _not_a_number_rows():
    rows = []
    for k, (target, name, call) in enumerate(NUMBER_ARGUMENTS):
        for shown, bad, word in NOT_NUMBERS:
            label = f"{name}[{k}]({shown})"
            thunk = (lambda c, b: lambda: c(b))(call, bad)
            rows.append(row(target, thunk, TypeError, word, label, name))
    return rows


def _returns(value):
    def f(*_):
        return value

    return f


# Every argument that must be a function, as (target, call with f): a
# non-callable is a TypeError saying "function"; an f that returns
# something that is not a number is a TypeError naming what it returned.
FUNCTION_ARGUMENTS = [
    (derivative, lambda f: derivative(f, 1.0)),
    (dual.jvp, lambda f: dual.jvp(f, 1.0, 1.0)),
    (dual.gradient, lambda f: dual.gradient(f, [1.0])),
    (backprop.backprop, lambda f: backprop.backprop(f, 1.0)),
    (backprop.eval_bp, lambda f: backprop.eval_bp(f, 1.0)),
    (grad_bp, lambda f: grad_bp(f, 1.0)),
    (backprop.hvp, lambda f: backprop.hvp(f, 1.0, 1.0)),
    (jit.compile_grad, lambda f: jit.compile_grad(f, 1.0)),
    (jit.trace, lambda f: jit.trace(f, 1.0)),
    (jit.trace_grad, lambda f: jit.trace_grad(f, 1.0)),
    (jit.linearize, lambda f: jit.linearize(f, 1.0)),
    (jit.grad_by_transpose, lambda f: jit.grad_by_transpose(f, 1.0)),
    (
        numerical.central_difference,
        lambda f: numerical.central_difference(f, 1.0),
    ),
    (numerical.gradient, lambda f: numerical.gradient(f, 1.0)),
    (numerical.check_grad, lambda f: numerical.check_grad(f, 1.0, 2.0)),
    (
        search.random_search,
        lambda f: search.random_search(f, START, iterations=1, rng=0),
    ),
    (
        search.gradient_ascent,
        lambda f: search.gradient_ascent(f, START, iterations=1),
    ),
]
NOT_RESULTS = [(None, "None"), ("1.0", "str"), (True, "bool"), (1j, "complex")]


def _function_rows():
    rows = []
    for target, call in FUNCTION_ARGUMENTS:
        name = target.__name__
        module = target.__module__.rsplit(".", 1)[-1]
        thunk = (lambda c: lambda: c(5))(call)
        label = f"{name}(5) of {module}"
        rows.append(row(target, thunk, TypeError, "function", label))
        for result, word in NOT_RESULTS:
            thunk = (lambda c, r: lambda: c(_returns(r)))(call, result)
            label = f"{name}(f returning {word}) of {module}"
            rows.append(row(target, thunk, TypeError, word, label))
    return rows


def _same_tape(a, b):
    tape = Tape()
    return tape.var(a) + tape.var(b)


def _another_tape():
    w = Var(3.0)  # recorded on its own tape, not on grad_bp's
    return grad_bp(lambda v: w * w, [1.0, 2.0])


def _rows():
    rows = _not_a_number_rows() + _function_rows()
    v, e = ValueError, TypeError
    fn, bp = functions, backprop
    ones = np.ones(3)
    rows += [
        # functions
        row(fn.exp, lambda: fn.exp(RAGGED), v, "ragged", "exp(ragged)"),
        row(
            fn.where,
            lambda: fn.where("yes", 1.0, 2.0),
            e,
            "str",
            "where(condition str)",
        ),
        row(
            fn.where,
            lambda: fn.where(np.array([True, False]), ones, 0.0),
            v,
            "shape",
            "where(shapes)",
        ),
        row(
            fn.where,
            lambda: fn.where(ones > 0, Dual(ones), Var(ones)),
            e,
            "mixed",
            "where(Dual, Var)",
        ),
        row(
            fn.numpy_function,
            lambda: fn.numpy_function(5),
            e,
            "function",
            "numpy_function(5)",
        ),
        row(
            fn.log_softmax,
            lambda: fn.log_softmax(2.0),
            v,
            "single",
            "log_softmax(a number)",
        ),
        row(
            fn.log_softmax,
            lambda: fn.log_softmax(ones, axis=1),
            v,
            "axis",
            "log_softmax(axis=1)",
        ),
        row(
            fn.log_softmax,
            lambda: fn.log_softmax(ones, axis=True),
            e,
            "bool",
            "log_softmax(axis=True)",
        ),
        # circuits
        row(
            circuits.neuron,
            lambda: circuits.neuron([1.0, 2.0, -3.0, -1.0]),
            v,
            "five",
            "neuron(four params)",
        ),
        row(
            circuits.neuron,
            lambda: circuits.neuron({"a": 1.0}),
            e,
            "dict",
            "neuron(dict)",
        ),
        row(
            circuits.neuron,
            lambda: circuits.neuron([ones, 2.0, -3.0, np.ones(2), 3.0]),
            v,
            "broadcast",
            "neuron(shapes)",
        ),
        row(
            circuits.multiply_gate,
            lambda: circuits.multiply_gate(ones, np.ones(2)),
            v,
            "broadcast",
            "multiply_gate(shapes)",
        ),
        # dual
        row(
            Dual,
            lambda: Dual(ones, np.ones(2)),
            v,
            "shape",
            "Dual(tangent shape)",
        ),
        row(Dual, lambda: Dual(RAGGED), v, "ragged", "Dual(ragged)"),
        row(
            Dual,
            lambda: Dual(ones) + Dual(np.ones(2)),
            v,
            "shape",
            "Dual + Dual(shapes)",
        ),
        row(
            Dual,
            lambda: Dual(np.ones((2, 3))) @ np.ones(2),
            v,
            "shape",
            "Dual @ (shapes)",
        ),
        row(Dual, lambda: Dual(1.0) * Var(2.0), e, "mixed", "Dual * Var"),
        row(Dual, lambda: bool(Dual(ones)), v, "true", "bool(Dual array)"),
        row(Dual, lambda: len(Dual(1.0)), e, "len", "len(Dual number)"),
        row(Dual, lambda: Dual(1.0)[0], e, "items", "Dual number[0]"),
        row(Dual, lambda: Dual(ones)[5], IndexError, "index", "Dual[5]"),
        row(
            Dual,
            lambda: Dual(ones).sum(axis=1),
            v,
            "axis",
            "Dual.sum(axis=1)",
            "Dual.sum",
        ),
        row(
            Dual,
            lambda: Dual(ones).reshape(4),
            v,
            "reshape",
            "Dual.reshape(4)",
            "Dual.reshape",
        ),
        row(
            dual.jvp,
            lambda: dual.jvp(_square, ones, np.ones(2)),
            v,
            "shape",
            "jvp(tangent shape)",
        ),
        row(
            dual.jvp,
            lambda: dual.jvp(_squares, [1.0, 2.0], [1.0]),
            v,
            "tangent",
            "jvp(one tangent for two)",
        ),
        row(
            derivative,
            lambda: derivative(lambda y: _kept_dual(), 1.0),
            v,
            "finished",
            "derivative(a Dual kept from another)",
        ),
        row(
            derivative,
            lambda: derivative(lambda y: Dual(1.0, 1.0), 1.0),
            v,
            "made by hand",
            "derivative(a Dual made by hand)",
        ),
        # backprop
        row(Var, lambda: Var(RAGGED), v, "ragged", "Var(ragged)"),
        row(Var, lambda: Var(1.0, tape=5), e, "Tape", "Var(tape=5)"),
        row(Var, lambda: Var(1.0) + Var(2.0), v, "tape", "Var + Var(tapes)"),
        row(
            Var,
            lambda: _same_tape(ones, np.ones(2)),
            v,
            "shape",
            "Var + Var(shapes)",
        ),
        row(
            Var,
            lambda: Var(np.ones((2, 3))) @ np.ones(2),
            v,
            "shape",
            "Var @ (shapes)",
        ),
        row(Var, lambda: Var(1.0) * Dual(2.0), e, "mixed", "Var * Dual"),
        row(Var, lambda: bool(Var(ones)), v, "true", "bool(Var array)"),
        row(Var, lambda: len(Var(1.0)), e, "len", "len(Var number)"),
        row(Var, lambda: Var(1.0)[0], e, "items", "Var number[0]"),
        row(Var, lambda: Var(ones)[5], IndexError, "index", "Var[5]"),
        row(
            Var,
            lambda: Var(ones).sum(axis=1),
            v,
            "axis",
            "Var.sum(axis=1)",
            "Var.sum",
        ),
        row(
            Var,
            lambda: Var(ones).reshape(4),
            v,
            "reshape",
            "Var.reshape(4)",
            "Var.reshape",
        ),
        row(
            bp.backprop,
            lambda: bp.backprop(lambda x: x, ones),
            v,
            "shape",
            "backprop(f returns an array)",
        ),
        row(grad_bp, _another_tape, v, "tape", "grad_bp(Var of a tape)"),
        row(
            grad_bp,
            lambda: grad_bp(lambda x: Dual(1.0), 1.0),
            e,
            "mixed",
            "grad_bp(f returns a Dual)",
        ),
        row(
            grad_bp,
            lambda: grad_bp(lambda p: (p[0] + p[1]).sum(), [ones, np.ones(4)]),
            v,
            "shapes",
            "grad_bp(shapes)",
        ),
        row(
            bp.hvp,
            lambda: bp.hvp(_squares, [1.0, 2.0], 1.0),
            v,
            "direction",
            "hvp(v not a list)",
        ),
        row(
            bp.hvp,
            lambda: bp.hvp(lambda x: (x * x).sum(), ones, np.ones(2)),
            v,
            "shape",
            "hvp(v of another shape)",
        ),
        row(
            bp.hvp,
            lambda: bp.hvp(_square, Var(1.0), 1.0),
            e,
            "mixed",
            "hvp(xs a Var made by hand)",
        ),
        row(
            jit.compile_grad,
            lambda: _compiled([1.0, ones]),
            jit.MismatchError,
            "shapes",
            "compile_grad(another shape)",
        ),
        row(
            jit.compile_grad,
            lambda: _compiled([1.0]),
            jit.MismatchError,
            "arguments",
            "compile_grad(another count)",
        ),
        row(
            jit.compile_grad,
            lambda: _compiled(2.0),
            e,
            "list",
            "compile_grad(not a list)",
        ),
        row(
            jit.compile_grad,
            lambda: jit.compile_grad(lambda x: x if x > 0 else -x, 1.0)(-1.0),
            jit.MismatchError,
            "branch",
            "compile_grad(another branch)",
        ),
        row(
            jit.compile_grad,
            lambda: grad_bp(lambda x: _compiled([x, 1.0])[0], 1.0),
            e,
            "differentiated",
            "compile_grad(a Var argument)",
        ),
        row(
            jit.compile_grad,
            lambda: jit.compile_grad(_squares, [1.0, 2.0], names="a"),
            v,
            "names",
            "compile_grad(names too few)",
        ),
        row(
            jit.simplify,
            lambda: jit.simplify(5),
            e,
            "Program",
            "simplify(5)",
        ),
        row(
            jit.dead_code,
            lambda: jit.dead_code(None),
            e,
            "Program",
            "dead_code(None)",
        ),
        row(
            jit.common_subexpressions,
            lambda: jit.common_subexpressions("x"),
            e,
            "Program",
            "common_subexpressions(str)",
        ),
        row(
            jit.compile_program,
            lambda: jit.compile_program([]),
            e,
            "Program",
            "compile_program(list)",
        ),
        row(
            jit.compile_program,
            lambda: jit.compile_program(jit.trace(_square, 1.0), "2x"),
            v,
            "identifier",
            "compile_program(name 2x)",
        ),
        row(
            jit.transpose,
            lambda: jit.transpose(jit.trace(_square, 1.0)),
            v,
            "linear",
            "transpose(not linear)",
        ),
        row(
            jit.transpose,
            lambda: jit.transpose(1.0),
            e,
            "Program",
            "transpose(float)",
        ),
        row(
            bp.sequence_var,
            lambda: bp.sequence_var(Var(1.0)),
            e,
            "sequence",
            "sequence_var(a number)",
        ),
        row(
            bp.sequence_var,
            lambda: bp.sequence_var("abc"),
            e,
            "str",
            "sequence_var(str)",
        ),
        row(
            Tape,
            lambda: Tape().record("x", 1.0, (5.0, 1.0)),
            e,
            "Constant",
            "Tape.record(a float)",
            "Tape.record",
        ),
        row(
            Tape,
            lambda: Tape().record("x", 1.0, (Var(1.0), 1.0)),
            v,
            "tape",
            "Tape.record(Var of a tape)",
            "Tape.record",
        ),
        row(
            Tape,
            lambda: Tape().backward(Var(1.0)),
            v,
            "tape",
            "Tape.backward(Var of a tape)",
            "Tape.backward",
        ),
    ]
    rows += _search_rows() + _numerical_rows() + _nn_rows() + _data_rows()
    rows += _layer_rows()
    return rows


def _search_rows():
    v, e = ValueError, TypeError
    rs, ga = search.random_search, search.gradient_ascent
    nan = _returns(NAN)
    return [
        row(rs, lambda: rs(_gate, "ab"), e, "str", "random_search(start str)"),
        row(rs, lambda: rs(_gate, (1.0, NAN)), v, "finite", "start nan"),
        row(rs, lambda: rs(_gate, START, NAN), v, "tweak", "tweak nan"),
        row(rs, lambda: rs(_gate, START, -0.01), v, "tweak", "tweak -0.01"),
        row(rs, lambda: rs(_gate, START, True), e, "bool", "tweak True"),
        row(
            rs,
            lambda: rs(_gate, START, iterations=HUGE),
            v,
            "iterations",
            "random_search(10**12 iterations)",
        ),
        row(rs, lambda: rs(_gate, START, rng="s"), e, "str", "rng str"),
        row(rs, lambda: rs(_gate, START, rng=-1), v, "rng", "rng -1"),
        row(rs, lambda: rs(nan, START, rng=0), v, "nan", "f returning nan"),
        row(
            rs,
            lambda: rs(_returns(np.ones(2)), START, rng=0),
            v,
            "one number",
            "f returning an array",
        ),
        row(rs, lambda: rs(_gate, START, propose=5), e, "propose", "propose"),
        row(
            rs,
            lambda: rs(_gate, START, propose=_returns(np.ones(3)), rng=0),
            v,
            "shape",
            "propose(shape)",
        ),
        row(rs, lambda: rs(_gate), e, "start", "random_search(no start)"),
        row(ga, lambda: ga(_gate, START, step_size=0), v, "step_size", "0"),
        row(
            ga,
            lambda: ga(_gate, START, iterations=HUGE),
            v,
            "iterations",
            "gradient_ascent(10**12 iterations)",
        ),
        row(ga, lambda: ga(_gate, START, normalized=1), e, "normalized", "1"),
        row(ga, lambda: ga(nan, START), v, "nan", "f returning nan"),
        row(
            ga,
            lambda: ga(_gate, START, gradient=_returns([NAN, 1.0])),
            v,
            "finite",
            "gradient returning nan",
        ),
        row(
            ga,
            lambda: ga(_gate, START, gradient=_returns([1.0])),
            v,
            "shape",
            "gradient returning one slope",
        ),
        row(
            ga,
            lambda: ga(_gate, START, gradient=5),
            e,
            "function",
            "gradient=5",
        ),
        row(search.make_rng, lambda: search.make_rng("s"), e, "str", "s"),
        row(search.make_rng, lambda: search.make_rng(True), e, "bool", "T"),
        row(search.make_rng, lambda: search.make_rng(-1), v, "rng", "-1"),
        row(
            search.perturb,
            lambda: search.perturb(np.zeros(2), NAN, 0),
            v,
            "tweak",
            "perturb(tweak nan)",
        ),
        row(
            search.perturb,
            lambda: search.perturb([np.zeros(2), "a"], 0.1, 0),
            e,
            "str",
            "perturb([array, str])",
        ),
    ]


def _numerical_rows():
    v = ValueError
    cd, g, cg = (
        numerical.central_difference,
        numerical.gradient,
        numerical.check_grad,
    )
    mre = numerical.max_relative_error
    return [
        row(cd, lambda: cd(_square, 1.0, 0), v, "h", "central h=0"),
        row(cd, lambda: cd(_square, 1.0, NAN), v, "h", "central h=nan"),
        row(g, lambda: g(_square, 1.0, h=-1.0), v, "h", "gradient h=-1"),
        row(cg, lambda: cg(_square, 1.0, 2.0, h=0), v, "h", "check h=0"),
        row(cg, lambda: cg(_square, 1.0, 2.0, rtol=-1), v, "rtol", "rtol"),
        row(cg, lambda: cg(_square, 1.0, 2.0, atol=NAN), v, "atol", "atol"),
        row(
            cg,
            lambda: cg(_squares, [1.0, 2.0], [1.0]),
            v,
            "entries",
            "check_grad(one entry for two)",
        ),
        row(
            mre,
            lambda: mre(np.ones(2), np.ones(3)),
            v,
            "shape",
            "max_relative_error(shapes)",
        ),
        row(
            mre,
            lambda: mre([1.0], [1.0, 2.0]),
            v,
            "entries",
            "max_relative_error(counts)",
        ),
    ]


def _nn_rows():
    v, e = ValueError, TypeError
    three = np.ones((4, 3))
    nan_x = np.array([[NAN, 0.0]])
    return [
        row(nn.one_hot, lambda: nn.one_hot([0, 1], True), e, "bool", "T"),
        row(nn.one_hot, lambda: nn.one_hot([0, 2], 2), v, "labels", "2"),
        row(nn.one_hot, lambda: nn.one_hot([0.0], 2), e, "integers", "0.0"),
        row(nn.init_mlp, lambda: nn.init_mlp([2, True]), e, "bool", "True"),
        row(nn.init_mlp, lambda: nn.init_mlp([2]), v, "two", "one width"),
        row(nn.init_mlp, lambda: nn.init_mlp(None), e, "None", "None"),
        row(
            nn.init_mlp,
            lambda: nn.init_mlp([2, 3], rng="x"),
            e,
            "str",
            "init_mlp(rng str)",
        ),
        row(nn.mlp, lambda: nn.mlp(PARAMS, three), v, "shape", "mlp(x)"),
        row(
            nn.mlp,
            lambda: nn.mlp(PARAMS, X, activation=5),
            e,
            "function",
            "mlp(activation=5)",
        ),
        row(
            nn.mlp,
            lambda: nn.mlp([np.zeros((2, 3)), np.zeros(4)], X),
            v,
            "layer 1",
            "mlp(params that do not fit)",
        ),
        row(
            nn.mlp,
            lambda: nn.mlp(PARAMS[:3], X),
            v,
            "pairs",
            "mlp(params of 3 arrays)",
        ),
        row(nn.mlp, lambda: nn.mlp([], X), v, "empty", "mlp(params [])"),
        row(nn.mlp, lambda: nn.mlp(3, X), e, "int", "mlp(params 3)"),
        row(
            nn.mlp,
            lambda: nn.mlp(PARAMS, np.zeros((4, 2, 2))),
            v,
            "2-D",
            "mlp(3-D x)",
        ),
        row(
            nn.cross_entropy,
            lambda: nn.cross_entropy(np.ones((2, 3)), np.ones((2, 2))),
            v,
            "shape",
            "cross_entropy(shapes)",
        ),
        row(
            nn.cross_entropy,
            lambda: nn.cross_entropy(np.ones(3), np.ones(3)),
            v,
            "2-D",
            "cross_entropy(1-D scores)",
        ),
        row(nn.loss, lambda: nn.loss(PARAMS, three, TARGETS), v, "shape", "x"),
        row(
            nn.loss,
            lambda: nn.loss(PARAMS, X, np.ones((4, 3))),
            v,
            "shape",
            "loss(targets)",
        ),
        row(
            nn.predict,
            lambda: nn.predict(PARAMS, three),
            v,
            "features",
            "predict(x)",
        ),
        row(nn.predict, lambda: nn.predict(PARAMS, "ab"), e, "numbers", "ab"),
        row(nn.predict, lambda: nn.predict(PARAMS, nan_x), v, "finite", "nan"),
        row(
            nn.predict,
            lambda: nn.predict(PARAMS, np.array([[np.inf, 0.0]])),
            v,
            "finite",
            "predict(inf)",
        ),
        row(
            nn.predict,
            lambda: nn.predict([np.full((2, 2), NAN), np.zeros(2)], X),
            v,
            "scores",
            "predict(nan params)",
        ),
        row(
            nn.accuracy,
            lambda: nn.accuracy(PARAMS, X, None),
            e,
            "None",
            "accuracy(labels None)",
        ),
        row(
            nn.accuracy,
            lambda: nn.accuracy(PARAMS, X, LABELS[:3]),
            v,
            "labels",
            "accuracy(counts)",
        ),
        row(
            nn.confusion, lambda: nn.confusion([0], [0], True), e, "bool", "T"
        ),
        row(
            nn.confusion,
            lambda: nn.confusion([0, 1], [0], 2),
            v,
            "predictions",
            "confusion(counts)",
        ),
        row(
            nn.minibatches,
            lambda: list(nn.minibatches(10, True, 0)),
            e,
            "bool",
            "minibatches(batch_size True)",
        ),
        row(
            nn.minibatches,
            lambda: list(nn.minibatches(10, 0, 0)),
            v,
            "batch_size",
            "minibatches(batch_size 0)",
        ),
        row(
            nn.sgd_step,
            lambda: nn.sgd_step([np.ones(3)], [np.ones(2)], 0.1),
            v,
            "shape",
            "sgd_step(shapes)",
        ),
        row(
            nn.sgd_step,
            lambda: nn.sgd_step([np.ones(3)], np.ones((3, 3)), 0.1),
            e,
            "shape (3, 3)",
            "sgd_step(grads an array)",
        ),
        row(
            nn.sgd_step,
            lambda: nn.sgd_step([np.ones(3)], [np.ones(3)], True),
            e,
            "bool",
            "sgd_step(learning_rate True)",
        ),
        row(
            nn.sgd_step,
            lambda: nn.sgd_step([np.ones(3)], [np.ones(3)], NAN),
            v,
            "learning_rate",
            "sgd_step(learning_rate nan)",
        ),
        row(
            nn.train,
            lambda: nn.train(PARAMS, X, LABELS, learning_rate=0),
            v,
            "learning_rate",
            "train(learning_rate 0)",
        ),
        row(
            nn.train,
            lambda: nn.train(PARAMS, X, LABELS, epochs=HUGE),
            v,
            "epochs",
            "train(10**12 epochs)",
        ),
        row(
            nn.train,
            lambda: nn.train(PARAMS, X, LABELS, epochs=True),
            e,
            "bool",
            "train(epochs True)",
        ),
        row(
            nn.train,
            lambda: nn.train(PARAMS, nan_x, LABELS[:1]),
            v,
            "finite",
            "train(x nan)",
        ),
        row(
            nn.train,
            lambda: nn.train(PARAMS, X, LABELS, activation=5),
            e,
            "function",
            "train(activation 5)",
        ),
        row(
            nn.train_random_search,
            lambda: nn.train_random_search(PARAMS, X, LABELS, tweak=-1.0),
            v,
            "tweak",
            "train_random_search(tweak -1)",
        ),
        row(
            nn.train_random_search,
            lambda: nn.train_random_search(
                PARAMS, X, LABELS, evaluations=HUGE
            ),
            v,
            "evaluations",
            "train_random_search(10**12 evaluations)",
        ),
        row(
            nn.train_random_search,
            lambda: nn.train_random_search(PARAMS, X, None),
            e,
            "None",
            "train_random_search(labels None)",
        ),
    ]


def _layer_rows():
    v, e = ValueError, TypeError
    bn, BN, cv, cu = nn.batch_norm, nn.BatchNorm, nn.conv2d, nn.conv2d_unfolded
    mp, ap, Net, fn = nn.max_pool, nn.avg_pool, nn.Network, functions
    big = np.ones((2, 1, 4, 4, 1))
    return [
        row(bn, lambda: bn(np.ones(3), 1.0, 0.0), v, "shape", "bn(1-D x)"),
        row(bn, lambda: bn(X, np.ones(3), 0.0), v, "gamma", "bn(gamma)"),
        row(bn, lambda: bn(X, 1.0, np.ones(3)), v, "beta", "bn(beta)"),
        row(bn, lambda: bn(X, 1.0, 0.0, eps=0), v, "eps", "bn(eps=0)"),
        row(bn, lambda: bn(X, 1.0, 0.0, eps=True), e, "bool", "bn(eps=T)"),
        row(BN, lambda: BN(0), v, "features", "BatchNorm(0)"),
        row(BN, lambda: BN(2.0), e, "whole", "BatchNorm(2.0)"),
        row(BN, lambda: BN(2, momentum=1.5), v, "momentum", "momentum"),
        row(BN, lambda: BN(2, eps=NAN), v, "eps", "BatchNorm(eps nan)"),
        row(
            BN,
            lambda: BN(3)(X, np.ones(3), np.zeros(3)),
            v,
            "shape",
            "BatchNorm(3) on 2 features",
        ),
        row(
            BN,
            lambda: BN(2)(np.ones((0, 2)), 1.0, 0.0),
            v,
            "shape",
            "BatchNorm(an empty batch)",
        ),
        row(nn.Dense, lambda: nn.Dense(0, 2), v, "fan_in", "Dense(0, 2)"),
        row(nn.Dense, lambda: nn.Dense(2, "3"), e, "str", "Dense(2, '3')"),
        row(
            nn.Dense,
            lambda: nn.Dense(3, 2)(X, np.ones((3, 2)), np.zeros(2)),
            v,
            "features",
            "Dense(3, 2) on 2 features",
        ),
        row(cv, lambda: cv(X, KERNELS), v, "shape", "conv2d(2-D x)"),
        row(cv, lambda: cv(IMAGES, X), v, "shape", "conv2d(2-D w)"),
        row(
            cv,
            lambda: cv(IMAGES, np.ones((2, 3, 3, 3))),
            v,
            "channels",
            "conv2d(channels)",
        ),
        row(
            cv,
            lambda: cv(IMAGES, np.ones((2, 1, 5, 5))),
            v,
            "fit",
            "conv2d(kernel larger than the image)",
        ),
        row(cv, lambda: cv(IMAGES, KERNELS, np.ones(3)), v, "bias", "b"),
        row(cv, lambda: cv(IMAGES, KERNELS, "b"), e, "str", "conv2d(b str)"),
        row(cv, lambda: cv(IMAGES, KERNELS, stride=0), v, "stride", "0"),
        row(cv, lambda: cv(IMAGES, KERNELS, padding=-1), v, "padding", "-1"),
        row(cv, lambda: cv(IMAGES, KERNELS, stride=True), e, "bool", "T"),
        row(cv, lambda: cv(big, KERNELS), v, "shape", "conv2d(5-D x)"),
        row(
            cv,
            lambda: cv(Dual(IMAGES), Var(KERNELS)),
            e,
            "mixed",
            "conv2d(Dual, Var)",
        ),
        row(cu, lambda: cu(IMAGES, X), v, "shape", "conv2d_unfolded(w)"),
        row(
            cu,
            lambda: cu(IMAGES, KERNELS, padding=1.5),
            e,
            "whole",
            "conv2d_unfolded(padding 1.5)",
        ),
        row(
            nn.Conv2d,
            lambda: nn.Conv2d(0, 2, 3),
            v,
            "in_channels",
            "Conv2d(0, 2, 3)",
        ),
        row(
            nn.Conv2d,
            lambda: nn.Conv2d(1, 2, 3, stride=0),
            v,
            "stride",
            "Conv2d(stride 0)",
        ),
        row(
            nn.Conv2d,
            lambda: nn.Conv2d(1, 2, 3)(np.ones((2, 3, 4, 4)), KERNELS, ONE),
            v,
            "channels",
            "Conv2d(1, 2, 3) on 3-channel images",
            "conv2d",
        ),
        row(
            nn.Conv2d,
            lambda: nn.Conv2d(1, 2, 3)(IMAGES, np.ones((2, 3, 3, 3)), ONE),
            v,
            "shape",
            "Conv2d(1, 2, 3) with 3-channel kernels",
        ),
        row(mp, lambda: mp(X), v, "shape", "max_pool(2-D x)"),
        row(mp, lambda: mp(IMAGES, 0), v, "size", "max_pool(size 0)"),
        row(mp, lambda: mp(IMAGES, 5), v, "larger", "max_pool(size 5)"),
        row(ap, lambda: ap(IMAGES, True), e, "bool", "avg_pool(size True)"),
        row(ap, lambda: ap(big), v, "shape", "avg_pool(5-D x)"),
        row(
            nn.flatten,
            lambda: nn.flatten(np.ones(3)),
            v,
            "shape",
            "flatten(1-D x)",
        ),
        row(Net, lambda: Net(5), e, "list", "Network(5)"),
        row(Net, lambda: Net([5]), e, "function", "Network([5])"),
        row(Net, lambda: Net([nn.Dense]), e, "class", "Network([Dense])"),
        row(Net, lambda: Net([], rng="x"), e, "str", "Network(rng str)"),
        row(Net, lambda: NET(X), v, "layer", "Network(2-D x)"),
        row(Net, lambda: NET(None), e, "layer", "Network(None)"),
        row(
            Net,
            lambda: NET.with_params(NET.params[:1]),
            v,
            "parameters",
            "Network.with_params(one)",
            "Network.with_params",
        ),
        row(
            Net,
            lambda: NET.with_params(5),
            e,
            "list",
            "Network.with_params(5)",
            "Network.with_params",
        ),
        row(
            Net,
            lambda: NET.with_params([np.ones(3), *NET.params[1:]]),
            v,
            "shape",
            "Network.with_params(shapes)",
            "Network.with_params",
        ),
        row(
            nn.predict,
            lambda: nn.predict(NET, np.ones(3)),
            v,
            "examples",
            "predict(Network, 1-D x)",
        ),
        row(
            nn.minibatches,
            lambda: list(nn.minibatches(10, 3, 0, drop_last=1)),
            e,
            "True",
            "minibatches(drop_last 1)",
        ),
        row(
            nn.train,
            lambda: nn.train(PARAMS, X, LABELS, batch_size=5, drop_last=True),
            v,
            "batch",
            "train(no full batch)",
        ),
        row(
            nn.train,
            lambda: nn.train(NET, IMAGES, LABELS[:2], activation=fn.relu),
            v,
            "activation",
            "train(Network, activation)",
        ),
        row(
            nn.accuracy,
            lambda: nn.accuracy(Net([fn.tanh]), IMAGES, LABELS[:2]),
            v,
            "parameters",
            "accuracy(Network without parameters)",
        ),
        row(
            nn.loss,
            lambda: nn.loss("model", X, TARGETS),
            e,
            "Network",
            "loss(str)",
        ),
    ]


def _data_rows():
    v, e = ValueError, TypeError
    sp, dg = data.spirals, data.digits
    return [
        row(sp, lambda: sp(True), e, "bool", "spirals(True)"),
        row(sp, lambda: sp(noise=-1.0), v, "noise", "spirals(noise -1)"),
        row(sp, lambda: sp(noise="a"), e, "str", "spirals(noise str)"),
        row(sp, lambda: sp(classes=1), v, "classes", "spirals(classes 1)"),
        row(sp, lambda: sp(rng="x"), e, "str", "spirals(rng str)"),
        row(sp, lambda: sp(10**9), v, "many", "spirals(10**9)"),
        row(dg, lambda: dg(2), v, "test_fraction", "digits(2)"),
        row(dg, lambda: dg(NAN), v, "test_fraction", "digits(nan)"),
        row(dg, lambda: dg(True), e, "bool", "digits(True)"),
        row(dg, lambda: dg(0.25, "a"), e, "str", "digits(seed str)"),
    ]


ROWS = _rows()


class _TooSlow(BaseException):
    """Raised when a row runs on instead of refusing its input."""


@contextlib.contextmanager
def deadline(seconds: float):
    """Stop a call that ignores a bad count and loops (10**12 iterations)."""

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


def test_the_labels_are_unique():
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids)), sorted(
        i for i in ids if ids.count(i) > 1
    )


@pytest.mark.parametrize("bad", ROWS, ids=[r.id for r in ROWS])
def test_bad_input(bad):
    # a count of 10**12 that is not refused would run for days
    with deadline(10.0), pytest.raises(bad.error) as caught:
        bad.call()
    message = str(caught.value)
    assert message.startswith(f"{bad.name}:"), message
    assert contains_word(message, bad.word), message


def _public():
    for module in MODULES:
        short = module.__name__.rsplit(".", 1)[-1]
        for name in module.__all__:
            yield f"{short}.{name}", getattr(module, name)


def test_the_table_covers_every_public_name():
    covered = {id(r.target) for r in ROWS}
    missing = []
    for qualified, obj in _public():
        if qualified in CLASSES:
            assert inspect.isclass(obj), qualified
        elif qualified in CONSTANTS:
            assert not callable(obj) or isinstance(obj, type(int | str))
        elif qualified in NO_ARGUMENTS:
            assert not inspect.signature(obj).parameters, qualified
        elif id(obj) not in covered:
            missing.append(qualified)
    assert not missing, f"no bad-input row for {missing}"
