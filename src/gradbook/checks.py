"""The one policy for arguments: what counts as a number, and the messages.

Every public function of gradbook checks what it is given with these
helpers, so every mistake gets the same kind of answer:

- ``TypeError`` for the wrong kind of thing, ``ValueError`` for a wrong
  value or shape;
- every message starts with the public function's name and a colon, then
  names the argument: ``"exp: x must be a real number or a numeric array,
  got bool True"``.

Numbers are Python ints and floats, numpy integer and floating scalars, and
numeric arrays: lists, tuples and ndarrays of those.  Bools are not numbers
here (``True + 1`` is an accident, not arithmetic), and neither are complex
numbers (the book's derivatives are real).  Ints become float64: a scalar
becomes a Python ``float``, an array a float64 ``ndarray``.  NaN is a
number: NaN in gives NaN out where that is the honest answer.

This module imports nothing from gradbook: every other module may use it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "MAX_ITERATIONS",
    "as_number",
    "callable_",
    "describe",
    "fraction",
    "iterations",
    "make_rng",
    "matmul_shapes",
    "non_negative",
    "point",
    "positive",
    "returned",
    "same_shape",
    "whole",
]

# The longest loop any function runs: random_search, gradient_ascent and
# the training loops refuse more iterations (steps, evaluations) than this,
# so no call can grow a history without bound.
MAX_ITERATIONS = 1_000_000

_REAL = (int, float, np.integer, np.floating)
_BOOL = (bool, np.bool_)
_COMPLEX = (complex, np.complexfloating)
# What an array's dtype.kind says it holds, for messages.
_KINDS = {"b": "bool", "c": "complex", "U": "str", "S": "bytes", "O": "object"}


def describe(value: Any) -> str:
    """``value`` for a message: its type and a short repr, ``"str 'a'"``."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _holds_bool(value: Any) -> bool:
    """Whether a list or tuple holds a bool anywhere (numpy would read
    ``[True, 3]`` as ints)."""
    if isinstance(value, (list, tuple)):
        return any(_holds_bool(v) for v in value)
    return isinstance(value, _BOOL)


def _what_it_holds(value: Any, array: np.ndarray) -> str:
    kind = "bool" if _holds_bool(value) else _KINDS.get(array.dtype.kind, str(array.dtype))
    return f"{describe(value)} (it holds {kind})"


def as_number(value: Any, who: str, name: str) -> Any:
    """``value`` as a float or a float64 array, or a clear error.

    ``who`` is the public function, ``name`` the argument.  A ragged list
    (rows of different lengths) is a ``ValueError``; a bool, a complex
    number, a string, ``None`` or any other object a ``TypeError``.
    """
    if type(value) is float:
        return value
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value
    if isinstance(value, _BOOL):
        raise TypeError(f"{who}: {name} must be a real number or a numeric array, got {describe(value)}")
    if isinstance(value, _REAL):
        return float(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(value)
        except ValueError:
            raise ValueError(f"{who}: {name} is ragged: its rows have different lengths") from None
        if array.dtype.kind in "iuf" and not _holds_bool(value):
            return array.astype(np.float64)
        raise TypeError(
            f"{who}: {name} must be a real number or a numeric array, got {_what_it_holds(value, array)}"
        )
    raise TypeError(f"{who}: {name} must be a real number or a numeric array, got {describe(value)}")


def _real_scalar(value: Any, who: str, name: str, what: str) -> float:
    """``value`` as a float if it is one real number; a TypeError otherwise."""
    if isinstance(value, _BOOL) or not isinstance(value, _REAL):
        raise TypeError(f"{who}: {name} must be {what}, got {describe(value)}")
    return float(value)


def positive(value: Any, who: str, name: str) -> float:
    """A positive finite number (a tweak, a step size, ``h``), as a float."""
    number = _real_scalar(value, who, name, "a positive number")
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{who}: {name} must be a positive finite number, got {value!r}")
    return number


def non_negative(value: Any, who: str, name: str) -> float:
    """A finite number of at least 0 (a noise level), as a float."""
    number = _real_scalar(value, who, name, "a number")
    if not (math.isfinite(number) and number >= 0):
        raise ValueError(f"{who}: {name} must be a finite number of at least 0, got {value!r}")
    return number


def fraction(value: Any, who: str, name: str) -> float:
    """A number strictly between 0 and 1, as a float."""
    number = _real_scalar(value, who, name, "a number")
    if not 0 < number < 1:
        raise ValueError(f"{who}: {name} must be between 0 and 1, got {value!r}")
    return number


def whole(value: Any, who: str, name: str, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number in ``minimum..maximum``, as an int."""
    if isinstance(value, _BOOL) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{who}: {name} must be a whole number, got {describe(value)}")
    if value < minimum:
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{who}: {name} must be at most {maximum}, got {value}")
    return int(value)


def iterations(value: Any, who: str, name: str = "iterations", minimum: int = 0) -> int:
    """A count of loop iterations: whole, at least ``minimum``, at most
    :data:`MAX_ITERATIONS`."""
    count = whole(value, who, name, minimum)
    if count > MAX_ITERATIONS:
        raise ValueError(
            f"{who}: {name} must be at most {MAX_ITERATIONS} "
            f"(the bound on iterations, MAX_ITERATIONS), got {count}"
        )
    return count


def callable_(f: Any, who: str, name: str = "f") -> Any:
    """``f`` itself if it can be called; a TypeError otherwise."""
    if not callable(f):
        raise TypeError(f"{who}: {name} must be a function, got {describe(f)}")
    return f


def returned(value: Any, who: str, what: str = "a number") -> Any:
    """What ``f`` returned, as a float or float64 array, or a clear error.

    ``what`` says what ``f`` should have returned (for a message), such as
    ``"a number (a scalar Var)"``.
    """
    if value is None:
        raise TypeError(f"{who}: f returned None; it must return {what}")
    try:
        return as_number(value, who, "f's result")
    except TypeError:
        raise TypeError(f"{who}: f returned {describe(value)}; it must return {what}") from None


def point(value: Any, who: str, name: str) -> np.ndarray:
    """A 1-D sequence of finite numbers, such as a search's start, as an array."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray)):
        raise TypeError(f"{who}: {name} must be a sequence of numbers such as (-2, 3), got {describe(value)}")
    array = as_number(value, who, name)
    if array.ndim != 1:
        raise ValueError(f"{who}: {name} must be a flat sequence of numbers, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{who}: {name} must be finite, got {value!r}")
    return array


def same_shape(value: Any, shape: tuple[int, ...], who: str, name: str, expected: str) -> None:
    """A ValueError unless ``value`` has ``shape``; ``expected`` names what has it."""
    if np.shape(value) != shape:
        raise ValueError(f"{who}: {name} has shape {np.shape(value)}, but {expected} has shape {shape}")


def matmul_shapes(a: tuple[int, ...], b: tuple[int, ...], who: str) -> None:
    """A ValueError unless arrays of shapes ``a`` and ``b`` can be multiplied
    with ``@`` (numpy's rules: 1-D operands, broadcast batch axes)."""
    if not a or not b:
        raise ValueError(f"{who}: @ needs arrays of at least one dimension, got shapes {a} and {b}")
    inner_a, inner_b = a[-1], b[0] if len(b) == 1 else b[-2]
    if inner_a != inner_b:
        raise ValueError(
            f"{who}: cannot matrix-multiply shapes {a} and {b}: inner sizes {inner_a} and {inner_b} differ"
        )
    try:
        np.broadcast_shapes(a[:-2], b[:-2])
    except ValueError:
        raise ValueError(
            f"{who}: cannot matrix-multiply shapes {a} and {b}: their batch shapes {a[:-2]} and "
            f"{b[:-2]} do not broadcast"
        ) from None


def make_rng(rng: Any, who: str = "make_rng") -> np.random.Generator:
    """A ``numpy.random.Generator``: the one given, or a new one from a seed
    (``None`` for a fresh, unseeded one)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, _BOOL)):
        return np.random.default_rng(rng)
    raise TypeError(f"{who}: rng must be a numpy Generator or an integer seed, got {describe(rng)}")
