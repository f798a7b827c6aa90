"""Forward-mode automatic differentiation with dual numbers.

A dual number pairs a value (the *primal*) with a derivative (the *tangent*),
the article's ``(x, x')``.  Every operation computes both, using the rule of
calculus for that operation, so the derivative of a whole program falls out
of running it once.  One run gives the derivative along ONE direction: the
gradient of a function of n inputs needs n runs (see :func:`gradient`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradbook.functions import Tracer, cos, exp, log, power_slope, primal, sin, sqrt, tanh

__all__ = ["Dual", "constant", "derivative", "gradient", "jvp", "variable"]


def _check_number(value: Any, what: str) -> Any:
    """Accept a real number or a numeric array; reject anything else clearly."""
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        array = np.asarray(value)
        if array.dtype.kind in "biuf":
            return array
    raise TypeError(
        f"a Dual's {what} must be a real number or a numeric array, got {type(value).__name__} {value!r}"
    )


class Dual(Tracer):
    """A primal value and its tangent: ``Dual(primal, tangent)``.

    Arithmetic mixes freely with plain numbers, which act as constants
    (tangent 0).  Either part may be a numpy array, so one pass
    differentiates a function at many points at once.

    Division follows the primal's own rules: by a Dual whose primal is the
    float ``0.0`` it raises ``ZeroDivisionError``, like ``1 / 0.0``; with numpy
    arrays it gives ``inf``/``nan`` and numpy's ``RuntimeWarning``.
    """

    __slots__ = ("primal", "tangent")

    def __init__(self, primal: Any, tangent: Any = 0.0) -> None:
        self.primal = _check_number(primal, "primal")
        self.tangent = _check_number(tangent, "tangent")

    def __repr__(self) -> str:
        return f"Dual(primal={self.primal!r}, tangent={self.tangent!r})"

    # Arithmetic: one rule each.  ``_lift`` turns a plain number into a
    # constant, a dual with tangent 0 (the article's ``constOp``).

    def __add__(self, other: Any) -> Dual:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return Dual(self.primal + other.primal, self.tangent + other.tangent)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Dual:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return Dual(self.primal - other.primal, self.tangent - other.tangent)

    def __rsub__(self, other: Any) -> Dual:
        other = _lift(other)
        return NotImplemented if other is NotImplemented else other - self

    def __mul__(self, other: Any) -> Dual:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        u, du, v, dv = self.primal, self.tangent, other.primal, other.tangent
        return Dual(u * v, du * v + u * dv)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Dual:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        u, du, v, dv = self.primal, self.tangent, other.primal, other.tangent
        return Dual(u / v, (du * v - u * dv) / (v * v))

    def __rtruediv__(self, other: Any) -> Dual:
        other = _lift(other)
        return NotImplemented if other is NotImplemented else other / self

    def __neg__(self) -> Dual:
        return Dual(-self.primal, -self.tangent)

    def __pos__(self) -> Dual:
        return self

    def __abs__(self) -> Dual:
        return Dual(abs(self.primal), np.sign(self.primal) * self.tangent)

    def __pow__(self, exponent: Any) -> Dual:
        if isinstance(exponent, Dual):
            if not np.any(exponent.tangent):  # a constant exponent: the power rule, any u
                exponent = exponent.primal
            else:  # u**v = exp(v log u), which needs u > 0
                value = self.primal**exponent.primal
                rate = exponent.tangent * log(self.primal) + (exponent.primal * self.tangent / self.primal)
                return Dual(value, value * rate)
        if _lift(exponent) is NotImplemented:
            return NotImplemented
        u, n = self.primal, exponent
        return Dual(u**n, power_slope(u, n) * self.tangent)

    def __rpow__(self, base: Any) -> Dual:
        base = _lift(base)
        return NotImplemented if base is NotImplemented else base**self

    def __matmul__(self, other: Any) -> Dual:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        u, v = self.primal, other.primal
        du, dv = np.broadcast_to(self.tangent, np.shape(u)), np.broadcast_to(other.tangent, np.shape(v))
        return Dual(u @ v, du @ v + u @ dv)

    def __rmatmul__(self, other: Any) -> Dual:
        other = _lift(other)
        return NotImplemented if other is NotImplemented else other @ self

    # Primitives of gradbook.functions: the chain rule, one line each.

    def exp(self) -> Dual:
        e = exp(self.primal)
        return Dual(e, self.tangent * e)

    def log(self) -> Dual:
        return Dual(log(self.primal), self.tangent / self.primal)

    def sin(self) -> Dual:
        return Dual(sin(self.primal), self.tangent * cos(self.primal))

    def cos(self) -> Dual:
        return Dual(cos(self.primal), -self.tangent * sin(self.primal))

    def tanh(self) -> Dual:
        t = tanh(self.primal)
        return Dual(t, self.tangent * (1 - t * t))

    def sqrt(self) -> Dual:
        s = sqrt(self.primal)
        return Dual(s, self.tangent / (2 * s))

    @classmethod
    def where(cls, condition: Any, x: Any, y: Any) -> Dual:
        x, y = _lift(x), _lift(y)
        return Dual(
            np.where(condition, x.primal, y.primal),
            np.where(condition, x.tangent, y.tangent),
        )

    # Enough of numpy's array interface for models written with arrays.

    def sum(self, axis: Any = None, keepdims: bool = False) -> Dual:
        tangent = np.broadcast_to(self.tangent, np.shape(self.primal))
        return Dual(
            np.sum(self.primal, axis=axis, keepdims=keepdims),
            np.sum(tangent, axis=axis, keepdims=keepdims),
        )

    def mean(self, axis: Any = None, keepdims: bool = False) -> Dual:
        total = self.sum(axis=axis, keepdims=keepdims)
        return total * (np.size(total.primal) / np.size(self.primal))

    @property
    def shape(self) -> tuple[int, ...]:
        return np.shape(self.primal)


def _lift(x: Any) -> Any:
    """A Dual as is, a plain number as a constant; NotImplemented otherwise."""
    if isinstance(x, Dual):
        return x
    try:
        return Dual(x, 0.0)
    except TypeError:
        return NotImplemented


def constant(value: Any) -> Dual:
    """A constant: a dual whose tangent is 0 (the article's ``constOp``)."""
    return Dual(value, 0.0)


def variable(value: Any) -> Dual:
    """The input we differentiate by: a dual whose tangent is 1."""
    return Dual(value, 1.0)


def _tangent(output: Any) -> Any:
    """The tangent of a result; a plain number did not depend on the input."""
    if isinstance(output, Dual):
        return output.tangent
    return np.zeros_like(output, dtype=float) if np.ndim(output) else 0.0


def _check_callable(f: Any, who: str) -> None:
    if not callable(f):
        raise TypeError(f"{who} needs a function to differentiate, got {type(f).__name__}")


def derivative(f: Callable[[Any], Any], x: Any) -> Any:
    """``df/dx`` at ``x``, by one forward pass.  ``x`` may be an array of points."""
    _check_callable(f, "derivative")
    return _tangent(f(variable(x)))


def jvp(f: Callable[[Any], Any], primals: Any, tangents: Any) -> tuple[Any, Any]:
    """``f`` and its derivative along ``tangents``, at ``primals``, in one pass.

    ``primals`` is what ``f`` takes: one number or array, or a list of them
    (``f`` then receives a list of duals).  Returns ``(value, directional
    derivative)``.
    """
    _check_callable(f, "jvp")
    if isinstance(primals, (list, tuple)):
        if not isinstance(tangents, (list, tuple)) or len(tangents) != len(primals):
            raise ValueError(
                f"jvp needs one tangent per primal: {len(primals)} primals, tangents {tangents!r}"
            )
        output = f([Dual(p, t) for p, t in zip(primals, tangents, strict=True)])
    else:
        output = f(Dual(primals, tangents))
    return primal(output), _tangent(output)


def gradient(f: Callable[[Any], Any], xs: Sequence[Any]) -> list[Any]:
    """All partial derivatives of ``f`` at ``xs``, by ``len(xs)`` forward passes.

    Pass ``i`` seeds input ``i`` with tangent 1 and every other input with 0:
    n inputs cost n runs of ``f``.  This is the cost reverse mode removes.
    """
    _check_callable(f, "gradient")
    if not isinstance(xs, (list, tuple)):
        raise TypeError(f"gradient needs a list of inputs, got {type(xs).__name__}")
    n = len(xs)
    return [jvp(f, xs, [1.0 if j == i else 0.0 for j in range(n)])[1] for i in range(n)]
