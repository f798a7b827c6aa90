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
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "Tracer",
    "cos",
    "exp",
    "log",
    "log_softmax",
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

    def __lt__(self, other: Any) -> Any:
        return self.primal < (other.primal if isinstance(other, Tracer) else other)

    def __le__(self, other: Any) -> Any:
        return self.primal <= (other.primal if isinstance(other, Tracer) else other)

    def __gt__(self, other: Any) -> Any:
        return self.primal > (other.primal if isinstance(other, Tracer) else other)

    def __ge__(self, other: Any) -> Any:
        return self.primal >= (other.primal if isinstance(other, Tracer) else other)

    def __eq__(self, other: object) -> Any:
        return self.primal == (other.primal if isinstance(other, Tracer) else other)

    def __ne__(self, other: object) -> Any:
        return self.primal != (other.primal if isinstance(other, Tracer) else other)


def primal(x: Any) -> Any:
    """The plain value inside ``x``, with any derivative bookkeeping dropped."""
    return x.primal if isinstance(x, Tracer) else x


def power_slope(u: Any, n: Any) -> Any:
    """``d(u**n)/du = n * u**(n - 1)`` for a constant exponent ``n``.

    At ``n = 0`` the slope is 0 everywhere; the formula would compute
    ``0 * u**-1``, which divides by zero at ``u = 0``.
    """
    if np.ndim(n) == 0 and n == 0:
        return 0.0 * u
    return n * u ** (n - 1)


def _not_numeric(name: str, x: Any) -> TypeError:
    return TypeError(f"{name} expects a number, a numeric array, a Dual or a Var, got {type(x).__name__}")


def _numeric(name: str, scalar: Callable[[float], float], x: Any) -> Any:
    """Apply ``math``'s function to a float, numpy's function of the same name to anything else.

    ``math`` is many times faster on one float; where it refuses (overflow,
    a value outside the domain), numpy answers with inf or nan and a warning.
    """
    if x.__class__ is float:
        try:
            return scalar(x)
        except (OverflowError, ValueError):
            pass
    try:
        out = getattr(np, name)(x)
    except TypeError:
        raise _not_numeric(name, x) from None
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
    return x.tanh() if isinstance(x, Tracer) else _numeric("tanh", math.tanh, x)


def sqrt(x: Any) -> Any:
    """Square root."""
    return x.sqrt() if isinstance(x, Tracer) else _numeric("sqrt", math.sqrt, x)


_BOOLS = (bool, np.bool_)  # built once: numpy's attributes are slow to look up on every call


def where(condition: Any, x: Any, y: Any) -> Any:
    """``x`` where ``condition`` holds and ``y`` elsewhere, like ``numpy.where``.

    The derivative follows the chosen branch.  With a single ``bool`` as the
    condition, the chosen branch comes back unchanged.
    """
    if isinstance(condition, _BOOLS) or np.ndim(condition) == 0:
        return x if condition else y  # the branch itself: a constant stays constant
    for branch in (x, y):
        if isinstance(branch, Tracer):
            return type(branch).where(condition, x, y)
    return np.where(condition, x, y)


def sigmoid(x: Any) -> Any:
    """The logistic function ``1 / (1 + exp(-x))``, safe for every ``x``.

    For ``x >= 0`` this is literally ``1 / (1 + exp(-x))``; differentiated by
    the quotient rule, that order of operations gives the article's digits.
    For ``x < 0`` the same value is written ``exp(x) / (1 + exp(x))``, so
    ``exp`` never sees a large positive argument: nothing overflows at
    ``x = -1000``, and the derivative there stays finite and correct.
    """
    try:
        positive = x >= 0
    except TypeError:
        raise _not_numeric("sigmoid", x) from None
    e = exp(where(positive, -x, x))  # exp(-|x|) <= 1
    return where(positive, 1.0, e) / (1 + e)


def relu(x: Any) -> Any:
    """``max(x, 0)``; its derivative is taken as 0 at ``x = 0``."""
    try:
        positive = x > 0
    except TypeError:
        raise _not_numeric("relu", x) from None
    return where(positive, x, 0.0)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``x - log(sum(exp(x)))`` along ``axis``: log-probabilities from scores.

    The maximum is subtracted first so that ``exp`` cannot overflow.  The
    shift cancels in the result, so it is a constant: no gradient flows
    through it, and none needs to.
    """
    shifted = x - np.max(primal(x), axis=axis, keepdims=True)
    return shifted - log(exp(shifted).sum(axis=axis, keepdims=True))
