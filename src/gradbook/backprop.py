"""Reverse-mode automatic differentiation: a backprop-style API.

The names follow the Haskell ``backprop`` library the article uses: a
``Var`` is its ``BVar``, ``eval_bp`` its ``evalBP``, ``grad_bp`` its
``gradBP`` and ``sequence_var`` its ``sequenceVar``.

The forward pass writes every operation on a ``Tape`` (a Wengert tape, as
``backprop`` calls it).  Each operation makes one ``Var``, which is also its
node on the tape: for each operand that is a Var, it keeps the *local*
derivative of its value with respect to that operand: a number (or an
array, elementwise) for most operations, or a small rule (a
vector-Jacobian product) for operations such as ``@`` and ``sum`` that
mix elements.  The tape is in the order the operations ran, which is
already a topological order, so the backward pass is one loop over it in
reverse: each node is visited once, with no recursion however long the
chain, and the chain rule is one multiplication per edge.

The rules compute with the operations every kind of number has, so the
backward pass can itself carry derivatives: a Var's value may be a
``Dual`` of an outer derivative (forward over reverse, as ``hvp`` does) or
a Var of an outer tape (reverse over reverse).

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

from gradbook import checks, dual
from gradbook.checks import Number
from gradbook.functions import (
    Operand,
    Tracer,
    _broadcast_to,
    _reshape,
    _scatter,
    _shape,
    _sign,
    _size,
    _sum,
    _transpose,
    _where,
    close_level,
    cos,
    defers,
    divide,
    exp,
    exponent_slope,
    log,
    nested,
    new_level,
    open_level,
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
    "hvp",
    "sequence_var",
]

# A local derivative: a number or an array (multiply the cotangent by it,
# elementwise), or a rule that maps the cotangent to the operand's.
Local = Number | Callable[[Number], Number]


class Tape:
    """The record of one forward pass: its nodes, the Vars of the results,
    in the order the operations ran (already a topological order).

    ``level`` says where the tape's derivative is among nested ones
    (``gradbook.functions``).
    """

    def __init__(self) -> None:
        self.nodes: list[Var] = []
        self.level = new_level()

    def __len__(self) -> int:
        return len(self.nodes)

    def var(self, value: object) -> Var:
        """A new input on this tape."""
        return Var(value, self)

    def record(self, op: str, value: Number, *edges: tuple) -> Var:
        """Append one operation; return the Var of its result, its node.

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
        var.op, var.value, var.constant = op, value, constant
        var.inputs, var.tape, var.index = tuple(inputs), self, len(self.nodes)
        self.nodes.append(var)
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
                if not isinstance(gj, float):  # maybe broadcast: sum back
                    gj = _unbroadcast(gj, _shape(self.nodes[j].value))
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


def _ones_like(value: Operand) -> Operand:
    """A cotangent of 1 for ``value``: 1.0, or an array of ones."""
    if isinstance(value, float):
        return 1.0
    shape = _shape(value)  # an array, or a number that carries derivatives
    return np.ones(shape) if shape else 1.0


def _unbroadcast(g: Operand, shape: tuple[int, ...]) -> Operand:
    """Sum a cotangent over the axes along which its input was broadcast."""
    have = _shape(g)
    if have == shape:
        return g
    if len(have) < len(shape):
        return _broadcast_to(g, shape)
    if len(have) > len(shape):
        g = _sum(g, tuple(range(len(have) - len(shape))), False)
    axes = tuple(
        i for i, n in enumerate(shape) if n == 1 and _shape(g)[i] != 1
    )
    g = _sum(g, axes, True) if axes else g
    return g if shape or isinstance(g, Tracer) else float(g)


@dataclass(slots=True)
class Node:
    """One operation on a ``Tape``: what the graph figures draw.

    ``inputs`` holds one ``(index, local)`` pair per operand that is a Var:
    the operand's index on the tape, and the local derivative of this
    node's value with respect to it.  Constants are not inputs, since
    nothing flows back to them; ``constant`` keeps the plain number an
    operation used, for drawing the graph.  On a tape, each node is the
    ``Var`` of its result.
    """

    op: str
    constant: Operand | None
    value: Operand
    inputs: tuple[tuple[int, Local], ...]


@dataclass(slots=True)
class Constant:
    """A plain number in an operation on Vars: nothing flows back to it.
    (A number of an outer derivative is a constant here too.)"""

    value: Operand


class Var(Tracer, Node):
    """A value that records how it was computed (the article's ``BVar``):
    it is its own ``Node`` on its tape.

    ``Var(value)`` is an input on a new tape, ``Var(value, tape)`` one on
    ``tape``.  Arithmetic with other Vars of the same tape and with plain
    numbers (constants) works on either side, as do ``@``, indexing,
    ``.sum``, ``.mean``, ``.T`` and every function in
    ``gradbook.functions``.  ``value`` holds the primal.
    """

    __slots__ = ("index", "tape")

    def __init__(self, value: object, tape: Tape | None = None) -> None:
        tape = Tape() if tape is None else tape
        checks.instance(tape, Tape, "Var", "tape")
        if isinstance(value, Tracer) and value.level < tape.level:
            self.value = value  # it carries an outer derivative's
        elif isinstance(value, Tracer):
            raise checks.mixing("Var", Var, value)
        else:
            self.value = checks.as_number(value, "Var", "value")
        self.op, self.constant, self.inputs = "input", None, ()
        self.tape, self.index = tape, len(tape.nodes)
        tape.nodes.append(self)

    @property
    def primal(self) -> Operand:  # the name generic code asks for
        return self.value

    @property
    def level(self) -> int:
        return self.tape.level

    def __repr__(self) -> str:
        return f"Var({self.value!r})"

    def _operand(self, other: object, elementwise: bool = True) -> Operand:
        """``other`` as a Var of this tape, or as a ``Constant``.

        A number of an outer derivative (not an inner one: that one does
        the operation, see ``functions.defers``) is a constant here.  For
        an elementwise operation the two shapes must broadcast.
        """
        if isinstance(other, Var) and other.tape is self.tape:
            pass
        elif isinstance(other, Tracer):
            if isinstance(other, Var) and not nested(self.level, other.level):
                problem = (
                    "the two operands are on different tapes (one made by "
                    "hand, or of a forward pass that has finished); use "
                    "Vars of one tape only: in grad_bp, those made from "
                    "f's argument in this call"
                )
                raise ValueError(f"Var: {problem}")
            if not nested(self.level, other.level):
                raise checks.mixing("Var", self, other)
            other = Constant(other)
        else:
            other = Constant(checks.as_number(other, "Var", "operand"))
        if elementwise and not isinstance(other.value, float):
            checks.broadcast(self.value, other.value, "Var")
        return other

    # Arithmetic: each operand with d(result)/d(operand).

    def __add__(self, other: object) -> Var:
        if defers(self, other):  # other belongs to an inner derivative
            return other.__radd__(self)
        other = self._operand(other)
        value = self.value + other.value
        return self.tape.record("+", value, (self, 1.0), (other, 1.0))

    __radd__ = __add__

    def __sub__(self, other: object) -> Var:
        if defers(self, other):  # other belongs to an inner derivative
            return other.__rsub__(self)
        other = self._operand(other)
        value = self.value - other.value
        return self.tape.record("-", value, (self, 1.0), (other, -1.0))

    def __rsub__(self, other: object) -> Var:
        other = self._operand(other)
        value = other.value - self.value
        return self.tape.record("c-", value, (other, 1.0), (self, -1.0))

    def __mul__(self, other: object) -> Var:
        if defers(self, other):  # other belongs to an inner derivative
            return other.__rmul__(self)
        other = self._operand(other)
        a, b = self.value, other.value
        return self.tape.record("*", a * b, (self, b), (other, a))

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Var:
        if defers(self, other):  # other belongs to an inner derivative
            return other.__rtruediv__(self)
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
        return self.tape.record("abs", abs(u), (self, _sign(u)))

    def __pow__(self, exponent: object) -> Var:
        if defers(self, exponent):  # it belongs to an inner derivative
            return exponent.__rpow__(self)
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
        if defers(self, other):  # other belongs to an inner derivative
            return other.__rmatmul__(self)
        other = self._operand(other, elementwise=False)
        return _matmul(self, other)

    def __rmatmul__(self, other: object) -> Var:
        other = self._operand(other, elementwise=False)
        return _matmul(other, self)

    def transpose(self, *axes: int) -> Var:
        """The axes in reverse order (or in the order ``axes`` gives)."""
        if not self.shape:
            return self  # one number is its own transpose
        axes = axes or tuple(reversed(range(self.ndim)))
        value = checks.calling("Var.transpose", _transpose, self.value, axes)
        back = tuple(np.argsort(axes))

        def rule(g: Operand) -> Operand:
            return _transpose(g, back)

        return self.tape.record("T", value, (self, rule))

    @property
    def T(self) -> Var:  # noqa: N802 (numpy's name)
        return self.transpose()

    def __getitem__(self, key: object) -> Var:
        value, shape = self._index(self.value, key), self.shape

        def rule(g: Operand) -> Operand:
            return _scatter(g, shape, key)  # repeated indices add up

        return self.tape.record("[]", value, (self, rule))

    def scatter(self, shape: tuple[int, ...], key: object) -> Var:
        """Zeros of ``shape`` with this Var added at ``key``: the transpose
        of indexing (reverse mode's rule for it, here differentiated)."""

        def rule(g: Operand) -> Operand:
            return g[key]

        value = _scatter(self.value, shape, key)
        return self.tape.record("scatter", value, (self, rule))

    def sum(
        self, axis: int | tuple | None = None, keepdims: bool = False
    ) -> Var:
        """Sum of the elements (along ``axis``), like ``numpy.sum``."""
        shape = self.shape
        total = checks.calling("Var.sum", _sum, self.value, axis, keepdims)
        kept = _shape(_sum(np.zeros(shape), axis, True))  # 1 where summed

        def rule(g: Operand) -> Operand:  # spread back over what was summed
            return _broadcast_to(_reshape(g, kept), shape)

        return self.tape.record("sum", total, (self, rule))

    def mean(
        self, axis: int | tuple | None = None, keepdims: bool = False
    ) -> Var:
        """Mean of the elements (along ``axis``), like ``numpy.mean``."""
        total = self.sum(axis=axis, keepdims=keepdims)
        return total * (_size(total.value) / _size(self.value))

    def reshape(self, *shape: int | tuple[int, ...]) -> Var:
        """The same elements in a new shape, like ``numpy.reshape``."""
        old = self.shape
        new = shape[0] if len(shape) == 1 else shape  # (3, 1) or 3, 1
        value = checks.calling("Var.reshape", _reshape, self.value, new)

        def rule(g: Operand) -> Operand:
            return _reshape(g, old)

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
        if _shape(t):  # a layer of a network: see _tanh_rule
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
        value = _where(condition, x.value, y.value, "where")

        def to_x(g: Operand) -> Operand:
            return _where(condition, g, 0.0, "where")

        def to_y(g: Operand) -> Operand:
            return _where(condition, 0.0, g, "where")

        return var.tape.record("where", value, (x, to_x), (y, to_y))


def _tanh_rule(t: Operand) -> Callable:
    """The rule ``g -> g * (1 - t*t)`` for tanh of an array.

    It computes the local derivative only when the backward pass needs it,
    in one new array: stored on the tape, ``1 - t*t`` would keep one more
    array as large as the layer alive (the MLP's gradient: 15% less time).
    Where tanh's input is a number, ``1 - t*t`` is finite: the product
    needs no ``times``.
    """

    def rule(g: Operand) -> Operand:
        if not isinstance(t, np.ndarray):  # t carries derivatives, or is
            return g * (1 - t * t)  # being recorded
        local = t * t
        np.subtract(1.0, local, out=local)
        if isinstance(g, np.ndarray):
            return np.multiply(g, local, out=local)
        return g * local  # one number, or a g that carries derivatives

    return rule


def _matmul(a: Operand, b: Operand) -> Var:
    """``a @ b``, and the rules for its cotangents (``matmul_rules``)."""
    u, v = a.value, b.value
    checks.matmul_shapes(_shape(u), _shape(v), "Var")
    rule_a, rule_b = matmul_rules(u, v)
    var = a if isinstance(a, Var) else b
    return var.tape.record("@", u @ v, (a, rule_a), (b, rule_b))


def matmul_rules(u: Operand, v: Operand) -> tuple[Callable, Callable]:
    """The cotangent rules of ``u @ v``, with numpy's rules for ``@``.

    numpy treats a 1-D ``u`` as a row ``(1, n)`` and a 1-D ``v`` as a
    column ``(n, 1)``, multiplies the last two axes and broadcasts the
    others, then drops the added axes.  The rules undo each step: restore
    the dropped axes of ``g``, multiply by the other operand transposed,
    sum over broadcast axes, drop the added axes.
    """
    shape_u, shape_v = _shape(u), _shape(v)
    u2 = _reshape(u, (1, *shape_u)) if len(shape_u) == 1 else u
    v2 = _reshape(v, (*shape_v, 1)) if len(shape_v) == 1 else v
    shape_u2, shape_v2 = _shape(u2), _shape(v2)
    batch = np.broadcast_shapes(shape_u2[:-2], shape_v2[:-2])
    out2 = (*batch, shape_u2[-2], shape_v2[-1])

    def rule_u(g: Operand) -> Operand:
        gu = _reshape(g, out2) @ _swap_last(v2)
        return _reshape(_unbroadcast(gu, shape_u2), shape_u)

    def rule_v(g: Operand) -> Operand:
        gv = _swap_last(u2) @ _reshape(g, out2)
        return _reshape(_unbroadcast(gv, shape_v2), shape_v)

    return rule_u, rule_v


def _swap_last(x: Operand) -> Operand:
    """``x`` with its last two axes swapped (each matrix of a stack
    transposed)."""
    axes = list(range(len(_shape(x))))
    axes[-2], axes[-1] = axes[-1], axes[-2]
    return _transpose(x, tuple(axes))


def _argument(x: object, tape: Tape, who: str, name: str) -> Operand:
    """One argument of ``f``: a number, or one of an outer derivative."""
    if not isinstance(x, Tracer):
        return checks.as_number(x, who, name)
    if not nested(x.level, tape.level):
        raise checks.mixing(who, Var, x)
    return x


def _wrap(xs: object, tape: Tape, who: str) -> Var | list[Var]:
    """The arguments as Vars on ``tape``, checked in the words of ``who``:
    a list or tuple becomes a list of Vars."""
    if isinstance(xs, (list, tuple)):
        values = [
            x if type(x) is float else _argument(x, tape, who, f"xs[{i}]")
            for i, x in enumerate(xs)
        ]
        return [tape.record("input", value) for value in values]
    return tape.record("input", _argument(xs, tape, who, "xs"))


def _value(out: object, tape: Tape, who: str) -> Operand:
    """The value ``f`` returned: a Var of ``tape``, or a constant (a plain
    number, or a number of an outer derivative)."""
    if isinstance(out, Var) and out.tape is tape:
        return out.value
    if isinstance(out, Var) and not nested(out.level, tape.level):
        raise ValueError(
            f"{who}: f returned a Var that belongs to another tape "
            "(another forward pass); make every Var inside f"
        )
    if isinstance(out, Tracer):
        if not nested(out.level, tape.level) or out.level > tape.level:
            raise checks.mixing(who, Var, out)
        return out
    return checks.returned(out, who, "a number (a scalar Var)")


def eval_bp(f: Callable, xs: object) -> Number:
    """The forward pass alone: ``f(xs)``, computed on Vars (``evalBP``)."""
    checks.callable_(f, "eval_bp")
    tape = Tape()
    open_level(tape.level)
    try:
        out = _value(f(_wrap(xs, tape, "eval_bp")), tape, "eval_bp")
    finally:
        close_level(tape.level)
        tape.nodes.clear()  # free the tape at once (see _backprop)
    if isinstance(out, Tracer) or (isinstance(out, np.ndarray) and out.ndim):
        return out
    return float(out)


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
    tape = Tape()
    open_level(tape.level)  # f may take derivatives inside: they nest
    # A long tape's many small objects set off the cyclic garbage collector
    # again and again: pausing it for the pass was 16-19% faster at n = 10^4.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _one_pass(f, xs, tape, who)
    finally:
        close_level(tape.level)
        # Each Var refers to its tape and the tape to its Vars: a cycle
        # that only the garbage collector would free.  Emptied, the tape
        # and its Vars go at once (the neuron's gradient: 14% less time).
        tape.nodes.clear()
        if collecting:
            gc.enable()


def _one_pass(
    f: Callable, xs: object, tape: Tape, who: str
) -> tuple[float, object]:
    """The forward pass of ``f`` on ``tape``, then the backward pass."""
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
    if not isinstance(value, float) and _shape(value):
        raise ValueError(
            f"{who}: f must return a scalar, but it returned an array of "
            f"shape {_shape(value)}; reduce it first (for example with "
            ".sum() or .mean())"
        )
    cotangents = [None] * len(tape)  # if f did not depend on its arguments
    if isinstance(out, Var) and out.tape is tape:
        cotangents = tape.backward(out)
    grads = [_gradient(v, cotangents) for v in _as_list(arguments)]
    value = value if isinstance(value, Tracer) else float(value)
    if isinstance(xs, (list, tuple)):
        return value, type(xs)(grads)
    return value, grads[0]


def _as_list(arguments: Var | list[Var]) -> list[Var]:
    return arguments if isinstance(arguments, list) else [arguments]


def _gradient(var: Var, cotangents: list) -> Operand:
    """The cotangent of an argument, shaped like it and safe to hand out."""
    g, value = cotangents[var.index], var.value
    if isinstance(g, Tracer):  # it carries an outer derivative's
        return g
    shape = () if isinstance(value, float) else _shape(value)
    if not shape:
        return 0.0 if g is None else float(g)
    if g is None:  # f did not depend on this argument
        return np.zeros(shape)
    return np.array(g)  # fresh and writable, even if it was a view


def hvp(f: Callable, xs: object, v: object) -> object:
    """The Hessian of ``f`` at ``xs`` times ``v``, in the shape of ``xs``.

    The derivative of the gradient ``grad_bp(f, xs)`` along the direction
    ``v`` (shaped like ``xs``), by forward mode over reverse mode: one
    forward pass on dual numbers whose tangents are ``v``, one backward
    pass on their cotangents.  It costs a few gradients, however many
    arguments ``f`` has; the whole Hessian would cost one per argument.
    """
    who = "hvp"
    checks.callable_(f, who)
    many = isinstance(xs, (list, tuple))
    if many and (not isinstance(v, (list, tuple)) or len(v) != len(xs)):
        raise ValueError(
            f"{who}: v must hold one direction per argument: {len(xs)} "
            f"arguments, v {checks.describe(v)}"
        )
    leaves, directions = (list(xs), list(v)) if many else ([xs], [v])
    for i, (x, d) in enumerate(zip(leaves, directions, strict=True)):
        at = f"[{i}]" if many else ""
        x, d = _leaf(x, who, "xs" + at), _leaf(d, who, "v" + at)
        if _shape(d) != _shape(x):
            raise ValueError(
                f"{who}: v{at} has shape {_shape(d)}, but xs{at} has shape "
                f"{_shape(x)}; v is a direction, shaped like xs"
            )
        leaves[i], directions[i] = x, d

    def gradient(x: object) -> object:
        return _backprop(f, x, who)[1]

    if not many:
        tangent = dual._jvp(gradient, leaves[0], directions[0], who)[1]
        return _shaped_like(tangent, leaves[0])
    tangents = dual._jvp(gradient, leaves, directions, who)[1]
    return type(xs)(map(_shaped_like, tangents, leaves))


def _leaf(x: object, who: str, name: str) -> Operand:
    """One argument or direction: a number, or one of an outer derivative
    (whose nesting ``jvp`` checks)."""
    return x if isinstance(x, Tracer) else checks.as_number(x, who, name)


def _shaped_like(t: Operand, x: object) -> Operand:
    """A tangent handed out as ``grad_bp`` hands out a gradient: a float
    for a number, a fresh array of the argument's shape for an array."""
    if isinstance(t, Tracer):  # it carries a derivative outside hvp
        return t
    shape = np.shape(x) if not isinstance(x, Tracer) else x.shape
    return np.array(np.broadcast_to(t, shape)) if shape else float(t)


def sequence_var(v: object) -> list[Var]:
    """A Var holding a sequence, as a list of Vars (``sequenceVar``).

    ``grad_bp`` already hands ``f`` a list of Vars when ``xs`` is a list, and
    those pass through unchanged; a Var holding an array is split into one
    Var per element along its first axis.
    """
    if isinstance(v, (list, tuple)) and all(isinstance(x, Var) for x in v):
        return list(v)
    if isinstance(v, Var) and v.ndim >= 1:
        return [v[i] for i in range(len(v))]
    what, got = "a Var holding a sequence", checks.describe(v)
    raise TypeError(f"sequence_var: v must be {what}, got {got}")
