"""Timing one call, for the chapters' timing cells."""

import timeit
from collections.abc import Callable


def seconds_per_call(f: Callable[[], object], repeat: int = 5) -> float:
    """The best of ``repeat`` measurements of the time of ``f()``, each over
    enough calls to take 0.2 s, so that a coarse clock (a browser's counts
    in steps of 0.1 ms) still measures a fast call."""
    timer = timeit.Timer(f)
    number, seconds = timer.autorange()  # its last try is a measurement
    more = timer.repeat(repeat=repeat - 1, number=number)
    return min([seconds, *more]) / number
