"""4. Forward against reverse mode as the number of inputs grows.

The gradient of ``circuits.sum_of_squares`` (n scalar steps) for n = 1, 10,
100, 1000: dual numbers need n forward passes of n steps each, backprop one
forward and one backward pass.  The growth exponent k in time ~ n**k is the
slope of a least-squares line through (log n, log time) for n >= 10 (at
n = 1 fixed overheads dominate); expect about 2 and about 1.

Reverse mode alone also runs at n = 10^4, where its tape holds 30,000 nodes,
twice: as ``grad_bp`` runs it (the cyclic garbage collector paused for the
pass) and with the collector left on (``backprop._one_pass``, the same pass
without the pause), so that each run re-checks that the pause still pays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from benchmarks import checks
from benchmarks.timing import Timing, interleaved
from gradbook import backprop, dual
from gradbook.backprop import grad_bp
from gradbook.circuits import sum_of_squares
from gradbook.functions import close_level, open_level
from gradbook.i18n import N_

IMPORTS = ("gradbook", "numpy")

SIZES = (1, 10, 100, 1000)
LARGE = 10_000  # reverse mode only: forward mode would take minutes
COLLECTING = "reverse, garbage collector left on"
# The appendix's figures draw these names, translated (gradbook.i18n).
FORWARD = N_("forward (dual numbers, n passes)")
REVERSE = N_("reverse (backprop, one pass)")


def point(n: int) -> list[float]:
    return [float(i % 7) - 3.0 for i in range(n)]


def cases(n: int) -> dict[str, Callable[[], object]]:
    """Both gradients at n inputs, checked (2 x exactly) along with how often
    each ran f."""
    xs = point(n)
    calls = {FORWARD: 0, REVERSE: 0}

    def counted(mode: str) -> Callable[[Sequence[object]], object]:
        def f(v: Sequence[object]) -> object:
            calls[mode] += 1
            return sum_of_squares(v)

        return f

    checks.exactly(
        dual.gradient(counted(FORWARD), xs),
        [2 * x for x in xs],
        f"dual gradient, n = {n}",
    )
    checks.exactly(
        grad_bp(counted(REVERSE), xs), [2 * x for x in xs], f"grad_bp, n = {n}"
    )
    if calls != {FORWARD: n, REVERSE: 1}:
        raise checks.WrongAnswerError(
            f"expected n = {n} forward passes and 1 reverse pass, "
            f"counted {calls}"
        )
    return {
        FORWARD: lambda: dual.gradient(sum_of_squares, xs),
        REVERSE: lambda: grad_bp(sum_of_squares, xs),
    }


def _collector_left_on(xs: list[float]) -> list[float]:
    """``grad_bp``'s pass without its pause of the garbage collector."""
    tape = backprop.Tape()
    open_level(tape.level)
    try:
        return backprop._one_pass(sum_of_squares, xs, tape, "bench")[1]
    finally:
        close_level(tape.level)
        tape.nodes.clear()


def growth_exponent(sizes: Sequence[int], seconds: Sequence[float]) -> float:
    """The slope k of log(time) = k log(n) + c, fitted by least squares."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def measure(rounds: int, sizes: Sequence[int] = SIZES) -> dict:
    times: dict[int, dict[str, Timing]] = {}
    for n in sizes:
        # the largest forward case takes seconds per call: fewer rounds there
        times[n] = interleaved(
            cases(n), rounds if n < 1000 else max(3, rounds // 3)
        )
    xs = point(LARGE)
    large = {
        REVERSE: lambda: grad_bp(sum_of_squares, xs),
        COLLECTING: lambda: _collector_left_on(xs),
    }
    for mode, fn in large.items():
        checks.exactly(fn(), [2 * x for x in xs], f"{mode}, n = {LARGE}")
    at_large = interleaved(large, max(3, rounds // 3))
    fitted = [n for n in sizes if n >= 10]
    seconds = {
        mode: [times[n][mode].median for n in sizes]
        for mode in (FORWARD, REVERSE)
    }
    return {
        "checked": (
            "both give exactly 2 x at every n; "
            "forward mode ran f n times, reverse mode once"
        ),
        "n": list(sizes),
        "milliseconds": {
            mode: [s * 1e3 for s in ts] for mode, ts in seconds.items()
        },
        "forward / reverse": [
            f / r
            for f, r in zip(seconds[FORWARD], seconds[REVERSE], strict=True)
        ],
        "growth exponent (n >= 10)": {
            mode: growth_exponent(
                fitted, [times[n][mode].median for n in fitted]
            )
            for mode in seconds
        },
        f"reverse at n = {LARGE} (ms)": {
            mode: t.median * 1e3 for mode, t in at_large.items()
        },
        f"reverse growth exponent (n = 100 to {LARGE})": growth_exponent(
            [100, 1000, LARGE],
            [
                times[100][REVERSE].median,
                times[1000][REVERSE].median,
                at_large[REVERSE].median,
            ],
        )
        if {100, 1000} <= set(sizes)
        else None,
        "timings": {
            str(n): {mode: t.as_json() for mode, t in ts.items()}
            for n, ts in times.items()
        }
        | {str(LARGE): {m: t.as_json() for m, t in at_large.items()}},
    }
