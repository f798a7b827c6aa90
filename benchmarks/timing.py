"""Interleaved timing: every case takes one turn per round, so machine noise
hits all alike.

The machine the book is built on is shared and noisy (the same code can run
50% slower from one minute to the next), so cases that are compared are
timed in the same process, round by round, and each is summarised by the
median over rounds of its time per call.  The comparisons are ratios of
those medians.

Garbage collection stays ON: it is part of what an engine costs (micrograd's
graph is made of reference cycles, which only the collector frees; gradbook's
tape has none).  It is only run to completion before each turn, so no case
pays for the garbage another one left.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """One case's timing: seconds per call in each round, and how many calls a
    round made."""

    samples: tuple[float, ...]
    calls_per_round: int

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def as_json(self) -> dict:
        return {
            "median_seconds": self.median,
            "calls_per_round": self.calls_per_round,
            "seconds_per_call_each_round": [
                float(f"{s:.4g}") for s in self.samples
            ],
        }


def calls_for(fn: Callable[[], object], turn: float) -> int:
    """How many back-to-back calls of ``fn`` take about ``turn`` seconds
    (at least one)."""
    fn()  # warm up: first-call costs (imports, caches) are not what we measure
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, round(turn / once))


def interleaved(
    cases: Mapping[str, Callable[[], object]], rounds: int, turn: float = 0.02
) -> dict[str, Timing]:
    """Time each case for ``rounds`` rounds; in each round every case takes
    one turn.

    A turn is as many back-to-back calls as fill about ``turn`` seconds: short
    enough that a burst of load from another process spoils few turns (the
    median ignores them), long enough that garbage collection runs inside it
    as it would in real use.  The order of the cases rotates from round to
    round, so no case always follows the same neighbour.
    """
    calls = {name: calls_for(fn, turn) for name, fn in cases.items()}
    samples: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            fn, n = cases[name], calls[name]
            gc.collect()
            start = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - start) / n)
    return {name: Timing(tuple(samples[name]), calls[name]) for name in cases}
