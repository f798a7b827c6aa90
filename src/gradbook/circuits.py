"""The book's models, each written once for every kind of number.

Like the Haskell original, where ``neuron`` has one type signature for every
number type, each function here runs unchanged on floats (its value), numpy
arrays (many points at once), ``Dual`` (forward mode) and ``Var`` (reverse
mode).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gradbook import checks
from gradbook.functions import sigmoid

__all__ = ["NEURON_INPUTS", "multiply_gate", "neuron", "sum_of_squares"]

NEURON_INPUTS = ("a", "b", "c", "x", "y")


def multiply_gate(x: Any, y: Any) -> Any:
    """The simplest circuit: ``f(x, y) = x * y``."""
    return x * y


def neuron(params: Sequence[Any]) -> Any:
    """A single neuron, ``sigmoid(a*x + b*y + c)``, for ``params = [a, b, c, x, y]``."""
    five = "five inputs [a, b, c, x, y]"
    try:
        count = len(params)
    except TypeError:
        message = f"neuron: params must be a list of {five}"
        got = checks.describe(params)
        raise TypeError(f"{message}, got {got}") from None
    if count != len(NEURON_INPUTS):
        raise ValueError(f"neuron: params must hold {five}, got {count}")
    a, b, c, x, y = params
    return sigmoid(a * x + b * y + c)


def sum_of_squares(xs: Sequence[Any]) -> Any:
    """``x1**2 + ... + xn**2``: a function of n inputs, written as n scalar steps."""
    total: Any = 0.0
    for x in xs:
        total = total + x * x
    return total
