"""The article's fixed points: the numbers the book retells, in one place.

Chapters, live panels, tests and benchmarks read them from here, and every
mode of differentiation must reproduce them to the last digit.

Chapter 1 runs random local search on the multiply gate from ``START`` with
tweak amount ``TWEAK`` for ``ITERATIONS`` iterations.  Chapters 2 and 3
evaluate the neuron ``sigmoid(a*x + b*y + c)`` at ``POINT``: its output is
``VALUE`` and its partial derivatives, in the order of ``NEURON_INPUTS``,
are ``GRADIENT``.

``POINT`` and ``GRADIENT`` are lists, like the gradients the engine returns,
so ``grad_bp(neuron, POINT) == GRADIENT``.  Copy them before changing them:
``point = list(POINT)``.
"""

from gradbook.circuits import NEURON_INPUTS

__all__ = [
    "GRADIENT",
    "ITERATIONS",
    "NEURON_INPUTS",
    "POINT",
    "START",
    "TWEAK",
    "VALUE",
]

# Chapter 1: random local search on x * y.
START = (-2, 3)  # (x, y)
TWEAK = 0.01
ITERATIONS = 100

# Chapters 2 and 3: the neuron.  NEURON_INPUTS names its inputs, in order;
# it is defined with the model, in gradbook.circuits.
POINT = [1, 2, -3, -1, 3]  # a, b, c, x, y
VALUE = 0.8807970779778823
GRADIENT = [
    -0.1049935854035065,  # d/da
    0.3149807562105195,  # d/db
    0.1049935854035065,  # d/dc
    0.1049935854035065,  # d/dx
    0.209987170807013,  # d/dy
]
