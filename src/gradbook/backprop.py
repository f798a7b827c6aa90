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

import gc
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from gradbook import checks
from gradbook.functions import (
    Tracer,
    cos,
    divide,
    exp,
    log,
    over_square,
    power_slope,
    sin,
    sqrt,
    tanh,
    times,
)

__all__ = [
    "Node",
    "Tape",
    "Var",
    "backprop",
    "eval_bp",
    "grad_bp",
    "sequence_var",
]


class Node(NamedTuple):
    """One operation on a :class:`Tape`.

    ``inputs`` holds one ``(input index, local)`` pair per input that is a
    Var: ``local`` is the local derivative of this node's value with
    respect to that input (a number, or an array, elementwise), or a rule
    ``g -> the input's cotangent`` for operations that mix elements, such
    as ``@`` and ``sum``.  Constants are not inputs, since nothing flows
    back to them; ``constant`` keeps the plain number an operation used,
    for drawing the graph.
    """

    op: str
    constant: Any
    value: Any
    inputs: tuple[tuple[int, Any], ...]


class Tape:
    """The record of one forward pass: its nodes, in the order the
    operations ran (already a topological order)."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def __len__(self) -> int:
        return len(self.nodes)

    def var(self, value: Any) -> Var:
        """A new input on this tape."""
        return Var(value, self)

    def record(self, op: str, value: Any, *edges: Any) -> Var:
        """Append one operation and return the Var holding its result.

        ``edges`` pairs each operand (a Var of this tape, or a
        :class:`Constant`) with the local derivative of the result with
        respect to it.  A constant gets no edge, since nothing flows back
        to it; the node keeps it for drawing.
        """
        inputs, constant = [], None
        for operand, local in edges:
            if isinstance(operand, Var):
                inputs.append((operand.index, local))
            else:
                constant = operand.value
        var = Var.__new__(Var)  # a result: its value needs no checking
        var.tape, var.index, var.value = self, len(self.nodes), value
        self.nodes.append(Node(op, constant, value, tuple(inputs)))
        return var

    def backward(self, output: Var) -> list[Any]:
        """Cotangents of every node for a scalar ``output``, in one sweep.

        A node that does not lead to ``output`` gets ``None``.  Where a value
        feeds several operations, its cotangents add up.  Where an input was
        broadcast, its cotangent is summed back to the input's shape.
        """
        if not isinstance(output, Var) or output.tape is not self:
            problem = "output belongs to another tape (another forward pass)"
            raise ValueError(f"Tape.backward: {problem}")
        grads: list[Any] = [None] * len(self.nodes)
        seed = output.value
        grads[output.index] = np.ones_like(seed) if np.ndim(seed) else 1.0
        for i in reversed(range(output.index + 1)):
            g = grads[i]
            if g is None:  # node i does not lead to the output
                continue
            for j, local in self.nodes[i].inputs:
                # the chain rule: times the local derivative, or the rule
                gj = local(g) if callable(local) else times(g, local)
                if isinstance(gj, np.ndarray):  # maybe broadcast: sum back
                    gj = _unbroadcast(gj, np.shape(self.nodes[j].value))
                grads[j] = gj if grads[j] is None else grads[j] + gj
        return grads


def _unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum a cotangent over the axes along which its input was broadcast."""
    if np.shape(g) == shape:
        return g
    if np.ndim(g) < len(shape):
        return np.broadcast_to(g, shape)
    g = np.sum(g, axis=tuple(range(np.ndim(g) - len(shape))))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    g = g.sum(axis=axes, keepdims=True) if axes else g
    return g if shape else float(g)


class Constant(NamedTuple):
    """A plain number in an operation on Vars: nothing flows back to it."""

    value: Any


class Var(Tracer):
    """A value that records how it was computed (the article's ``BVar``).

    ``Var(value)`` is an input on a new tape, ``Var(value, tape)`` one on
    ``tape``.  Arithmetic with other Vars of the same tape and with plain
    numbers (constants) works on either side, as do ``@``, indexing,
    ``.sum``, ``.mean``, ``.T`` and every function in
    :mod:`gradbook.functions`.  ``value`` holds the primal.
    """

    __slots__ = ("index", "tape", "value")

    def __init__(self, value: Any, tape: Tape | None = None) -> None:
        self.value = checks.as_number(value, "Var", "value")
        self.tape = Tape() if tape is None else tape
        self.index = len(self.tape.nodes)
        self.tape.nodes.append(Node("input", None, self.value, ()))

    @property
    def primal(self) -> Any:  # the name generic code asks for
        return self.value

    def __repr__(self) -> str:
        return f"Var({self.value!r})"

    def __len__(self) -> int:
        return len(self.value)

    def _operand(self, other: Any, elementwise: bool = True) -> Var | Constant:
        """``other`` as a Var of this tape, or as a constant.

        For an elementwise operation the two shapes must broadcast.
        """
        if isinstance(other, Var):
            if other.tape is not self.tape:
                problem = "belongs to another tape (another forward pass)"
                raise ValueError(f"Var: this Var {problem}")
        elif isinstance(other, Tracer):
            raise TypeError(
                f"Var: a Var and a {type(other).__name__} cannot be mixed "
                "(forward and reverse mode do not nest in gradbook)"
            )
        else:
            other = Constant(checks.as_number(other, "Var", "operand"))
        if elementwise and self.value.__class__ is not float:  # an array
            checks.broadcast(self.value, other.value, "Var")
        return other

    # Arithmetic: each operand with d(result)/d(operand).

    def __add__(self, other: Any) -> Var:
        other = self._operand(other)
        value = self.value + other.value
        return self.tape.record("+", value, (self, 1.0), (other, 1.0))

    __radd__ = __add__

    def __sub__(self, other: Any) -> Var:
        other = self._operand(other)
        value = self.value - other.value
        return self.tape.record("-", value, (self, 1.0), (other, -1.0))

    def __rsub__(self, other: Any) -> Var:
        other = self._operand(other)
        value = other.value - self.value
        return self.tape.record("c-", value, (other, 1.0), (self, -1.0))

    def __mul__(self, other: Any) -> Var:
        other = self._operand(other)
        a, b = self.value, other.value
        return self.tape.record("*", a * b, (self, b), (other, a))

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Var:
        other = self._operand(other)
        u, v = self.value, other.value
        by_u, by_v = 1 / v, over_square(-u, v)  # 1/v and -u/v**2
        return self.tape.record("/", u / v, (self, by_u), (other, by_v))

    def __rtruediv__(self, other: Any) -> Var:
        other = self._operand(other)
        u, v = other.value, self.value
        by_u, by_v = 1 / v, over_square(-u, v)
        return self.tape.record("c/", u / v, (other, by_u), (self, by_v))

    def __neg__(self) -> Var:
        return self.tape.record("neg", -self.value, (self, -1.0))

    def __pos__(self) -> Var:
        return self

    def __abs__(self) -> Var:
        u = self.value
        return self.tape.record("abs", abs(u), (self, np.sign(u)))

    def __pow__(self, exponent: Any) -> Var:
        exponent = self._operand(exponent)
        u, v = self.value, exponent.value
        out, by_u = u**v, power_slope(u, v)
        if isinstance(exponent, Constant):  # the power rule, for any u
            return self.tape.record("**", out, (self, by_u), (exponent, None))
        by_v = out * log(u)  # d(u**v)/dv = u**v log u, which needs u > 0
        return self.tape.record("**", out, (self, by_u), (exponent, by_v))

    def __rpow__(self, base: Any) -> Var:
        base = self._operand(base)
        out = base.value**self.value
        by_v = out * log(base.value)
        return self.tape.record("c**", out, (base, None), (self, by_v))

    # Operations that mix elements: their operands get a rule, g -> cotangent.

    def __matmul__(self, other: Any) -> Var:
        other = self._operand(other, elementwise=False)
        return _matmul(self, other)

    def __rmatmul__(self, other: Any) -> Var:
        other = self._operand(other, elementwise=False)
        return _matmul(other, self)

    @property
    def T(self) -> Var:  # noqa: N802 (numpy's name)
        value = np.transpose(self.value)
        return self.tape.record("T", value, (self, np.transpose))

    def __getitem__(self, key: Any) -> Var:
        shape = np.shape(self.value)

        def rule(g: Any) -> np.ndarray:
            out = np.zeros(shape)
            np.add.at(out, key, g)  # repeated indices add up
            return out

        return self.tape.record("[]", self.value[key], (self, rule))

    def sum(self, axis: Any = None, keepdims: bool = False) -> Var:
        """Sum of the elements (along ``axis``), like ``numpy.sum``."""
        shape = np.shape(self.value)

        def rule(g: Any) -> np.ndarray:  # spread back over what was summed
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return np.broadcast_to(g, shape)

        total = np.sum(self.value, axis=axis, keepdims=keepdims)
        return self.tape.record("sum", total, (self, rule))

    def mean(self, axis: Any = None, keepdims: bool = False) -> Var:
        """Mean of the elements (along ``axis``), like ``numpy.mean``."""
        total = self.sum(axis=axis, keepdims=keepdims)
        return total * (np.size(total.value) / np.size(self.value))

    def reshape(self, *shape: Any) -> Var:
        """The same elements in a new shape, like ``numpy.reshape``."""
        old = np.shape(self.value)
        new = shape[0] if len(shape) == 1 else shape  # (3, 1) or 3, 1

        def rule(g: Any) -> np.ndarray:
            return np.reshape(g, old)

        value = np.reshape(self.value, new)
        return self.tape.record("reshape", value, (self, rule))

    # Primitives of gradbook.functions: one local derivative each.

    def exp(self) -> Var:
        e = exp(self.value)
        return self.tape.record("exp", e, (self, e))

    def log(self) -> Var:
        u = self.value
        return self.tape.record("log", log(u), (self, divide(1.0, u)))

    def sin(self) -> Var:
        u = self.value
        return self.tape.record("sin", sin(u), (self, cos(u)))

    def cos(self) -> Var:
        u = self.value
        return self.tape.record("cos", cos(u), (self, -sin(u)))

    def tanh(self) -> Var:
        t = tanh(self.value)
        return self.tape.record("tanh", t, (self, 1 - t * t))

    def sqrt(self) -> Var:
        s = sqrt(self.value)
        return self.tape.record("sqrt", s, (self, divide(0.5, s)))

    @classmethod
    def where(cls, condition: Any, x: Any, y: Any) -> Var:
        """Elementwise choice; ``functions.where`` handles a single bool."""
        var = x if isinstance(x, Var) else y
        x, y = var._operand(x), var._operand(y)  # one tape for both
        chosen = np.asarray(condition, dtype=float)
        value = np.where(condition, x.value, y.value)
        return var.tape.record("where", value, (x, chosen), (y, 1.0 - chosen))


def _matmul(a: Var | Constant, b: Var | Constant) -> Var:
    """``a @ b`` with numpy's rules, and the rules for its cotangents.

    numpy treats a 1-D ``a`` as a row ``(1, n)`` and a 1-D ``b`` as a
    column ``(n, 1)``, multiplies the last two axes and broadcasts the
    others, then drops the added axes.  The cotangent rules undo each step:
    restore the dropped axes of ``g``, multiply by the other operand
    transposed, sum over broadcast axes, drop the added axes.
    """
    u, v = a.value, b.value
    checks.matmul_shapes(np.shape(u), np.shape(v), "Var")
    u2 = u[np.newaxis, :] if u.ndim == 1 else u
    v2 = v[:, np.newaxis] if v.ndim == 1 else v
    batch = np.broadcast_shapes(u2.shape[:-2], v2.shape[:-2])
    out2 = (*batch, u2.shape[-2], v2.shape[-1])

    def rule_a(g: Any) -> Any:
        ga = np.reshape(g, out2) @ np.swapaxes(v2, -1, -2)
        return _unbroadcast(ga, u2.shape).reshape(u.shape)

    def rule_b(g: Any) -> Any:
        gb = np.swapaxes(u2, -1, -2) @ np.reshape(g, out2)
        return _unbroadcast(gb, v2.shape).reshape(v.shape)

    var = a if isinstance(a, Var) else b
    return var.tape.record("@", u @ v, (a, rule_a), (b, rule_b))


def _wrap(xs: Any, tape: Tape, who: str) -> Any:
    """Inputs as Vars on ``tape``: a list or tuple becomes a list of Vars."""
    if isinstance(xs, (list, tuple)):
        return [_input(x, tape, who, f"xs[{i}]") for i, x in enumerate(xs)]
    return _input(xs, tape, who, "xs")


def _input(x: Any, tape: Tape, who: str, name: str) -> Var:
    """Input ``x`` as a Var on ``tape``, checked in the words of ``who``."""
    return tape.record("input", checks.as_number(x, who, name))


def _value(out: Any, tape: Tape, who: str) -> Any:
    """The value ``f`` returned: a Var of ``tape``, or a constant."""
    if isinstance(out, Var):
        if out.tape is not tape:
            raise ValueError(
                f"{who}: f returned a Var that belongs to another tape "
                "(another forward pass); make every Var inside f"
            )
        return out.value
    if isinstance(out, Tracer):
        got = f"{who}: f returned a {type(out).__name__}"
        raise TypeError(f"{got}; forward and reverse mode cannot be mixed")
    return checks.returned(out, who, "a number (a scalar Var)")


def eval_bp(f: Callable[[Any], Any], xs: Any) -> Any:
    """The forward pass alone: ``f(xs)``, computed on Vars (``evalBP``)."""
    checks.callable_(f, "eval_bp")
    tape = Tape()
    out = _value(f(_wrap(xs, tape, "eval_bp")), tape, "eval_bp")
    return out if np.ndim(out) else float(out)


def backprop(f: Callable[[Any], Any], xs: Any) -> tuple[float, Any]:
    """``(f(xs), gradient of f at xs)``: one forward pass, one backward pass.

    ``xs`` is what ``f`` takes: a number, an array, or a list (or tuple) of
    them, which ``f`` receives as a list of Vars.  ``f`` must return a scalar.
    The gradient has the shape of ``xs``: a list in, a list out.
    """
    return _backprop(f, xs, "backprop")


def _backprop(f: Callable[[Any], Any], xs: Any, who: str) -> tuple[float, Any]:
    """``backprop``, with errors naming ``who``, the function called."""
    checks.callable_(f, who)
    # A long tape's many small objects set off the cyclic garbage collector
    # again and again: pausing it for the pass was 16-19% faster at n = 10^4.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _one_pass(f, xs, who)
    finally:
        if collecting:
            gc.enable()


def _one_pass(f: Callable[[Any], Any], xs: Any, who: str) -> tuple[float, Any]:
    """The forward pass of ``f`` on a new tape, then the backward pass."""
    tape = Tape()
    inputs = _wrap(xs, tape, who)
    try:
        out = f(inputs)
    except ValueError as error:
        if "broadcast" not in str(error):
            raise
        shapes = ", ".join(str(v.shape) for v in _as_list(inputs))
        raise ValueError(
            f"{who}: f combined arrays whose shapes do not fit together "
            f"({error}); the inputs have shapes {shapes}"
        ) from None
    value = _value(out, tape, who)
    if np.ndim(value) != 0:
        raise ValueError(
            f"{who}: f must return a scalar, but it returned an array of "
            f"shape {np.shape(value)}; reduce it first (for example with "
            ".sum() or .mean())"
        )
    cotangents = [None] * len(tape)  # if f did not depend on its inputs
    if isinstance(out, Var):
        cotangents = tape.backward(out)
    grads = [_gradient(v, cotangents) for v in _as_list(inputs)]
    if isinstance(xs, (list, tuple)):
        return float(value), type(xs)(grads)
    return float(value), grads[0]


def _as_list(inputs: Any) -> list[Var]:
    return inputs if isinstance(inputs, list) else [inputs]


def _gradient(var: Var, cotangents: list[Any]) -> Any:
    """The cotangent of an input, shaped like it and safe to hand out."""
    g = cotangents[var.index]
    if g is None:  # f did not depend on this input
        return np.zeros_like(var.value) if np.ndim(var.value) else 0.0
    if isinstance(g, np.ndarray) and g.ndim:
        return np.array(g)  # fresh and writable, even if it was a view
    return float(g)


def grad_bp(f: Callable[[Any], Any], xs: Any) -> Any:
    """The gradient of ``f`` with respect to every input, in the shape of
    ``xs`` (the article's ``gradBP``), from one backward pass."""
    return _backprop(f, xs, "grad_bp")[1]


def sequence_var(v: Any) -> list[Var]:
    """A Var holding a sequence, as a list of Vars (``sequenceVar``).

    ``grad_bp`` already hands ``f`` a list of Vars when ``xs`` is a list, and
    those pass through unchanged; a Var holding an array is split into one
    Var per element along its first axis.
    """
    if isinstance(v, (list, tuple)) and all(isinstance(x, Var) for x in v):
        return list(v)
    if isinstance(v, Var) and np.ndim(v.value) >= 1:
        return [v[i] for i in range(len(v.value))]
    what, got = "a Var holding a sequence", checks.describe(v)
    raise TypeError(f"sequence_var: v must be {what}, got {got}")
