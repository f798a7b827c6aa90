"""Reverse-mode automatic differentiation: a backprop-style API.

The names follow the Haskell ``backprop`` library the article uses: a
:class:`Var` is its ``BVar``, :func:`eval_bp` its ``evalBP``, :func:`grad_bp`
its ``gradBP`` and :func:`sequence_var` its ``sequenceVar``.

The forward pass writes every operation on a :class:`Tape` (a Wengert list,
as ``backprop`` does) together with one small rule per input: how the
output's cotangent turns into that input's cotangent (a vector-Jacobian
product).  The tape is in the order the operations ran, which is already a
topological order, so the backward pass is one loop over it in reverse: each
node is visited once, with no recursion, however long the chain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gradbook.functions import Tracer, cos, exp, log, primal, sin, sqrt, tanh

__all__ = ["Tape", "Var", "backprop", "eval_bp", "grad_bp", "sequence_var"]

Rule = Callable[[Any], Any]  # output cotangent -> input cotangent


def _check_input(value: Any, where: str) -> Any:
    """An input as a float or float array; anything else is a clear error."""
    if isinstance(value, Tracer):
        raise TypeError(f"{where} is already a {type(value).__name__}; pass plain numbers")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(value)
        except ValueError:
            raise ValueError(f"{where} is ragged: its rows have different lengths") from None
        if array.dtype.kind in "biuf":
            return array.astype(float)
    raise TypeError(f"{where} must be a number or a numeric array, got {type(value).__name__} {value!r}")


class Tape:
    """The record of one forward pass, in the order the operations ran.

    Node ``i`` holds ``(op, constant, value, inputs)``: the operation's name,
    the plain number it used (if any, for drawing the graph), its value, and
    for each input that is a :class:`Var` a pair ``(input index, rule)``.
    """

    __slots__ = ("nodes",)

    def __init__(self) -> None:
        self.nodes: list[tuple[str, Any, Any, tuple[tuple[int, Rule], ...]]] = []

    def __len__(self) -> int:
        return len(self.nodes)

    def var(self, value: Any) -> Var:
        """A new input on this tape."""
        return self.record("input", None, _check_input(value, "a Var's value"), ())

    def record(self, op: str, constant: Any, value: Any, inputs: tuple[tuple[int, Rule], ...]) -> Var:
        """Append one operation and return the Var holding its result."""
        var = object.__new__(Var)
        var.value, var.tape, var.index = value, self, len(self.nodes)
        self.nodes.append((op, constant, value, inputs))
        return var

    def backward(self, output: Var) -> list[Any]:
        """Cotangents of every node, for a scalar ``output``: one reverse sweep.

        A node that does not lead to ``output`` gets ``None``.  Where a value
        feeds several operations, its cotangents add up.  Where an input was
        broadcast, its cotangent is summed back to the input's shape.
        """
        nodes = self.nodes
        cotangents: list[Any] = [None] * len(nodes)
        cotangents[output.index] = np.ones_like(output.value) if np.ndim(output.value) else 1.0
        for i in range(output.index, -1, -1):
            g = cotangents[i]
            if g is None:
                continue
            for j, rule in nodes[i][3]:
                gj = rule(g)
                if gj.__class__ is np.ndarray:
                    gj = _unbroadcast(gj, np.shape(nodes[j][2]))
                old = cotangents[j]
                cotangents[j] = gj if old is None else old + gj
        return cotangents


def _unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> Any:
    """Sum a cotangent over the axes along which its input was broadcast."""
    if g.shape == shape:
        return g
    g = g.sum(axis=tuple(range(g.ndim - len(shape))))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    g = g.sum(axis=axes, keepdims=True) if axes else g
    return g if shape else float(g)


def _sum_rule(shape: tuple[int, ...], axis: Any, keepdims: bool) -> Rule:
    """The cotangent of a sum is spread back over everything that was summed."""

    def rule(g: Any) -> Any:
        if axis is not None and not keepdims:
            g = np.expand_dims(g, axis)
        return np.broadcast_to(g, shape)

    return rule


class Var(Tracer):
    """A value that records how it was computed (the article's ``BVar``).

    Arithmetic with other Vars and with plain numbers (constants) works on
    either side, as do ``@``, indexing, ``.sum``, ``.mean``, ``.T`` and every
    function in :mod:`gradbook.functions`.  ``value`` holds the primal.
    """

    __slots__ = ("index", "tape", "value")
    value: Any
    tape: Tape
    index: int

    def __new__(cls, value: Any, tape: Tape | None = None) -> Var:
        return (tape if tape is not None else Tape()).var(value)

    def __repr__(self) -> str:
        return f"Var({self.value!r})"

    @property
    def primal(self) -> Any:
        return self.value

    @property
    def shape(self) -> tuple[int, ...]:
        return np.shape(self.value)

    @property
    def T(self) -> Var:  # noqa: N802 (numpy's name)
        return self.tape.record("T", None, np.transpose(self.value), ((self.index, np.transpose),))

    def __len__(self) -> int:
        return len(self.value)

    def _other(self, other: Any) -> Var | None:
        """``other`` if it is a Var on this tape, None if it is a constant."""
        if isinstance(other, Var):
            if other.tape is not self.tape:
                raise ValueError("these Vars come from different forward passes (tapes)")
            return other
        return None

    # Arithmetic.  Each input that is a Var gets one rule: g -> its cotangent.

    def __add__(self, other: Any) -> Var:
        if self._other(other) is not None:
            return self.tape.record(
                "+", None, self.value + other.value, ((self.index, _identity), (other.index, _identity))
            )
        if not _is_constant(other):
            return NotImplemented
        return self.tape.record("+", other, self.value + other, ((self.index, _identity),))

    __radd__ = __add__

    def __sub__(self, other: Any) -> Var:
        if self._other(other) is not None:
            return self.tape.record(
                "-", None, self.value - other.value, ((self.index, _identity), (other.index, _negate))
            )
        if not _is_constant(other):
            return NotImplemented
        return self.tape.record("-", other, self.value - other, ((self.index, _identity),))

    def __rsub__(self, other: Any) -> Var:
        if not _is_constant(other):
            return NotImplemented
        return self.tape.record("c-", other, other - self.value, ((self.index, _negate),))

    def __mul__(self, other: Any) -> Var:
        a = self.value
        if self._other(other) is not None:
            b = other.value
            return self.tape.record(
                "*", None, a * b, ((self.index, lambda g: g * b), (other.index, lambda g: g * a))
            )
        if not _is_constant(other):
            return NotImplemented
        return self.tape.record("*", other, a * other, ((self.index, lambda g: g * other),))

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Var:
        u = self.value
        if self._other(other) is not None:
            v = other.value
            return self.tape.record(
                "/",
                None,
                u / v,
                ((self.index, lambda g: g / v), (other.index, lambda g: -g * u / (v * v))),
            )
        if not _is_constant(other):
            return NotImplemented
        return self.tape.record("/", other, u / other, ((self.index, lambda g: g / other),))

    def __rtruediv__(self, other: Any) -> Var:
        if not _is_constant(other):
            return NotImplemented
        v = self.value
        return self.tape.record("c/", other, other / v, ((self.index, lambda g: -g * other / (v * v)),))

    def __neg__(self) -> Var:
        return self.tape.record("neg", None, -self.value, ((self.index, _negate),))

    def __pos__(self) -> Var:
        return self

    def __abs__(self) -> Var:
        sign = np.sign(self.value)
        return self.tape.record("abs", None, abs(self.value), ((self.index, lambda g: g * sign),))

    def __pow__(self, exponent: Any) -> Var:
        u = self.value
        if self._other(exponent) is not None:
            # u**v = exp(v log u): needs u > 0.
            v = exponent.value
            out = u**v
            return self.tape.record(
                "**",
                None,
                out,
                ((self.index, lambda g: g * v * u ** (v - 1)), (exponent.index, lambda g: g * out * log(u))),
            )
        if not _is_constant(exponent):
            return NotImplemented
        n = exponent
        return self.tape.record("**", n, u**n, ((self.index, lambda g: g * n * u ** (n - 1)),))

    def __rpow__(self, base: Any) -> Var:
        if not _is_constant(base):
            return NotImplemented
        out = base**self.value
        return self.tape.record("c**", base, out, ((self.index, lambda g: g * out * log(base)),))

    def __matmul__(self, other: Any) -> Var:
        a = self.value
        if self._other(other) is not None:
            b = other.value
            _check_matmul(a, b)
            return self.tape.record(
                "@",
                None,
                a @ b,
                ((self.index, lambda g: _mm_left(g, b)), (other.index, lambda g: _mm_right(a, g))),
            )
        if not _is_constant(other):
            return NotImplemented
        _check_matmul(a, other)
        return self.tape.record("@", None, a @ other, ((self.index, lambda g: _mm_left(g, other)),))

    def __rmatmul__(self, other: Any) -> Var:
        if not _is_constant(other):
            return NotImplemented
        b = self.value
        _check_matmul(other, b)
        return self.tape.record("@", None, other @ b, ((self.index, lambda g: _mm_right(other, g)),))

    def __getitem__(self, key: Any) -> Var:
        shape = np.shape(self.value)

        def rule(g: Any) -> np.ndarray:
            out = np.zeros(shape)
            np.add.at(out, key, g)  # repeated indices add up
            return out

        return self.tape.record("[]", key, self.value[key], ((self.index, rule),))

    def sum(self, axis: Any = None, keepdims: bool = False) -> Var:
        """Sum of the elements (along ``axis``), like ``numpy.sum``."""
        rule = _sum_rule(np.shape(self.value), axis, keepdims)
        return self.tape.record(
            "sum", None, np.sum(self.value, axis=axis, keepdims=keepdims), ((self.index, rule),)
        )

    def mean(self, axis: Any = None, keepdims: bool = False) -> Var:
        """Mean of the elements (along ``axis``), like ``numpy.mean``."""
        total = self.sum(axis=axis, keepdims=keepdims)
        return total * (np.size(total.value) / np.size(self.value))

    def reshape(self, *shape: Any) -> Var:
        """The same elements in a new shape, like ``numpy.reshape``."""
        old = np.shape(self.value)
        return self.tape.record(
            "reshape", None, np.reshape(self.value, *shape), ((self.index, lambda g: np.reshape(g, old)),)
        )

    # Primitives of gradbook.functions: one rule each.

    def exp(self) -> Var:
        e = exp(self.value)
        return self.tape.record("exp", None, e, ((self.index, lambda g: g * e),))

    def log(self) -> Var:
        u = self.value
        return self.tape.record("log", None, log(u), ((self.index, lambda g: g / u),))

    def sin(self) -> Var:
        u = self.value
        return self.tape.record("sin", None, sin(u), ((self.index, lambda g: g * cos(u)),))

    def cos(self) -> Var:
        u = self.value
        return self.tape.record("cos", None, cos(u), ((self.index, lambda g: -g * sin(u)),))

    def tanh(self) -> Var:
        t = tanh(self.value)
        return self.tape.record("tanh", None, t, ((self.index, lambda g: g * (1 - t * t)),))

    def sqrt(self) -> Var:
        s = sqrt(self.value)
        return self.tape.record("sqrt", None, s, ((self.index, lambda g: g / (2 * s)),))

    @classmethod
    def where(cls, condition: Any, x: Any, y: Any) -> Any:
        if np.ndim(condition) == 0:
            return x if condition else y  # the chosen branch, constant or not
        var = x if isinstance(x, Var) else y
        inputs = []
        if isinstance(x, Var):
            inputs.append((x.index, lambda g: np.where(condition, g, 0.0)))
        if isinstance(y, Var):
            inputs.append((y.index, lambda g: np.where(condition, 0.0, g)))
        value = np.where(condition, primal(x), primal(y))
        return var.tape.record("where", None, value, tuple(inputs))


def _identity(g: Any) -> Any:
    return g


def _negate(g: Any) -> Any:
    return -g


def _is_constant(x: Any) -> bool:
    return isinstance(x, (int, float, np.number, np.ndarray))


def _check_matmul(a: Any, b: Any) -> None:
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        raise ValueError("@ needs arrays of at least one dimension, not scalars")
    inner_a, inner_b = np.shape(a)[-1], np.shape(b)[0 if np.ndim(b) == 1 else -2]
    if inner_a != inner_b:
        raise ValueError(
            f"cannot matrix-multiply shapes {np.shape(a)} and {np.shape(b)}: "
            f"inner sizes {inner_a} and {inner_b} differ"
        )


def _mm_left(g: Any, b: Any) -> Any:
    """Cotangent of ``a`` in ``a @ b``: ``g @ b.T`` (vectors handled as numpy does)."""
    if np.ndim(b) == 1:
        return np.multiply.outer(g, b)
    return g @ np.swapaxes(b, -1, -2) if np.ndim(g) else g * b


def _mm_right(a: Any, g: Any) -> Any:
    """Cotangent of ``b`` in ``a @ b``: ``a.T @ g``."""
    if np.ndim(a) == 1:
        return np.multiply.outer(a, g)
    return np.swapaxes(a, -1, -2) @ g


def _wrap(xs: Any, tape: Tape) -> Any:
    """Inputs as Vars on ``tape``: a list or tuple becomes a list of Vars."""
    if isinstance(xs, (list, tuple)):
        return [tape.record("input", None, _check_input(x, f"input [{i}]"), ()) for i, x in enumerate(xs)]
    return tape.record("input", None, _check_input(xs, "the input"), ())


def eval_bp(f: Callable[[Any], Any], xs: Any) -> Any:
    """The forward pass alone: ``f(xs)``, computed on Vars (the article's ``evalBP``)."""
    _check_function(f, "eval_bp")
    out = primal(f(_wrap(xs, Tape())))
    return out if np.ndim(out) else float(out)


def backprop(f: Callable[[Any], Any], xs: Any) -> tuple[float, Any]:
    """``(f(xs), gradient of f at xs)``: one forward pass, one backward pass.

    ``xs`` is what ``f`` takes: a number, an array, or a list (or tuple) of
    them, which ``f`` receives as a list of Vars.  ``f`` must return a scalar.
    The gradient has the shape of ``xs``: a list in, a list out.
    """
    _check_function(f, "grad_bp")
    tape = Tape()
    inputs = _wrap(xs, tape)
    out = f(inputs)
    value = primal(out)
    if np.ndim(value) != 0:
        raise ValueError(
            f"grad_bp needs f to return a scalar, but it returned an array of shape {np.shape(value)}; "
            "reduce it first (for example with .sum() or .mean())"
        )
    if not isinstance(value, (int, float, np.number)):
        raise TypeError(f"grad_bp needs f to return a number, got {type(value).__name__}")
    cotangents = tape.backward(out) if isinstance(out, Var) else [None] * len(tape)

    def grad_of(var: Var) -> Any:
        g = cotangents[var.index]
        if g is None:  # f did not depend on this input
            return np.zeros_like(var.value) if np.ndim(var.value) else 0.0
        return np.array(g) if np.ndim(g) else float(g)  # a fresh, writable array

    grads = [grad_of(v) for v in inputs] if isinstance(inputs, list) else grad_of(inputs)
    if isinstance(xs, tuple):
        grads = tuple(grads)
    return float(value), grads


def grad_bp(f: Callable[[Any], Any], xs: Any) -> Any:
    """The gradient of ``f`` with respect to every input, in the shape of ``xs``
    (the article's ``gradBP``), from one backward pass."""
    return backprop(f, xs)[1]


def sequence_var(v: Any) -> list[Var]:
    """A Var holding a sequence, as a list of Vars (the article's ``sequenceVar``).

    ``grad_bp`` already hands ``f`` a list of Vars when ``xs`` is a list, and
    those pass through unchanged; a Var holding an array is split into one
    Var per element along its first axis.
    """
    if isinstance(v, (list, tuple)) and all(isinstance(x, Var) for x in v):
        return list(v)
    if isinstance(v, Var) and np.ndim(v.value) >= 1:
        return [v[i] for i in range(len(v.value))]
    raise TypeError(f"sequence_var needs a Var holding a sequence, got {type(v).__name__}")


def _check_function(f: Any, who: str) -> None:
    if not callable(f):
        raise TypeError(f"{who} needs a function to differentiate, got {type(f).__name__}")
