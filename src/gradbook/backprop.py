"""Reverse-mode automatic differentiation: a backprop-style API.

The names follow the Haskell ``backprop`` library the article uses: a
``Var`` is its ``BVar``, ``eval_bp`` its ``evalBP``, ``grad_bp`` its
``gradBP`` and ``sequence_var`` its ``sequenceVar``.

The forward pass writes every operation on a ``Tape`` (a Wengert list, as
``backprop`` does).  For each operand of an operation the tape keeps the
*local* derivative of the result with respect to that operand: a number
(or an array, elementwise) for most operations, or a small rule (a
vector-Jacobian product) for operations such as ``@`` and ``sum`` that
mix elements.  The tape is in the order the operations ran, which is
already a topological order, so the backward pass is one loop over it in
reverse: each node is visited once, with no recursion however long the
chain, and the chain rule is one multiplication per edge.

Because each edge carries its own local derivative, one that is too large
for a float gives inf or nan even where the edges would add up to a finite
number: ``x / x`` at the smallest float, ``x = 5e-324``, has the partial
derivatives ``1/x`` and ``-x/x**2``, both beyond ``1.8e308``, and its
gradient is nan here (forward mode, which adds before it divides, says 0).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradbook import checks
from gradbook.checks import Number
from gradbook.functions import (
    Operand,
    Tracer,
    cos,
    divide,
    exp,
    exponent_slope,
    log,
    over_square,
    power,
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

# A local derivative: a number or an array (multiply the cotangent by it,
# elementwise), or a rule that maps the cotangent to the operand's.
Local = Number | Callable[[Number], Number]


@dataclass(slots=True)
class Node:
    """One operation on a ``Tape``.

    ``inputs`` holds one ``(index, local)`` pair per operand that is a Var:
    the operand's index on the tape, and the local derivative of this
    node's value with respect to it.  Constants are not inputs, since
    nothing flows back to them; ``constant`` keeps the plain number an
    operation used, for drawing the graph.
    """

    op: str
    constant: Number | None
    value: Number
    inputs: tuple[tuple[int, Local], ...]


class Tape:
    """The record of one forward pass: its nodes, in the order the
    operations ran (already a topological order)."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def __len__(self) -> int:
        return len(self.nodes)

    def var(self, value: object) -> Var:
        """A new input on this tape."""
        return Var(value, self)

    def record(self, op: str, value: Number, *edges: tuple) -> Var:
        """Append one operation and return the Var holding its result.

        Each edge pairs an operand (a Var of this tape, or a ``Constant``)
        with the local derivative of the result with respect to it.  A
        constant gets no edge, since nothing flows back to it; the node
        keeps it for drawing.
        """
        inputs, constant = [], None
        for operand, local in edges:
            if isinstance(operand, Var) and operand.tape is self:
                inputs.append((operand.index, local))
            elif isinstance(operand, Constant):
                constant = operand.value
            else:
                raise _not_an_operand(operand)
        var = Var.__new__(Var)  # a result, not an input: no __init__
        var.tape, var.index, var.value = self, len(self.nodes), value
        self.nodes.append(Node(op, constant, value, tuple(inputs)))
        return var

    def backward(self, output: Var) -> list:
        """The cotangent of every node for ``output``, in one sweep.

        The output's own cotangent is 1.  A node that does not lead to
        ``output`` gets ``None``.  Where a value feeds several operations,
        its cotangents add up.
        """
        if not isinstance(output, Var) or output.tape is not self:
            problem = "output belongs to another tape (another forward pass)"
            raise ValueError(f"Tape.backward: {problem}")
        grads = [None] * len(self.nodes)
        grads[output.index] = _ones_like(output.value)
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


def _not_an_operand(operand: object) -> Exception:
    """Tape.record's error for an operand it cannot record."""
    if isinstance(operand, Var):
        problem = "an operand belongs to another tape (another forward pass)"
        return ValueError(f"Tape.record: {problem}")
    what = "a Var of this tape or a Constant"
    got = checks.describe(operand)
    return TypeError(f"Tape.record: an operand must be {what}, got {got}")


def _ones_like(value: Number) -> Number:
    """A cotangent of 1 for ``value``: 1.0, or an array of ones."""
    return np.ones_like(value) if isinstance(value, np.ndarray) else 1.0


def _unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> Number:
    """Sum a cotangent over the axes along which its input was broadcast."""
    if g.shape == shape:
        return g
    if g.ndim < len(shape):
        return np.broadcast_to(g, shape)
    g = np.sum(g, axis=tuple(range(g.ndim - len(shape))))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    g = g.sum(axis=axes, keepdims=True) if axes else g
    return g if shape else float(g)


@dataclass(slots=True)
class Constant:
    """A plain number in an operation on Vars: nothing flows back to it."""

    value: Number


class Var(Tracer):
    """A value that records how it was computed (the article's ``BVar``).

    ``Var(value)`` is an input on a new tape, ``Var(value, tape)`` one on
    ``tape``.  Arithmetic with other Vars of the same tape and with plain
    numbers (constants) works on either side, as do ``@``, indexing,
    ``.sum``, ``.mean``, ``.T`` and every function in
    ``gradbook.functions``.  ``value`` holds the primal.
    """

    __slots__ = ("index", "tape", "value")

    def __init__(self, value: object, tape: Tape | None = None) -> None:
        tape = Tape() if tape is None else tape
        checks.instance(tape, Tape, "Var", "tape")
        self.value = checks.as_number(value, "Var", "value")
        self.tape, self.index = tape, len(tape.nodes)
        tape.nodes.append(Node("input", None, self.value, ()))

    @property
    def primal(self) -> Number:  # the name generic code asks for
        return self.value

    def __repr__(self) -> str:
        return f"Var({self.value!r})"

    def _operand(self, other: object, elementwise: bool = True) -> Operand:
        """``other`` as a Var of this tape, or as a ``Constant``.

        For an elementwise operation the two shapes must broadcast.
        """
        if isinstance(other, Var):
            if other.tape is not self.tape:
                problem = "belongs to another tape (another forward pass)"
                raise ValueError(f"Var: this Var {problem}")
        elif isinstance(other, Tracer):
            raise checks.mixing("Var", self, other)
        else:
            other = Constant(checks.as_number(other, "Var", "operand"))
        if elementwise and isinstance(other.value, np.ndarray):
            checks.broadcast(self.value, other.value, "Var")
        return other

    # Arithmetic: each operand with d(result)/d(operand).

    def __add__(self, other: object) -> Var:
        other = self._operand(other)
        value = self.value + other.value
        return self.tape.record("+", value, (self, 1.0), (other, 1.0))

    __radd__ = __add__

    def __sub__(self, other: object) -> Var:
        other = self._operand(other)
        value = self.value - other.value
        return self.tape.record("-", value, (self, 1.0), (other, -1.0))

    def __rsub__(self, other: object) -> Var:
        other = self._operand(other)
        value = other.value - self.value
        return self.tape.record("c-", value, (other, 1.0), (self, -1.0))

    def __mul__(self, other: object) -> Var:
        other = self._operand(other)
        a, b = self.value, other.value
        return self.tape.record("*", a * b, (self, b), (other, a))

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Var:
        other = self._operand(other)
        u, v = self.value, other.value
        by_u, by_v = divide(1.0, v), over_square(-u, v)  # 1/v, -u/v**2
        return self.tape.record("/", u / v, (self, by_u), (other, by_v))

    def __rtruediv__(self, other: object) -> Var:
        other = self._operand(other)
        u, v = other.value, self.value
        by_u, by_v = divide(1.0, v), over_square(-u, v)
        return self.tape.record("c/", u / v, (other, by_u), (self, by_v))

    def __neg__(self) -> Var:
        return self.tape.record("neg", -self.value, (self, -1.0))

    def __pos__(self) -> Var:
        return self

    def __abs__(self) -> Var:
        u = self.value
        return self.tape.record("abs", abs(u), (self, np.sign(u)))

    def __pow__(self, exponent: object) -> Var:
        exponent = self._operand(exponent)
        u, v = self.value, exponent.value
        out, by_u = power(u, v), power_slope(u, v)
        if isinstance(exponent, Constant):  # the power rule, for any u
            return self.tape.record("**", out, (self, by_u), (exponent, None))
        by_v = exponent_slope(out, u)  # u**v log u: needs u > 0
        return self.tape.record("**", out, (self, by_u), (exponent, by_v))

    def __rpow__(self, base: object) -> Var:
        base = self._operand(base)
        out = power(base.value, self.value)
        by_v = exponent_slope(out, base.value)
        return self.tape.record("c**", out, (base, None), (self, by_v))

    # Operations that mix elements: their operands get a rule, g -> cotangent.

    def __matmul__(self, other: object) -> Var:
        other = self._operand(other, elementwise=False)
        return _matmul(self, other)

    def __rmatmul__(self, other: object) -> Var:
        other = self._operand(other, elementwise=False)
        return _matmul(other, self)

    @property
    def T(self) -> Var:  # noqa: N802 (numpy's name)
        if not isinstance(self.value, np.ndarray):
            return self  # one number is its own transpose
        return self.tape.record("T", self.value.T, (self, np.transpose))

    def __getitem__(self, key: object) -> Var:
        value, shape = self._index(self.value, key), np.shape(self.value)

        def rule(g: np.ndarray) -> np.ndarray:
            out = np.zeros(shape)
            np.add.at(out, key, g)  # repeated indices add up
            return out

        return self.tape.record("[]", value, (self, rule))

    def sum(
        self, axis: int | tuple | None = None, keepdims: bool = False
    ) -> Var:
        """Sum of the elements (along ``axis``), like ``numpy.sum``."""
        shape = np.shape(self.value)
        total = checks.calling(
            "Var.sum", np.sum, self.value, axis=axis, keepdims=keepdims
        )

        def rule(g: Number) -> np.ndarray:  # spread back over what was summed
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return np.broadcast_to(g, shape)

        return self.tape.record("sum", total, (self, rule))

    def mean(
        self, axis: int | tuple | None = None, keepdims: bool = False
    ) -> Var:
        """Mean of the elements (along ``axis``), like ``numpy.mean``."""
        total = self.sum(axis=axis, keepdims=keepdims)
        return total * (np.size(total.value) / np.size(self.value))

    def reshape(self, *shape: int | tuple[int, ...]) -> Var:
        """The same elements in a new shape, like ``numpy.reshape``."""
        old = np.shape(self.value)
        new = shape[0] if len(shape) == 1 else shape  # (3, 1) or 3, 1
        value = checks.calling("Var.reshape", np.reshape, self.value, new)

        def rule(g: np.ndarray) -> np.ndarray:
            return np.reshape(g, old)

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
        if isinstance(t, np.ndarray):  # a layer of a network: see _tanh_rule
            return self.tape.record("tanh", t, (self, _tanh_rule(t)))
        return self.tape.record("tanh", t, (self, 1 - t * t))

    def sqrt(self) -> Var:
        s = sqrt(self.value)
        return self.tape.record("sqrt", s, (self, divide(0.5, s)))

    @classmethod
    def where(cls, condition: np.ndarray, x: Operand, y: Operand) -> Var:
        """Elementwise choice (``functions.where`` handles a single bool):
        the cotangent goes to the branch chosen, and exactly 0 to the
        other."""
        var = x if isinstance(x, Var) else y
        x, y = var._operand(x), var._operand(y)  # one tape for both
        value = np.where(condition, x.value, y.value)

        def to_x(g: np.ndarray) -> np.ndarray:
            return np.where(condition, g, 0.0)

        def to_y(g: np.ndarray) -> np.ndarray:
            return np.where(condition, 0.0, g)

        return var.tape.record("where", value, (x, to_x), (y, to_y))


def _tanh_rule(t: np.ndarray) -> Callable:
    """The rule ``g -> g * (1 - t*t)`` for tanh of an array.

    It computes the local derivative only when the backward pass needs it,
    in one new array: stored on the tape, ``1 - t*t`` would keep one more
    array as large as the layer alive (the MLP's gradient: 15% less time).
    """

    def rule(g: Operand) -> Operand:
        local = t * t
        np.subtract(1.0, local, out=local)
        if isinstance(g, np.ndarray):
            return np.multiply(g, local, out=local)
        return g * local  # one number, or a g that carries derivatives

    return rule


def _matmul(a: Operand, b: Operand) -> Var:
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

    def rule_a(g: np.ndarray) -> np.ndarray:
        ga = np.reshape(g, out2) @ np.swapaxes(v2, -1, -2)
        return _unbroadcast(ga, u2.shape).reshape(u.shape)

    def rule_b(g: np.ndarray) -> np.ndarray:
        gb = np.swapaxes(u2, -1, -2) @ np.reshape(g, out2)
        return _unbroadcast(gb, v2.shape).reshape(v.shape)

    var = a if isinstance(a, Var) else b
    return var.tape.record("@", u @ v, (a, rule_a), (b, rule_b))


def _wrap(xs: object, tape: Tape, who: str) -> Var | list[Var]:
    """The arguments as Vars on ``tape``, checked in the words of ``who``:
    a list or tuple becomes a list of Vars."""
    if isinstance(xs, (list, tuple)):
        values = checks.numbers(xs, who, "xs")
        return [tape.record("input", value) for value in values]
    return tape.record("input", checks.as_number(xs, who, "xs"))


def _value(out: object, tape: Tape, who: str) -> Number:
    """The value ``f`` returned: a Var of ``tape``, or a constant."""
    if isinstance(out, Var):
        if out.tape is not tape:
            raise ValueError(
                f"{who}: f returned a Var that belongs to another tape "
                "(another forward pass); make every Var inside f"
            )
        return out.value
    if isinstance(out, Tracer):
        raise checks.mixing(who, Var, out)
    return checks.returned(out, who, "a number (a scalar Var)")


def eval_bp(f: Callable, xs: object) -> Number:
    """The forward pass alone: ``f(xs)``, computed on Vars (``evalBP``)."""
    checks.callable_(f, "eval_bp")
    tape = Tape()
    out = _value(f(_wrap(xs, tape, "eval_bp")), tape, "eval_bp")
    return out if isinstance(out, np.ndarray) and out.ndim else float(out)


def backprop(f: Callable, xs: object) -> tuple[float, object]:
    """``(f(xs), gradient of f at xs)``: one forward pass, one backward pass.

    ``xs`` is what ``f`` takes: a number, an array, or a list (or tuple) of
    them, which ``f`` receives as a list of Vars.  ``f`` must return a scalar.
    The gradient has the shape of ``xs``: a list in, a list out.
    """
    return _backprop(f, xs, "backprop")


def grad_bp(f: Callable, xs: object) -> object:
    """The gradient of ``f`` with respect to every argument, in the shape of
    ``xs`` (the article's ``gradBP``), from one backward pass."""
    return _backprop(f, xs, "grad_bp")[1]


def _backprop(f: Callable, xs: object, who: str) -> tuple[float, object]:
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


def _one_pass(f: Callable, xs: object, who: str) -> tuple[float, object]:
    """The forward pass of ``f`` on a new tape, then the backward pass."""
    tape = Tape()
    arguments = _wrap(xs, tape, who)
    try:
        out = f(arguments)
    except ValueError as error:
        if "broadcast" not in str(error):
            raise
        shapes = ", ".join(str(v.shape) for v in _as_list(arguments))
        raise ValueError(
            f"{who}: f combined arrays whose shapes do not fit together "
            f"({error}); the arguments have shapes {shapes}"
        ) from None
    value = _value(out, tape, who)
    if isinstance(value, np.ndarray) and value.ndim:
        raise ValueError(
            f"{who}: f must return a scalar, but it returned an array of "
            f"shape {value.shape}; reduce it first (for example with "
            ".sum() or .mean())"
        )
    cotangents = [None] * len(tape)  # if f did not depend on its arguments
    if isinstance(out, Var):
        cotangents = tape.backward(out)
    grads = [_gradient(v, cotangents) for v in _as_list(arguments)]
    if isinstance(xs, (list, tuple)):
        return float(value), type(xs)(grads)
    return float(value), grads[0]


def _as_list(arguments: Var | list[Var]) -> list[Var]:
    return arguments if isinstance(arguments, list) else [arguments]


def _gradient(var: Var, cotangents: list) -> Number:
    """The cotangent of an argument, shaped like it and safe to hand out."""
    g = cotangents[var.index]
    if not isinstance(var.value, np.ndarray) or var.value.ndim == 0:
        return 0.0 if g is None else float(g)
    if g is None:  # f did not depend on this argument
        return np.zeros_like(var.value)
    return np.array(g)  # fresh and writable, even if it was a view


def sequence_var(v: object) -> list[Var]:
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
