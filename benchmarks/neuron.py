"""1. The article's neuron: all five partials of sigmoid(a*x + b*y + c) at
[1, 2, -3, -1, 3].

Each engine computes the whole gradient from scratch on every call, as a
user would: gradbook's reverse mode (``grad_bp``, one forward and one
backward pass), gradbook's forward mode (``dual.gradient``, five forward
passes), micrograd (``Value`` graph and ``.backward()``) and autograd
(``grad`` of a numpy function of a 5-vector).  ``jit.compile_grad``
records ``backprop`` once, before the timing, and runs the straight-line
Python it generated (as ``jax.jit`` compiles once, then runs).

Two floors, both without a gradient: the neuron written inline on floats
(the least Python can do), and ``circuits.neuron`` on floats (the book's
model, written once for every number type, with its argument checks).
The gradient written out by hand, five partials from one pass of float
arithmetic, is the physical reference: how close an engine could come.
"""

from __future__ import annotations

from collections.abc import Callable

import autograd
import autograd.numpy as anp
import numpy as np
from micrograd.engine import Value

from benchmarks import checks, peers  # noqa: F401  (peers adds micrograd's Value.exp)
from benchmarks.floors import hand_gradient, plain_neuron
from benchmarks.timing import interleaved
from gradbook import article, dual
from gradbook.article import GRADIENT, VALUE
from gradbook.backprop import eval_bp, grad_bp
from gradbook.circuits import neuron
from gradbook.i18n import N_
from gradbook.jit import compile_grad

IMPORTS = ("gradbook", "numpy", "micrograd", "autograd")

# As floats, so every engine is timed on the same inputs.
POINT = [float(p) for p in article.POINT]  # [a, b, c, x, y]

# The appendix's figures draw these names, translated (gradbook.i18n).
PLAIN = N_("plain float evaluation, inline")
FLOAT = N_("circuits.neuron on floats")
HAND = N_("gradient by hand (5 partials, floats)")
OURS = N_("gradbook Var (reverse, grad_bp)")
COMPILED = N_("gradbook compile_grad (recorded once)")
DUAL = N_("gradbook Dual (5 forward passes)")
MICROGRAD = N_("micrograd")
AUTOGRAD = N_("autograd")


def micrograd_gradient() -> list[float]:
    """The neuron in micrograd, written as its README writes models."""
    a, b, c, x, y = (Value(p) for p in POINT)
    out = 1 / (1 + (-(a * x + b * y + c)).exp())
    out.backward()
    return [a.grad, b.grad, c.grad, x.grad, y.grad]


def _autograd_neuron(p: np.ndarray) -> object:
    return 1 / (1 + anp.exp(-(p[0] * p[3] + p[1] * p[4] + p[2])))


def cases() -> dict[str, Callable[[], object]]:
    """The timed callables, each checked against the article first."""
    autograd_gradient = autograd.grad(_autograd_neuron)
    point = np.array(POINT)
    compiled = compile_grad(neuron, POINT)
    timed: dict[str, Callable[[], object]] = {
        PLAIN: lambda: plain_neuron(*POINT),
        FLOAT: lambda: neuron(POINT),
        HAND: lambda: hand_gradient(*POINT),
        OURS: lambda: grad_bp(neuron, POINT),
        COMPILED: lambda: compiled(POINT),
        DUAL: lambda: dual.gradient(neuron, POINT),
        MICROGRAD: micrograd_gradient,
        AUTOGRAD: lambda: autograd_gradient(point),
    }
    checks.exactly(timed[PLAIN](), VALUE, "the inline neuron's value")
    checks.exactly(timed[FLOAT](), VALUE, "the neuron's value")
    checks.close(timed[HAND](), GRADIENT, "the gradient by hand", rtol=1e-14)
    checks.exactly(eval_bp(neuron, POINT), VALUE, "eval_bp of the neuron")
    checks.exactly(
        timed[OURS](), GRADIENT, "grad_bp of the neuron (the article's digits)"
    )
    value, grads = timed[COMPILED]()
    checks.exactly(value, VALUE, "compile_grad's value of the neuron")
    checks.exactly(
        grads, GRADIENT, "compile_grad of the neuron (the article's digits)"
    )
    checks.exactly(
        timed[DUAL](),
        GRADIENT,
        "dual.gradient of the neuron (the article's digits)",
    )
    checks.close(
        timed[MICROGRAD](), GRADIENT, "micrograd's neuron gradient", rtol=1e-14
    )
    checks.close(
        timed[AUTOGRAD](), GRADIENT, "autograd's neuron gradient", rtol=1e-14
    )
    return timed


def measure(rounds: int) -> dict:
    times = interleaved(cases(), rounds)
    plain, floor = times[PLAIN].median, times[FLOAT].median
    return {
        "checked": (
            "gradbook's Var, Dual and compiled gradient give the article's "
            "five partials to the last digit; "
            "micrograd, autograd and the gradient by hand agree with them "
            "to 1e-14"
        ),
        "microseconds per gradient": {
            name: t.median * 1e6 for name, t in times.items()
        },
        "ratio to plain float evaluation": {
            name: t.median / plain for name, t in times.items()
        },
        "ratio to float evaluation": {
            name: t.median / floor for name, t in times.items()
        },
        "gradbook Var / micrograd": times[OURS].median
        / times[MICROGRAD].median,
        "compile_grad / plain float evaluation": times[COMPILED].median
        / plain,
        "note": (
            "micrograd 0.1.0 has no exp: the benchmark adds one to its Value, "
            "in micrograd's own style (benchmarks/peers.py)"
        ),
        "timings": {name: t.as_json() for name, t in times.items()},
    }
