"""Numerical derivatives by central finite differences, and gradient checks.

``(f(x + h) - f(x - h)) / (2h)`` needs no knowledge of ``f``: it is slow
(two runs of ``f`` per argument) and approximate (its error is about ``h**2``
plus rounding of order ``eps / h``), which is why it makes a good referee for
exact methods and a poor engine for training.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from gradbook import checks
from gradbook.checks import Number

__all__ = [
    "central_difference",
    "check_grad",
    "gradient",
    "max_relative_error",
]

DEFAULT_STEP = 1e-6


def central_difference(
    f: Callable[[float], float], x: float, h: float = DEFAULT_STEP
) -> float:
    """``(f(x + h) - f(x - h)) / (2h)``: the slope of ``f`` at ``x``,
    approximately."""
    checks.callable_(f, "central_difference")
    x = checks.as_number(x, "central_difference", "x")
    h = checks.positive(h, "central_difference", "h")
    plus = checks.returned(f(x + h), "central_difference", "a number")
    minus = checks.returned(f(x - h), "central_difference", "a number")
    return (plus - minus) / (2 * h)


def gradient(f: Callable, xs: object, h: float = DEFAULT_STEP) -> object:
    """Every partial derivative of ``f`` at ``xs`` by central differences.

    ``xs`` is what ``f`` takes: a number, an array, or a list of numbers and
    arrays.  The result has the same shape; each element costs two runs of
    ``f``.
    """
    return _gradient(f, xs, h, "gradient")


def _gradient(f: Callable, xs: object, h: float, who: str) -> object:
    """``gradient``, with errors naming ``who``, the function called."""
    checks.callable_(f, who)
    h = checks.positive(h, who, "h")
    if isinstance(xs, (list, tuple)):
        leaves = []
        for i, x in enumerate(xs):
            leaves.append(np.asarray(checks.as_number(x, who, f"xs[{i}]")))
        grads = [
            _partials(lambda v, i=i: f(_replace(xs, i, v)), leaf, h, who)
            for i, leaf in enumerate(leaves)
        ]
        return type(xs)(g if np.ndim(g) else float(g) for g in grads)
    x = np.asarray(checks.as_number(xs, who, "xs"))
    grad = _partials(f, x, h, who)
    return grad if np.ndim(grad) else float(grad)


def _replace(xs: list, i: int, leaf: np.ndarray) -> list:
    """``xs`` with element ``i`` replaced (a scalar stays a Python float)."""
    out = list(xs)
    out[i] = leaf if np.ndim(leaf) else float(leaf)
    return out


def _partials(
    f: Callable[[Number], float], x: np.ndarray, h: float, who: str
) -> np.ndarray:
    """Central differences of scalar ``f`` along every element of array
    ``x``."""
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += h
        minus[index] -= h
        f_plus = _scalar(f(plus if x.ndim else float(plus)), who)
        f_minus = _scalar(f(minus if x.ndim else float(minus)), who)
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def _scalar(value: object, who: str) -> float:
    """What ``f`` returned, as one float; anything else is a clear error."""
    value = checks.returned(value, who, "one number")
    if np.ndim(value):
        got = f"an array of shape {np.shape(value)}"
        raise ValueError(f"{who}: f must return one number, got {got}")
    return float(value)


def max_relative_error(a: object, b: object) -> float:
    """The largest ``|a - b| / max(|a| + |b|, tiny)`` over matching elements.

    ``a`` and ``b`` may be numbers, arrays or lists of them (gradients).  A
    nan on either side makes the answer nan: it is not a small error.
    """
    who = "max_relative_error"
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            counts = f"a has {len(a)} entries but b has {len(b)}"
            raise ValueError(f"{who}: {counts}")
        pairs = list(zip(a, b, strict=True))
    else:
        pairs = [(a, b)]
    worst = 0.0
    for x, y in pairs:
        x = np.asarray(checks.as_number(x, who, "a"))
        y = np.asarray(checks.as_number(y, who, "b"))
        if x.shape != y.shape:
            shapes = f"shapes differ: {x.shape} and {y.shape}"
            raise ValueError(f"{who}: {shapes}")
        scale = np.maximum(np.abs(x) + np.abs(y), 1e-12)
        error = float(np.max(np.abs(x - y) / scale, initial=0.0))
        if math.isnan(error):
            return math.nan
        worst = max(worst, error)
    return worst


def check_grad(
    f: Callable,
    xs: object,
    grad: object,
    *,
    h: float = DEFAULT_STEP,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> float:
    """Check a claimed gradient of ``f`` at ``xs`` against central differences.

    Every element must satisfy ``|grad - numeric| <= atol + rtol * |numeric|``;
    a nan on either side never does, so the referee cannot be fooled by one.
    Raises ``AssertionError`` naming the first element that does not; returns
    the largest relative error otherwise.
    """
    rtol = checks.non_negative(rtol, "check_grad", "rtol")
    atol = checks.non_negative(atol, "check_grad", "atol")
    numeric = _gradient(f, xs, h, "check_grad")
    claimed, reference = (
        (grad, numeric)
        if isinstance(xs, (list, tuple))
        else ([grad], [numeric])
    )
    if len(claimed) != len(reference):
        entries = f"{len(claimed)} entries for {len(reference)} arguments"
        raise ValueError(f"check_grad: grad has {entries}")
    for i, (g, n) in enumerate(zip(claimed, reference, strict=True)):
        name = f"grad[{i}]" if len(claimed) > 1 else "grad"
        g = np.asarray(checks.as_number(g, "check_grad", name))
        n = np.asarray(n, dtype=float)
        if g.shape != n.shape:
            raise AssertionError(
                f"argument {i}: gradient has shape {g.shape}, "
                f"expected {n.shape}"
            )
        bad = ~(np.abs(g - n) <= atol + rtol * np.abs(n))  # nan is bad too
        if bad.any():
            index = (
                tuple(int(k) for k in np.argwhere(bad)[0]) if bad.ndim else ()
            )
            where = f"argument {i}{list(index) if index else ''}"
            claim = f"gradient {float(g[index]):.10g}"
            numbers = f"finite differences give {float(n[index]):.10g}"
            raise AssertionError(f"{where}: {claim} but {numbers}")
    return max_relative_error(claimed, reference)
