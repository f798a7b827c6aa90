"""Reverse-mode automatic differentiation: a backprop-style API.

The names follow the Haskell ``backprop`` library the article uses: a
:class:`Var` is its ``BVar``, :func:`eval_bp` its ``evalBP``, :func:`grad_bp`
its ``gradBP`` and :func:`sequence_var` its ``sequenceVar``.

The forward pass writes every operation on a :class:`Tape` (a Wengert list,
as ``backprop`` does).  For each input of an operation the tape keeps the
*local* derivative of the output with respect to that input: a number (or an
array, elementwise) for most operations, or a small rule (a vector-Jacobian
product) for operations such as ``@`` and ``sum`` that mix elements.  The
tape is in the order the operations ran, which is already a topological
order, so the backward pass is one loop over it in reverse: each node is
visited once, with no recursion however long the chain, and the chain rule
is one multiplication per edge.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy import ndarray  # cheaper to look up than np.ndarray, which the backward loop checks per edge

from gradbook.functions import Tracer, cos, exp, log, power_slope, primal, sin, sqrt, tanh

__all__ = ["Tape", "Var", "backprop", "eval_bp", "grad_bp", "sequence_var"]

# For each input of a node: the local derivative (number or array), or a rule
# g -> the input's cotangent for operations that are not elementwise.
Partial = Any
Inputs = tuple[tuple[int, Partial], ...]


def _check_input(value: Any, where: str | int) -> Any:
    """An input as a float or float array; anything else is a clear error.

    ``where`` names the input in messages: a description, or its position.
    """
    if type(value) is float:
        return value
    if isinstance(where, int):
        where = f"input [{where}]"
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

    Node ``i`` is ``(op, constant, value, inputs)``: the operation's name, the
    plain number it used if any (kept for drawing the graph), its value, and
    one ``(input index, local derivative or rule)`` pair per input that is a
    :class:`Var`.  Constants are not recorded as inputs: nothing flows back
    to them.
    """

    __slots__ = ("nodes",)

    def __init__(self) -> None:
        self.nodes: list[tuple[str, Any, Any, Inputs]] = []

    def __len__(self) -> int:
        return len(self.nodes)

    def var(self, value: Any) -> Var:
        """A new input on this tape."""
        return self.record("input", None, _check_input(value, "a Var's value"), ())

    def record(self, op: str, constant: Any, value: Any, inputs: Inputs) -> Var:
        """Append one operation and return the Var holding its result."""
        nodes = self.nodes
        var = _new_var(Var)  # every operation makes one: skip __new__'s checks
        var.value = value
        var.tape = self
        var.index = len(nodes)
        nodes.append((op, constant, value, inputs))
        return var

    def backward(self, output: Var) -> list[Any]:
        """Cotangents of every node for a scalar ``output``, in one reverse sweep.

        A node that does not lead to ``output`` gets ``None``.  Where a value
        feeds several operations, its cotangents add up.  Where an input was
        broadcast, its cotangent is summed back to the input's shape.
        """
        nodes = self.nodes
        cotangents: list[Any] = [None] * len(nodes)
        seed = output.value
        cotangents[output.index] = np.ones_like(seed) if isinstance(seed, ndarray) else 1.0
        for i in range(output.index, -1, -1):
            g = cotangents[i]
            if g is None:
                continue
            for j, partial in nodes[i][3]:
                # the chain rule: multiply by the local derivative, or apply the rule
                if partial.__class__ is float:
                    gj = g if partial == 1.0 else g * partial  # times 1: pass g on, no copy
                elif callable(partial):
                    gj = partial(g)
                else:
                    gj = g * partial
                if gj.__class__ is ndarray:
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


_CONSTANT = (int, float, np.number, ndarray)  # what may enter as a plain number


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
    def shape(self) -> tuple[int, ...]:
        return np.shape(self.value)

    def __len__(self) -> int:
        return len(self.value)

    # Arithmetic: each input is recorded with d(output)/d(input).

    def __add__(self, other: Any) -> Var:
        if other.__class__ is Var and other.tape is self.tape:
            return self.tape.record(
                "+", None, self.value + other.value, ((self.index, 1.0), (other.index, 1.0))
            )
        if not isinstance(other, _CONSTANT):
            return _not_a_constant(other)
        return self.tape.record("+", other, self.value + other, ((self.index, 1.0),))

    __radd__ = __add__

    def __sub__(self, other: Any) -> Var:
        if other.__class__ is Var and other.tape is self.tape:
            return self.tape.record(
                "-", None, self.value - other.value, ((self.index, 1.0), (other.index, -1.0))
            )
        if not isinstance(other, _CONSTANT):
            return _not_a_constant(other)
        return self.tape.record("-", other, self.value - other, ((self.index, 1.0),))

    def __rsub__(self, other: Any) -> Var:
        if not isinstance(other, _CONSTANT):
            return _not_a_constant(other)
        return self.tape.record("c-", other, other - self.value, ((self.index, -1.0),))

    def __mul__(self, other: Any) -> Var:
        a = self.value
        if other.__class__ is Var and other.tape is self.tape:
            b = other.value
            return self.tape.record("*", None, a * b, ((self.index, b), (other.index, a)))
        if not isinstance(other, _CONSTANT):
            return _not_a_constant(other)
        return self.tape.record("*", other, a * other, ((self.index, other),))

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Var:
        u = self.value
        if other.__class__ is Var and other.tape is self.tape:
            v = other.value
            return self.tape.record("/", None, u / v, ((self.index, 1 / v), (other.index, -u / (v * v))))
        if not isinstance(other, _CONSTANT):
            return _not_a_constant(other)
        return self.tape.record("/", other, u / other, ((self.index, 1 / other),))

    def __rtruediv__(self, other: Any) -> Var:
        if not isinstance(other, _CONSTANT):
            return _not_a_constant(other)
        v = self.value
        return self.tape.record("c/", other, other / v, ((self.index, -other / (v * v)),))

    def __neg__(self) -> Var:
        return self.tape.record("neg", None, -self.value, ((self.index, -1.0),))

    def __pos__(self) -> Var:
        return self

    def __abs__(self) -> Var:
        return self.tape.record("abs", None, abs(self.value), ((self.index, np.sign(self.value)),))

    def __pow__(self, exponent: Any) -> Var:
        u = self.value
        if exponent.__class__ is Var and exponent.tape is self.tape:
            v = exponent.value  # d/dv u**v = u**v log u, which needs u > 0
            out = u**v
            return self.tape.record(
                "**", None, out, ((self.index, power_slope(u, v)), (exponent.index, out * log(u)))
            )
        if not isinstance(exponent, _CONSTANT):
            return _not_a_constant(exponent)
        return self.tape.record("**", exponent, u**exponent, ((self.index, power_slope(u, exponent)),))

    def __rpow__(self, base: Any) -> Var:
        if not isinstance(base, _CONSTANT):
            return _not_a_constant(base)
        out = base**self.value
        return self.tape.record("c**", base, out, ((self.index, out * log(base)),))

    # Operations that mix elements: their inputs get a rule, g -> cotangent.

    def __matmul__(self, other: Any) -> Var:
        a = self.value
        if other.__class__ is Var and other.tape is self.tape:
            b = other.value
            _check_matmul(a, b)
            return self.tape.record(
                "@",
                None,
                a @ b,
                ((self.index, lambda g: _mm_left(g, b)), (other.index, lambda g: _mm_right(a, g))),
            )
        if not isinstance(other, _CONSTANT):
            return _not_a_constant(other)
        _check_matmul(a, other)
        return self.tape.record("@", None, a @ other, ((self.index, lambda g: _mm_left(g, other)),))

    def __rmatmul__(self, other: Any) -> Var:
        if not isinstance(other, _CONSTANT):
            return _not_a_constant(other)
        b = self.value
        _check_matmul(other, b)
        return self.tape.record("@", None, other @ b, ((self.index, lambda g: _mm_right(other, g)),))

    @property
    def T(self) -> Var:  # noqa: N802 (numpy's name)
        return self.tape.record(
            "T", None, np.transpose(self.value), ((self.index, lambda g: np.transpose(g)),)
        )

    def __getitem__(self, key: Any) -> Var:
        shape = np.shape(self.value)

        def rule(g: Any) -> np.ndarray:
            out = np.zeros(shape)
            np.add.at(out, key, g)  # repeated indices add up
            return out

        return self.tape.record("[]", key, self.value[key], ((self.index, rule),))

    def sum(self, axis: Any = None, keepdims: bool = False) -> Var:
        """Sum of the elements (along ``axis``), like ``numpy.sum``."""
        shape = np.shape(self.value)

        def rule(g: Any) -> np.ndarray:  # spread back over what was summed
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return np.broadcast_to(g, shape)

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
        new = shape[0] if len(shape) == 1 else shape  # reshape(3, 1) or reshape((3, 1))
        return self.tape.record(
            "reshape", None, np.reshape(self.value, new), ((self.index, lambda g: np.reshape(g, old)),)
        )

    # Primitives of gradbook.functions: one local derivative each.

    def exp(self) -> Var:
        u = self.value
        # math.exp directly on a float (two calls fewer on every neuron); past
        # 709.78 it would overflow, and functions.exp answers inf with a warning.
        e = exp(u) if u.__class__ is not float or u > 709.0 else math.exp(u)
        return self.tape.record("exp", None, e, ((self.index, e),))

    def log(self) -> Var:
        u = self.value
        return self.tape.record("log", None, log(u), ((self.index, 1 / u),))

    def sin(self) -> Var:
        u = self.value
        return self.tape.record("sin", None, sin(u), ((self.index, cos(u)),))

    def cos(self) -> Var:
        u = self.value
        return self.tape.record("cos", None, cos(u), ((self.index, -sin(u)),))

    def tanh(self) -> Var:
        t = tanh(self.value)
        return self.tape.record("tanh", None, t, ((self.index, 1 - t * t),))

    def sqrt(self) -> Var:
        s = sqrt(self.value)
        return self.tape.record("sqrt", None, s, ((self.index, 0.5 / s),))

    @classmethod
    def where(cls, condition: Any, x: Any, y: Any) -> Var:
        """Elementwise choice; ``functions.where`` handles a single bool itself."""
        chosen = np.asarray(condition, dtype=float)
        inputs = []
        if isinstance(x, Var):
            inputs.append((x.index, chosen))
        if isinstance(y, Var):
            inputs.append((y.index, 1.0 - chosen))
        tape = (x if isinstance(x, Var) else y).tape
        return tape.record("where", None, np.where(condition, primal(x), primal(y)), tuple(inputs))


def _not_a_constant(other: Any) -> Any:
    """What an operation does with an operand that is neither a Var of its tape nor a number."""
    if isinstance(other, Var):
        raise ValueError("these Vars come from different forward passes (tapes)")
    return NotImplemented  # Python then tries the other operand, or raises TypeError


Var.primal = Var.value  # type: ignore[assignment]  # the name generic code asks for
_new_var = object.__new__


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
    if not isinstance(xs, (list, tuple)):
        return tape.record("input", None, _check_input(xs, "the input"), ())
    # Tape.record, unrolled: grad_bp of a small function spends a good part
    # of its time making its inputs.
    nodes = tape.nodes
    inputs = []
    for x in xs:
        if x.__class__ is not float:
            x = _check_input(x, len(inputs))
        var = _new_var(Var)
        var.value = x
        var.tape = tape
        var.index = len(nodes)
        nodes.append(("input", None, x, ()))
        inputs.append(var)
    return inputs


def _check_function(f: Any, who: str) -> None:
    if not callable(f):
        raise TypeError(f"{who} needs a function to differentiate, got {type(f).__name__}")


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
    return _backprop(f, xs, "backprop")


def _backprop(f: Callable[[Any], Any], xs: Any, who: str) -> tuple[float, Any]:
    """``backprop``, with errors naming the public function ``who`` that was called."""
    _check_function(f, who)
    tape = Tape()
    inputs = _wrap(xs, tape)
    try:
        out = f(inputs)
    except ValueError as error:
        if "broadcast" not in str(error):
            raise
        shapes = ", ".join(str(np.shape(v.value)) for v in ([inputs] if inputs.__class__ is Var else inputs))
        raise ValueError(
            f"{who}: f combined arrays whose shapes do not fit together ({error}); "
            f"the inputs have shapes {shapes}"
        ) from None
    is_var = out.__class__ is Var
    value = out.value if is_var else primal(out)
    if value.__class__ is not float and np.ndim(value) != 0:
        raise ValueError(
            f"{who} needs f to return a scalar, but it returned an array of shape {np.shape(value)}; "
            "reduce it first (for example with .sum() or .mean())"
        )
    cotangents = tape.backward(out) if is_var else [None] * len(tape)

    if inputs.__class__ is Var:
        return float(value), _gradient(inputs, cotangents)
    grads = cotangents[: len(inputs)]  # _wrap put the inputs first, in order
    for g in grads:
        if g.__class__ is not float:  # an array, or an input f did not use: tidy them all
            grads = [_gradient(v, cotangents) for v in inputs]
            break
    return float(value), tuple(grads) if isinstance(xs, tuple) else grads


def _gradient(var: Var, cotangents: list[Any]) -> Any:
    """The cotangent of an input, shaped like it and safe to hand out."""
    g = cotangents[var.index]
    if type(g) is float:
        return g
    if g is None:  # f did not depend on this input
        return np.zeros_like(var.value) if isinstance(var.value, ndarray) else 0.0
    if isinstance(g, ndarray) and g.ndim:
        return g.copy()  # fresh and writable, even if it was a broadcast view
    return float(g)


def grad_bp(f: Callable[[Any], Any], xs: Any) -> Any:
    """The gradient of ``f`` with respect to every input, in the shape of ``xs``
    (the article's ``gradBP``), from one backward pass."""
    return _backprop(f, xs, "grad_bp")[1]


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
