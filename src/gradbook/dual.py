"""Forward-mode automatic differentiation with dual numbers.

A dual number pairs a value (the *primal*) with a derivative (the *tangent*),
the article's ``(x, x')``.  Every operation computes both, using the rule of
calculus for that operation, so the derivative of a whole program falls out
of running it once.  One run gives the derivative along ONE direction: the
gradient of a function of n arguments needs n runs (see ``gradient``).

Derivatives nest: ``derivative(lambda x: derivative(f, x), 2.0)`` is the
second derivative.  Each call of ``derivative``, ``jvp`` or ``gradient``
tags its perturbation with a fresh number, its level (``functions``).
Where two duals of different tags meet, the one with the older tag (the
outer call) is a constant inside the newer one, so the inner and outer
tangents never mix (Siskind and Pearlmutter's "perturbation confusion").
The same holds for a ``Var`` of reverse mode: a dual's primal and tangent
may be Vars of an outer derivative (reverse over forward), and a Var's
value may be a dual of an outer one (forward over reverse).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gradbook import checks
from gradbook.checks import Number
from gradbook.functions import (
    Operand,
    Tracer,
    _reshape,
    _scatter,
    _shape,
    _sign,
    _size,
    _sum,
    _transpose,
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
    where,
)

__all__ = ["Dual", "constant", "derivative", "gradient", "jvp", "variable"]

USER = 0  # the tag of duals made with Dual(...) by hand


class Dual(Tracer):
    """A primal value and its tangent: ``Dual(primal, tangent)``.

    Arithmetic mixes freely with plain numbers, which act as constants
    (tangent 0).  Either part may be a numpy array, so one pass
    differentiates a function at many points at once; the tangent has the
    primal's shape, or is one number for every element.

    Division follows the primal's own rules: by a Dual whose primal is the
    float ``0.0`` it raises ``ZeroDivisionError``, like ``1 / 0.0``; with numpy
    arrays it gives ``inf``/``nan`` and numpy's ``RuntimeWarning``.
    """

    __slots__ = ("primal", "tag", "tangent")

    def __init__(self, primal: object, tangent: object = 0.0) -> None:
        primal = checks.as_number(primal, "Dual", "primal")
        tangent = checks.as_number(tangent, "Dual", "tangent")
        _check_tangent_shape(tangent, primal, "Dual")
        self.primal, self.tangent, self.tag = primal, tangent, USER

    @property
    def level(self) -> int:  # the level of the derivative: its tag
        return self.tag

    def __repr__(self) -> str:
        return f"Dual(primal={self.primal!r}, tangent={self.tangent!r})"

    # Arithmetic: one rule each.  _pair lifts a plain number to a constant,
    # a dual with tangent 0 (the article's constOp).  A number of an inner
    # derivative does the operation itself: it has the rule that sees both.

    def __add__(self, other: object) -> Dual:
        if defers(self, other):  # other belongs to an inner derivative
            return other.__radd__(self)
        a, b = _pair(self, other)
        return _dual(a.primal + b.primal, a.tangent + b.tangent, a.tag)

    __radd__ = __add__

    def __sub__(self, other: object) -> Dual:
        if defers(self, other):  # other belongs to an inner derivative
            return other.__rsub__(self)
        a, b = _pair(self, other)
        return _dual(a.primal - b.primal, a.tangent - b.tangent, a.tag)

    def __rsub__(self, other: object) -> Dual:
        return _pair(other, self)[0] - self

    def __mul__(self, other: object) -> Dual:
        if defers(self, other):  # other belongs to an inner derivative
            return other.__rmul__(self)
        a, b = _pair(self, other)
        u, du, v, dv = a.primal, a.tangent, b.primal, b.tangent
        return _dual(u * v, du * v + u * dv, a.tag)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Dual:
        if defers(self, other):  # other belongs to an inner derivative
            return other.__rtruediv__(self)
        a, b = _pair(self, other)
        u, du, v, dv = a.primal, a.tangent, b.primal, b.tangent
        # the quotient rule, (du v - u dv) / v**2
        return _dual(u / v, over_square(du * v - u * dv, v), a.tag)

    def __rtruediv__(self, other: object) -> Dual:
        return _pair(other, self)[0] / self

    def __neg__(self) -> Dual:
        return _dual(-self.primal, -self.tangent, self.tag)

    def __pos__(self) -> Dual:
        return self

    def __abs__(self) -> Dual:
        return self._chain(abs(self.primal), _sign(self.primal))

    def __pow__(self, exponent: object) -> Dual:
        if defers(self, exponent):  # it belongs to an inner derivative
            return exponent.__rpow__(self)
        a, b = _pair(self, exponent)
        u, du, v, dv = a.primal, a.tangent, b.primal, b.tangent
        value, by_u = power(u, v), times(du, power_slope(u, v))
        if not isinstance(dv, Tracer) and not np.any(dv):
            return _dual(value, by_u, a.tag)  # the power rule, for any u
        by_v = times(dv, exponent_slope(value, u))  # u**v log u: u > 0
        return _dual(value, by_u + by_v, a.tag)

    def __rpow__(self, base: object) -> Dual:
        return _pair(base, self)[0] ** self

    def __matmul__(self, other: object) -> Dual:
        if defers(self, other):  # other belongs to an inner derivative
            return other.__rmatmul__(self)
        return _matmul(*_pair(self, other, elementwise=False))

    def __rmatmul__(self, other: object) -> Dual:
        return _matmul(*_pair(other, self, elementwise=False))

    # Primitives of gradbook.functions: each states its local derivative.

    def _chain(self, value: Operand, local: Operand) -> Dual:
        """The result of a one-argument primitive with this local
        derivative: its tangent is ``tangent * local`` (the chain rule)."""
        return _dual(value, times(self.tangent, local), self.tag)

    def exp(self) -> Dual:
        e = exp(self.primal)
        return self._chain(e, e)

    def log(self) -> Dual:
        u = self.primal
        return self._chain(log(u), divide(1.0, u))

    def sin(self) -> Dual:
        u = self.primal
        return self._chain(sin(u), cos(u))

    def cos(self) -> Dual:
        u = self.primal
        return self._chain(cos(u), -sin(u))

    def tanh(self) -> Dual:
        t = tanh(self.primal)
        return self._chain(t, 1 - t * t)

    def sqrt(self) -> Dual:
        s = sqrt(self.primal)
        return self._chain(s, divide(0.5, s))

    @classmethod
    def where(cls, condition: np.ndarray, x: Operand, y: Operand) -> Dual:
        a, b = _pair(x, y)
        return _dual(
            where(condition, a.primal, b.primal),
            where(condition, a.tangent, b.tangent),
            a.tag,
        )

    # Enough of numpy's array interface for models written with arrays.

    def sum(
        self, axis: int | tuple | None = None, keepdims: bool = False
    ) -> Dual:
        tangent = _full(self.tangent, self.shape)
        primal = checks.calling("Dual.sum", _sum, self.primal, axis, keepdims)
        return _dual(primal, _sum(tangent, axis, keepdims), self.tag)

    def mean(
        self, axis: int | tuple | None = None, keepdims: bool = False
    ) -> Dual:
        total = self.sum(axis=axis, keepdims=keepdims)
        return total * (_size(total) / _size(self))

    def __getitem__(self, key: object) -> Dual:
        primal = self._index(self.primal, key)
        tangent = _full(self.tangent, self.shape)
        return _dual(primal, tangent[key], self.tag)

    def reshape(self, *shape: int | tuple[int, ...]) -> Dual:
        new = shape[0] if len(shape) == 1 else shape  # (3, 1) or 3, 1
        tangent = _full(self.tangent, self.shape)
        primal = checks.calling("Dual.reshape", _reshape, self.primal, new)
        return _dual(primal, _reshape(tangent, new), self.tag)

    def transpose(self, *axes: int) -> Dual:
        """The axes in reverse order (or in the order ``axes`` gives)."""
        if not self.shape:
            return self  # one number is its own transpose
        axes = axes or None
        tangent = _full(self.tangent, self.shape)
        primal = checks.calling(
            "Dual.transpose", _transpose, self.primal, axes
        )
        return _dual(primal, _transpose(tangent, axes), self.tag)

    @property
    def T(self) -> Dual:  # noqa: N802 (numpy's name)
        return self.transpose()

    def scatter(self, shape: tuple[int, ...], key: object) -> Dual:
        """Zeros of ``shape`` with this dual added at ``key`` (the
        transpose of indexing, for reverse mode's rule)."""
        tangent = _full(self.tangent, self.shape)
        primal = _scatter(self.primal, shape, key)
        return _dual(primal, _scatter(tangent, shape, key), self.tag)


def _dual(primal: Operand, tangent: Operand, tag: int) -> Dual:
    """A Dual made by an operation, without ``Dual.__init__``: its primal
    may be a Dual (nested derivatives), and it has its perturbation's tag
    (checked again, ``dual.gradient`` of the neuron took 23% longer)."""
    dual = Dual.__new__(Dual)
    dual.primal, dual.tangent, dual.tag = primal, tangent, tag
    return dual


def _tag(x: object) -> int:
    return x.tag if isinstance(x, Dual) else -1


def _lift(x: object, tag: int) -> Dual:
    """``x`` as a dual of perturbation ``tag``.

    A plain number, a dual of an older tag, or a Var of an outer derivative
    is a constant there: its tangent for this perturbation is 0.
    """
    if isinstance(x, Dual) and x.tag == tag:
        return x
    if isinstance(x, Tracer) and not isinstance(x, Dual):
        if not nested(x.level, tag):
            raise checks.mixing("Dual", Dual, x)
    elif isinstance(x, Dual):
        _check_kept(x, tag, "Dual")
    else:
        x = checks.as_number(x, "Dual", "operand")
    return _dual(x, 0.0, tag)


def _check_kept(x: Dual, tag: int, who: str) -> None:
    """A Dual of another perturbation than ``tag`` must be one made by hand,
    or one of a derivative being taken: not one kept from a derivative
    that has finished, whose tangent means nothing any more."""
    if x.tag != USER and x.tag != tag and not nested(x.tag, tag):
        finished = "a Dual kept from a derivative that has finished"
        raise ValueError(f"{who}: {finished} cannot be used here")


def _pair(x: object, y: object, elementwise: bool = True) -> tuple[Dual, Dual]:
    """``x`` and ``y`` as duals of one perturbation: the newer tag's.

    For an elementwise operation their shapes must broadcast.
    """
    tag = max(_tag(x), _tag(y))
    a, b = _lift(x, tag), _lift(y, tag)
    if elementwise and not isinstance(
        b.primal, float
    ):  # a number fits any shape
        checks.broadcast(a.primal, b.primal, "Dual")
    return a, b


def _full(t: Operand, shape: tuple[int, ...]) -> Operand:
    """The tangent ``t`` spread over ``shape`` (it may be one number)."""
    return t if _shape(t) == shape else t + np.zeros(shape)


def _matmul(a: Dual, b: Dual) -> Dual:
    u, v, du, dv = a.primal, b.primal, a.tangent, b.tangent
    checks.matmul_shapes(_shape(u), _shape(v), "Dual")
    # A constant's tangent is the number 0: its term is 0, so skip it
    # (hvp of the digits network: 14% and 33% less time in two runs).
    if _is_zero(du):
        return _dual(u @ v, u @ _full(dv, _shape(v)), a.tag)
    du = _full(du, _shape(u))
    if _is_zero(dv):
        return _dual(u @ v, du @ v, a.tag)
    return _dual(u @ v, du @ v + u @ _full(dv, _shape(v)), a.tag)


def _is_zero(t: Operand) -> bool:
    return isinstance(t, float) and t == 0.0


def _check_tangent_shape(tangent: Operand, primal: Operand, who: str) -> None:
    """A tangent (a checked number) is one number, or has its primal's
    shape."""
    shape = _shape(tangent)
    if shape and shape != _shape(primal):
        raise ValueError(
            f"{who}: tangent has shape {shape}, but the primal has "
            f"shape {_shape(primal)}; give one tangent per element, or one "
            "number"
        )


def constant(value: object) -> Dual:
    """A constant: a dual whose tangent is 0 (the article's ``constOp``)."""
    return Dual(checks.as_number(value, "constant", "value"), 0.0)


def variable(value: object) -> Dual:
    """The argument we differentiate by: a dual whose tangent is 1."""
    return Dual(checks.as_number(value, "variable", "value"), 1.0)


def _argument(x: object, t: object, tag: int, who: str, name: str) -> Dual:
    """Argument ``x`` with tangent ``t`` for perturbation ``tag``.

    ``x`` and ``t`` may themselves carry the derivatives of an outer call
    (a Dual, or a Var of reverse mode): derivatives nest.
    """
    x = _outer(x, tag, who, name)
    t = _outer(t, tag, who, f"the tangent of {name}")
    _check_tangent_shape(t, x, who)
    return _dual(x, t, tag)


def _outer(x: object, tag: int, who: str, name: str) -> Operand:
    """``x``, a number that may carry the derivatives of an outer call."""
    if not isinstance(x, Tracer):
        return checks.as_number(x, who, name)
    if not isinstance(x, Dual) and not nested(x.level, tag):
        raise checks.mixing(who, Dual, x)
    return x


def _output(out: object, tag: int, who: str) -> tuple:
    """``(value, tangent)`` of what ``f`` returned, for perturbation ``tag``.

    A result that is not a dual of this tag did not depend on the argument:
    its tangent is 0.  A Dual made by hand with a tangent is refused: that
    tangent is not this derivative's, and it would be lost in silence.
    """
    if isinstance(out, (list, tuple)):  # several outputs, each its own
        pairs = [_output(o, tag, who) for o in out]
        return [p for p, _ in pairs], [t for _, t in pairs]
    if isinstance(out, Dual) and out.tag == tag:
        return out.primal, out.tangent
    if isinstance(out, Dual) and out.tag == USER and _moves(out.tangent):
        raise ValueError(
            f"{who}: f returned a Dual made by hand, with Dual(...), and "
            "its tangent is not 0. Such a Dual is not part of this "
            "derivative: its tangent would be lost. Make the result from "
            "f's argument, with its operations or its "
            "_chain(value, local derivative)"
        )
    if isinstance(out, Dual):
        _check_kept(out, tag, who)
    if isinstance(out, Tracer):
        if out.level > tag:
            kind = type(out).__name__
            inner = f"a {kind} of an inner derivative that has finished"
            raise ValueError(f"{who}: f returned {inner}")
        if not isinstance(out, Dual) and not nested(out.level, tag):
            raise checks.mixing(who, Dual, out)
        return out, np.zeros(out.shape) if out.shape else 0.0
    value = checks.returned(out, who, "a number (a Dual)")
    return value, np.zeros(np.shape(value)) if np.ndim(value) else 0.0


def _moves(tangent: Operand) -> bool:
    """Whether a tangent is not 0 (nan is not 0)."""
    return isinstance(tangent, Tracer) or bool(np.any(tangent != 0))


def derivative(f: Callable, x: object) -> Operand:
    """``df/dx`` at ``x``, by one forward pass.  ``x`` may be an array of
    points."""
    checks.callable_(f, "derivative")
    tag = new_level()
    open_level(tag)
    try:
        out = f(_argument(x, 1.0, tag, "derivative", "x"))
        return _output(out, tag, "derivative")[1]
    finally:
        close_level(tag)


def jvp(f: Callable, primals: object, tangents: object) -> tuple:
    """``f`` and its derivative along ``tangents``, at ``primals``, in one
    pass.

    ``primals`` is what ``f`` takes: one number or array, or a list of them
    (``f`` then receives a list of duals).  Returns ``(value, directional
    derivative)``.
    """
    return _jvp(f, primals, tangents, "jvp")


def _jvp(f: Callable, primals: object, tangents: object, who: str) -> tuple:
    """``jvp``, with errors naming ``who``, the function called."""
    checks.callable_(f, who)
    many = isinstance(primals, (list, tuple))
    if many and (
        not isinstance(tangents, (list, tuple))
        or len(tangents) != len(primals)
    ):
        raise ValueError(
            f"{who}: tangents must hold one tangent per primal: "
            f"{len(primals)} primals, tangents {tangents!r}"
        )
    tag = new_level()
    open_level(tag)
    try:
        if not many:
            out = f(_argument(primals, tangents, tag, who, "primals"))
            return _output(out, tag, who)
        arguments = []
        for i, (p, t) in enumerate(zip(primals, tangents, strict=True)):
            arguments.append(_argument(p, t, tag, who, f"primals[{i}]"))
        return _output(f(arguments), tag, who)
    finally:
        close_level(tag)


def gradient(f: Callable, xs: object) -> object:
    """All partial derivatives of ``f`` at ``xs``, by one pass per argument.

    ``xs`` is what ``f`` takes: a number, an array, or a list (or tuple) of
    numbers and arrays.  Each pass gives one element the tangent 1 and
    every other the tangent 0: n arguments cost n runs of ``f``.  This is
    the cost reverse mode removes.  The gradient has the shape of ``xs``.
    """
    who = "gradient"
    checks.callable_(f, who)
    if not isinstance(xs, (list, tuple)):
        x = checks.as_operand(xs, who, "xs")
        return _partials(lambda t: _jvp(f, x, t, who)[1], x, who)
    leaves = [checks.as_operand(x, who, f"xs[{i}]") for i, x in enumerate(xs)]
    grads = []
    for i, leaf in enumerate(leaves):

        def along(t: Number, i: int = i) -> Operand:
            tangents = [0.0] * len(leaves)
            tangents[i] = t
            return _jvp(f, leaves, tangents, who)[1]

        grads.append(_partials(along, leaf, who))
    return type(xs)(grads)


def _partials(along: Callable, x: Operand, who: str) -> Operand:
    """The derivatives along each element of ``x``: one pass per element."""
    shape = _shape(x)
    if not shape:
        return along(1.0)
    grad = np.zeros(shape)
    for index in np.ndindex(shape):
        one_hot = np.zeros(shape)
        one_hot[index] = 1.0
        slope = along(one_hot)
        if isinstance(slope, Tracer):
            raise TypeError(
                f"{who}: the gradient of an array inside another derivative "
                "is not supported; differentiate along a direction with jvp"
            )
        grad[index] = slope
    return grad
