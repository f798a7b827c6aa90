"""Random differentiable programs for property tests, shared by the test
modules.

A program is a list of instructions over a growing list of values: the
inputs first, then one value per instruction, each made from earlier values.
Any value may be used many times, so programs have shared sub-expressions.
Every operation keeps values bounded, so finite differences stay meaningful.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

from gradbook import functions as fn

UNARY = {
    "neg": lambda a: -a,
    "sin": fn.sin,
    "cos": fn.cos,
    "tanh": fn.tanh,
    "sigmoid": fn.sigmoid,
    "exp": lambda a: fn.exp(fn.tanh(a)),
    "log": lambda a: fn.log(2.0 + fn.sin(a)),
    "sqrt": lambda a: fn.sqrt(1.0 + a * a),
    "square": lambda a: a**2,
    "scale": lambda a: 0.5 * a - 0.25,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * fn.tanh(b),
    "mul_raw": lambda a, b: fn.tanh(a) * fn.tanh(b),
    "div": lambda a, b: a / (1.5 + fn.sin(b)),
}


@st.composite
def programs(draw: Any, n_inputs: int = 3, max_steps: int = 12) -> list[tuple]:
    steps = []
    for k in range(draw(st.integers(1, max_steps))):
        available = n_inputs + k
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(UNARY)))
            steps.append((name, draw(st.integers(0, available - 1))))
        else:
            name = draw(st.sampled_from(sorted(BINARY)))
            steps.append(
                (
                    name,
                    draw(st.integers(0, available - 1)),
                    draw(st.integers(0, available - 1)),
                )
            )
    return steps


def run(program: list[tuple], inputs: Any) -> Any:
    """Run ``program`` on ``inputs`` (any number type) and return its last
    value."""
    values = list(inputs)
    for name, *args in program:
        op = UNARY.get(name) or BINARY[name]
        values.append(op(*(values[i] for i in args)))
    return values[-1]


inputs = st.lists(
    st.floats(-2.0, 2.0, allow_nan=False), min_size=3, max_size=3
)


# Typed programs: scalars and broadcast arrays
# --------------------------------------------
#
# A typed program knows the shape of every value, so it can use operations
# that need shapes: broadcasting arithmetic, ``@``, ``.sum()`` and
# ``.mean()`` with axes.  Every operation maps values in [-4, 4] to values in
# [-4, 4] (inputs are drawn in [-2, 2]), with moderate derivatives, so finite
# differences stay meaningful however the operations are chained.  An
# instruction is ``(name, argument indices, parameter)``.

SCALAR_SHAPES = ((), (), ())
ARRAY_SHAPES = ((), (), (3,), (2, 3), (2, 1), (3, 1), (2, 1, 1))
STACK_SHAPES = ((), (3,), (2, 3), (3, 1), (2, 1, 3))  # for batched @
MAX_SIZE = 12  # no value has more elements (keeps finite differences cheap)
MAX_NDIM = 3


def const(shape: tuple[int, ...]) -> Any:
    """A fixed constant of ``shape`` with entries in [-0.9, 0.9]."""
    values = 0.9 * np.cos(1.0 + 0.7 * np.arange(math.prod(shape)))
    return float(values[0]) if shape == () else values.reshape(shape)


def total(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``x.sum(...)``, also for a Python float (which has no ``.sum``)."""
    if hasattr(x, "sum"):
        return x.sum(axis=axis, keepdims=keepdims)
    return np.sum(x, axis=axis, keepdims=keepdims)


def average(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``x.mean(...)``, also for a Python float."""
    if hasattr(x, "mean"):
        return x.mean(axis=axis, keepdims=keepdims)
    return np.mean(x, axis=axis, keepdims=keepdims)


@functools.cache
def broadcast(a: tuple, b: tuple) -> tuple | None:
    """The broadcast shape of ``a`` and ``b``, or None (or too large)."""
    try:
        shape = np.broadcast_shapes(a, b)
    except ValueError:
        return None
    return _small(shape)


@functools.cache
def matmul_shape(a: tuple, b: tuple) -> tuple | None:
    """The shape of ``A @ B`` by numpy's rules, or None."""
    if not a or not b:
        return None
    try:
        shape = np.matmul(np.zeros(a), np.zeros(b)).shape
    except ValueError:
        return None
    return _small(shape)


@functools.cache
def reduced_shape(a: tuple, axis: Any, keepdims: bool) -> tuple:
    return np.sum(np.zeros(a), axis=axis, keepdims=keepdims).shape


def _small(shape: tuple) -> tuple | None:
    if math.prod(shape) > MAX_SIZE or len(shape) > MAX_NDIM:
        return None
    return tuple(shape)


def _batched(a: tuple, b: tuple) -> bool:
    """Whether ``A @ B`` has a stack (batch) dimension."""
    return len(a) > 2 or len(b) > 2


def _axes(shape: tuple) -> list:
    """The reduction axes worth trying on a value of ``shape``."""
    d = len(shape)
    axes: list = [None]
    if d:
        axes += [*range(d), -1]
    if d >= 2:
        axes.append((0, -1))
    return axes


@dataclasses.dataclass(frozen=True)
class Op:
    """One kind of instruction.

    ``apply(*values, param)`` computes it on any number type.  ``kink``, if
    set, gives the argument whose sign switches a branch (of relu, abs,
    where): a sample point too close to 0 there makes finite differences
    meaningless, so the test rejects it.  ``arity`` 1 ops keep the shape;
    ``kind`` says how a binary op combines shapes.
    """

    apply: Callable[..., Any]
    arity: int = 1
    kind: str = "elementwise"
    kink: Callable[..., Any] | None = None
    params: Callable[[tuple], list] | None = None


def _ipow(a: Any, n: Any) -> Any:
    return (1.5 * fn.tanh(a)) ** n


def _cmatmul(a: Any, shape: tuple) -> Any:
    return (a @ const(shape)) * (1.0 / shape[0])


def _rcmatmul(a: Any, shape: tuple) -> Any:
    return (const(shape) @ a) * (1.0 / shape[-1])


OPS: dict[str, Op] = {
    # elementwise, one argument; the shape is kept
    "neg": Op(lambda a, p: -a),
    "sin": Op(lambda a, p: fn.sin(a)),
    "cos": Op(lambda a, p: fn.cos(a)),
    "tanh": Op(lambda a, p: fn.tanh(a)),
    "exp": Op(lambda a, p: fn.exp(fn.tanh(a))),
    "log": Op(lambda a, p: fn.log(2.0 + fn.sin(a))),
    "log_raw": Op(lambda a, p: fn.log(0.5 + 0.5 * a * a)),
    "sqrt": Op(lambda a, p: fn.sqrt(0.25 + 0.5 * a * a)),
    "sigmoid": Op(lambda a, p: fn.sigmoid(a)),
    "sigmoid_steep": Op(lambda a, p: fn.sigmoid(4.0 * a)),
    "scale": Op(lambda a, p: 0.5 * a - 0.25),
    "add_const": Op(lambda a, p: (a + 0.75) * 0.8),
    "const_sub": Op(lambda a, p: (1.0 - a) * 0.75),
    "const_div": Op(lambda a, p: 1.0 / (1.5 + fn.sin(a))),
    "const_pow": Op(lambda a, p: 2.0 ** fn.tanh(a)),
    "mul_const": Op(lambda a, p: a * const(np.shape(fn.primal(a)))),
    "const_mul": Op(lambda a, p: const(np.shape(fn.primal(a))) * a),
    "square": Op(lambda a, p: 0.25 * a**2),
    "cube": Op(lambda a, p: 0.0625 * a**3),
    "int_pow": Op(_ipow, params=lambda s: [0, 1, 2, 3]),
    "neg_pow": Op(
        lambda a, n: (1.5 + fn.sin(a)) ** n,
        params=lambda s: [-1, -2],
    ),
    "frac_pow": Op(
        lambda a, n: (1.25 + fn.sin(a)) ** n,
        params=lambda s: [0.5, 1.5, -0.5],
    ),
    "frac_pow_raw": Op(lambda a, p: (0.25 + 0.25 * a * a) ** 0.75),
    "relu": Op(lambda a, p: fn.relu(a), kink=lambda a: a),
    "relu_shift": Op(lambda a, p: fn.relu(a - 0.5), kink=lambda a: a - 0.5),
    "abs": Op(lambda a, p: abs(a), kink=lambda a: a),
    "where": Op(
        lambda a, p: fn.where(a > 0.25, fn.sin(a), 0.5 * a - 0.1),
        kink=lambda a: a - 0.25,
    ),
    "log_softmax": Op(
        lambda a, axis: 0.25 * fn.log_softmax(a, axis=axis),
        kind="array",
        params=lambda s: sorted({-1, 0}) if s else [],
    ),
    # two arguments that broadcast together
    "add": Op(lambda a, b, p: 0.5 * (a + b), arity=2),
    "sub": Op(lambda a, b, p: 0.5 * (a - b), arity=2),
    "mul": Op(lambda a, b, p: a * fn.tanh(b), arity=2),
    "mul_raw": Op(lambda a, b, p: 0.25 * (a * b), arity=2),
    "div": Op(lambda a, b, p: 0.5 * a / (1.5 + fn.sin(b)), arity=2),
    "div_raw": Op(lambda a, b, p: a / (1.0 + b * b), arity=2),
    "var_pow": Op(
        lambda a, b, p: (1.25 + fn.sin(a)) ** (0.25 * b),
        arity=2,
    ),
    "where2": Op(
        lambda a, b, p: fn.where(a > 0.0, a, b),
        arity=2,
        kind="where",
        kink=lambda a, b: a,
    ),
    # matrix products, scaled by the inner size to stay bounded
    "matmul": Op(
        lambda a, b, p: (a @ b) * (0.25 / p),
        arity=2,
        kind="matmul",
    ),
    "matmul_const": Op(_cmatmul, kind="matmul_const"),
    "const_matmul": Op(_rcmatmul, kind="const_matmul"),
    # reductions: the parameter is (axis, keepdims)
    "sum": Op(
        lambda a, p: total(a, *p) * _fraction(a, p),
        kind="reduce",
    ),
    "mean": Op(lambda a, p: average(a, *p), kind="reduce"),
}


def _fraction(a: Any, p: tuple) -> float:
    """``1 / (how many elements each sum adds)``, to keep sums bounded."""
    shape = np.shape(fn.primal(a))
    return math.prod(reduced_shape(shape, *p)) / max(math.prod(shape), 1)


SCALAR = ("elementwise", "where", "reduce")  # kinds that work on scalars
BATCHED = "batched_matmul"  # a pseudo-name: matmul ops on stacks of matrices


def _choices(op: Op, shapes: list, batched: bool) -> list:
    """Every ``(arguments, parameter, result shape)`` the op can take."""
    n = range(len(shapes))
    out = []
    if op.arity == 2:
        for i in n:
            for j in n:
                a, b = shapes[i], shapes[j]
                if op.kind == "matmul":
                    shape = matmul_shape(a, b)
                    if shape is None or (_batched(a, b) and not batched):
                        continue
                    out.append(((i, j), a[-1], shape))
                    continue
                shape = broadcast(a, b)
                if shape is None or (op.kind == "where" and shape != a):
                    continue
                out.append(((i, j), None, shape))
        return out
    for i in n:
        a = shapes[i]
        if op.kind == "reduce":
            for axis in _axes(a):
                for keepdims in (False, True):
                    shape = reduced_shape(a, axis, keepdims)
                    out.append(((i,), (axis, keepdims), shape))
        elif op.kind == "matmul_const" and a:
            for c in ((a[-1],), (a[-1], 2)):
                shape = matmul_shape(a, c)
                if shape is not None and (batched or not _batched(a, c)):
                    out.append(((i,), c, shape))
        elif op.kind == "const_matmul" and a:
            k = a[0] if len(a) == 1 else a[-2]
            for c in ((k,), (2, k)):
                shape = matmul_shape(c, a)
                if shape is not None and (batched or not _batched(c, a)):
                    out.append(((i,), c, shape))
        elif op.params is not None:
            for p in op.params(a):
                out.append(((i,), p, a))
        elif op.kind == "elementwise":
            out.append(((i,), None, a))
    return out


@st.composite
def typed_programs(
    draw: Any,
    shapes: tuple = ARRAY_SHAPES,
    max_steps: int = 10,
    exclude: frozenset = frozenset(),
) -> list[tuple]:
    """A typed program over inputs of ``shapes``.

    ``exclude`` names operations to leave out; ``BATCHED`` in it leaves out
    ``@`` on stacks of matrices.
    """
    names = sorted(set(OPS) - set(exclude))
    batched = BATCHED not in exclude
    value_shapes = list(shapes)
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        arrays = any(value_shapes)
        candidates = [n for n in names if arrays or OPS[n].kind in SCALAR]
        while True:  # an op with nothing to apply to is drawn again
            name = draw(st.sampled_from(candidates))
            choices = _choices(OPS[name], value_shapes, batched)
            if choices:
                break
            candidates.remove(name)
        args, param, shape = draw(st.sampled_from(choices))
        steps.append((name, args, param))
        value_shapes.append(shape)
    return steps


def typed_inputs(shapes: tuple = ARRAY_SHAPES) -> Any:
    """Inputs of ``shapes`` with entries in [-2, 2]; a float for ``()``."""
    sizes = [math.prod(s) for s in shapes]
    numbers = st.floats(-2.0, 2.0, allow_nan=False, allow_subnormal=False)

    def split(flat: list[float]) -> list[Any]:
        out, start = [], 0
        for shape, size in zip(shapes, sizes, strict=True):
            chunk = flat[start : start + size]
            start += size
            out.append(chunk[0] if shape == () else np.reshape(chunk, shape))
        return out

    n = sum(sizes)
    return st.lists(numbers, min_size=n, max_size=n).map(split)


def run_typed(program: list[tuple], inputs: Any, kinks: Any = None) -> Any:
    """Run a typed program on ``inputs`` (any number type) to a scalar.

    The output is the sum of every value that no later instruction uses,
    each weighted by a fixed constant, so every instruction counts.  With a
    list ``kinks``, the distance of every kink argument from its kink is
    appended to it.
    """
    values = list(inputs)
    used = set()
    for name, args, param in program:
        op = OPS[name]
        operands = [values[i] for i in args]
        if kinks is not None and op.kink is not None:
            where = fn.primal(op.kink(*operands))
            kinks.append(float(np.min(np.abs(where))))
        values.append(op.apply(*operands, param))
        used.update(args)
    out = 0.0
    for i in range(len(inputs), len(values)):
        if i not in used:
            shape = np.shape(fn.primal(values[i]))
            out = out + total(values[i] * const(shape))
    return out
