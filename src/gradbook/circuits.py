"""The book's models, each written once for every kind of number.

Like the Haskell original, where ``neuron`` has one type signature for every
number type, each function here runs unchanged on floats (its value), numpy
arrays (many points at once), ``Dual`` (forward mode) and ``Var`` (reverse
mode).
"""

from __future__ import annotations

from collections.abc import Sequence

from gradbook import checks
from gradbook.functions import Operand, sigmoid

__all__ = ["NEURON_INPUTS", "multiply_gate", "neuron", "sum_of_squares"]

NEURON_INPUTS = ("a", "b", "c", "x", "y")


def multiply_gate(x: Operand, y: Operand) -> Operand:
    """The simplest circuit: ``f(x, y) = x * y``."""
    x = checks.operand(x, "multiply_gate", "x")
    y = checks.operand(y, "multiply_gate", "y")
    checks.broadcast(x, y, "multiply_gate")
    return x * y


def neuron(params: Sequence[Operand]) -> Operand:
    """A single neuron, ``sigmoid(a*x + b*y + c)``, for
    ``params = [a, b, c, x, y]``."""
    a, b, c, x, y = checks.operands(params, "neuron", "params", NEURON_INPUTS)
    return sigmoid(a * x + b * y + c)


def sum_of_squares(xs: Sequence[Operand]) -> Operand:
    """``x1**2 + ... + xn**2``: a function of n arguments, written as n scalar
    steps."""
    total = 0.0
    for x in checks.operands(xs, "sum_of_squares", "xs"):
        total = total + x * x
    return total
