"""7. JAX, a compiled engine, on the neuron and on the digits MLP.

``jax.jit(jax.grad(f))`` on the CPU in float64: JAX traces ``f`` once,
derives its backward pass, and XLA compiles both into one program of
machine code.  JAX is not in the book's lock: it lives in
``benchmarks/requirements.txt`` and runs in ``benchmarks/.venv`` (``make
bench`` makes it), so this case imports only JAX, numpy, scikit-learn, the
floors and ``gradbook.article`` (from ``src/``; it needs only numpy).
Each engine is reported as a multiple of the floor measured in this same
process: the plain float neuron, and the numpy forward pass.
"""

from __future__ import annotations

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks import checks
from benchmarks.floors import (
    hand_gradient,
    numpy_gradient,
    numpy_loss,
    plain_neuron,
    problem,
)
from benchmarks.timing import interleaved
from gradbook.article import GRADIENT, POINT

jax.config.update("jax_enable_x64", True)

IMPORTS = ("jax", "jaxlib", "numpy", "scikit-learn")

PLAIN = "plain float evaluation, inline"
HAND = "gradient by hand (5 partials, floats)"
FORWARD = "numpy forward only"
BY_HAND = "numpy forward + backward by hand"
JAX = "JAX jit(grad)"


def _jax_neuron(p: jax.Array) -> jax.Array:
    return 1 / (1 + jnp.exp(-(p[0] * p[3] + p[1] * p[4] + p[2])))


def _jax_loss(params: list, x: jax.Array, targets: jax.Array) -> jax.Array:
    w1, b1, w2, b2 = params
    scores = jnp.tanh(x @ w1 + b1) @ w2 + b2
    log_p = jax.nn.log_softmax(scores, axis=1)
    return -(log_p * targets).sum(axis=1).mean()


def neuron_cases() -> dict:
    gradient = jax.jit(jax.grad(_jax_neuron))
    floats = [float(p) for p in POINT]
    point = jnp.array([float(p) for p in POINT])
    timed = {
        PLAIN: lambda: plain_neuron(*floats),
        HAND: lambda: hand_gradient(*floats),
        JAX: lambda: gradient(point).block_until_ready(),
    }
    checks.close(
        np.asarray(timed[JAX]()), GRADIENT, "JAX's neuron gradient", 1e-14
    )
    return timed


def vector_cases() -> dict:
    x, targets, params = problem()
    gradient = jax.jit(jax.grad(_jax_loss))
    jx, jt = jnp.asarray(x), jnp.asarray(targets)
    jparams = [jnp.asarray(p) for p in params]
    timed = {
        FORWARD: lambda: numpy_loss(params, x, targets),
        BY_HAND: lambda: numpy_gradient(params, x, targets),
        JAX: lambda: [
            g.block_until_ready() for g in gradient(jparams, jx, jt)
        ],
    }
    _, reference = numpy_gradient(params, x, targets)
    checks.close(
        [np.asarray(g) for g in timed[JAX]()],
        reference,
        "JAX's MLP gradient against the hand-written one",
    )
    return timed


def measure(rounds: int) -> dict:
    neuron = interleaved(neuron_cases(), 2 * rounds)
    vector = interleaved(vector_cases(), rounds, turn=0.05)
    plain, forward = neuron[PLAIN].median, vector[FORWARD].median
    return {
        "checked": (
            "JAX's gradients agree with the article's partials (1e-14) "
            "and with the hand-written MLP gradient (1e-9)"
        ),
        "device": str(jax.devices()[0]),
        "float64": bool(jax.config.jax_enable_x64),
        "neuron, ratio to plain float evaluation": {
            name: t.median / plain for name, t in neuron.items()
        },
        "neuron, microseconds": {
            name: t.median * 1e6 for name, t in neuron.items()
        },
        "vector MLP, ratio to numpy forward": {
            name: t.median / forward for name, t in vector.items()
        },
        "vector MLP, milliseconds": {
            name: t.median * 1e3 for name, t in vector.items()
        },
        "timings": {
            "neuron": {name: t.as_json() for name, t in neuron.items()},
            "vector MLP": {name: t.as_json() for name, t in vector.items()},
        },
    }
