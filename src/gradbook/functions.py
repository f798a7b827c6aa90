"""Elementary functions, each defined once for every kind of number.

Every function here accepts a Python number, a numpy array, a forward-mode
:class:`~gradbook.dual.Dual` or a reverse-mode :class:`~gradbook.backprop.Var`.

*Primitives* (``exp``, ``log``, ``sin``, ``cos``, ``tanh``, ``sqrt``,
``where``) hand the work to the number: plain numbers go to numpy, and a
number that carries derivatives (a :class:`Tracer`) applies its own rule,
which lives next to its type.  Everything else (``sigmoid``, ``relu``,
``log_softmax``) is built from primitives and arithmetic, so it is
differentiated for free, by every mode.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from gradbook import checks

# times, divide and over_square, the helpers of the derivative rules, are
# not public: Dual and Var call them with numbers they have checked, in the
# backward pass's inner loop, so they check nothing themselves.
__all__ = [
    "Tracer",
    "cos",
    "exp",
    "log",
    "log_softmax",
    "plain",
    "power_slope",
    "primal",
    "relu",
    "sigmoid",
    "sin",
    "sqrt",
    "tanh",
    "where",
]


class Tracer:
    """Base of the numbers that carry derivatives (``Dual`` and ``Var``).

    A subclass stores its value in ``primal`` and defines one method per
    primitive (``exp``, ``log``, ``sin``, ``cos``, ``tanh``, ``sqrt``) and a
    class method ``where(condition, x, y)``.  Comparisons look at the primal
    only: a derivative does not change which of two numbers is larger, and it
    lets ordinary code such as ``x if x > 0 else 0`` run on any number.
    """

    __slots__ = ()
    # numpy must hand ``array * tracer`` to our reflected methods instead of
    # building an object array of tracers.
    __array_ufunc__ = None
    __hash__ = None  # equality is on the primal, so hashing would lie
    primal: Any

    @property
    def shape(self) -> tuple[int, ...]:
        return np.shape(plain(self))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __lt__(self, other: Any) -> Any:
        return self.primal < _primal(other)

    def __le__(self, other: Any) -> Any:
        return self.primal <= _primal(other)

    def __gt__(self, other: Any) -> Any:
        return self.primal > _primal(other)

    def __ge__(self, other: Any) -> Any:
        return self.primal >= _primal(other)

    def __eq__(self, other: object) -> Any:
        return self.primal == _primal(other)

    def __ne__(self, other: object) -> Any:
        return self.primal != _primal(other)


def primal(x: Any) -> Any:
    """The value inside ``x``, with one level of derivatives dropped."""
    if isinstance(x, Tracer):
        return x.primal
    return checks.operand(x, "primal", "x")


def _primal(x: Any) -> Any:
    """``primal`` unchecked, for comparisons (``Dual(1.0) == None`` is
    False, as for a float)."""
    return x.primal if isinstance(x, Tracer) else x


def plain(x: Any) -> Any:
    """The plain number inside ``x``, however deeply derivatives nest."""
    if not isinstance(x, Tracer):
        return checks.operand(x, "plain", "x")
    while isinstance(x, Tracer):
        x = x.primal
    return x


# Helpers for the derivative rules of Dual and Var.


def times(t: Any, local: Any) -> Any:
    """``t * local``: one step of the chain rule, where 0 times anything is 0.

    ``t`` is a tangent (forward mode) or a cotangent (reverse mode),
    ``local`` a local derivative.  Where ``t`` is exactly 0, the product is
    0 even if ``local`` is inf or nan there: the branch of a ``where`` that
    was not taken contributes nothing to the derivative.
    """
    if isinstance(local, (int, float)):
        if isinstance(t, (int, float)):
            return 0.0 if t == 0 else t * local
        if math.isfinite(local):
            return t * local
    if isinstance(t, Tracer) or isinstance(local, Tracer):
        return t * local  # nested derivatives: their own rules apply
    if np.isfinite(local).all():  # the usual case: an ordinary product
        return t * local
    out = np.zeros(np.broadcast(t, local).shape)
    return np.multiply(t, local, out=out, where=np.not_equal(t, 0))


def divide(a: Any, b: Any) -> Any:
    """``a / b`` for a local derivative: inf or nan at ``b = 0``, no error.

    A derivative may be infinite where the value is finite (``sqrt`` at 0);
    Python's floats would raise ``ZeroDivisionError`` there.
    """
    try:
        return a / b
    except ZeroDivisionError:
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.divide(a, b))


_TINY, _HUGE = sys.float_info.min, sys.float_info.max


def over_square(u: Any, v: Any) -> Any:
    """``u / (v * v)``, the quotient rule's denominator, without overflow.

    In the ordinary range this is literally ``u / (v * v)``: the article's
    digits come from that order of operations.  Where ``v * v`` would be 0,
    subnormal or inf although the answer is representable, it is computed
    as ``(u / v) / v`` instead.
    """
    if isinstance(plain(v), float):  # Python floats do not warn or raise
        square = v * v
        s = plain(square)
        return u / square if _TINY <= s <= _HUGE else u / v / v
    with np.errstate(over="ignore", under="ignore"):
        square = v * v
    s = plain(square)
    ordinary = (s >= _TINY) & (s <= _HUGE)
    if ordinary.all():
        return u / square
    with np.errstate(all="ignore"):
        return where(ordinary, u / square, u / v / v)


def power_slope(u: Any, n: Any) -> Any:
    """``d(u**n)/du = n * u**(n - 1)`` for a constant exponent ``n``.

    At ``n = 0`` the slope is 0 everywhere; the formula would compute
    ``0 * u**-1``, which divides by zero at ``u = 0``.  Where the slope is
    infinite (``u = 0``, ``n < 1``) it is inf, not an error.
    """
    u = checks.operand(u, "power_slope", "u")
    n = checks.operand(n, "power_slope", "n")
    if np.ndim(n) == 0 and n == 0:
        return 0.0 * u
    try:
        return n * u ** (n - 1)
    except ZeroDivisionError:  # 0.0 ** negative, on Python floats
        with np.errstate(divide="ignore"):
            return float(n * np.float64(u) ** (n - 1))


def _numeric(name: str, scalar: Callable[[float], float], x: Any) -> Any:
    """Apply ``math``'s function to a float, numpy's to anything else.

    ``math`` is many times faster on one float; where it refuses (overflow,
    a value outside the domain), numpy answers with inf or nan and a
    warning.  Anything that is not a number is refused (``gradbook.checks``).
    """
    if x.__class__ is not float:
        x = checks.as_number(x, name, "x")
    if x.__class__ is float:
        try:
            return scalar(x)
        except (OverflowError, ValueError):
            pass
    out = getattr(np, name)(x)
    return out if np.ndim(out) else float(out)


def exp(x: Any) -> Any:
    """e to the power x."""
    return x.exp() if isinstance(x, Tracer) else _numeric("exp", math.exp, x)


def log(x: Any) -> Any:
    """Natural logarithm."""
    return x.log() if isinstance(x, Tracer) else _numeric("log", math.log, x)


def sin(x: Any) -> Any:
    """Sine."""
    return x.sin() if isinstance(x, Tracer) else _numeric("sin", math.sin, x)


def cos(x: Any) -> Any:
    """Cosine."""
    return x.cos() if isinstance(x, Tracer) else _numeric("cos", math.cos, x)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent; finite for every input (it saturates at +-1)."""
    if isinstance(x, Tracer):
        return x.tanh()
    return _numeric("tanh", math.tanh, x)


def sqrt(x: Any) -> Any:
    """Square root."""
    if isinstance(x, Tracer):
        return x.sqrt()
    return _numeric("sqrt", math.sqrt, x)


def where(condition: Any, x: Any, y: Any) -> Any:
    """``x`` where ``condition`` holds and ``y`` elsewhere, like
    ``numpy.where``.

    The derivative follows the chosen branch: the other contributes
    nothing, even where its own derivative is infinite.  With a single
    ``bool`` as the condition, the chosen branch comes back unchanged.
    """
    condition = checks.condition(condition, "where")
    x, y = checks.operand(x, "where", "x"), checks.operand(y, "where", "y")
    if isinstance(condition, (bool, np.bool_)) or np.ndim(condition) == 0:
        return x if condition else y  # the branch itself: a constant stays
    checks.broadcast(condition, x, "where")
    checks.broadcast(condition, y, "where")
    checks.broadcast(x, y, "where")
    tracers = {type(b) for b in (x, y) if isinstance(b, Tracer)}
    if len(tracers) > 1:
        raise TypeError(
            "where: x and y are a Dual and a Var, which cannot be mixed "
            "(forward and reverse mode do not nest in gradbook)"
        )
    if tracers:
        return tracers.pop().where(condition, x, y)
    return np.where(condition, x, y)


def sigmoid(x: Any) -> Any:
    """The logistic function ``1 / (1 + exp(-x))``, safe for every ``x``.

    For ``x >= 0`` this is literally ``1 / (1 + exp(-x))``; differentiated by
    the quotient rule, that order of operations gives the article's digits.
    For ``x < 0`` the same value is written ``exp(x) / (1 + exp(x))``, so
    ``exp`` never sees a large positive argument: nothing overflows at
    ``x = -1000``, and the derivative there stays finite and correct.
    """
    x = checks.as_operand(x, "sigmoid", "x")
    positive = x >= 0
    e = exp(where(positive, -x, x))  # exp(-|x|) <= 1
    return where(positive, 1.0, e) / (1 + e)


def relu(x: Any) -> Any:
    """``max(x, 0)``; its derivative is taken as 0 at ``x = 0``.

    NaN stays NaN: a nan input is not "below 0".
    """
    x = checks.as_operand(x, "relu", "x")
    return where(x <= 0, 0.0, x)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``x - log(sum(exp(x)))`` along ``axis``: log-probabilities from scores.

    The maximum is subtracted first so that ``exp`` cannot overflow.  The
    shift cancels in the result, so it is a constant: no gradient flows
    through it, and none needs to.
    """
    x = checks.as_operand(x, "log_softmax", "x")
    shifted = x - np.max(primal(x), axis=axis, keepdims=True)
    return shifted - log(exp(shifted).sum(axis=axis, keepdims=True))
