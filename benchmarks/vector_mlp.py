"""3. A vectorized MLP gradient at the digits' size: 1797 x 64 -> 128 tanh ->
10-way softmax.

The loss is the mean softmax cross-entropy over all 1,797 of scikit-learn's
8x8 digit images, in float64.  Four ways to get at it:

- numpy, forward only: the loss and nothing else, the floor;
- numpy, forward and backward written by hand: what a library saves you from;
- autograd: ``autograd.grad`` of the loss written with ``autograd.numpy``;
- gradbook: ``grad_bp`` of the loss written with ``gradbook.functions.tanh``,
  ``log_softmax`` and the array ``Var``'s ``@``, ``+``, ``.sum`` and ``.mean``
  (the model is written here, not taken from ``gradbook.nn``, so that this
  measures the engine);
- gradbook's ``jit.compile_grad`` of the same loss: ``backprop`` recorded
  once (before the timing), run as generated numpy code;
- gradbook's ``hvp``: the Hessian of the loss times a direction, forward
  mode over reverse mode, against one gradient (``grad_bp``).

How glibc's malloc hands memory back to the system changes these numbers:
by default it returns the large blocks that arrays of this size live in,
and takes them again on the next pass, each time as fresh pages that the
kernel must zero (minor page faults, counted here with their system time).
``run.py`` measures this case twice, once with glibc's defaults and once with
``GLIBC_TUNABLES`` (``TUNED_MALLOC``) raising the thresholds so the blocks
are kept.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Callable
from typing import Any

import autograd
import autograd.numpy as anp
import numpy as np

from benchmarks import checks
from benchmarks.floors import numpy_gradient, numpy_loss, problem
from benchmarks.timing import interleaved
from gradbook.backprop import eval_bp, grad_bp, hvp
from gradbook.functions import log_softmax, tanh
from gradbook.i18n import N_
from gradbook.jit import compile_grad

IMPORTS = ("gradbook", "numpy", "autograd", "scikit-learn")

# The appendix's figures draw these names, translated (gradbook.i18n).
FORWARD = N_("numpy forward only")
BY_HAND = N_("numpy forward + backward by hand")
AUTOGRAD = N_("autograd")
OURS = N_("gradbook Var")
COMPILED = N_("gradbook compile_grad")
HVP = N_("gradbook hvp (Hessian times a vector)")


# Keep freed blocks up to 1 GiB in the heap, and serve blocks up to 32 MiB
# from it instead of from fresh mmap'd pages.
TUNED_MALLOC = (
    "glibc.malloc.trim_threshold=1073741824:"
    "glibc.malloc.mmap_threshold=33554432"
)


def autograd_loss(params: list, x: np.ndarray, targets: np.ndarray) -> Any:
    w1, b1, w2, b2 = params
    scores = anp.dot(anp.tanh(anp.dot(x, w1) + b1), w2) + b2
    shifted = scores - anp.max(scores, axis=1, keepdims=True)
    log_p = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
    return -anp.mean(anp.sum(log_p * targets, axis=1))


def gradbook_loss(params: list, x: np.ndarray, targets: np.ndarray) -> Any:
    w1, b1, w2, b2 = params
    scores = tanh(x @ w1 + b1) @ w2 + b2
    return -(log_softmax(scores, axis=1) * targets).sum(axis=1).mean()


def cases() -> dict[str, Callable[[], object]]:
    """The timed callables, each checked against the hand-written gradient
    first."""
    x, targets, params = problem()
    autograd_gradient = autograd.grad(autograd_loss)

    def objective(p: list) -> Any:
        return gradbook_loss(p, x, targets)

    compiled = compile_grad(objective, params)
    direction = [np.cos(np.arange(p.size)).reshape(p.shape) for p in params]
    timed: dict[str, Callable[[], object]] = {
        FORWARD: lambda: numpy_loss(params, x, targets),
        BY_HAND: lambda: numpy_gradient(params, x, targets),
        AUTOGRAD: lambda: autograd_gradient(params, x, targets),
        OURS: lambda: grad_bp(objective, params),
        COMPILED: lambda: compiled(params),
        HVP: lambda: hvp(objective, params, direction),
    }
    loss, reference = numpy_gradient(params, x, targets)
    checks.close(
        timed[FORWARD](),
        loss,
        "numpy forward against the hand-written pass",
        rtol=1e-12,
    )
    checks.close(
        eval_bp(lambda p: gradbook_loss(p, x, targets), params),
        loss,
        "gradbook's loss",
        rtol=1e-12,
    )
    checks.close(
        timed[AUTOGRAD](),
        reference,
        "autograd's gradient against the hand-written one",
    )
    checks.close(
        timed[OURS](),
        reference,
        "gradbook's gradient against the hand-written one",
    )
    value, grads = timed[COMPILED]()
    checks.exactly(value, eval_bp(objective, params), "compile_grad's loss")
    for got, exact in zip(grads, grad_bp(objective, params), strict=True):
        checks.exactly(got, exact, "compile_grad's gradient (as grad_bp's)")
    checks.close(
        timed[HVP](),
        _hvp_by_differences(objective, params, direction),
        "hvp against differences of gradients",
        rtol=1e-5,
        atol=1e-8,
    )
    return timed


def _hvp_by_differences(loss: Callable, params: list, v: list) -> list:
    """``(grad(p + h v) - grad(p - h v)) / 2h``, the referee of ``hvp``."""
    h = 1e-5
    up = grad_bp(loss, [p + h * d for p, d in zip(params, v, strict=True)])
    down = grad_bp(loss, [p - h * d for p, d in zip(params, v, strict=True)])
    return [(a - b) / (2 * h) for a, b in zip(up, down, strict=True)]


def faults(fn: Callable[[], object], calls: int = 20) -> dict[str, float]:
    """Minor page faults and system time (ms) per call of ``fn``."""
    fn()
    before = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(calls):
        fn()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "minor page faults": (after.ru_minflt - before.ru_minflt) / calls,
        "system time (ms)": (after.ru_stime - before.ru_stime) / calls * 1e3,
    }


def measure(rounds: int) -> dict:
    timed = cases()
    times = interleaved(timed, rounds, turn=0.05)
    floor = times[FORWARD].median
    return {
        "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES", "(not set)"),
        "checked": (
            "loss of every version agrees (rtol 1e-12); "
            "autograd's and gradbook's gradients "
            "agree with the hand-written one (rtol 1e-9); compile_grad's "
            "equal grad_bp's exactly; hvp agrees with differences of "
            "gradients (rtol 1e-5)"
        ),
        "milliseconds": {name: t.median * 1e3 for name, t in times.items()},
        "ratio to numpy forward": {
            name: t.median / floor for name, t in times.items()
        },
        "gradbook Var / autograd": times[OURS].median / times[AUTOGRAD].median,
        "compile_grad / numpy forward + backward by hand": times[
            COMPILED
        ].median
        / times[BY_HAND].median,
        "hvp / one gradient (grad_bp)": times[HVP].median / times[OURS].median,
        "per call": {name: faults(fn) for name, fn in timed.items()},
        "timings": {name: t.as_json() for name, t in times.items()},
    }
